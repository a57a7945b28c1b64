package job

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func testSettings() Settings {
	return Settings{
		Input: "/decks/talk", Width: 1920, Height: 1080, FPS: 30, Frames: 1000,
		Codec: "libx264", PixFmt: "yuv420p", CRF: 18, Preset: "veryfast",
		Epoch:       time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		ChunkFrames: 300, Output: "/out/talk.mp4",
	}
}

func newJob(t *testing.T, s Settings) *Job {
	t.Helper()
	j, err := Create(t.TempDir(), s, Revision{InputHash: "in-1"})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	return j
}

func TestCreateOpen(t *testing.T) {
	dir := t.TempDir()
	s := testSettings()
	j, err := Create(dir, s, Revision{InputHash: "in-1"})
	if err != nil {
		t.Fatal(err)
	}
	if got := j.Chunks(); got != 4 {
		t.Errorf("Chunks = %d, want 4 (1000 frames in chunks of 300)", got)
	}
	o, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if o.Settings().Hash() != j.Settings().Hash() || o.InputHash() != "in-1" || o.Chunks() != 4 {
		t.Errorf("Open = %+v, want %+v", o.st, j.st)
	}
	if err := o.Check(s); err != nil {
		t.Errorf("Check with the same settings: %v", err)
	}
	if _, err := Create(dir, s, Revision{InputHash: "in-1"}); !errors.Is(err, fs.ErrExist) {
		t.Errorf("second Create: %v, want fs.ErrExist", err)
	}
	if _, err := Open(t.TempDir()); !errors.Is(err, ErrNoJob) {
		t.Errorf("Open of an empty dir: %v, want ErrNoJob", err)
	}
}

func TestChunkRanges(t *testing.T) {
	j := newJob(t, testSettings())
	want := [][2]int{{0, 300}, {300, 600}, {600, 900}, {900, 1000}}
	for i, w := range want {
		if r := j.ChunkRange(i); r.Start != w[0] || r.End != w[1] {
			t.Errorf("ChunkRange(%d) = %v, want [%d,%d)", i, r, w[0], w[1])
		}
	}
	if c := j.ChunkOf(599); c != 1 {
		t.Errorf("ChunkOf(599) = %d, want 1", c)
	}
	if p := j.ChunkPath(3); filepath.Base(p) != "00003.mp4" {
		t.Errorf("ChunkPath(3) = %s", p)
	}
}

func TestCreateDefaults(t *testing.T) {
	s := testSettings()
	s.ChunkFrames, s.Epoch = 0, time.Time{}
	before := time.Now()
	j := newJob(t, s)
	got := j.Settings()
	if got.ChunkFrames != DefaultChunkSeconds*30 {
		t.Errorf("ChunkFrames = %d, want %d", got.ChunkFrames, DefaultChunkSeconds*30)
	}
	if got.Epoch.Before(before.Add(-time.Second)) || got.Epoch.After(time.Now()) {
		t.Errorf("Epoch = %v, want about now", got.Epoch)
	}
	// A resume that does not say adopts both.
	if err := j.Check(s); err != nil {
		t.Errorf("Check with zero epoch and chunk size: %v", err)
	}
}

func TestCreateValidation(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Settings)
		want   string
	}{
		{"no input", func(s *Settings) { s.Input = "" }, "no input"},
		{"no frames", func(s *Settings) { s.Frames = 0 }, "at least one"},
		{"bad size", func(s *Settings) { s.Width = 0 }, "not positive"},
		{"negative chunk", func(s *Settings) { s.ChunkFrames = -3 }, "must be positive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testSettings()
			tt.change(&s)
			_, err := Create(t.TempDir(), s, Revision{InputHash: "x"})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Create: %v, want an error containing %q", err, tt.want)
			}
		})
	}
	// 25 fps: a frame is 40 ms, so any chunk size is exact.
	s := testSettings()
	s.FPS, s.ChunkFrames = 25, 7
	if _, err := Create(t.TempDir(), s, Revision{InputHash: "x"}); err != nil {
		t.Errorf("7 frames at 25 fps: %v", err)
	}
}

