package pool

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

var errCapture = errors.New("capture failed")

func newPool(t testing.TB, cfg Config) *Pool {
	t.Helper()
	p, err := New(cfg)
	if err != nil {
		t.Fatalf("New(%+v): %v", cfg, err)
	}
	return p
}

// tryNext is Next without the wait: ok is false when Next would block.
func tryNext(p *Pool) (b Batch, ok bool, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.take()
}

// mustNext returns the next batch and fails the test if Next would block.
func mustNext(t *testing.T, p *Pool) Batch {
	t.Helper()
	b, ok, err := tryNext(p)
	if err != nil || !ok {
		t.Fatalf("Next: got ok=%v err=%v, want a batch (stats %+v)", ok, err, p.Stats())
	}
	return b
}

// mustBlock fails the test if Next would not block.
func mustBlock(t *testing.T, p *Pool) {
	t.Helper()
	if b, ok, err := tryNext(p); ok || err != nil {
		t.Fatalf("Next: got %v attempt %d, err %v; want it to block", b.Range, b.Attempt, err)
	}
}

// measure makes the pool's estimate exactly perFrame by handing out and
// completing one batch. It only works before any other Done.
func measure(t *testing.T, p *Pool, perFrame time.Duration) Batch {
	t.Helper()
	b := mustNext(t, p)
	p.Done(b, perFrame*time.Duration(b.Len()))
	return b
}

