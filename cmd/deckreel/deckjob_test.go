package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/deckreel/deckreel/assets"
)

// The deck job tests render the narrated sample deck (sound, captions,
// chapters) as a job along every path a job can take, and require each to
// give the same video as one render --job: the same decoded picture and
// sound, chapters and subtitle cues (see fingerprint), and the same bytes.

const deckClock = "2026-03-01T12:00:00Z"

// sampleDeck copies the embedded sample deck into a new directory.
func sampleDeck(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "deck")
	if err := os.CopyFS(dir, assets.SampleDeck()); err != nil {
		t.Fatal(err)
	}
	return dir
}

func deckJobArgs(deckDir, jobDir, out string, extra ...string) []string {
	args := []string{"render", deckDir, "--job", jobDir, "-o", out, "--size", "320x180",
		"--captions", "embed", "--clock", deckClock, "--progress", "plain"}
	return append(args, extra...)
}

// fingerprint is what "the same video" means: every decoded video and audio
// frame (ffmpeg's framemd5 of both), the chapters and the subtitle cues.
func fingerprint(t *testing.T, path string) string {
	t.Helper()
	run := func(name string, args ...string) string {
		out, err := exec.Command(name, args...).Output()
		if err != nil {
			t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
		}
		return string(out)
	}
	streams := run("ffprobe", "-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0", path)
	av := run("ffmpeg", "-v", "error", "-i", path, "-map", "0:v", "-map", "0:a?", "-f", "framemd5", "-")
	chapters := run("ffprobe", "-v", "error", "-show_chapters", "-of", "compact", path)
	subs := ""
	if strings.Contains(streams, "subtitle") {
		subs = run("ffmpeg", "-v", "error", "-i", path, "-map", "0:s", "-f", "srt", "-")
	}
	return "streams:\n" + streams + "picture and sound:\n" + av + "chapters:\n" + chapters + "subtitles:\n" + subs
}

// checkComplete makes sure a fingerprint has what the sample deck's video
// must carry: sound, chapters, subtitles.
func checkComplete(t *testing.T, fp string) {
	t.Helper()
	audio := 0
	for _, l := range strings.Split(fp, "\n") {
		if strings.HasPrefix(l, "1,") {
			audio++
		}
	}
	if audio == 0 {
		t.Errorf("the video has no sound")
	}
	if n := strings.Count(fp, "chapter|"); n < 5 {
		t.Errorf("the video has %d chapters, want one per slide", n)
	}
	if !strings.Contains(fp, "-->") {
		t.Errorf("the video has no subtitle cues")
	}
}

// sameAs requires path to be the same video as want (a fingerprint) and, when
// wantBytes is set, the same file.
func sameAs(t *testing.T, path, want string, wantBytes []byte) {
	t.Helper()
	if got := fingerprint(t, path); got != want {
		g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
		for i := range min(len(g), len(w)) {
			if g[i] != w[i] {
				t.Errorf("%s is not the same video as render --job: line %d of the fingerprint is\n%s\nwant\n%s", path, i+1, g[i], w[i])
				return
			}
		}
		t.Errorf("%s is not the same video as render --job: the fingerprint has %d lines, want %d", path, len(g), len(w))
		return
	}
	if wantBytes != nil {
		if data, err := os.ReadFile(path); err != nil || !bytes.Equal(data, wantBytes) {
			t.Errorf("%s has the same picture and sound but not the same bytes (%v)", path, err)
		}
	}
}