func TestCheckMismatch(t *testing.T) {
	j := newJob(t, testSettings())
	tests := []struct {
		name   string
		change func(*Settings)
		input  string
		want   []string // substrings of the message
	}{
		{"size", func(s *Settings) { s.Width, s.Height = 1280, 720 }, "in-1",
			[]string{"size: job was created for 1920x1080, this run asks 1280x720", "start a new job"}},
		{"fps and length", func(s *Settings) { s.FPS, s.Frames = 60, 2000 }, "in-1",
			[]string{"fps: job was created for 30, this run asks 60", "length: job was created for 1000 frames (33.333s), this run asks 2000 frames (33.333s)"}},
		{"crf", func(s *Settings) { s.CRF = 23 }, "in-1", []string{"crf: job was created for 18, this run asks 23"}},
		{"epoch", func(s *Settings) { s.Epoch = s.Epoch.Add(time.Hour) }, "in-1", []string{"epoch: job was created for 2026-01-02T03:04:05Z, this run asks 2026-01-02T04:04:05Z"}},
		{"chunk size", func(s *Settings) { s.ChunkFrames = 600 }, "in-1", []string{"chunk size: job was created for 300 frames, this run asks 600 frames"}},
		{"extra", func(s *Settings) { s.Extra = map[string]string{"font": "Inter"} }, "in-1", []string{`font: job was created for unset, this run asks "Inter"`}},
		{"output is not compared", func(s *Settings) { s.Output = "/elsewhere.mp4" }, "in-1", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testSettings()
			tt.change(&s)
			err := j.Check(s)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Check: %v, want nil", err)
				}
				return
			}
			var me *MismatchError
			if !errors.As(err, &me) {
				t.Fatalf("Check: %v, want a *MismatchError", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Check: %q\ndoes not contain %q", err, w)
				}
			}
		})
	}
}