func TestNewValidation(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string // substring; "" means valid
	}{
		{"defaults", Config{Ranges: []Range{{0, 10}}, Window: 240}, ""},
		{"no ranges", Config{Window: 10}, ""},
		{"adjacent ranges", Config{Ranges: []Range{{0, 10}, {10, 20}}, Window: 10}, ""},
		{"window equals min batch", Config{Ranges: []Range{{0, 10}}, Window: 4, MinBatch: 4}, ""},
		{"window missing", Config{Ranges: []Range{{0, 10}}}, "Window must be set"},
		{"window below min batch", Config{Ranges: []Range{{0, 10}}, Window: 3}, "Window 3 is less than MinBatch 4"},
		{"max below min", Config{Ranges: []Range{{0, 10}}, Window: 10, MinBatch: 8, MaxBatch: 5}, "MaxBatch 5 is less than MinBatch 8"},
		{"negative min", Config{Ranges: []Range{{0, 10}}, Window: 10, MinBatch: -1}, "MinBatch -1 is negative"},
		{"negative target", Config{Ranges: []Range{{0, 10}}, Window: 10, TargetBatchTime: -time.Second}, "TargetBatchTime -1s is negative"},
		{"negative attempts", Config{Ranges: []Range{{0, 10}}, Window: 10, MaxAttempts: -2}, "MaxAttempts -2 is negative"},
		{"negative start", Config{Ranges: []Range{{-1, 10}}, Window: 10}, "range 0 [-1,10) starts before frame 0"},
		{"empty range", Config{Ranges: []Range{{0, 10}, {12, 12}}, Window: 10}, "range 1 [12,12) is empty"},
		{"overlap", Config{Ranges: []Range{{0, 10}, {5, 20}}, Window: 10}, "range 1 [5,20) overlaps or precedes range 0 [0,10)"},
		{"unsorted", Config{Ranges: []Range{{20, 30}, {0, 10}}, Window: 10}, "range 1 [0,10) overlaps or precedes range 0 [20,30)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("New: %v, want no error", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("New: error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestNewDoesNotAliasRanges(t *testing.T) {
	ranges := []Range{{0, 8}}
	p := newPool(t, Config{Ranges: ranges, Window: 8, MinBatch: 4})
	ranges[0] = Range{100, 200}
	if b := mustNext(t, p); b.Range != (Range{0, 4}) {
		t.Fatalf("first batch %v, want [0,4)", b.Range)
	}
}

func TestNextPriority(t *testing.T) {
	// Four batches of 4 frames are handed out; the ones listed in fail are
	// failed (with retry) in that order; want is what Next returns next.
	tests := []struct {
		name string
		fail []int // indexes of the handed-out batches to fail
		want []Batch
	}{
		{
			name: "new work in frame order",
			want: []Batch{{Range{16, 20}, 0}, {Range{20, 24}, 0}},
		},
		{
			name: "retry before new work",
			fail: []int{2},
			want: []Batch{{Range{8, 12}, 1}, {Range{16, 20}, 0}},
		},
		{
			name: "retries lowest start first",
			fail: []int{3, 0, 2},
			want: []Batch{{Range{0, 4}, 1}, {Range{8, 12}, 1}, {Range{12, 16}, 1}, {Range{16, 20}, 0}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPool(t, Config{Ranges: []Range{{0, 100}}, Window: 100, MinBatch: 4, MaxBatch: 4})
			var out []Batch
			for range 4 {
				out = append(out, mustNext(t, p))
			}
			for _, i := range tt.fail {
				if !p.Fail(out[i], errCapture, true) {
					t.Fatalf("Fail(%v) = false, want a retry", out[i].Range)
				}
			}
			for _, want := range tt.want {
				if got := mustNext(t, p); got != want {
					t.Fatalf("Next = %v attempt %d, want %v attempt %d", got.Range, got.Attempt, want.Range, want.Attempt)
				}
			}
		})
	}
}

// TestWindowBound drives the pool with a greedy set of workers and a fake
// consumer in a seeded random order, and checks that no batch ends beyond
// the consumer position plus Window and that the frames held (in flight or
// captured but not consumed) never exceed Window.
func TestWindowBound(t *testing.T) {
	tests := []struct {
		name     string
		ranges   []Range
		window   int
		min, max int
		perFrame time.Duration // capture time reported to Done
	}{
		{"tight window", []Range{{0, 500}}, 4, 4, 4, 10 * time.Millisecond},
		{"window smaller than max batch", []Range{{0, 1000}}, 50, 4, 120, time.Millisecond},
		{"window of a few batches", []Range{{0, 1000}}, 64, 4, 16, time.Millisecond},
		{"slow frames", []Range{{0, 300}}, 40, 2, 30, 500 * time.Millisecond},
		{"several ranges", []Range{{3, 40}, {60, 61}, {100, 400}}, 24, 4, 12, 5 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPool(t, Config{Ranges: tt.ranges, Window: tt.window, MinBatch: tt.min, MaxBatch: tt.max, TargetBatchTime: time.Second})
			rng := rand.New(rand.NewPCG(1, uint64(tt.window)))
			frames := framesOf(tt.ranges)
			var (
				idx      int              // index in frames of the next frame to consume
				done     = map[int]bool{} // captured, not consumed
				inFlight []Batch
				held     int
			)
			for idx < len(frames) {
				// Take every batch the pool will give.
				for {
					b, ok, err := tryNext(p)
					if err != nil {
						t.Fatalf("Next: %v with %d frames unconsumed", err, len(frames)-idx)
					}
					if !ok {
						break
					}
					if pos := frames[idx]; b.End > pos+tt.window {
						t.Fatalf("batch %v ends beyond consumer %d + window %d", b.Range, pos, tt.window)
					}
					if b.Len() > tt.max {
						t.Fatalf("batch %v is longer than MaxBatch %d", b.Range, tt.max)
					}
					inFlight = append(inFlight, b)
					held += b.Len()
				}
				if held > tt.window {
					t.Fatalf("%d frames held, window is %d", held, tt.window)
				}
				if len(inFlight) == 0 && len(done) == 0 {
					t.Fatalf("stalled: nothing in flight or buffered, consumer at %d, stats %+v", frames[idx], p.Stats())
				}
				// Complete one random batch, then let the consumer eat what it can.
				if len(inFlight) > 0 {
					i := rng.IntN(len(inFlight))
					b := inFlight[i]
					inFlight = slices.Delete(inFlight, i, i+1)
					p.Done(b, tt.perFrame*time.Duration(b.Len()))
					for f := b.Start; f < b.End; f++ {
						done[f] = true
					}
				}
				for idx < len(frames) && done[frames[idx]] {
					delete(done, frames[idx])
					idx++
					held--
				}
				if idx < len(frames) {
					p.Advance(frames[idx])
				}
			}
			if _, _, err := tryNext(p); !errors.Is(err, ErrDrained) {
				t.Fatalf("Next at the end: %v, want ErrDrained", err)
			}
		})
	}
}

func TestAdaptiveSize(t *testing.T) {
	tests := []struct {
		name     string
		perFrame []time.Duration // per-frame time of each completed batch, in order
		want     int
	}{
		{"unmeasured starts small", nil, 4},
		{"slow frames clamp to MinBatch", []time.Duration{time.Second}, 4},
		{"steady", []time.Duration{100 * time.Millisecond}, 12},
		{"fast frames", []time.Duration{10 * time.Millisecond}, 120},
		{"very fast frames clamp to MaxBatch", []time.Duration{time.Microsecond}, 120},
		{"zero elapsed is ignored", []time.Duration{0}, 4},
		// 0.3*10ms + 0.7*100ms = 73ms; 1.2s/73ms = 16.4.
		{"moving average", []time.Duration{100 * time.Millisecond, 10 * time.Millisecond}, 16},
		// 0.3*200ms + 0.7*20ms = 74ms; 1.2s/74ms = 16.2.
		{"slows down", []time.Duration{20 * time.Millisecond, 200 * time.Millisecond}, 16},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPool(t, Config{
				Ranges: []Range{{0, 10000}}, Window: 1000,
				MinBatch: 4, MaxBatch: 120, TargetBatchTime: 1200 * time.Millisecond,
			})
			for _, d := range tt.perFrame {
				b := mustNext(t, p)
				p.Done(b, d*time.Duration(b.Len()))
			}
			if got := p.Stats().BatchSize; got != tt.want {
				t.Errorf("Stats().BatchSize = %d, want %d (per frame %v)", got, tt.want, p.Stats().PerFrame)
			}
			if got := mustNext(t, p).Len(); got != tt.want {
				t.Errorf("next batch has %d frames, want %d", got, tt.want)
			}
		})
	}
}

