package render

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/deckreel/deckreel/capture"
	"github.com/deckreel/deckreel/encode"
	"github.com/deckreel/deckreel/frames"
	"github.com/deckreel/deckreel/internal/deck"
	"github.com/deckreel/deckreel/internal/job"
	"github.com/deckreel/deckreel/internal/narrate"
	"github.com/deckreel/deckreel/internal/pool"
)

// TestJobSettingsRoundTrip: what a job records of a request gives the
// request back, so resume and merge render what render --job asked for.
func TestJobSettingsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	music := filepath.Join(dir, "m.ogg")
	for _, fps := range []int{1, 7, 24, 30, 60, 240} {
		for _, frames := range []int{1, 2, 299, 300, 1001, 86400} {
			req := Request{
				Input: "/deck", Width: 640, Height: 360, FPS: fps, CRF: 18, Preset: "veryfast",
				Duration: time.Duration(frames) * time.Second / time.Duration(fps), Output: "/out/v.mp4",
				Epoch:       time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
				DeckOptions: deck.Options{Theme: "dark", SlideDuration: 1500 * time.Millisecond, KeepControls: true, InputType: deck.Markdown},
				Media: Media{Captions: "embed", Chapters: "txt", Music: music, MusicVolume: 0.3, Duck: 0.25, MusicLoop: true,
					Poster: "/out/p.png", PosterFrame: 1},
				FailOnPageError: true, AllowNet: true, AllowHosts: []string{"localhost:3000", "[::1]:8080"},
				Capture: Capture{Format: "jpeg", Quality: 80},
			}
			if fps%2 == 0 {
				// The key itself is not recorded, only where to find it;
				// nor the cache, which a job keeps in its directory.
				req.Narrate = &narrate.Settings{Voice: "nova", URL: "http://localhost:8000", Model: "tts-1-hd", KeyEnv: "MY_KEY"}
			}
			s := jobSettings(req)
			s.ChunkFrames = 10 * fps
			jb, err := job.Create(filepath.Join(dir, "j", time.Now().Format("150405.000000000")), s, job.Revision{InputHash: "h"})
			if err != nil {
				t.Fatal(err)
			}
			back, err := RequestFromJob(jb)
			if err != nil {
				t.Fatal(err)
			}
			if got := back.Frames(); got != frames {
				t.Fatalf("%d frames at %d fps: the job gives %s, which is %d frames", frames, fps, back.Duration, got)
			}
			if back.Media != req.Media || !reflect.DeepEqual(back.DeckOptions, req.DeckOptions) || back.FailOnPageError != req.FailOnPageError ||
				back.AllowNet != req.AllowNet || !reflect.DeepEqual(back.AllowHosts, req.AllowHosts) || !reflect.DeepEqual(back.Narrate, req.Narrate) ||
				back.Capture != req.Capture {
				t.Fatalf("round trip changed the request:\n%+v %+v\nwant\n%+v %+v", back.Media, back.DeckOptions, req.Media, req.DeckOptions)
			}
			again := jobSettings(back)
			again.ChunkFrames = s.ChunkFrames
			if again.Hash() != jb.Settings().Hash() {
				t.Fatalf("round trip changed the settings: %+v, want %+v", again, jb.Settings())
			}
		}
	}
}

func TestRerunCommand(t *testing.T) {
	tests := []struct {
		o    JobOptions
		want string
	}{
		{JobOptions{Dir: "/jobs/talk"}, "deckreel resume /jobs/talk"},
		{JobOptions{Dir: "my job's dir"}, `deckreel resume 'my job'\''s dir'`},
		{JobOptions{Dir: "j", Shard: job.Shard{Index: 1, Count: 8}}, "deckreel resume j --shard 2/8"},
	}
	for _, tt := range tests {
		if got := rerunCommand(tt.o); got != tt.want {
			t.Errorf("rerunCommand(%+v) = %q, want %q", tt.o, got, tt.want)
		}
	}
}

