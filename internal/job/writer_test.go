package job

import (
	"github.com/deckreel/deckreel/internal/pool"

	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeEncoders starts fake encoders that record the frames (the first byte
// of each) they are given and write them to their path on Close.
type fakeEncoders struct {
	mu       sync.Mutex
	frames   map[string][]byte // by chunk file name, for every encoder started
	aborted  []string
	failAt   map[string]int // chunk file name: WriteFrame fails after this many frames
	closing  chan struct{}  // if set, Close waits for it
	startErr map[string]error
}

type fakeEncoder struct {
	f    *fakeEncoders
	ctx  context.Context
	path string
}

func (f *fakeEncoders) start(ctx context.Context, path string, r pool.Range) (Encoder, error) {
	_ = r
	f.mu.Lock()
	defer f.mu.Unlock()
	name := filepath.Base(path)
	if err := f.startErr[name]; err != nil {
		return nil, err
	}
	if f.frames == nil {
		f.frames = map[string][]byte{}
	}
	f.frames[name] = []byte{}
	return &fakeEncoder{f: f, ctx: ctx, path: path}, nil
}

func (e *fakeEncoder) WriteFrame(pix []byte, count int) error {
	e.f.mu.Lock()
	defer e.f.mu.Unlock()
	if err := e.ctx.Err(); err != nil {
		return err
	}
	name := filepath.Base(e.path)
	for range count {
		if n, ok := e.f.failAt[name]; ok && len(e.f.frames[name]) >= n {
			return errors.New("ffmpeg died")
		}
		e.f.frames[name] = append(e.f.frames[name], pix[0])
	}
	return nil
}

func (e *fakeEncoder) Close() error {
	if e.f.closing != nil {
		select {
		case <-e.f.closing:
		case <-e.ctx.Done():
			return e.ctx.Err()
		}
	}
	e.f.mu.Lock()
	data := e.f.frames[filepath.Base(e.path)]
	e.f.mu.Unlock()
	return os.WriteFile(e.path, data, 0o644)
}

func (e *fakeEncoder) Abort() error {
	e.f.mu.Lock()
	defer e.f.mu.Unlock()
	e.f.aborted = append(e.f.aborted, filepath.Base(e.path))
	return nil
}

// smallJob is 10 chunks of 4 frames (frames 0-39), at 4 fps.
func smallJob(t *testing.T) *Job {
	t.Helper()
	s := testSettings()
	s.FPS, s.Frames, s.ChunkFrames = 4, 40, 4
	return newJob(t, s)
}

// write feeds runs to w: each run is a frame value (the frame's index in the
// tests) and a count.
func write(t *testing.T, w *ChunkWriter, runs ...[2]int) {
	t.Helper()
	for _, r := range runs {
		if err := w.WriteFrame([]byte{byte(r[0])}, r[1]); err != nil {
			t.Fatalf("WriteFrame(%d x%d): %v", r[0], r[1], err)
		}
	}
}

func frameBytes(from, to int) []byte {
	var b []byte
	for i := from; i < to; i++ {
		b = append(b, byte(i))
	}
	return b
}

func chunkFile(t *testing.T, j *Job, c int) []byte {
	t.Helper()
	data, err := os.ReadFile(j.ChunkPath(c))
	if err != nil {
		t.Fatalf("chunk %d: %v", c, err)
	}
	return data
}

func TestChunkWriterSplitsRuns(t *testing.T) {
	j := smallJob(t)
	var fe fakeEncoders
	// Chunks 1, 2 and 4: frames 4-11 and 16-19.
	w, err := NewChunkWriter(context.Background(), j, WriterConfig{Chunks: []int{1, 2, 4}, Start: fe.start})
	if err != nil {
		t.Fatal(err)
	}
	// One frame each, then a run of 3 that crosses from chunk 1 into 2, then
	// a run that spans the gap (chunk 3) from chunk 2 into chunk 4, as the
	// frames stage merges identical frames on either side of a hole.
	write(t, w, [2]int{4, 1}, [2]int{5, 1}, [2]int{6, 3}, [2]int{9, 1}, [2]int{10, 3}, [2]int{17, 3})
	res, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Done, []int{1, 2, 4}) || len(res.Failed) != 0 {
		t.Fatalf("result %+v, want chunks 1, 2, 4 done", res)
	}
	want := map[int][]byte{1: {4, 5, 6, 6}, 2: {6, 9, 10, 10}, 4: {10, 17, 17, 17}}
	for c, w := range want {
		if got := chunkFile(t, j, c); !slices.Equal(got, w) {
			t.Errorf("chunk %d frames %v, want %v", c, got, w)
		}
	}
	if got := states(t, j); got != ".DD.D....." {
		t.Errorf("states %s", got)
	}
}

func TestChunkWriterHoles(t *testing.T) {
	j := smallJob(t)
	var fe fakeEncoders
	w, err := NewChunkWriter(context.Background(), j, WriterConfig{Chunks: []int{0, 1, 2, 3, 4}, Start: fe.start})
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("page error: boom")
	// Frames 5-6 (in chunk 1) and 11-12 (across chunks 2 and 3) failed,
	// and 18-19 (the end of chunk 4, the last frames); the holes come in
	// order, between the frames.
	hole := func(n int) {
		if err := w.Hole(n, boom); err != nil {
			t.Fatalf("Hole(%d): %v", n, err)
		}
	}
	write(t, w, [2]int{0, 4}, [2]int{4, 1}) // chunk 0, and chunk 1 up to its hole
	hole(2)
	write(t, w, [2]int{7, 1}, [2]int{8, 3}) // the rest of chunk 1, chunk 2 up to its hole
	hole(2)
	write(t, w, [2]int{13, 3}, [2]int{16, 1}, [2]int{17, 1}) // chunks 3 and 4
	hole(2)
	res, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	var failed []int
	for _, f := range res.Failed {
		failed = append(failed, f.Chunk)
		if !errors.Is(f.Err, boom) {
			t.Errorf("chunk %d error %v, want it to wrap the capture error", f.Chunk, f.Err)
		}
	}
	if !slices.Equal(res.Done, []int{0}) || !slices.Equal(failed, []int{1, 2, 3, 4}) {
		t.Fatalf("done %v failed %v; want [0] and [1 2 3 4]", res.Done, failed)
	}
	if got := states(t, j); got != "DFFFF....." {
		t.Errorf("states %s", got)
	}
	st, _ := j.Status()
	if msg := st.Chunks[2].Failure.Error; !strings.Contains(msg, "capture frames 11-11: page error: boom") {
		t.Errorf("chunk 2 failure %q", msg)
	}
	// Chunk 1's encoder was started and abandoned at the hole; chunk 2's
	// got its three frames first. No failed chunk left a video.
	if !slices.Contains(fe.aborted, "00001.mp4") || !slices.Contains(fe.aborted, "00002.mp4") {
		t.Errorf("aborted %v, want chunks 1 and 2 among them", fe.aborted)
	}
	for c := 1; c <= 4; c++ {
		if _, err := os.Stat(j.ChunkPath(c)); err == nil {
			t.Errorf("failed chunk %d has a video", c)
		}
	}
}

func TestChunkWriterEncoderFails(t *testing.T) {
	j := smallJob(t)
	fe := fakeEncoders{failAt: map[string]int{"00001.mp4": 2}, startErr: map[string]error{"00002.mp4": errors.New("no ffmpeg")}}
	w, err := NewChunkWriter(context.Background(), j, WriterConfig{Chunks: []int{0, 1, 2, 3}, Start: fe.start})
	if err != nil {
		t.Fatal(err)
	}
	for f := range 16 {
		write(t, w, [2]int{f, 1})
	}
	res, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Done, []int{0, 3}) || len(res.Failed) != 2 {
		t.Fatalf("result %+v, want 0 and 3 done, 1 and 2 failed", res)
	}
	if !strings.Contains(res.Failed[0].Err.Error(), "ffmpeg died") || !strings.Contains(res.Failed[1].Err.Error(), "no ffmpeg") {
		t.Errorf("failures %v", res.Failed)
	}
	if got := chunkFile(t, j, 3); !slices.Equal(got, frameBytes(12, 16)) {
		t.Errorf("chunk 3 after two failed chunks: %v", got)
	}
}