// TestClipping checks that new batches are cut to the range end and the
// window edge, and that slivers smaller than MinBatch are only cut when
// they are the rest of a range.
func TestClipping(t *testing.T) {
	tests := []struct {
		name    string
		ranges  []Range
		window  int
		advance int     // consumer position after the first batch
		want    []Range // batches after the first one, until Next blocks
	}{
		{"window edge", []Range{{0, 1000}}, 50, 0, []Range{{4, 24}, {24, 44}, {44, 50}}},
		{"window edge after advance", []Range{{0, 1000}}, 50, 20, []Range{{4, 24}, {24, 44}, {44, 64}, {64, 70}}},
		{"sliver at window edge waits", []Range{{0, 1000}}, 26, 0, []Range{{4, 24}}},
		{"range end", []Range{{0, 10}, {10, 200}}, 500, 0, []Range{{4, 10}, {10, 30}, {30, 50}, {50, 70}, {70, 90}, {90, 110}, {110, 130}, {130, 150}, {150, 170}, {170, 190}, {190, 200}}},
		{"short range is one batch", []Range{{0, 4}, {7, 9}, {20, 30}}, 30, 0, []Range{{7, 9}, {20, 30}}},
		{"range tail that fits", []Range{{0, 26}}, 26, 0, []Range{{4, 24}, {24, 26}}},
		{"range tail that does not fit waits", []Range{{0, 27}}, 26, 0, []Range{{4, 24}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPool(t, Config{Ranges: tt.ranges, Window: tt.window, MinBatch: 4, MaxBatch: 20, TargetBatchTime: time.Second})
			measure(t, p, time.Millisecond) // batches of 20 from now on
			p.Advance(tt.advance)
			var got []Range
			for {
				b, ok, err := tryNext(p)
				if err != nil || !ok {
					break
				}
				got = append(got, b.Range)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("batches %v, want %v", got, tt.want)
			}
		})
	}
}

func TestWindowWaitsForAdvance(t *testing.T) {
	p := newPool(t, Config{Ranges: []Range{{0, 100}}, Window: 8, MinBatch: 4, MaxBatch: 4})
	a, b := mustNext(t, p), mustNext(t, p)
	mustBlock(t, p)
	p.Done(a, time.Second)
	p.Done(b, time.Second)
	mustBlock(t, p) // done but not consumed still counts
	p.Advance(3)
	mustBlock(t, p) // room for 3 frames is less than MinBatch
	p.Advance(4)
	if got := mustNext(t, p); got.Range != (Range{8, 12}) {
		t.Fatalf("after Advance(4): %v, want [8,12)", got.Range)
	}
	p.Advance(2) // backwards: ignored
	if got := p.Stats().Position; got != 4 {
		t.Fatalf("Position after a backward Advance = %d, want 4", got)
	}
}