// TestDeckJobPaths: render --job, shards + merge, SIGKILL + resume, SIGINT +
// resume, resume of a finished job and a damaged chunk all give the same
// narrated video, with sound, subtitles and chapters.
func TestDeckJobPaths(t *testing.T) {
	requireTools(t)
	deckDir := sampleDeck(t)
	tmp := t.TempDir()
	refJob, ref := filepath.Join(tmp, "ref"), filepath.Join(tmp, "ref.mp4")
	if res := runCLI(t, deckJobArgs(deckDir, refJob, ref)...); res.code != 0 {
		t.Fatalf("render --job: exit %d: %s", res.code, res.stderr)
	}
	want := fingerprint(t, ref)
	checkComplete(t, want)
	wantBytes, err := os.ReadFile(ref)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("shards and merge", func(t *testing.T) {
		jobDir, out := filepath.Join(t.TempDir(), "job"), filepath.Join(t.TempDir(), "out.mp4")
		runShards(t, "deck-shard", 2, deckJobArgs(deckDir, jobDir, out, "--shards", "2", "--workers", "1"))
		// merge needs nothing but the job: the output, sound, captions
		// and chapters are recorded in it.
		if res := runCLI(t, "merge", jobDir); res.code != 0 {
			t.Fatalf("merge: exit %d: %s", res.code, res.stderr)
		}
		sameAs(t, out, want, wantBytes)
		if res := runCLI(t, "status", jobDir); res.code != 0 || !strings.Contains(res.stdout, "chunks done (100%)") {
			t.Errorf("status of the merged job: exit %d: %s%s", res.code, res.stdout, res.stderr)
		}
	})

	for _, sig := range []syscall.Signal{syscall.SIGKILL, syscall.SIGINT} {
		t.Run("interrupted by "+sig.String()+" and resumed", func(t *testing.T) {
			jobDir, out := filepath.Join(t.TempDir(), "job"), filepath.Join(t.TempDir(), "out.mp4")
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			marker := fmt.Sprintf("deck-%s-%d", sig, time.Now().UnixNano())
			cmd, _, stderr := deckreel(t, ctx, marker, deckJobArgs(deckDir, jobDir, out)...)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waitForDone(t, jobDir, stderr)
			_ = cmd.Process.Signal(sig)
			err := cmd.Wait()
			code := cmd.ProcessState.ExitCode()
			switch {
			case sig == syscall.SIGINT && code != 130 && code != 0:
				t.Fatalf("after SIGINT: exit %d (%v), want 130: %s", code, err, stderr)
			case sig == syscall.SIGKILL && err == nil:
				t.Log("the render finished before it was killed")
			}
			assertNoLeftovers(t, marker)
			// resume needs nothing but the job directory.
			if res := runCLI(t, "resume", jobDir, "--progress", "plain"); res.code != 0 {
				t.Fatalf("resume: exit %d: %s", res.code, res.stderr)
			}
			sameAs(t, out, want, wantBytes)
		})
	}

	t.Run("resume of a finished job", func(t *testing.T) {
		if err := os.Remove(ref); err != nil {
			t.Fatal(err)
		}
		res := runCLI(t, "resume", refJob)
		if res.code != 0 {
			t.Fatalf("resume: exit %d: %s", res.code, res.stderr)
		}
		sameAs(t, ref, want, wantBytes)
	})

	t.Run("a damaged chunk is rendered again", func(t *testing.T) {
		chunks, _ := filepath.Glob(filepath.Join(refJob, "chunks", "*.mp4"))
		if len(chunks) < 2 {
			t.Fatalf("the job has %d chunks", len(chunks))
		}
		victim := chunks[len(chunks)/2]
		st, _ := os.Stat(victim)
		if err := os.Truncate(victim, st.Size()/2); err != nil {
			t.Fatal(err)
		}
		res := runCLI(t, "status", refJob)
		if !strings.Contains(res.stdout, "damaged") || !strings.Contains(res.stdout, "cut short") {
			t.Errorf("status does not report the truncated chunk: %s", res.stdout)
		}
		res = runCLI(t, "resume", refJob, "--progress", "plain")
		if res.code != 0 {
			t.Fatalf("resume: exit %d: %s", res.code, res.stderr)
		}
		sameAs(t, ref, want, wantBytes)
	})
}

// runShards runs deckreel with args as the n shards of an indexed job, all
// at once as its pods would: process k with JOB_COMPLETION_INDEX=k, within
// three minutes. A shard that fails fails the test with its stderr.
func runShards(t *testing.T, name string, n int, args []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var waits []func() error
	var errs []*syncBuffer
	for k := range n {
		cmd, _, stderr := deckreel(t, ctx, fmt.Sprintf("%s-%d-%d", name, k, time.Now().UnixNano()), args...)
		cmd.Env = append(cmd.Env, "JOB_COMPLETION_INDEX="+strconv.Itoa(k))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waits, errs = append(waits, cmd.Wait), append(errs, stderr)
	}
	for k, wait := range waits {
		if err := wait(); err != nil {
			t.Fatalf("shard %d: %v: %s", k, err, errs[k])
		}
	}
}

// waitForDone waits for the first finished chunk of a job.
func waitForDone(t *testing.T, dir string, stderr *syncBuffer) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		if m, _ := filepath.Glob(filepath.Join(dir, "chunks", "*.done.json")); len(m) > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no chunk done after 90 s: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// twelveSlides is a Markdown deck of 12 slides of 1 s with 300 ms fades;
// edit adds a line to slide 5.
func twelveSlides(edit bool) string {
	var b strings.Builder
	b.WriteString("---\ntitle: Twelve\ntheme: light\nduration: 1s\ntransition: fade 300ms\n---\n")
	for i := 1; i <= 12; i++ {
		if i > 1 {
			b.WriteString("\n---\n\n")
		}
		fmt.Fprintf(&b, "# Slide %d\n\nThe text of slide %d.\n", i, i)
		if i == 5 && edit {
			b.WriteString("\nA line added to slide 5.\n")
		}
	}
	return b.String()
}

