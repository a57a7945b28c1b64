package render

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/deckreel/deckreel/internal/job"
)

// jobRender is a 2 s render of the accuracy page at 10 fps (20 frames).
func jobRender(t *testing.T, out string) Request {
	t.Helper()
	return Request{
		Input: "testdata/accuracy.html", Duration: 2 * time.Second, FPS: 10, Width: 320, Height: 180,
		Output: out, Workers: 2, Epoch: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
	}
}

// TestJobResumeAndShards checks the promises of a job directory with the
// real Chrome and ffmpeg: a render interrupted after some chunks and then
// resumed, and a render split into three shards run at once and merged,
// both produce the very same file as an uninterrupted job render.
func TestJobResumeAndShards(t *testing.T) {
	requireTools(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	const chunk = 5 // frames: 4 chunks of 0.5 s

	clean := filepath.Join(dir, "clean.mp4")
	if _, err := RunJob(ctx, jobRender(t, clean), JobOptions{Dir: filepath.Join(dir, "clean"), ChunkFrames: chunk}); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(clean)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("interrupted and resumed", func(t *testing.T) {
		jdir := filepath.Join(dir, "resumed")
		out := filepath.Join(dir, "resumed.mp4")
		// Cancel as soon as the first chunk is in place.
		rctx, stop := context.WithCancel(ctx)
		go func() {
			defer stop()
			for rctx.Err() == nil {
				if done, _ := filepath.Glob(filepath.Join(jdir, "chunks", "*.done.json")); len(done) > 0 {
					return
				}
				time.Sleep(5 * time.Millisecond)
			}
		}()
		_, err := RunJob(rctx, jobRender(t, out), JobOptions{Dir: jdir, ChunkFrames: chunk})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("interrupted run: %v, want context.Canceled", err)
		}
		jb, err := job.Open(jdir)
		if err != nil {
			t.Fatal(err)
		}
		todo, _ := jb.Todo(jb.All())
		if len(todo) == 0 || len(todo) == jb.Chunks() {
			t.Fatalf("after the interruption %d of %d chunks are left; want some done and some not", len(todo), jb.Chunks())
		}
		// Resume takes everything from the job: no size, no epoch.
		r, err := RequestFromJob(jb)
		if err != nil {
			t.Fatal(err)
		}
		r.Workers = 2
		res, err := RunJob(ctx, r, JobOptions{Dir: jdir, Resume: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.Frames != len(todo)*chunk {
			t.Errorf("resume rendered %d frames, want %d (only the missing chunks)", res.Frames, len(todo)*chunk)
		}
		if got, _ := os.ReadFile(out); !bytes.Equal(got, want) {
			t.Error("the resumed video differs from the clean run's")
		}
	})

	t.Run("shards", func(t *testing.T) {
		jdir := filepath.Join(dir, "shards")
		var wg sync.WaitGroup
		for i := range 3 {
			wg.Go(func() {
				j := jobRender(t, "")
				j.Workers = 1
				if _, err := RunJob(ctx, j, JobOptions{Dir: jdir, ChunkFrames: chunk, Shard: job.Shard{Index: i, Count: 3}}); err != nil {
					t.Errorf("shard %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		out := filepath.Join(dir, "merged.mp4")
		if _, err := MergeJob(ctx, jdir, MergeOptions{Output: out}); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(out); !bytes.Equal(got, want) {
			t.Error("the merged shards differ from the clean run's video")
		}
	})
}

// TestJobOfURL: a job of a URL input (nothing to snapshot but the URL) is
// rendered, resumed and merged like any other.
func TestJobOfURL(t *testing.T) {
	requireTools(t)
	page, err := os.ReadFile("testdata/accuracy.html")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write(page)
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	req := jobRender(t, filepath.Join(dir, "url.mp4"))
	req.Input = srv.URL + "/accuracy.html"
	jobDir := filepath.Join(dir, "job")
	if _, err := RunJob(ctx, req, JobOptions{Dir: jobDir, ChunkFrames: 5}); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(req.Output)
	if err != nil {
		t.Fatal(err)
	}
	jb, err := job.Open(jobDir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(jb.ChunkPath(1)); err != nil {
		t.Fatal(err)
	}
	back, err := RequestFromJob(jb)
	if err != nil {
		t.Fatal(err)
	}
	back.Workers = 2
	if back.Input != req.Input {
		t.Errorf("the job records input %q, want %q", back.Input, req.Input)
	}
	if _, err := RunJob(ctx, back, JobOptions{Dir: jobDir, Resume: true}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(req.Output); !bytes.Equal(got, want) {
		t.Error("the resumed URL job differs from its first render")
	}
}