func TestWindowSkipsGapsBetweenRanges(t *testing.T) {
	p := newPool(t, Config{Ranges: []Range{{10, 18}, {50, 100}}, Window: 8, MinBatch: 4, MaxBatch: 4})
	if got := p.Stats().Position; got != 10 {
		t.Fatalf("initial Position = %d, want the first range start 10", got)
	}
	a, b := mustNext(t, p), mustNext(t, p)
	mustBlock(t, p)
	p.Done(a, time.Second)
	p.Done(b, time.Second)
	p.Advance(18) // the consumer is done with the first range
	if got := p.Stats().Position; got != 50 {
		t.Fatalf("Position = %d, want 50 (the gap skipped)", got)
	}
	if got := mustNext(t, p); got.Range != (Range{50, 54}) {
		t.Fatalf("Next = %v, want [50,54)", got.Range)
	}
}

func TestRangeBoundaries(t *testing.T) {
	ranges := []Range{{0, 10}, {20, 23}, {30, 100}, {100, 107}}
	p := newPool(t, Config{Ranges: ranges, Window: 1000, MinBatch: 4, MaxBatch: 8, TargetBatchTime: time.Second})
	var got []Range
	for {
		b, ok, err := tryNext(p)
		if errors.Is(err, ErrDrained) {
			break
		}
		if err != nil || !ok {
			t.Fatalf("Next: ok=%v err=%v", ok, err)
		}
		p.Done(b, time.Millisecond*time.Duration(b.Len()))
		got = append(got, b.Range)
	}
	covered := map[int]int{}
	for i, b := range got {
		if i > 0 && b.Start < got[i-1].End {
			t.Errorf("batch %v is out of order after %v", b, got[i-1])
		}
		if !slices.ContainsFunc(ranges, func(r Range) bool { return r.Start <= b.Start && b.End <= r.End }) {
			t.Errorf("batch %v crosses a range boundary", b)
		}
		for f := b.Start; f < b.End; f++ {
			covered[f]++
		}
	}
	want := framesOf(ranges)
	if len(covered) != len(want) {
		t.Errorf("%d frames covered, want %d", len(covered), len(want))
	}
	for _, f := range want {
		if covered[f] != 1 {
			t.Errorf("frame %d covered %d times, want once", f, covered[f])
		}
	}
	t.Logf("batches: %v", got)
}

func TestRetryThenFailForGood(t *testing.T) {
	tests := []struct {
		name        string
		maxAttempts int
		retry       bool
		wantTries   int // Fail returns true wantTries-1 times, then false
	}{
		{"default attempts", 0, true, 3},
		{"five attempts", 5, true, 5},
		{"no retries", 1, true, 1},
		{"retry not wanted", 3, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPool(t, Config{Ranges: []Range{{0, 8}}, Window: 8, MinBatch: 4, MaxBatch: 4, MaxAttempts: tt.maxAttempts})
			other := mustNext(t, p)
			for try := range tt.wantTries {
				b := mustNext(t, p)
				if b.Range != (Range{4, 8}) || b.Attempt != try {
					t.Fatalf("try %d: got %v attempt %d, want [4,8) attempt %d", try, b.Range, b.Attempt, try)
				}
				err := fmt.Errorf("try %d: %w", try, errCapture)
				if got, want := p.Fail(b, err, tt.retry), try < tt.wantTries-1; got != want {
					t.Fatalf("try %d: Fail = %v, want %v", try, got, want)
				}
			}
			mustBlock(t, p) // [0,4) is still in flight
			p.Done(other, time.Second)
			if _, _, err := tryNext(p); !errors.Is(err, ErrDrained) {
				t.Fatalf("Next = %v, want ErrDrained", err)
			}
			failed := p.Failed()
			if len(failed) != 1 || failed[0].Range != (Range{4, 8}) || failed[0].Attempts != tt.wantTries || !errors.Is(failed[0].Err, errCapture) {
				t.Fatalf("Failed() = %+v, want [4,8) after %d attempts with errCapture", failed, tt.wantTries)
			}
			if s := p.Stats(); s.Done != 4 || s.Failed != 4 || s.InFlight+s.Retrying+s.Pending != 0 {
				t.Fatalf("Stats = %+v, want 4 done and 4 failed", s)
			}
		})
	}
}

