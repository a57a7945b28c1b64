package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/deckreel/deckreel/internal/mediatest"
)

// narratedTalk is three slides with notes; the second builds a list in
// step with its [next] cues.
const narratedTalk = `---
title: Narrated
duration: 1s
transition: fade 0.3s
---
# Welcome

Note: Hello and welcome to this talk. It is short.

---

# Two things

<!-- build -->
- apples
- pears

Note: There are two things to say. [next] First, apples are red. [next] Then pears are green.

---

# Goodbye

Note: Thank you for watching.
`

// requireSpeech is requireTools for a narrated render: the engines too.
func requireSpeech(t *testing.T, programs ...string) {
	t.Helper()
	requireTools(t)
	for _, p := range programs {
		if _, err := exec.LookPath(p); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is required in CI (.ci/install-deps.sh installs it): %v", p, err)
			}
			t.Skip(err)
		}
	}
}

// narratedTimeline is the start of each slide and of each step, in
// seconds, as inspect --narrate --json reports them.
func narratedTimeline(t *testing.T, args ...string) (slides []float64, steps []float64, end float64) {
	t.Helper()
	res := runCLI(t, append([]string{"inspect", "--narrate", "--json"}, args...)...)
	if res.code != 0 {
		t.Fatalf("inspect --narrate: exit %d: %s", res.code, res.stderr)
	}
	var rep struct {
		Steps []struct {
			Slide int
			Start float64
		}
		Totals struct{ Duration float64 }
	}
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
		t.Fatalf("inspect --json: %v\n%s", err, res.stdout)
	}
	for _, st := range rep.Steps {
		if st.Slide > len(slides) {
			slides = append(slides, st.Start)
		}
		steps = append(steps, st.Start)
	}
	return slides, steps, rep.Totals.Duration
}

var srtCue = regexp.MustCompile(`(\d\d):(\d\d):(\d\d),(\d\d\d) --> (\d\d):(\d\d):(\d\d),(\d\d\d)\n((?:.+\n?)+)`)

// readSRT returns the cues of an SRT file: start, end (seconds) and text.
func readSRT(t *testing.T, path string) (cues []struct {
	start, end float64
	text       string
}) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sec := func(m []string) float64 {
		h, _ := strconv.Atoi(m[0])
		mi, _ := strconv.Atoi(m[1])
		s, _ := strconv.Atoi(m[2])
		ms, _ := strconv.Atoi(m[3])
		return float64(h*3600+mi*60+s) + float64(ms)/1000
	}
	for _, m := range srtCue.FindAllStringSubmatch(string(b), -1) {
		cues = append(cues, struct {
			start, end float64
			text       string
		}{sec(m[1:5]), sec(m[5:9]), strings.Join(strings.Fields(m[9]), " ")})
	}
	return cues
}