func TestOpenOrCreateRace(t *testing.T) {
	dir := t.TempDir()
	s := testSettings()
	s.Epoch = time.Time{} // each racer would pick its own "now"
	const n = 16
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		created int
		epochs  = map[time.Time]bool{}
	)
	for range n {
		wg.Go(func() {
			j, c, err := OpenOrCreate(dir, s, Revision{InputHash: "in-1"})
			if err != nil {
				t.Errorf("OpenOrCreate: %v", err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if c {
				created++
			}
			epochs[j.Settings().Epoch] = true
		})
	}
	wg.Wait()
	if created != 1 || len(epochs) != 1 {
		t.Errorf("%d racers created the job and saw %d epochs; want exactly 1 and 1", created, len(epochs))
	}
	if _, _, err := OpenOrCreate(dir, testSettingsSized(1280, 720), Revision{InputHash: "in-1"}); err == nil {
		t.Error("OpenOrCreate with another size: no error")
	}
}

func testSettingsSized(w, h int) Settings {
	s := testSettings()
	s.Width, s.Height = w, h
	return s
}

// TestCrashLeftovers simulates crashes at every step of an atomic write:
// temporary files (empty, half written, complete but not renamed) must not
// confuse Open, and a crash before the rename leaves the old state.
func TestCrashLeftovers(t *testing.T) {
	dir := t.TempDir()
	j, err := Create(dir, testSettings(), Revision{InputHash: "in-1"})
	if err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(filepath.Join(dir, stateFile))
	if err != nil {
		t.Fatal(err)
	}
	// Leftovers of crashed writes of job.json and of failure records.
	var newer state
	if err := json.Unmarshal(good, &newer); err != nil {
		t.Fatal(err)
	}
	newer.InputHash = "in-2"
	complete, _ := json.Marshal(newer)
	for name, data := range map[string][]byte{
		".job.json.123.tmp":                    nil,
		".job.json.456.tmp":                    good[:len(good)/2],
		".job.json.789.tmp":                    complete,
		"chunks/.00001.failed.json.1.tmp":      []byte(`{"attem`),
		"chunks/.00002.mp4.deckreel-9.tmp.mp4": []byte("half a video"),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	o, err := Open(dir)
	if err != nil {
		t.Fatalf("Open with leftovers: %v", err)
	}
	if o.InputHash() != "in-1" {
		t.Errorf("InputHash = %q: a temporary file was read", o.InputHash())
	}
	st, err := o.Status()
	if err != nil {
		t.Fatal(err)
	}
	if st.Done != 0 || st.Failed != 0 || st.Pending != 4 {
		t.Errorf("status with leftovers: %d done, %d failed, %d pending; want 0, 0, 4", st.Done, st.Failed, st.Pending)
	}
	// A real update still works, and Lock clears the encoder's leftover.
	if _, err := j.Revise(Revision{InputHash: "in-3"}); err != nil {
		t.Fatal(err)
	}
	if o, err := Open(dir); err != nil || o.InputHash() != "in-3" {
		t.Errorf("after Revise: %v, hash %q", err, o.InputHash())
	}
	l, err := j.Lock(j.All())
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	if _, err := os.Stat(filepath.Join(dir, "chunks/.00002.mp4.deckreel-9.tmp.mp4")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("encoder leftover after Lock: %v, want it removed", err)
	}
}

func TestOpenDamaged(t *testing.T) {
	tests := []struct {
		name   string
		change func(*state)
		raw    string
		want   string
	}{
		{name: "not json", raw: "{", want: "damaged"},
		{name: "hash", change: func(s *state) { s.Settings.Width = 640 }, want: "do not match their hash"},
		{name: "version", change: func(s *state) { s.Version = 99 }, want: "layout version 99"},
		{name: "plan short", change: func(s *state) { s.Plan = s.Plan[:3] }, want: "end at frame 900, want 1000"},
		{name: "plan gap", change: func(s *state) { s.Plan[1].Start++ }, want: "chunk 1 starts at frame 301, want 300"},
		{name: "plan key", change: func(s *state) { s.Plan[2].Key = "../x" }, want: "bad key"},
		{name: "plan dup", change: func(s *state) { s.Plan[2].Key = s.Plan[1].Key }, want: "same key"},
		{name: "source outside", change: func(s *state) { s.Source = "../elsewhere" }, want: "not inside the job"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			j, err := Create(dir, testSettings(), Revision{InputHash: "in-1"})
			if err != nil {
				t.Fatal(err)
			}
			data := []byte(tt.raw)
			if tt.change != nil {
				st := j.st
				st.Plan = append([]Chunk(nil), st.Plan...)
				tt.change(&st)
				data, _ = json.Marshal(st)
			}
			if err := os.WriteFile(filepath.Join(dir, stateFile), data, 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Open: %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestSettingsHash(t *testing.T) {
	a := testSettings()
	b := testSettings()
	b.Output = "/other.mp4"
	b.Epoch = a.Epoch.In(time.FixedZone("X", 3600))
	if a.Hash() != b.Hash() {
		t.Error("hash depends on Output or the epoch's time zone")
	}
	b.CRF++
	if a.Hash() == b.Hash() {
		t.Error("hash ignores CRF")
	}
	a.Extra = map[string]string{"a": "1", "b": "2", "c": "3"}
	h := a.Hash()
	for range 10 {
		if a.Hash() != h {
			t.Fatal("hash of Extra is not stable")
		}
	}
}

func TestCutPlan(t *testing.T) {
	key := func(s, e int) string { return fmt.Sprintf("k%d-%d", s, e) }
	tests := []struct {
		name         string
		frames, size int
		cuts         []int
		want         [][2]int
	}{
		{"no cuts", 100, 40, nil, [][2]int{{0, 33}, {33, 66}, {66, 100}}},
		{"slides", 120, 300, []int{60, 75}, [][2]int{{0, 60}, {60, 75}, {75, 120}}},
		{"long slide split evenly", 100, 30, []int{10}, [][2]int{{0, 10}, {10, 40}, {40, 70}, {70, 100}}},
		{"repeats and ends ignored", 50, 0, []int{0, 20, 20, 50, 70, -3}, [][2]int{{0, 20}, {20, 50}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := CutPlan(tt.frames, tt.size, tt.cuts, key)
			if err := checkPlan(plan, tt.frames); err != nil {
				t.Fatal(err)
			}
			var got [][2]int
			for _, c := range plan {
				got = append(got, [2]int{c.Start, c.End})
				if c.Key != key(c.Start, c.End) {
					t.Errorf("chunk %v has key %s", c, c.Key)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("CutPlan = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestReviseReusesKeys: a new revision keeps the videos of the chunks whose
// keys it shares with the old plan, and renders the rest.
func TestReviseReusesKeys(t *testing.T) {
	dir := t.TempDir()
	s := testSettings()
	plan := func(keys ...string) []Chunk {
		var p []Chunk
		for i, k := range keys {
			p = append(p, Chunk{Start: i * 250, End: (i + 1) * 250, Key: k})
		}
		return p
	}
	j, err := Create(dir, s, Revision{InputHash: "in-1", Plan: plan("a", "b", "c", "d")})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		if err := os.WriteFile(j.ChunkPath(i), []byte("video "+fmt.Sprint(i)), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := j.MarkDone(i, nil); err != nil {
			t.Fatal(err)
		}
	}
	reused, err := j.Revise(Revision{InputHash: "in-2", Plan: plan("a", "x", "c", "y")})
	if err != nil {
		t.Fatal(err)
	}
	if reused != 2 {
		t.Errorf("reused %d chunks, want 2", reused)
	}
	todo, _ := j.Todo(j.All())
	if fmt.Sprint(todo) != "[1 3]" {
		t.Errorf("todo after the edit = %v, want [1 3]", todo)
	}
	o, err := Open(dir)
	if err != nil || o.InputHash() != "in-2" || o.Plan()[1].Key != "x" {
		t.Fatalf("reopened: %v %+v", err, o)
	}
	// Going back to the first revision finds every video again.
	if reused, _ := j.Revise(Revision{InputHash: "in-1", Plan: plan("a", "b", "c", "d")}); reused != 4 {
		t.Errorf("back to the first revision: %d reused, want 4", reused)
	}
}

// TestDamagedChunk: a chunk video that is cut short after it was finished,
// or that deckreel never recorded, is not done: it is rendered again.
func TestDamagedChunk(t *testing.T) {
	j := newJob(t, testSettings())
	for i := range 3 {
		if err := os.WriteFile(j.ChunkPath(i), []byte("a whole chunk video"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 2 {
		if err := j.MarkDone(i, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Truncate(j.ChunkPath(1), 5); err != nil {
		t.Fatal(err)
	}
	st, err := j.Status()
	if err != nil {
		t.Fatal(err)
	}
	want := []ChunkState{StateDone, StateDamaged, StateDamaged, StatePending}
	for i, w := range want {
		if st.Chunks[i].State != w {
			t.Errorf("chunk %d is %s (%s), want %s", i, st.Chunks[i].State, st.Chunks[i].Damage, w)
		}
	}
	if !strings.Contains(st.Chunks[1].Damage, "cut short") {
		t.Errorf("damage of the truncated chunk: %q", st.Chunks[1].Damage)
	}
	if st.Damaged != 2 || st.Done != 1 {
		t.Errorf("counts: %d done, %d damaged", st.Done, st.Damaged)
	}
	if todo, _ := j.Todo(j.All()); fmt.Sprint(todo) != "[1 2 3]" {
		t.Errorf("todo = %v, want [1 2 3]", todo)
	}
}

// TestCreateRefusesStrayChunks: chunks without a job.json belong to a job
// whose state is lost; a new job must not adopt them.
func TestCreateRefusesStrayChunks(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "chunks"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "chunks", "00000.mp4"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Create(dir, testSettings(), Revision{InputHash: "in-1"})
	if !errors.Is(err, ErrStrayChunks) {
		t.Fatalf("Create over stray chunks: %v, want ErrStrayChunks", err)
	}
}