func TestFailedSortedByStart(t *testing.T) {
	p := newPool(t, Config{Ranges: []Range{{0, 12}}, Window: 12, MinBatch: 4, MaxBatch: 4})
	a, b, c := mustNext(t, p), mustNext(t, p), mustNext(t, p)
	for _, x := range []Batch{c, a, b} {
		p.Fail(x, errCapture, false)
	}
	var got []Range
	for _, f := range p.Failed() {
		got = append(got, f.Range)
	}
	if want := []Range{{0, 4}, {4, 8}, {8, 12}}; !slices.Equal(got, want) {
		t.Fatalf("Failed ranges %v, want %v", got, want)
	}
}

// TestFailedForGoodOpensWindow is the deadlock the window rule exists to
// prevent: with the window exactly one batch wide, a batch at the consumer
// position that fails for good must not stop the rest of the render.
func TestFailedForGoodOpensWindow(t *testing.T) {
	p := newPool(t, Config{Ranges: []Range{{0, 12}}, Window: 4, MinBatch: 4, MaxBatch: 4})
	b := mustNext(t, p)
	mustBlock(t, p)
	if p.Fail(b, errCapture, false) {
		t.Fatal("Fail(retry=false) = true")
	}
	if got := p.Stats().Position; got != 4 {
		t.Fatalf("Position = %d, want 4 (past the failed batch)", got)
	}
	next := mustNext(t, p)
	if next.Range != (Range{4, 8}) {
		t.Fatalf("Next = %v, want [4,8)", next.Range)
	}
	// A hole at the very end drains the pool although the consumer never
	// gets past it.
	p.Done(next, time.Second)
	p.Advance(8)
	p.Fail(mustNext(t, p), errCapture, false)
	if _, _, err := tryNext(p); !errors.Is(err, ErrDrained) {
		t.Fatalf("Next = %v, want ErrDrained", err)
	}
}

func TestFailedHoleAheadOfConsumer(t *testing.T) {
	p := newPool(t, Config{Ranges: []Range{{0, 100}}, Window: 8, MinBatch: 4, MaxBatch: 4})
	a, b := mustNext(t, p), mustNext(t, p)
	p.Fail(b, errCapture, false) // [4,8) is a hole, but [0,4) is still out
	mustBlock(t, p)
	p.Done(a, time.Second)
	p.Advance(4)
	if got := p.Stats().Position; got != 8 {
		t.Fatalf("Position = %d, want 8", got)
	}
	if got := mustNext(t, p); got.Range != (Range{8, 12}) {
		t.Fatalf("Next = %v, want [8,12)", got.Range)
	}
}

// TestWakeups checks that each state change that can unblock a waiting
// Next does wake it.
func TestWakeups(t *testing.T) {
	tests := []struct {
		name       string
		setup, act func(p *Pool, first Batch) // before and after Next blocks
		want       Batch
	}{
		{
			name:  "Advance",
			setup: func(p *Pool, first Batch) { p.Done(first, time.Second) },
			act:   func(p *Pool, first Batch) { p.Advance(4) },
			want:  Batch{Range: Range{4, 8}},
		},
		{
			name: "Fail with retry",
			act:  func(p *Pool, first Batch) { p.Fail(first, errCapture, true) },
			want: Batch{Range: Range{0, 4}, Attempt: 1},
		},
		{
			name: "Fail for good",
			act:  func(p *Pool, first Batch) { p.Fail(first, errCapture, false) },
			want: Batch{Range: Range{4, 8}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPool(t, Config{Ranges: []Range{{0, 100}}, Window: 4, MinBatch: 4})
			first := mustNext(t, p) // fills the window
			if tt.setup != nil {
				tt.setup(p, first)
			}
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			defer cancel()
			type result struct {
				b   Batch
				err error
			}
			got := make(chan result, 1)
			go func() { // ends when Next returns, at the latest when ctx times out
				b, err := p.Next(ctx)
				got <- result{b, err}
			}()
			waitForWaiters(t, p, 1)
			tt.act(p, first)
			if r := <-got; r.err != nil || r.b != tt.want {
				t.Fatalf("waiting Next = %v attempt %d, %v; want %v attempt %d", r.b.Range, r.b.Attempt, r.err, tt.want.Range, tt.want.Attempt)
			}
		})
	}
}