// TestRunJobRefusesBadOptions: what a job cannot do is refused before
// anything is written, with an *InputError (exit 2, never retried).
func TestRunJobRefusesBadOptions(t *testing.T) {
	dir := t.TempDir()
	page := filepath.Join(dir, "x.html")
	if err := os.WriteFile(page, []byte("<p>x</p>"), 0o644); err != nil {
		t.Fatal(err)
	}
	base := Request{Input: page, Duration: time.Second, FPS: 10, Width: 16, Height: 16, Output: filepath.Join(dir, "out.mp4")}
	jobDir := filepath.Join(dir, "job")
	tests := []struct {
		name   string
		change func(*Request, *JobOptions)
		want   string
	}{
		{"frames with a shard", func(_ *Request, o *JobOptions) { o.Frames, o.Shard = "1-2", job.Shard{Index: 0, Count: 2} }, "--frames cannot be combined"},
		{"resume of nothing", func(_ *Request, o *JobOptions) { o.Resume = true }, "no job.json"},
		{"preset", func(r *Request, _ *JobOptions) { r.Preset = "ludicrous" }, "unknown libx264 preset"},
		{"codec", func(r *Request, _ *JobOptions) { r.Media.Codec = "h265" }, "--codec h265 is not supported with --job"},
		{"webm", func(r *Request, _ *JobOptions) { r.Output = filepath.Join(dir, "out.webm") }, "not supported with --job"},
		{"vfr", func(r *Request, _ *JobOptions) { r.Media.VFR = true }, "--vfr"},
		{"poster frame", func(r *Request, _ *JobOptions) { r.Media.Poster, r.Media.PosterFrame = filepath.Join(dir, "p.png"), 10 }, "--poster-frame 10"},
		{"tts password", func(r *Request, _ *JobOptions) {
			r.Narrate = &narrate.Settings{URL: "http://me:pa55word@localhost:8000"}
		}, "--tts-url has a password"},
		{"output is a directory", func(r *Request, _ *JobOptions) { r.Output = dir }, "is a directory"},
		{"output inside the job", func(r *Request, _ *JobOptions) { r.Output = filepath.Join(jobDir, "out.mp4") }, "inside the job directory"},
		{"crf", func(r *Request, _ *JobOptions) { r.CRF = 60 }, "--crf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.RemoveAll(jobDir); err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(jobDir, 0o755); err != nil {
				t.Fatal(err)
			}
			r, o := base, JobOptions{Dir: jobDir}
			tt.change(&r, &o)
			_, err := RunJob(context.Background(), r, o)
			var ie *InputError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("RunJob = %v, want an *InputError containing %q", err, tt.want)
			}
			if ents, _ := os.ReadDir(jobDir); len(ents) != 0 {
				t.Errorf("the refused run wrote into the job directory: %v", ents)
			}
		})
	}
}

// TestRunJobRefusesStrayChunks: a directory with chunks but no job.json is
// not adopted.
func TestRunJobRefusesStrayChunks(t *testing.T) {
	dir := t.TempDir()
	page := filepath.Join(dir, "x.html")
	if err := os.WriteFile(page, []byte("<p>x</p>"), 0o644); err != nil {
		t.Fatal(err)
	}
	jobDir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(jobDir, "chunks"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(jobDir, "chunks", "0123abcd.mp4"), []byte("old video"), 0o644); err != nil {
		t.Fatal(err)
	}
	req := Request{Input: page, Duration: time.Second, FPS: 10, Width: 16, Height: 16, Output: filepath.Join(dir, "out.mp4")}
	_, err := RunJob(context.Background(), req, JobOptions{Dir: jobDir})
	var ie *InputError
	if !errors.As(err, &ie) || !errors.Is(err, job.ErrStrayChunks) {
		t.Fatalf("RunJob over stray chunks = %v, want an *InputError wrapping ErrStrayChunks", err)
	}
}

// TestPosterFrameOfNarratedDeck: narration lengthens a deck, so the check
// before it leaves a poster frame past the unnarrated end to the check
// after it, which still refuses one past the end.
func TestPosterFrameOfNarratedDeck(t *testing.T) {
	dir := t.TempDir()
	req := Request{Input: "p.html", Duration: time.Second, FPS: 10, Width: 320, Height: 180, Output: filepath.Join(dir, "v.mp4")}
	req.Media.Poster, req.Media.PosterFrame = filepath.Join(dir, "p.png"), 25
	if err := req.validateEarly(); err == nil || !strings.Contains(err.Error(), "--poster-frame 25") {
		t.Errorf("without narration: %v, want the poster frame refused", err)
	}
	req.Narrate = &narrate.Settings{}
	if err := req.validateEarly(); err != nil {
		t.Errorf("before narration: %v, want nothing said of the poster frame yet", err)
	}
	if err := req.Validate(); err == nil || !strings.Contains(err.Error(), "--poster-frame 25") {
		t.Errorf("once timed: %v, want the poster frame refused", err)
	}
	req.Media.PosterFrame = -1
	if err := req.validateEarly(); err == nil || !strings.Contains(err.Error(), "--poster-frame -1 is not a frame") {
		t.Errorf("negative: %v, want it refused at once", err)
	}
}