// TestDeckJobEditOneSlide: after one slide of a job's deck is edited,
// render --job renders only that slide's chunks and the fade out of it,
// says how many chunks it reused, and gives the same video as a fresh job
// of the edited deck.
func TestDeckJobEditOneSlide(t *testing.T) {
	requireTools(t)
	deckDir := t.TempDir()
	talk := filepath.Join(deckDir, "talk.md")
	if err := os.WriteFile(talk, []byte(twelveSlides(false)), 0o644); err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	jobDir, out := filepath.Join(tmp, "job"), filepath.Join(tmp, "out.mp4")
	args := func(deck, job, out string) []string {
		return []string{"render", deck, "--job", job, "-o", out, "--size", "320x180", "--clock", deckClock, "--progress", "plain"}
	}
	res := runCLI(t, args(talk, jobDir, out)...)
	if res.code != 0 {
		t.Fatalf("render --job: exit %d: %s", res.code, res.stderr)
	}
	// One chunk for slide 1; for each later slide its fade in, and the rest.
	if !strings.Contains(res.stderr, "reused 0 of 23 chunks") {
		t.Errorf("first run: %s", res.stderr)
	}
	before := videoFrames(t, out)

	if err := os.WriteFile(talk, []byte(twelveSlides(true)), 0o644); err != nil {
		t.Fatal(err)
	}
	res = runCLI(t, args(talk, jobDir, out)...)
	if res.code != 0 {
		t.Fatalf("render --job after the edit: exit %d: %s", res.code, res.stderr)
	}
	// Slide 5's fade in and rest, and slide 6's fade in (which shows slide 5).
	if !strings.Contains(res.stderr+res.stdout, "reused 20 of 23 chunks") {
		t.Errorf("after editing slide 5: %s%s", res.stdout, res.stderr)
	}
	after := videoFrames(t, out)

	fresh := filepath.Join(tmp, "fresh.mp4")
	if res := runCLI(t, args(talk, filepath.Join(tmp, "fresh"), fresh)...); res.code != 0 {
		t.Fatalf("fresh render of the edited deck: exit %d: %s", res.code, res.stderr)
	}
	if want := videoFrames(t, fresh); strings.Join(after, "\n") != strings.Join(want, "\n") {
		t.Errorf("the re-rendered job differs from a fresh render of the edited deck")
	}
	// The edit shows in slide 5 (frames 120-149 at 30 fps) and the fade
	// out of it (150-158), and nowhere else.
	if len(before) != 360 || len(after) != 360 {
		t.Fatalf("%d and %d frames, want 360", len(before), len(after))
	}
	for i := range before {
		changed := before[i] != after[i]
		inSlide5 := i >= 120 && i < 159
		if changed && !inSlide5 {
			t.Errorf("frame %d changed, outside slide 5", i)
		}
		if !changed && i >= 129 && i < 150 {
			t.Errorf("frame %d of slide 5 did not change", i)
		}
	}
}

// videoFrames returns the MD5 of every decoded video frame of path.
func videoFrames(t *testing.T, path string) []string {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-v", "error", "-i", path, "-map", "0:v", "-f", "framemd5", "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	var sums []string
	for _, l := range strings.Split(string(out), "\n") {
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		f := strings.Split(l, ",")
		sums = append(sums, strings.TrimSpace(f[len(f)-1]))
	}
	return sums
}

// TestJobDirectoryNotTrusted: chunks without a job.json are not adopted,
// and a render into a directory whose job.json was deleted fails with exit
// 2 before anything is rendered.
func TestJobDirectoryNotTrusted(t *testing.T) {
	requireTools(t)
	page := writePage(t, animatedPage)
	dir := filepath.Join(t.TempDir(), "job")
	out := filepath.Join(t.TempDir(), "out.mp4")
	if res := runCLI(t, jobArgs(page, dir, out)...); res.code != 0 {
		t.Fatalf("job render: exit %d: %s", res.code, res.stderr)
	}
	if err := os.Remove(filepath.Join(dir, "job.json")); err != nil {
		t.Fatal(err)
	}
	other := writePage(t, strings.Replace(animatedPage, "#113", "#311", 1))
	res := runCLI(t, jobArgs(other, dir, out)...)
	if res.code != 2 || !strings.Contains(res.stderr, "no job.json") {
		t.Fatalf("render into a job without job.json: exit %d, want 2 naming the missing job.json: %s", res.code, res.stderr)
	}
	for _, verb := range []string{"resume", "status", "merge"} {
		if res := runCLI(t, verb, dir); res.code != 2 {
			t.Errorf("%s of a directory without job.json: exit %d, want 2: %s", verb, res.code, res.stderr)
		}
	}
}