// waitForWaiters polls until n calls to Next are blocked in p.
func waitForWaiters(t *testing.T, p *Pool, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		p.mu.Lock()
		w := p.waiters
		p.mu.Unlock()
		if w == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d calls to Next waiting, want %d", w, n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestDrained(t *testing.T) {
	t.Run("no ranges", func(t *testing.T) {
		p := newPool(t, Config{Window: 10})
		if _, err := p.Next(t.Context()); !errors.Is(err, ErrDrained) {
			t.Fatalf("Next = %v, want ErrDrained", err)
		}
	})
	t.Run("waits for the last batch in flight", func(t *testing.T) {
		p := newPool(t, Config{Ranges: []Range{{0, 4}}, Window: 10})
		b := mustNext(t, p)
		mustBlock(t, p) // b might still fail and be retried
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		errc := make(chan error, 3)
		for range 3 {
			go func() { // ends when Next returns, at the latest when ctx times out
				_, err := p.Next(ctx)
				errc <- err
			}()
		}
		waitForWaiters(t, p, 3)
		p.Done(b, time.Second)
		for range 3 {
			if err := <-errc; !errors.Is(err, ErrDrained) {
				t.Fatalf("Next = %v, want ErrDrained", err)
			}
		}
	})
	t.Run("last batch failing for good", func(t *testing.T) {
		p := newPool(t, Config{Ranges: []Range{{0, 4}}, Window: 10})
		b := mustNext(t, p)
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		errc := make(chan error, 1)
		go func() { // ends when Next returns, at the latest when ctx times out
			_, err := p.Next(ctx)
			errc <- err
		}()
		waitForWaiters(t, p, 1)
		p.Fail(b, errCapture, false)
		if err := <-errc; !errors.Is(err, ErrDrained) {
			t.Fatalf("Next = %v, want ErrDrained", err)
		}
		if _, err := p.Next(ctx); !errors.Is(err, ErrDrained) {
			t.Fatalf("Next after draining = %v, want ErrDrained again", err)
		}
	})
}

func TestNextContext(t *testing.T) {
	t.Run("cancel unblocks a waiting Next", func(t *testing.T) {
		p := newPool(t, Config{Ranges: []Range{{0, 100}}, Window: 4, MinBatch: 4})
		mustNext(t, p) // fills the window
		ctx, cancel := context.WithCancel(t.Context())
		errc := make(chan error)
		go func() { // ends when Next returns, which the test waits for below
			_, err := p.Next(ctx)
			errc <- err
		}()
		time.Sleep(10 * time.Millisecond) // let it block
		start := time.Now()
		cancel()
		select {
		case err := <-errc:
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Next = %v, want context.Canceled", err)
			}
			if d := time.Since(start); d > 500*time.Millisecond {
				t.Fatalf("Next took %v to notice the cancel", d)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("Next did not return after cancel")
		}
	})
	t.Run("deadline", func(t *testing.T) {
		p := newPool(t, Config{Ranges: []Range{{0, 100}}, Window: 4, MinBatch: 4})
		mustNext(t, p)
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
		defer cancel()
		if _, err := p.Next(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Next = %v, want context.DeadlineExceeded", err)
		}
	})
	t.Run("cancelled context gets no work", func(t *testing.T) {
		p := newPool(t, Config{Ranges: []Range{{0, 100}}, Window: 100})
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := p.Next(ctx); !errors.Is(err, context.Canceled) {
			t.Fatalf("Next = %v, want context.Canceled", err)
		}
		if s := p.Stats(); s.InFlight != 0 {
			t.Fatalf("a batch went out on a cancelled context: %+v", s)
		}
	})
}