// TestNarratedRender renders the talk with the default engine: the video
// has sound; each slide's speech starts within 0.2 s of its first frame and
// ends before the next slide; the captions carry every word of the notes
// (never "[next]"), each shown while its slide speaks; the build steps start
// where their sentences do. A second render synthesizes nothing.
func TestNarratedRender(t *testing.T) {
	requireSpeech(t, "text2wave", "festival")
	dir := t.TempDir()
	talk := filepath.Join(dir, "talk.md")
	if err := os.WriteFile(talk, []byte(narratedTalk), 0o644); err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(dir, "cache")
	out := filepath.Join(dir, "talk.mp4")
	args := []string{"render", talk, "--narrate", "--tts-cache", cache, "-o", out, "--size", "320x180", "--fps", "10", "--captions", "srt", "--progress", "none"}
	res := runCLI(t, args...)
	if res.code != 0 {
		t.Fatalf("render --narrate: exit %d: %s", res.code, res.stderr)
	}
	if !strings.Contains(res.stderr, "narration: 6 sentence(s) synthesized, 0 from the cache") {
		t.Errorf("first render: stderr %q does not report 6 sentences synthesized", res.stderr)
	}
	if b, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "a", "-show_entries", "stream=codec_type", "-of", "csv=p=0", out).Output(); err != nil || !strings.Contains(string(b), "audio") {
		t.Fatalf("no audio stream in %s: %v %q", out, err, b)
	}
	slides, steps, end := narratedTimeline(t, talk, "--tts-cache", cache, "--fps", "10")
	if len(slides) != 3 || len(steps) != 5 {
		t.Fatalf("timeline: slides %v, steps %v", slides, steps)
	}
	spans, err := mediatest.Sounding(context.Background(), out, 0.01)
	if err != nil {
		t.Fatal(err)
	}
	bounds := append(slides, end)
	for i := range slides {
		var in [][2]float64
		for _, sp := range spans {
			if sp[0] >= bounds[i] && sp[0] < bounds[i+1] {
				in = append(in, sp)
			}
		}
		if len(in) == 0 {
			t.Errorf("slide %d (%.2f-%.2f s) is silent; sound %v", i+1, bounds[i], bounds[i+1], spans)
			continue
		}
		if lag := in[0][0] - bounds[i]; lag > 0.2 {
			t.Errorf("slide %d: speech starts %.3f s after its first frame at %.2f s, want within 0.2 s", i+1, lag, bounds[i])
		}
		if last := in[len(in)-1][1]; last > bounds[i+1]+0.01 {
			t.Errorf("slide %d: speech runs to %.2f s, past the slide's end at %.2f s", i+1, last, bounds[i+1])
		}
	}
	// Slide 2's fragments start where "First" and "Then" are spoken.
	cues := readSRT(t, filepath.Join(dir, "talk.srt"))
	var words []string
	for _, c := range cues {
		if strings.Contains(c.text, "[next]") || strings.Contains(c.text, "next]") {
			t.Errorf("caption %q shows the cue", c.text)
		}
		words = append(words, strings.Fields(c.text)...)
		slide := 0
		for slide+1 < len(slides) && c.start >= slides[slide+1] {
			slide++
		}
		var speech [][2]float64
		for _, sp := range spans {
			if sp[0] >= bounds[slide] && sp[0] < bounds[slide+1] {
				speech = append(speech, sp)
			}
		}
		if len(speech) == 0 || c.start < speech[0][0]-0.15 || c.end > speech[len(speech)-1][1]+0.35 {
			t.Errorf("caption %q at %.2f-%.2f s is outside slide %d's speech %v", c.text, c.start, c.end, slide+1, speech)
		}
		for k, first := range map[int]string{2: "First,", 3: "Then"} {
			if strings.HasPrefix(c.text, first) {
				if d := c.start - steps[k]; d < -0.05 || d > 0.5 {
					t.Errorf("step %d starts at %.2f s, its sentence %q at %.2f s", k+1, steps[k], c.text, c.start)
				}
			}
		}
	}
	if got, want := strings.Join(words, " "), "Hello and welcome to this talk. It is short. There are two things to say. First, apples are red. Then pears are green. Thank you for watching."; got != want {
		t.Errorf("captions say %q, want %q", got, want)
	}
	if len(cues) < 6 {
		t.Errorf("%d captions, want one per sentence at least", len(cues))
	}

	// The second render also asks for a poster of the last slide, a frame
	// past the end of the deck unnarrated (3 slides of 1 s).
	poster := filepath.Join(dir, "poster.png")
	frame := int(slides[2]*10) + 2
	if frame < 40 {
		t.Fatalf("the last slide starts at frame %d: the narrated deck is no longer than the plain one", frame)
	}
	res = runCLI(t, append(args, "--poster", poster, "--poster-frame", strconv.Itoa(frame))...)
	if res.code != 0 || !strings.Contains(res.stderr, "narration: 0 sentence(s) synthesized, 6 from the cache") {
		t.Errorf("second render: exit %d, stderr %q: want every sentence from the cache", res.code, res.stderr)
	}
	if _, err := os.Stat(poster); err != nil {
		t.Errorf("poster of frame %d: %v", frame, err)
	}
}

// ttsScript writes a --tts-command test engine: a shell script that
// counts its calls in calls.txt and writes a tone as long as a fifth of a
// second per word of the text file it is given.
func ttsScript(t *testing.T, dir string) (script, calls string) {
	t.Helper()
	calls = filepath.Join(dir, "calls.txt")
	script = filepath.Join(dir, "tts.sh")
	body := `#!/bin/sh
# tts.sh TEXTFILE OUT
echo call >> ` + calls + `
words=$(wc -w < "$1")
exec ffmpeg -nostdin -v error -f lavfi -i "sine=frequency=440:sample_rate=16000" -t "$(awk "BEGIN{print $words/5}")" -y "$2"
`
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	return script, calls
}

func countCalls(t *testing.T, calls string) int {
	t.Helper()
	b, err := os.ReadFile(calls)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(b), "call")
}