// TestPassJPEG: shots go to the encoder undecoded only when they are JPEG
// (taken with beginFrame: the screenshot path takes PNG), the video is
// opaque and no transition needs their pixels.
func TestPassJPEG(t *testing.T) {
	fade, err := frames.NewTimeline([]frames.Segment{{Frames: 10, TailFrames: 3}, {Frames: 10, TransitionFrames: 3, Blend: frames.Fade}})
	if err != nil {
		t.Fatal(err)
	}
	cut, err := frames.NewTimeline([]frames.Segment{{Frames: 10}, {Frames: 10}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name        string
		shot        capture.ShotFormat
		mode        capture.Mode
		transparent bool
		timeline    *frames.Timeline
		want        bool
	}{
		{"one page", capture.JPEG, capture.ModeBeginFrame, false, nil, true},
		{"pages cut", capture.JPEG, capture.ModeBeginFrame, false, cut, true},
		{"a fade", capture.JPEG, capture.ModeBeginFrame, false, fade, false},
		{"PNG shots", capture.PNG, capture.ModeBeginFrame, false, nil, false},
		{"screenshots", capture.JPEG, capture.ModeScreenshot, false, nil, false},
		{"transparent", capture.JPEG, capture.ModeBeginFrame, true, nil, false},
	} {
		p := &plan{shot: c.shot, browser: capture.BrowserOptions{Mode: c.mode}, pages: pages{timeline: c.timeline}}
		p.req.Media.Transparent = c.transparent
		if got := p.passJPEG(); got != c.want {
			t.Errorf("%s: passJPEG = %t, want %t", c.name, got, c.want)
		}
	}
}

func TestCaptureFormat(t *testing.T) {
	mp4, err := encode.FormatFor("v.mp4", "")
	if err != nil {
		t.Fatal(err)
	}
	seq, err := encode.FormatFor("frames", "png")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		capture     Capture
		format      encode.Format
		transparent bool
		want        capture.ShotFormat
		quality     int
	}{
		{Capture{}, mp4, false, capture.JPEG, DefaultJPEGQuality},
		{Capture{Quality: 70}, mp4, false, capture.JPEG, 70},
		{Capture{}, mp4, true, capture.PNG, 0},
		{Capture{}, seq, false, capture.PNG, 0},
		{Capture{Format: "png"}, mp4, false, capture.PNG, 0},
		{Capture{Format: "jpeg"}, seq, false, capture.JPEG, DefaultJPEGQuality},
	} {
		f, q := c.capture.resolve(c.format, c.transparent)
		if f != c.want || q != c.quality {
			t.Errorf("%+v into %s (transparent %t): %s %d, want %s %d", c.capture, c.format.Name, c.transparent, f, q, c.want, c.quality)
		}
	}
	out := filepath.Join(t.TempDir(), "v.mp4")
	for _, c := range []struct {
		capture     Capture
		transparent bool
		err         string
	}{
		{Capture{Format: "webp"}, false, `--capture-format "webp": want auto, jpeg or png`},
		{Capture{Quality: 101}, false, "--capture-quality must be between 1 and 100, got 101"},
		{Capture{Format: "jpeg"}, true, "--capture-format jpeg has no transparency"},
	} {
		req := Request{Input: "p.html", Duration: time.Second, FPS: 30, Width: 320, Height: 180, Output: out, Capture: c.capture}
		req.Media.Transparent = c.transparent
		if c.transparent {
			req.Output = filepath.Join(filepath.Dir(out), "v.webm")
		}
		err := req.Validate()
		var ie *InputError
		if !errors.As(err, &ie) || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%+v: %v, want an input error saying %q", c.capture, err, c.err)
		}
	}
}

// TestScheduleAtAnyFPS: the batches' plan is valid from 1 fps up (at 1 fps
// two seconds of frames were fewer than the least batch, and every render
// failed before its first frame).
func TestScheduleAtAnyFPS(t *testing.T) {
	for _, fps := range []int{1, 2, 3, 30, 240} {
		cfg := schedule(Request{FPS: fps}, []pool.Range{{Start: 0, End: 100}})
		if _, err := pool.New(cfg); err != nil {
			t.Errorf("%d fps: %v", fps, err)
		}
	}
}