func TestReportNotInFlightPanics(t *testing.T) {
	tests := []struct {
		name   string
		report func(p *Pool, b Batch)
	}{
		{"Done twice", func(p *Pool, b Batch) { p.Done(b, 0); p.Done(b, 0) }},
		{"Fail after Done", func(p *Pool, b Batch) { p.Done(b, 0); p.Fail(b, errCapture, true) }},
		{"wrong attempt", func(p *Pool, b Batch) { b.Attempt++; p.Done(b, 0) }},
		{"wrong end", func(p *Pool, b Batch) { b.End--; p.Done(b, 0) }},
		{"never handed out", func(p *Pool, b Batch) { p.Fail(Batch{Range: Range{50, 54}}, errCapture, false) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPool(t, Config{Ranges: []Range{{0, 100}}, Window: 100})
			b := mustNext(t, p)
			defer func() {
				if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "not in flight") {
					t.Fatalf("recover() = %v, want a 'not in flight' panic", r)
				}
				// The pool is still usable after the panic: the mutex was released.
				p.Stats()
			}()
			tt.report(p, b)
		})
	}
}

func TestStatsOldestInFlight(t *testing.T) {
	now := time.Unix(1000, 0)
	p := newPool(t, Config{Ranges: []Range{{0, 100}}, Window: 100, Now: func() time.Time { return now }})
	if got := p.Stats().OldestInFlight; got != 0 {
		t.Fatalf("OldestInFlight with nothing out = %v, want 0", got)
	}
	a := mustNext(t, p)
	now = now.Add(3 * time.Second)
	mustNext(t, p)
	now = now.Add(2 * time.Second)
	if got := p.Stats().OldestInFlight; got != 5*time.Second {
		t.Fatalf("OldestInFlight = %v, want 5s", got)
	}
	p.Done(a, time.Second)
	if got := p.Stats().OldestInFlight; got != 2*time.Second {
		t.Fatalf("OldestInFlight after Done = %v, want 2s", got)
	}
}

// TestStress runs several workers that randomly fail batches, with and
// without retry, against a consumer that restores order and skips the
// frames it is told failed for good. Every frame must reach the consumer
// exactly once, done or failed; the consumer must never hold more than
// Window frames; and the whole run must finish before the deadline, which
// is how a deadlock shows up.
func TestStress(t *testing.T) {
	tests := []struct {
		name        string
		ranges      []Range
		workers     int
		window      int
		min, max    int
		maxAttempts int
		failRate    float64 // chance that a try fails
		retryRate   float64 // chance that a failure asks for a retry
	}{
		{"no failures", []Range{{0, 3000}}, 4, 64, 4, 16, 3, 0, 0},
		{"some retries", []Range{{0, 3000}}, 4, 64, 4, 16, 3, 0.2, 1},
		{"permanent failures", []Range{{0, 3000}}, 6, 48, 4, 12, 3, 0.3, 0.5},
		{"window of one batch", []Range{{0, 1000}}, 3, 4, 4, 4, 2, 0.3, 0.5},
		{"several ranges", []Range{{5, 400}, {410, 411}, {900, 1700}, {1700, 1703}}, 5, 40, 2, 20, 4, 0.25, 0.7},
		{"many workers, everything fails", []Range{{0, 500}}, 16, 32, 1, 8, 2, 1, 0.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runStress(t, tt.ranges, tt.workers, Config{
				Ranges: tt.ranges, Window: tt.window, MinBatch: tt.min, MaxBatch: tt.max,
				MaxAttempts: tt.maxAttempts, TargetBatchTime: 50 * time.Millisecond,
			}, tt.failRate, tt.retryRate)
		})
	}
}

// report is what a stress worker tells the consumer about a batch.
type report struct {
	b  Batch
	ok bool // false: failed for good
}

