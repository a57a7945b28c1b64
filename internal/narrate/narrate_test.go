package narrate

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/deckreel/deckreel/internal/deck"
	"github.com/deckreel/deckreel/internal/mediatest"
)

// requireEngine skips (fails in CI) a test that needs a program.
func requireEngine(t *testing.T, programs ...string) {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: skipped with -short")
	}
	mediatest.RequireFFmpeg(t)
	for _, p := range programs {
		if _, err := exec.LookPath(p); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is required in CI (.ci/install-deps.sh installs it): %v", p, err)
			}
			t.Skip(err)
		}
	}
}

const talk = `---
title: Talk
duration: 1s
---
# One

Note: Hello and welcome. This is the first slide.

---

# Two

<!-- build -->
- alpha
- beta

Note: Here is a list. [next] Alpha comes first. [next] And then beta.

---

# Three
`

func loadTalk(t testing.TB, md string) *deck.Deck {
	t.Helper()
	d, err := deck.LoadFS(fstest.MapFS{"talk.md": {Data: []byte(md)}}, "talk.md", deck.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// TestNarrateEngines: each engine speaks every sentence of the notes, a
// slide lasts at least its lead-in, speech and tail, the [next] cues start
// the build steps where their sentences start, a slide without notes keeps
// its second, and a second narration synthesizes nothing.
func TestNarrateEngines(t *testing.T) {
	for _, tc := range []struct {
		name     string
		programs []string
		s        Settings
		engine   string
	}{
		{"espeak-ng", []string{"espeak-ng"}, Settings{Engine: EngineEspeak}, EngineEspeak},
		{"festival", []string{"text2wave", "festival"}, Settings{Engine: EngineFestival}, EngineFestival},
		{"auto", []string{"text2wave", "festival"}, Settings{}, EngineFestival},
		{"auto with an espeak voice", []string{"espeak-ng", "text2wave"}, Settings{Voice: "en-us+f3"}, EngineEspeak},
		{"command", []string{"espeak-ng"}, Settings{Command: "espeak-ng -v en -w {out} {text}"}, "--tts-command"},
		{"command on stdin and stdout", []string{"espeak-ng"}, Settings{Command: "espeak-ng --stdout"}, "--tts-command"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requireEngine(t, tc.programs...)
			s := tc.s
			s.CacheDir = t.TempDir()
			d := loadTalk(t, talk)
			n, err := Narrate(context.Background(), d, s)
			if err != nil {
				t.Fatal(err)
			}
			if n.Synthesized != 5 || n.Cached != 0 {
				t.Errorf("synthesized %d, cached %d; want 5 sentences synthesized", n.Synthesized, n.Cached)
			}
			one, two := n.Slides[0], n.Slides[1]
			if one.Engine != tc.engine {
				t.Errorf("engine %q, want %q", one.Engine, tc.engine)
			}
			if len(one.Sentences) != 2 || len(two.Sentences) != 3 || len(two.Cues) != 2 || n.Slides[2].Clip != "" {
				t.Fatalf("speech %+v", n.Slides)
			}
			for i, sp := range n.Slides[:2] {
				sl := d.Slides[i]
				if sl.Duration < n.LeadIn+sp.Length+DefaultTail {
					t.Errorf("slide %d lasts %s, shorter than its speech %s", i+1, sl.Duration, sp.Length)
				}
				clip, err := readWAV(sp.Clip)
				if err != nil || clip.duration() != sp.Length {
					t.Errorf("slide %d clip: %v, %d bytes for %s", i+1, err, len(clip.data), sp.Length)
				}
				spans, err := mediatest.Sounding(context.Background(), sp.Clip, 0.01)
				if err != nil || len(spans) == 0 || spans[0][0] > 0.05 {
					t.Errorf("slide %d: speech %v (%v): want it at the clip's start", i+1, spans, err)
				}
			}
			if d.Slides[2].Duration != time.Second {
				t.Errorf("slide 3 without notes lasts %s, want its 1s", d.Slides[2].Duration)
			}
			// Slide 2's steps start at its second and third sentences.
			steps := d.Steps[1:4]
			for k, st := range steps[1:] {
				want := steps[0].Start + n.LeadIn + two.Sentences[k+1].Start - DefaultPause
				if diff := st.Start - want; diff < -time.Millisecond || diff > time.Millisecond {
					t.Errorf("step %s starts at %s, want %s (its cue)", st.Index, st.Start, want)
				}
			}
			again := loadTalk(t, talk)
			n2, err := Narrate(context.Background(), again, s)
			if err != nil {
				t.Fatal(err)
			}
			if n2.Synthesized != 0 || n2.Cached != 5 {
				t.Errorf("second narration synthesized %d, cached %d; want all 5 from the cache", n2.Synthesized, n2.Cached)
			}
			if again.Duration() != d.Duration() {
				t.Errorf("second narration lasts %s, the first %s", again.Duration(), d.Duration())
			}
		})
	}
}

// TestNarrateBadEngines: an engine that is missing, fails or makes no
// sound is a *SlideError naming the slide and what ran.
func TestNarrateBadEngines(t *testing.T) {
	requireEngine(t)
	dir := t.TempDir()
	script := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct {
		name, command string
		want          []string
	}{
		{"missing", "/no/such/tts {text} {out}", []string{"talk.md:5: slide 1", "/no/such/tts", "not installed"}},
		{"failing", script("fail.sh", "echo 'voice exploded' >&2; exit 3"), []string{"talk.md:5: slide 1", "fail.sh", "exit status 3", "voice exploded"}},
		{"no output", script("none.sh", "exit 0") + " {out}", []string{"talk.md:5: slide 1", "produced no audio"}},
		{"silence", script("quiet.sh", `ffmpeg -v error -f lavfi -i anullsrc=r=16000:cl=mono -t 1 -y "$1"`) + " {out}", []string{"slide 1", "only silence"}},
		{"not audio", script("junk.sh", `echo junk > "$1"`) + " {out}", []string{"slide 1", "not audio"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := loadTalk(t, talk)
			before := d.Duration()
			_, err := Narrate(context.Background(), d, Settings{Command: tc.command, CacheDir: t.TempDir()})
			var se *SlideError
			if !errors.As(err, &se) {
				t.Fatalf("err %v, want a *SlideError", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if d.Duration() != before {
				t.Errorf("a failed narration retimed the deck")
			}
		})
	}
}

// TestHTTPEngine: the HTTP engine posts the sentence to /v1/audio/speech
// with the key as a bearer token, and a server's error names the status but
// never the key.
func TestHTTPEngine(t *testing.T) {
	requireEngine(t)
	tone := make([]byte, 2*SampleRate/2)
	for i := 0; i < len(tone)/2; i++ {
		v := int16(8000 * math.Sin(float64(i)*2*math.Pi*440/SampleRate))
		tone[2*i], tone[2*i+1] = byte(v), byte(uint16(v)>>8)
	}
	var inputs []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/audio/speech" || r.Header.Get("Authorization") != "Bearer sekret" {
			http.Error(w, "who are you", http.StatusUnauthorized)
			return
		}
		var b strings.Builder
		buf := make([]byte, 4096)
		for {
			n, err := r.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		inputs = append(inputs, b.String())
		w.Write(wavFile(pcm{rate: SampleRate, data: tone}))
	}))
	defer srv.Close()
	d := loadTalk(t, talk)
	n, err := Narrate(context.Background(), d, Settings{URL: srv.URL, Key: "sekret", Voice: "nova", CacheDir: t.TempDir(), Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(inputs) != 5 || !strings.Contains(inputs[0], `"input":"Hello and welcome."`) || !strings.Contains(inputs[0], `"voice":"nova"`) {
		t.Errorf("requests %q", inputs)
	}
	if got, want := n.Slides[0].Length, time.Second+DefaultPause; got != want {
		t.Errorf("slide 1 speaks %s, want %s: two half-second tones and a pause", got, want)
	}
	_, err = Narrate(context.Background(), loadTalk(t, talk), Settings{URL: srv.URL, Key: "wrong-key", CacheDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "401") || strings.Contains(err.Error(), "wrong-key") {
		t.Errorf("bad key: %v, want the 401 without the key", err)
	}

	// A server that does not answer fails the sentence after the timeout,
	// and a password in the URL is in no message.
	done := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}))
	defer hang.Close()
	defer close(done) // before Close, which waits for the handler
	h, err := NewHTTP(strings.Replace(hang.URL, "http://", "http://me:pa55word@", 1), "", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	h.Timeout = 100 * time.Millisecond
	err = h.Synthesize(context.Background(), Utterance{Text: "Hello."}, filepath.Join(t.TempDir(), "out.wav"))
	if err == nil || !strings.Contains(err.Error(), "deadline exceeded") || strings.Contains(err.Error(), "pa55word") {
		t.Errorf("hung server: %v, want a timeout without the password", err)
	}
}

// TestNarrateManifest: a manifest entry's own voice picks its engine
// (an espeak-ng voice under auto), and its audio file replaces its speech
// and times it by the file's length.
func TestNarrateManifest(t *testing.T) {
	requireEngine(t, "espeak-ng")
	dir := t.TempDir()
	wav := filepath.Join(dir, "hello.wav")
	if out, err := exec.Command("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=300:duration=2.5", "-y", wav).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v %s", err, out)
	}
	audio, err := os.ReadFile(wav)
	if err != nil {
		t.Fatal(err)
	}
	manifest := "duration: 1s\nslides:\n" +
		"  - markdown: \"# Own voice\"\n    notes: Spoken in a voice of its own.\n    voice: en-us+f3\n" +
		"  - markdown: \"# Recorded\"\n    notes: Recorded by hand.\n    audio: hello.wav\n" +
		"  - markdown: \"# Silent\"\n"
	d, err := deck.LoadFS(fstest.MapFS{"deck.yaml": {Data: []byte(manifest)}, "hello.wav": {Data: audio}}, "deck.yaml", deck.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	n, err := Narrate(context.Background(), d, Settings{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	own, rec := n.Slides[0], n.Slides[1]
	if own.Engine != EngineEspeak || own.Voice != "en-us+f3" || len(own.Sentences) != 1 {
		t.Errorf("slide 1 spoken by %s %q in %d sentence(s), want espeak-ng en-us+f3", own.Engine, own.Voice, len(own.Sentences))
	}
	if rec.Engine != "audio file" || rec.Length < 2400*time.Millisecond || rec.Length > 2600*time.Millisecond || len(rec.Sentences) != 0 {
		t.Errorf("slide 2: %+v, want its 2.5 s audio file", rec)
	}
	if got, want := d.Slides[1].Duration, n.LeadIn+rec.Length+DefaultTail; got != want {
		t.Errorf("slide 2 lasts %s, want lead-in + its audio + tail = %s", got, want)
	}
	if d.Slides[2].Duration != time.Second || n.Synthesized != 1 {
		t.Errorf("slide 3 lasts %s, %d sentence(s) synthesized; want 1s and 1", d.Slides[2].Duration, n.Synthesized)
	}
}

// TestAutoWithoutFestival: auto speaks with espeak-ng when festival is not
// installed, and says so once; with neither, the error says how to install.
func TestAutoWithoutFestival(t *testing.T) {
	requireEngine(t, "espeak-ng")
	bin := t.TempDir()
	for _, p := range []string{"espeak-ng", "ffmpeg"} {
		path, _ := exec.LookPath(p)
		if err := os.Symlink(path, filepath.Join(bin, p)); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", bin)
	n, err := Narrate(context.Background(), loadTalk(t, talk), Settings{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if n.Slides[0].Engine != EngineEspeak || len(n.Warnings) != 1 || !strings.Contains(n.Warnings[0], "festival is not installed") {
		t.Errorf("engine %s, warnings %q; want espeak-ng and one warning", n.Slides[0].Engine, n.Warnings)
	}
	os.Remove(filepath.Join(bin, "espeak-ng"))
	_, err = Narrate(context.Background(), loadTalk(t, talk), Settings{CacheDir: t.TempDir()})
	var me *MissingError
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "apt-get install espeak-ng") || !strings.Contains(err.Error(), "slide 1") {
		t.Errorf("no engine: %v, want a *MissingError saying how to install espeak-ng", err)
	}
}

// TestSharedCache: narrations started together on a shared cache (a
// job's shards) speak each sentence once between them.
func TestSharedCache(t *testing.T) {
	requireEngine(t, "espeak-ng")
	dir := t.TempDir()
	calls := filepath.Join(dir, "calls")
	script := filepath.Join(dir, "tts.sh")
	body := "#!/bin/sh\necho call >> " + calls + "\nsleep 0.1\nexec espeak-ng -w \"$1\" -f \"$2\"\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(dir, "cache")
	errs := make(chan error, 3)
	for range 3 {
		go func() {
			d, err := deck.LoadFS(fstest.MapFS{"talk.md": {Data: []byte(talk)}}, "talk.md", deck.Options{})
			if err == nil {
				_, err = Narrate(context.Background(), d, Settings{Command: script + " {out} {textfile}", CacheDir: cache, Shared: true})
				d.Close()
			}
			errs <- err
		}()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	b, _ := os.ReadFile(calls)
	if n := strings.Count(string(b), "call"); n != 5 {
		t.Errorf("the engine ran %d times for 5 sentences", n)
	}
	if _, err := os.Stat(filepath.Join(cache, lockName)); !os.IsNotExist(err) {
		t.Errorf("the lock is left behind: %v", err)
	}
}

// TestCancelStopsTheEngine: a cancelled narration stops the engine and
// what it started (a script's child), and returns the context's error.
func TestCancelStopsTheEngine(t *testing.T) {
	requireEngine(t)
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "child.pid")
	script := filepath.Join(dir, "slow.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nsleep 300 &\necho $! > "+pidFile+".tmp\nmv "+pidFile+".tmp "+pidFile+"\nwait\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for ctx.Err() == nil {
			if _, err := os.Stat(pidFile); err == nil {
				cancel()
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	_, err := Narrate(ctx, loadTalk(t, talk), Settings{Command: script + " {out}", CacheDir: t.TempDir(), Workers: 1})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid := strings.TrimSpace(string(b))
	// The kill is sent before Narrate returns; the child may take a moment
	// to be reaped.
	for i := 0; ; i++ {
		out, _ := exec.Command("ps", "-o", "stat=", "-p", pid).Output()
		if st := strings.TrimSpace(string(out)); st == "" || strings.HasPrefix(st, "Z") {
			break
		}
		if i == 250 {
			t.Fatalf("the engine's child %s is still running", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestNothingToSay: a deck without notes needs no engine (none is even
// looked for) and keeps its timing, with a warning; so does a slide whose
// notes are only a cue.
func TestNothingToSay(t *testing.T) {
	d := loadTalk(t, "# One\n\n---\n\n# Two\n\nNote: [next]\n")
	before := d.Duration()
	n, err := Narrate(context.Background(), d, Settings{Command: "/no/such/engine {out}", CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if d.Duration() != before || n.Synthesized != 0 || len(n.Warnings) != 1 || !strings.Contains(n.Warnings[0], "no slide has speaker notes") {
		t.Errorf("duration %s (was %s), %d synthesized, warnings %q", d.Duration(), before, n.Synthesized, n.Warnings)
	}
}