// k8sDoc is what TestKubernetesExample reads of a Kubernetes manifest.
type k8sDoc struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec struct {
		CompletionMode string `yaml:"completionMode"`
		Completions    int    `yaml:"completions"`
		Template       struct {
			Spec struct {
				Containers []struct {
					Name string   `yaml:"name"`
					Args []string `yaml:"args"`
				} `yaml:"containers"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

// jobArgsFrom returns the container args of the Job in a manifest file and
// its completions.
func jobArgsFrom(t *testing.T, file string) ([]string, k8sDoc) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range strings.Split(string(data), "\n---\n") {
		var d k8sDoc
		if err := yaml.Unmarshal([]byte(doc), &d); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if d.Kind == "Job" {
			if len(d.Spec.Template.Spec.Containers) != 1 {
				t.Fatalf("%s: the Job has %d containers, want 1", file, len(d.Spec.Template.Spec.Containers))
			}
			return d.Spec.Template.Spec.Containers[0].Args, d
		}
	}
	t.Fatalf("%s has no Job", file)
	return nil, k8sDoc{}
}

// TestKubernetesExample runs assets/deploy/job.yaml's container args
// exactly as its pods would (one process per completion index, with
// JOB_COMPLETION_INDEX set), on the narrated sample deck where the
// manifest puts the deck, then merge.yaml's args, and compares the video
// with a render --job of the same deck.
func TestKubernetesExample(t *testing.T) {
	requireTools(t)
	work := t.TempDir() // stands for the volume mounted at /work
	if err := os.CopyFS(filepath.Join(work, "deck"), assets.SampleDeck()); err != nil {
		t.Fatal(err)
	}
	onVolume := func(args []string) []string {
		out := make([]string, len(args))
		for i, a := range args {
			out[i] = strings.ReplaceAll(a, "/work", work)
		}
		return out
	}
	renderArgs, render := jobArgsFrom(t, "../../assets/deploy/job.yaml")
	if render.Spec.CompletionMode != "Indexed" || render.Spec.Completions < 2 {
		t.Fatalf("job.yaml: completion mode %q with %d completions, want an Indexed Job", render.Spec.CompletionMode, render.Spec.Completions)
	}
	if !strings.Contains(strings.Join(renderArgs, " "), fmt.Sprintf("--shards=%d", render.Spec.Completions)) {
		t.Errorf("job.yaml: args %q do not ask for --shards=%d, its completions", renderArgs, render.Spec.Completions)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	for k := range render.Spec.Completions {
		cmd, _, stderr := deckreel(t, ctx, fmt.Sprintf("k8s-%d-%d", k, time.Now().UnixNano()), onVolume(renderArgs)...)
		cmd.Env = append(cmd.Env, "JOB_COMPLETION_INDEX="+strconv.Itoa(k))
		if err := cmd.Run(); err != nil {
			t.Fatalf("pod %d: %v: %s", k, err, stderr)
		}
	}
	mergeArgs, _ := jobArgsFrom(t, "../../assets/deploy/merge.yaml")
	res := runCLI(t, onVolume(mergeArgs)...)
	if res.code != 0 {
		t.Fatalf("merge pod: exit %d: %s", res.code, res.stderr)
	}
	out := ""
	for i, a := range mergeArgs {
		if a == "-o" && i+1 < len(mergeArgs) {
			out = onVolume(mergeArgs[i+1 : i+2])[0]
		}
	}
	if out == "" {
		t.Fatalf("merge.yaml's args %q name no output", mergeArgs)
	}

	// The same deck as one render --job, with the pods' flags.
	ref := filepath.Join(t.TempDir(), "ref.mp4")
	refArgs := []string{}
	for _, a := range onVolume(renderArgs) {
		switch {
		case strings.HasPrefix(a, "--shards"):
		case strings.HasPrefix(a, "--job"):
			refArgs = append(refArgs, "--job", filepath.Join(t.TempDir(), "job"))
		default:
			refArgs = append(refArgs, a)
		}
	}
	if res := runCLI(t, append(refArgs, "-o", ref)...); res.code != 0 {
		t.Fatalf("render --job: exit %d: %s", res.code, res.stderr)
	}
	want := fingerprint(t, ref)
	checkComplete(t, want)
	sameAs(t, out, want, nil)
}
