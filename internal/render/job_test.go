package render

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/deckreel/deckreel/frames"
	"github.com/deckreel/deckreel/internal/job"
	"github.com/deckreel/deckreel/internal/pool"
)

func TestJobSettingsRoundTrip(t *testing.T) {
	for _, fps := range []int{1, 7, 24, 30, 60, 240} {
		for _, frames := range []int{1, 2, 299, 300, 1001, 86400} {
			s := job.Settings{Input: "/deck", Width: 640, Height: 360, FPS: fps, Frames: frames, CRF: 18, Preset: "veryfast"}
			j := JobFromSettings(s)
			if got := j.Frames(); got != frames {
				t.Fatalf("%d frames at %d fps: JobFromSettings gives %s, which is %d frames", frames, fps, j.Duration, got)
			}
			back := JobSettings(j)
			back.Codec, back.PixFmt = "", ""
			if back.Hash() != s.Hash() {
				t.Fatalf("round trip changed the settings: %+v, want %+v", back, s)
			}
		}
	}
}

func TestJobPlanRanges(t *testing.T) {
	jb, err := job.Create(t.TempDir(), job.Settings{Input: "/deck", Width: 16, Height: 16, FPS: 10, Frames: 95, ChunkFrames: 10}, "h")
	if err != nil {
		t.Fatal(err)
	}
	p := &jobPlan{job: jb, todo: []int{1, 2, 5, 9}}
	if got, want := p.ranges(95), []pool.Range{{Start: 10, End: 30}, {Start: 50, End: 60}, {Start: 90, End: 95}}; !slices.Equal(got, want) {
		t.Errorf("ranges = %v, want %v", got, want)
	}
	if first, end := p.frameSpan(95); first != 10 || end != 95 {
		t.Errorf("frameSpan = %d, %d; want 10, 95", first, end)
	}
	for pos, want := range map[int]int{0: 0, 10: 0, 25: 15, 30: 20, 45: 20, 55: 25, 95: 35} {
		if got := p.framesBefore(pos); got != want {
			t.Errorf("framesBefore(%d) = %d, want %d", pos, got, want)
		}
	}
	out := make(chan frames.Shot, 10)
	if err := p.sendGaps(context.Background(), out); err != nil {
		t.Fatal(err)
	}
	close(out)
	var gaps []frames.Shot
	for s := range out {
		gaps = append(gaps, s)
	}
	if want := []frames.Shot{{Index: 30, Count: 20, Skip: true}, {Index: 60, Count: 30, Skip: true}}; !slices.EqualFunc(gaps, want, func(a, b frames.Shot) bool {
		return a.Index == b.Index && a.Count == b.Count && a.Skip == b.Skip
	}) {
		t.Errorf("gaps = %+v, want %+v", gaps, want)
	}

	// Without a plan: the whole video.
	var none *jobPlan
	if got := none.ranges(95); !slices.Equal(got, []pool.Range{{Start: 0, End: 95}}) || none.framesBefore(42) != 42 {
		t.Errorf("nil plan: ranges %v", got)
	}
	if err := none.sendGaps(context.Background(), nil); err != nil {
		t.Errorf("nil plan sendGaps: %v", err)
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

func TestRunJobRefusesBadOptions(t *testing.T) {
	dir := t.TempDir()
	page := filepath.Join(dir, "x.html")
	if err := os.WriteFile(page, []byte("<p>x</p>"), 0o644); err != nil {
		t.Fatal(err)
	}
	j := Job{Input: page, Duration: time.Second, FPS: 10, Width: 16, Height: 16, Output: filepath.Join(dir, "out.mp4")}
	_, err := RunJob(context.Background(), j, JobOptions{Dir: t.TempDir(), Frames: "1-2", Shard: job.Shard{Index: 0, Count: 2}})
	if _, ok := err.(*InputError); !ok {
		t.Errorf("--frames with a shard: %v, want an *InputError", err)
	}
	_, err = RunJob(context.Background(), j, JobOptions{Dir: t.TempDir(), Resume: true})
	if _, ok := err.(*InputError); !ok {
		t.Errorf("resume of a missing job: %v, want an *InputError", err)
	}
}