func runStress(t *testing.T, ranges []Range, workers int, cfg Config, failRate, retryRate float64) {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	p := newPool(t, cfg)
	reports := make(chan report)

	var wg sync.WaitGroup
	// On a t.Fatalf below, stop the workers and wait for them, so none
	// outlives the test.
	defer wg.Wait()
	defer cancel()
	for w := range workers {
		rng := rand.New(rand.NewPCG(uint64(w), 42))
		wg.Go(func() {
			for {
				b, err := p.Next(ctx)
				if errors.Is(err, ErrDrained) {
					return
				}
				if err != nil {
					t.Errorf("worker %d: Next: %v (deadlock? stats %+v)", w, err, p.Stats())
					return
				}
				if pos := p.Stats().Position; b.End > pos+cfg.Window {
					t.Errorf("batch %v ends beyond position %d + window %d", b.Range, pos, cfg.Window)
				}
				if rng.IntN(4) == 0 {
					time.Sleep(time.Duration(rng.IntN(50)) * time.Microsecond)
				}
				r := report{b: b, ok: true}
				if rng.Float64() < failRate {
					if p.Fail(b, errCapture, rng.Float64() < retryRate) {
						continue
					}
					r.ok = false
				} else {
					p.Done(b, time.Duration(1+rng.IntN(5))*time.Millisecond*time.Duration(b.Len()))
				}
				select {
				case reports <- r:
				case <-ctx.Done():
					t.Errorf("worker %d: consumer gone: %v", w, ctx.Err())
					return
				}
			}
		})
	}

	// The consumer runs here, on the test goroutine.
	frames := framesOf(ranges)
	seen := make(map[int]int)    // frame -> times reported
	status := make(map[int]bool) // reported and not consumed: true done, false failed
	var idx, held, maxHeld, failed int
	for idx < len(frames) {
		var r report
		select {
		case r = <-reports:
		case <-ctx.Done():
			t.Fatalf("consumer stuck at frame %d: %v (stats %+v)", frames[idx], ctx.Err(), p.Stats())
		}
		for f := r.b.Start; f < r.b.End; f++ {
			seen[f]++
			status[f] = r.ok
			if r.ok {
				held++
			} else {
				failed++
			}
		}
		maxHeld = max(maxHeld, held)
		if held > cfg.Window {
			t.Fatalf("consumer holds %d frames, window is %d", held, cfg.Window)
		}
		for idx < len(frames) {
			ok, reported := status[frames[idx]]
			if !reported {
				break
			}
			if ok {
				held--
			}
			delete(status, frames[idx])
			idx++
		}
		if idx < len(frames) {
			p.Advance(frames[idx])
		} else {
			p.Advance(frames[len(frames)-1] + 1)
		}
	}
	wg.Wait()

	for _, f := range frames {
		if seen[f] != 1 {
			t.Errorf("frame %d reported %d times, want once", f, seen[f])
		}
	}
	if len(seen) != len(frames) {
		t.Errorf("%d frames reported, want %d", len(seen), len(frames))
	}
	failedForGood := 0
	for _, fb := range p.Failed() {
		failedForGood += fb.Len()
		if fb.Attempts < 1 || fb.Attempts > cfg.MaxAttempts {
			t.Errorf("failed batch %v has %d attempts, MaxAttempts is %d", fb.Range, fb.Attempts, cfg.MaxAttempts)
		}
	}
	s := p.Stats()
	if failedForGood != failed || s.Failed != failed || s.Done != len(frames)-failed || s.InFlight+s.Retrying+s.Pending != 0 {
		t.Errorf("Stats %+v, Failed() has %d frames; consumer saw %d failed of %d", s, failedForGood, failed, len(frames))
	}
	t.Logf("%d frames, %d failed for good, consumer held at most %d", len(frames), failed, maxHeld)
}

// framesOf lists the frames of ranges in order.
func framesOf(ranges []Range) []int {
	var fs []int
	for _, r := range ranges {
		for f := r.Start; f < r.End; f++ {
			fs = append(fs, f)
		}
	}
	return fs
}

func BenchmarkNextDone(b *testing.B) {
	ctx := b.Context()
	p := newPool(b, Config{Ranges: []Range{{0, 1 << 40}}, Window: 480})
	b.ReportAllocs()
	for b.Loop() {
		batch, err := p.Next(ctx)
		if err != nil {
			b.Fatal(err)
		}
		p.Done(batch, 5*time.Millisecond*time.Duration(batch.Len()))
		p.Advance(batch.End)
	}
}

func BenchmarkNextDoneParallel(b *testing.B) {
	ctx := b.Context()
	// No consumer: the window is wide enough never to fill.
	p := newPool(b, Config{Ranges: []Range{{0, 1 << 40}}, Window: 1 << 50})
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			batch, err := p.Next(ctx)
			if err != nil {
				b.Error(err)
				return
			}
			p.Done(batch, 5*time.Millisecond*time.Duration(batch.Len()))
		}
	})
}