// TestNarrateCommandAndJob: --tts-command runs the user's program once
// per sentence; a job keeps the speech in its directory, so its shards
// and its merge (and a second render) call it no more.
func TestNarrateCommandAndJob(t *testing.T) {
	requireSpeech(t, "awk")
	dir := t.TempDir()
	talk := filepath.Join(dir, "deck", "talk.md")
	if err := os.MkdirAll(filepath.Dir(talk), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(talk, []byte(narratedTalk), 0o644); err != nil {
		t.Fatal(err)
	}
	script, calls := ttsScript(t, dir)
	command := script + " {textfile} {out}"
	jobDir, out := filepath.Join(dir, "job"), filepath.Join(dir, "talk.mp4")
	base := []string{"render", talk, "--narrate", "--tts-command", command, "--tts-cache", filepath.Join(dir, "cache"),
		"--job", jobDir, "-o", out, "--size", "320x180", "--fps", "10", "--progress", "none", "--workers", "1"}
	// The shards start together, as an indexed job's pods do: one speaks,
	// the other waits for it and finds the speech in the job directory.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var waits []func() error
	var errs []*syncBuffer
	for k := 1; k <= 2; k++ {
		cmd, _, stderr := deckreel(t, ctx, fmt.Sprintf("narrate-shard-%d-%d", k, time.Now().UnixNano()), append(base, "--shard", strconv.Itoa(k)+"/2")...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waits, errs = append(waits, cmd.Wait), append(errs, stderr)
	}
	for k, wait := range waits {
		if err := wait(); err != nil {
			t.Fatalf("shard %d/2: %v: %s", k+1, err, errs[k])
		}
	}
	if n := countCalls(t, calls); n != 6 {
		t.Errorf("after two shards: the engine ran %d times, want 6 (once per sentence)", n)
	}
	if res := runCLI(t, "merge", jobDir); res.code != 0 {
		t.Fatalf("merge: exit %d: %s", res.code, res.stderr)
	}
	if n := countCalls(t, calls); n != 6 {
		t.Errorf("after merge: the engine ran %d times, want 6", n)
	}
	again := filepath.Join(dir, "again.mp4")
	if res := runCLI(t, "resume", jobDir, "-o", again, "--progress", "none"); res.code != 0 {
		t.Fatalf("resume: exit %d: %s", res.code, res.stderr)
	}
	if n := countCalls(t, calls); n != 6 {
		t.Errorf("after resume: the engine ran %d times, want 6", n)
	}
	if ents, err := os.ReadDir(filepath.Join(jobDir, "narration")); err != nil || len(ents) == 0 {
		t.Errorf("the job directory keeps no narration: %v", err)
	}
	_, _, end := narratedTimeline(t, talk, "--tts-command", command, "--tts-cache", filepath.Join(dir, "cache"), "--fps", "10")
	b, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "format=duration:stream=codec_type", "-of", "csv=p=0", out).Output()
	if err != nil || !strings.Contains(string(b), "audio") {
		t.Fatalf("merged video: %v %q, want an audio stream", err, b)
	}
	spans, err := mediatest.Sounding(context.Background(), out, 0.01)
	if err != nil || len(spans) != 6 {
		t.Errorf("merged video sounds at %v (%v), want the 6 tones", spans, err)
	}
	// 44 words at 0.2 s, pauses, tails: the deck is timed by its speech.
	if end < 8.8 {
		t.Errorf("the narrated deck lasts %.2f s, less than its 8.8 s of speech", end)
	}
}

// TestNarrateBadEngine: an engine that is missing or fails is exit 2,
// naming the slide and the command; a narration flag without --narrate is
// a usage error.
func TestNarrateBadEngine(t *testing.T) {
	requireSpeech(t)
	dir := t.TempDir()
	talk := filepath.Join(dir, "talk.md")
	if err := os.WriteFile(talk, []byte(narratedTalk), 0o644); err != nil {
		t.Fatal(err)
	}
	fail := filepath.Join(dir, "fail.sh")
	if err := os.WriteFile(fail, []byte("#!/bin/sh\necho 'no voice today' >&2\nexit 7\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"missing", []string{"--narrate", "--tts-command", "/no/such/tts {text} {out}"}, []string{"talk.md:6: slide 1", "/no/such/tts", "not installed"}},
		{"failing", []string{"--narrate", "--tts-command", fail + " {out}"}, []string{"talk.md:6: slide 1", "fail.sh", "exit status 7", "no voice today"}},
		{"no --narrate", []string{"--voice", "en-us"}, []string{"--voice needs --narrate"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"render", talk, "-o", filepath.Join(dir, "out.mp4"), "--tts-cache", filepath.Join(dir, "cache"), "--progress", "none"}, tc.args...)
			if tc.name == "no --narrate" {
				args = append([]string{"render", talk, "-o", filepath.Join(dir, "out.mp4"), "--progress", "none"}, tc.args...)
			}
			res := runCLI(t, args...)
			if res.code != 2 {
				t.Fatalf("exit %d, want 2: %s", res.code, res.stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(res.stderr, w) {
					t.Errorf("stderr %q lacks %q", res.stderr, w)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "out.mp4")); err == nil {
				t.Errorf("a failed narration wrote the video")
			}
		})
	}
}