func TestChunkWriterMissingFrames(t *testing.T) {
	j := smallJob(t)
	var fe fakeEncoders
	w, _ := NewChunkWriter(context.Background(), j, WriterConfig{Chunks: []int{0, 1}, Start: fe.start})
	write(t, w, [2]int{0, 6})
	res, err := w.Close()
	if err == nil || !strings.Contains(err.Error(), "frame 6 (chunk 1) never arrived") {
		t.Fatalf("Close: %v, want a missing-frame error", err)
	}
	if !slices.Equal(res.Done, []int{0}) {
		t.Errorf("done %v, want chunk 0 kept", res.Done)
	}
	if _, err := os.Stat(j.ChunkPath(1)); err == nil {
		t.Error("incomplete chunk 1 has a video")
	}
	// Too many frames.
	w, _ = NewChunkWriter(context.Background(), j, WriterConfig{Chunks: []int{5}, Start: fe.start})
	if err := w.WriteFrame([]byte{0}, 5); err == nil {
		t.Error("5 frames into a 4-frame chunk: no error")
	}
	w.Abort()
}

// TestChunkWriterCancel: a complete chunk that is still being finished when
// the render is cancelled is kept; the chunk being written is abandoned and
// stays pending, not failed.
func TestChunkWriterCancel(t *testing.T) {
	j := smallJob(t)
	fe := fakeEncoders{closing: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	w, _ := NewChunkWriter(ctx, j, WriterConfig{Chunks: []int{0, 1, 2}, Start: fe.start, Closing: 2})
	write(t, w, [2]int{0, 4}, [2]int{4, 2})
	cancel()
	if err := w.WriteFrame([]byte{6}, 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("WriteFrame after cancel: %v", err)
	}
	go func() {
		time.Sleep(20 * time.Millisecond)
		close(fe.closing)
	}()
	res, err := w.Abort()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Done, []int{0}) || len(res.Failed) != 0 {
		t.Fatalf("result %+v, want chunk 0 done and nothing failed", res)
	}
	if got := states(t, j); got != "D........." {
		t.Errorf("states %s", got)
	}
	if !slices.Equal(fe.aborted, []string{"00001.mp4"}) {
		t.Errorf("aborted %v, want chunk 1", fe.aborted)
	}
}

