package frames

import (
	"fmt"
	"slices"
	"testing"
	"testing/synctest"

	"golang.org/x/sync/errgroup"
)

// TestRunUnderWindow runs Run behind a sender that, like capture under the
// pool's window, may only send frames before OnAdvance's position plus
// window. Holding back a run of identical frames for merging must not stall
// it, even with a window of one frame. synctest turns a stall into a
// deadlock failure instead of a hang.
func TestRunUnderWindow(t *testing.T) {
	const a, b, c = 1, 2, 3
	specs := []shotSpec{{a, 1}, {a, 1}, {a, 2}, {b, 1}, {c, 1}, {c, 1}, {hole, 2}, {c, 1}, {a, 1}, {b, 3}, {b, 1}}
	want := []written{{a, 4}, {b, 1}, {c, 2}, {hole, 2}, {c, 1}, {a, 1}, {b, 4}}
	for _, window := range []int{1, 2, 3, 8} {
		t.Run(fmt.Sprintf("window=%d", window), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				shots := makeShots(t, 0, specs)
				sink := &recordingSink{frameSize: 4 * 3 * 4}
				// The latest position, replaced rather than queued so that
				// OnAdvance never blocks.
				positions := make(chan int, 1)
				cfg := tinyConfig(3)
				cfg.OnAdvance = func(pos int) {
					select {
					case <-positions:
					default:
					}
					positions <- pos
				}
				in := make(chan Shot)
				g, ctx := errgroup.WithContext(t.Context())
				g.Go(func() error {
					defer close(in)
					pos := 0
					for len(shots) > 0 {
						// Everything the window allows goes out at once,
						// last first.
						n := 0
						for n < len(shots) && shots[n].Index < pos+window {
							n++
						}
						batch := slices.Clone(shots[:n])
						slices.Reverse(batch)
						shots = shots[n:]
						for _, s := range batch {
							select {
							case in <- s:
							case <-ctx.Done():
								return nil
							}
						}
						if len(shots) == 0 {
							break
						}
						for pos+window <= shots[0].Index {
							select {
							case pos = <-positions:
							case <-ctx.Done():
								return nil
							}
						}
					}
					return nil
				})
				g.Go(func() error { return Run(ctx, cfg, in, sink) })
				if err := g.Wait(); err != nil {
					t.Fatalf("Run: %v", err)
				}
				if !slices.Equal(sink.calls, want) {
					t.Errorf("sink got %v, want %v", sink.calls, want)
				}
			})
		})
	}
}