func TestNewChunkWriterValidates(t *testing.T) {
	j := smallJob(t)
	for _, chunks := range [][]int{{2, 1}, {1, 1}, {10}, {-1}} {
		if _, err := NewChunkWriter(context.Background(), j, WriterConfig{Chunks: chunks}); err == nil {
			t.Errorf("chunks %v: no error", chunks)
		}
	}
}

func ExampleChunkWriter() {
	dir, _ := os.MkdirTemp("", "job")
	defer os.RemoveAll(dir)
	j, _ := Create(dir, Settings{Input: "deck", Width: 16, Height: 16, FPS: 2, Frames: 6, ChunkFrames: 2}, Revision{InputHash: "h"})
	var fe fakeEncoders
	w, _ := NewChunkWriter(context.Background(), j, WriterConfig{Chunks: []int{0, 1, 2}, Start: fe.start})
	_ = w.WriteFrame([]byte{0}, 3)           // frames 0-2
	_ = w.Hole(1, errors.New("tab crashed")) // frame 3 never came
	_ = w.WriteFrame([]byte{4}, 2)           // frames 4-5
	res, _ := w.Close()
	fmt.Println("done", res.Done)
	for _, f := range res.Failed {
		fmt.Println("failed", f.Chunk, f.Err)
	}
	// Output:
	// done [0 2]
	// failed 1 capture frames 3-3: tab crashed
}
