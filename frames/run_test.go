package frames

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/synctest"

	"golang.org/x/sync/errgroup"
)

func TestRunRestoresOrder(t *testing.T) {
	tests := []struct {
		name  string
		start int
		specs []shotSpec
		order func([]Shot) []Shot
	}{
		{
			name:  "in order",
			specs: []shotSpec{{0, 1}, {1, 1}, {2, 1}, {3, 1}},
			order: slices.Clone[[]Shot],
		},
		{
			name:  "reversed",
			specs: []shotSpec{{0, 1}, {1, 1}, {2, 1}, {3, 1}, {4, 1}, {5, 1}},
			order: func(s []Shot) []Shot { s = slices.Clone(s); slices.Reverse(s); return s },
		},
		{
			name:  "shuffled",
			specs: []shotSpec{{10, 1}, {11, 1}, {12, 1}, {13, 1}, {14, 1}, {15, 1}, {16, 1}, {17, 1}, {18, 1}, {19, 1}, {20, 1}, {21, 1}},
			order: func(s []Shot) []Shot { return shuffled(s, 1) },
		},
		{
			name:  "multi-frame shots shuffled",
			specs: []shotSpec{{1, 3}, {2, 1}, {3, 5}, {4, 2}, {5, 1}, {6, 7}},
			order: func(s []Shot) []Shot { return shuffled(s, 2) },
		},
		{
			name:  "start offset",
			start: 1000,
			specs: []shotSpec{{7, 2}, {8, 1}, {9, 4}},
			order: func(s []Shot) []Shot { return shuffled(s, 3) },
		},
	}
	for _, tt := range tests {
		for _, workers := range []int{1, 3, 8} {
			t.Run(fmt.Sprintf("%s/workers=%d", tt.name, workers), func(t *testing.T) {
				cfg := tinyConfig(workers)
				cfg.Start = tt.start
				shots := makeShots(t, tt.start, tt.specs)
				sink := &recordingSink{frameSize: 4 * 3 * 4}
				advances, err := runShots(t, cfg, tt.order(shots), sink)
				if err != nil {
					t.Fatalf("Run: %v", err)
				}
				var want []written
				total := 0
				for _, sp := range tt.specs {
					want = append(want, written(sp))
					total += sp.count
				}
				if !slices.Equal(sink.calls, want) {
					t.Errorf("sink got %v, want %v", sink.calls, want)
				}
				if len(advances) == 0 || advances[len(advances)-1] != tt.start+total {
					t.Errorf("OnAdvance positions %v, want last %d", advances, tt.start+total)
				}
				if !slices.IsSorted(advances) || len(slices.Compact(slices.Clone(advances))) != len(advances) {
					t.Errorf("OnAdvance positions %v are not strictly increasing", advances)
				}
			})
		}
	}
}

func TestRunMergesIdenticalShots(t *testing.T) {
	const a, b, c = 1, 2, 3
	tests := []struct {
		name  string
		specs []shotSpec
		want  []written
	}{
		{"all the same", []shotSpec{{a, 1}, {a, 1}, {a, 1}}, []written{{a, 3}}},
		{"counts add up", []shotSpec{{a, 2}, {a, 5}, {b, 1}, {b, 3}}, []written{{a, 7}, {b, 4}}},
		{"only neighbours merge", []shotSpec{{a, 1}, {b, 1}, {a, 1}}, []written{{a, 1}, {b, 1}, {a, 1}}},
		{"runs", []shotSpec{{a, 1}, {a, 1}, {b, 1}, {c, 1}, {c, 2}, {c, 1}, {a, 1}}, []written{{a, 2}, {b, 1}, {c, 4}, {a, 1}}},
		{"a hole ends a run", []shotSpec{{a, 2}, {hole, 3}, {a, 1}, {b, 1}}, []written{{a, 2}, {hole, 3}, {a, 1}, {b, 1}}},
		{"single", []shotSpec{{b, 9}}, []written{{b, 9}}},
	}
	for _, tt := range tests {
		// Merging must not depend on which worker finishes first.
		for _, seed := range []uint64{0, 1, 2, 3} {
			t.Run(fmt.Sprintf("%s/order=%d", tt.name, seed), func(t *testing.T) {
				shots := makeShots(t, 0, tt.specs)
				if seed > 0 {
					shots = shuffled(shots, seed)
				}
				sink := &recordingSink{frameSize: 4 * 3 * 4}
				if _, err := runShots(t, tinyConfig(4), shots, sink); err != nil {
					t.Fatalf("Run: %v", err)
				}
				if !slices.Equal(sink.calls, tt.want) {
					t.Errorf("sink got %v, want %v", sink.calls, tt.want)
				}
			})
		}
	}
}

// TestRunHoleFailsPlainSink: a sink that cannot take holes ends the render
// at the first one, with the hole's cause.
func TestRunHoleFailsPlainSink(t *testing.T) {
	shots := makeShots(t, 0, []shotSpec{{1, 2}, {hole, 3}, {2, 1}})
	sink := &plainSink{recordingSink{frameSize: 4 * 3 * 4}}
	_, err := runShots(t, tinyConfig(2), shots, sink)
	if !errors.Is(err, errHole) || !strings.Contains(err.Error(), "capture frames 2-4") {
		t.Fatalf("Run = %v, want the hole's error naming frames 2-4", err)
	}
	if !slices.Equal(sink.calls, []written{{1, 2}}) {
		t.Errorf("sink got %v, want the frames before the hole only", sink.calls)
	}
}

// TestRunRanges: with Ranges, the frames between them are neither waited
// for nor written, and OnAdvance jumps over them.
func TestRunRanges(t *testing.T) {
	img := func(id int) []byte { return encodePNG(t, solid(4, 3, idColor(id), false)) }
	a, b := img(1), img(2)
	shots := []Shot{
		{Index: 10, Count: 2, Image: a}, {Index: 12, Count: 1, Image: b},
		{Index: 20, Count: 1, Image: b}, {Index: 21, Count: 2, Err: errHole},
		{Index: 30, Count: 1, Image: a},
	}
	cfg := tinyConfig(1)
	cfg.Ranges = []Range{{10, 13}, {20, 23}, {30, 31}}
	cfg.End = 31
	sink := &recordingSink{frameSize: 4 * 3 * 4}
	advances, err := runShots(t, cfg, shots, sink)
	if err != nil {
		t.Fatal(err)
	}
	if want := []written{{1, 2}, {2, 2}, {hole, 2}, {1, 1}}; !slices.Equal(sink.calls, want) {
		t.Errorf("sink got %v, want %v", sink.calls, want)
	}
	if want := []int{12, 20, 21, 30, 31}; !slices.Equal(advances, want) {
		t.Errorf("OnAdvance got %v, want %v", advances, want)
	}
	// A missing frame inside a range is still missing.
	cfg.Ranges = []Range{{10, 13}, {20, 24}}
	cfg.End = 24
	_, err = runShots(t, cfg, shots[:4], &recordingSink{frameSize: 4 * 3 * 4})
	var missing *MissingFrameError
	if !errors.As(err, &missing) || missing.Index != 23 {
		t.Errorf("Run with frame 23 missing = %v, want a MissingFrameError at 23", err)
	}
}

func TestRunSkipsHoles(t *testing.T) {
	tests := []struct {
		name         string
		specs        []shotSpec
		end          bool // set Config.End to the end of the specs
		want         []written
		wantAdvances []int // with one worker and shots in order
	}{
		{
			name:         "failed range in the middle",
			specs:        []shotSpec{{1, 1}, {2, 1}, {hole, 10}, {3, 1}},
			want:         []written{{1, 1}, {2, 1}, {hole, 10}, {3, 1}},
			wantAdvances: []int{1, 2, 12, 13},
		},
		{
			name:         "at the start",
			specs:        []shotSpec{{hole, 5}, {1, 2}},
			want:         []written{{hole, 5}, {1, 2}},
			wantAdvances: []int{5, 7},
		},
		{
			name:         "at the end, with End set",
			specs:        []shotSpec{{1, 2}, {hole, 4}},
			end:          true,
			want:         []written{{1, 2}, {hole, 4}},
			wantAdvances: []int{2, 6},
		},
		{
			name:         "nothing but holes",
			specs:        []shotSpec{{hole, 3}, {hole, 3}},
			want:         []written{{hole, 3}, {hole, 3}},
			end:          true,
			wantAdvances: []int{3, 6},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shots := makeShots(t, 0, tt.specs)
			cfg := tinyConfig(1)
			if tt.end {
				last := shots[len(shots)-1]
				cfg.End = last.Index + last.Count
			}
			sink := &recordingSink{frameSize: 4 * 3 * 4}
			advances, err := runShots(t, cfg, shots, sink)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if !slices.Equal(sink.calls, tt.want) {
				t.Errorf("sink got %v, want %v", sink.calls, tt.want)
			}
			if !slices.Equal(advances, tt.wantAdvances) {
				t.Errorf("OnAdvance got %v, want %v", advances, tt.wantAdvances)
			}

			// Shuffled, and with several workers, the frames are the same.
			sink = &recordingSink{frameSize: 4 * 3 * 4}
			cfg.Workers = 4
			if _, err := runShots(t, cfg, shuffled(shots, 7), sink); err != nil {
				t.Fatalf("Run shuffled: %v", err)
			}
			if !slices.Equal(sink.calls, tt.want) {
				t.Errorf("shuffled: sink got %v, want %v", sink.calls, tt.want)
			}
		})
	}
}

func TestRunMissingFrame(t *testing.T) {
	tests := []struct {
		name   string
		start  int
		end    int
		ranges [][2]int // index, count of each shot; count < 0 for a hole of -count
		want   int      // the missing frame
	}{
		{"gap in the middle", 0, 0, [][2]int{{0, 1}, {1, 1}, {3, 1}}, 2},
		{"first frame", 0, 0, [][2]int{{1, 1}, {2, 1}}, 0},
		{"first after start", 50, 0, [][2]int{{51, 2}}, 50},
		{"after a multi-frame shot", 0, 0, [][2]int{{0, 4}, {5, 1}}, 4},
		{"hole too short", 0, 0, [][2]int{{0, 1}, {1, -1}, {3, 1}}, 2},
		{"tail, with End", 0, 4, [][2]int{{0, 1}, {1, 1}}, 2},
		{"everything, with End", 10, 12, nil, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := encodePNG(t, solid(4, 3, idColor(1), false))
			var shots []Shot
			for _, r := range tt.ranges {
				if r[1] < 0 {
					shots = append(shots, Shot{Index: r[0], Count: -r[1], Err: errHole})
				} else {
					shots = append(shots, Shot{Index: r[0], Count: r[1], Image: img})
				}
			}
			cfg := tinyConfig(2)
			cfg.Start, cfg.End = tt.start, tt.end
			_, err := runShots(t, cfg, shuffled(shots, 5), &recordingSink{frameSize: 4 * 3 * 4})
			var missing *MissingFrameError
			if !errors.As(err, &missing) {
				t.Fatalf("Run returned %v, want a MissingFrameError", err)
			}
			if missing.Index != tt.want {
				t.Errorf("missing frame %d, want %d", missing.Index, tt.want)
			}
			if want := fmt.Sprintf("frame %d ", tt.want); !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not name frame %d", err, tt.want)
			}
		})
	}
}

func TestRunRejectsBadShots(t *testing.T) {
	img := encodePNG(t, solid(4, 3, idColor(1), false))
	tests := []struct {
		name    string
		end     int
		shots   []Shot
		wantIs  error
		wantMsg string
	}{
		{
			name:    "same frame twice",
			shots:   []Shot{{Index: 0, Count: 1, Image: img}, {Index: 1, Count: 1, Image: img}, {Index: 1, Count: 1, Image: img}},
			wantIs:  errOverlap,
			wantMsg: "shot of frame 1",
		},
		{
			name:    "overlapping shots",
			shots:   []Shot{{Index: 0, Count: 3, Image: img}, {Index: 2, Count: 1, Image: img}},
			wantIs:  errOverlap,
			wantMsg: "shot of frame 2",
		},
		{
			name:    "past End",
			end:     2,
			shots:   []Shot{{Index: 0, Count: 1, Image: img}, {Index: 1, Count: 2, Image: img}},
			wantMsg: "shot of frames 1-2: past the end frame 1",
		},
		{
			name:    "zero count",
			shots:   []Shot{{Index: 0, Count: 0, Image: img}},
			wantMsg: "shot of frame 0: count 0",
		},
		{
			name:    "not an image",
			shots:   []Shot{{Index: 0, Count: 1, Image: img}, {Index: 1, Count: 2, Image: []byte("<html>")}, {Index: 3, Count: 1, Image: img}},
			wantMsg: "decode shot of frames 1-2: not a PNG or JPEG",
		},
		{
			name:    "truncated PNG",
			shots:   []Shot{{Index: 0, Count: 1, Image: img[:len(img)/2]}},
			wantMsg: "decode shot of frame 0",
		},
		{
			name:    "empty image",
			shots:   []Shot{{Index: 0, Count: 1}},
			wantMsg: "decode shot of frame 0: empty image",
		},
		{
			name:    "hole with an image",
			shots:   []Shot{{Index: 0, Count: 1, Image: img, Err: errHole}},
			wantMsg: "hole of frame 0 carries an image",
		},
	}
	for _, tt := range tests {
		for _, workers := range []int{1, 4} {
			t.Run(fmt.Sprintf("%s/workers=%d", tt.name, workers), func(t *testing.T) {
				cfg := tinyConfig(workers)
				cfg.End = tt.end
				_, err := runShots(t, cfg, tt.shots, &recordingSink{frameSize: 4 * 3 * 4})
				if err == nil {
					t.Fatal("Run succeeded")
				}
				if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
					t.Errorf("error %v is not %v", err, tt.wantIs)
				}
				if !strings.Contains(err.Error(), tt.wantMsg) {
					t.Errorf("error %q does not contain %q", err, tt.wantMsg)
				}
			})
		}
	}
}

// TestRunCancel checks that Run returns soon after its context ends,
// whatever it is doing, and leaves no goroutine behind: synctest.Test fails
// if any goroutine started in the bubble is still blocked when it ends.
func TestRunCancel(t *testing.T) {
	eight := []shotSpec{{1, 1}, {2, 1}, {3, 1}, {4, 1}, {5, 1}, {6, 1}, {7, 1}, {8, 1}}
	tests := []struct {
		name string
		// shots are sent, in order, by a sender that gives up when the
		// context ends; in is never closed.
		shots func(t *testing.T) []Shot
		// blockSink makes the sink wait for the context.
		blockSink bool
	}{
		{
			name:  "waiting for input",
			shots: func(*testing.T) []Shot { return nil },
		},
		{
			name:  "holding frames out of order",
			shots: func(t *testing.T) []Shot { return makeShots(t, 0, eight)[1:] },
		},
		{
			name:      "blocked in the sink, workers and sender blocked behind it",
			shots:     func(t *testing.T) []Shot { return makeShots(t, 0, eight) },
			blockSink: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx, cancel := context.WithCancel(t.Context())
				in := make(chan Shot)
				var sink FrameSink = &recordingSink{frameSize: 4 * 3 * 4}
				if tt.blockSink {
					sink = blockingSink{ctx}
				}
				shots := tt.shots(t)
				done := runCtx(ctx, tinyConfig(2), in, sink)
				go func() {
					for _, s := range shots {
						select {
						case in <- s:
						case <-ctx.Done():
							return
						}
					}
				}()
				synctest.Wait() // every goroutine in the bubble is blocked
				select {
				case err := <-done:
					t.Fatalf("Run returned %v before the cancel", err)
				default:
				}

				cancel()
				synctest.Wait()
				select {
				case err := <-done:
					if !errors.Is(err, context.Canceled) {
						t.Errorf("Run returned %v, want context.Canceled", err)
					}
				default:
					t.Fatal("Run did not return after cancel")
				}
			})
		})
	}
}

// blockingSink blocks every write until its context ends, like an encoder
// whose ffmpeg stopped reading.
type blockingSink struct{ ctx context.Context }

func (s blockingSink) WriteFrame([]byte, int) error {
	<-s.ctx.Done()
	return s.ctx.Err()
}

func TestRunSinkErrorStopsEverything(t *testing.T) {
	const shots = 100
	img := make([][]byte, shots)
	for i := range img {
		img[i] = encodePNG(t, solid(4, 3, idColor(i), false))
	}
	sink := &recordingSink{frameSize: 4 * 3 * 4, failAt: 3, failErr: errSinkBroken}
	in := make(chan Shot)
	g, ctx := errgroup.WithContext(t.Context())
	sent := 0
	g.Go(func() error {
		defer close(in)
		for i := range shots {
			select {
			case in <- Shot{Index: i, Count: 1, Image: img[i]}:
				sent++
			case <-ctx.Done():
				return nil
			}
		}
		return nil
	})
	g.Go(func() error { return Run(ctx, tinyConfig(4), in, sink) })
	err := g.Wait()
	if !errors.Is(err, errSinkBroken) {
		t.Fatalf("Run returned %v, want the sink's error", err)
	}
	if want := "write frame 2: sink broken"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	if len(sink.calls) != 3 {
		t.Errorf("sink got %d calls, want 3 (none after the failure)", len(sink.calls))
	}
	if sent == shots {
		t.Errorf("the sender got all %d shots through: Run did not stop reading", shots)
	}
}

func TestConfigValidation(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantMsg string // empty: valid
	}{
		{"minimal", Config{Width: 2, Height: 2}, ""},
		{"yuv420p", Config{Width: 3, Height: 3, Format: YUV420P}, ""},
		{"jpeg", Config{Width: 4, Height: 2, Format: JPEG}, ""},
		{"start and end", Config{Width: 2, Height: 2, Start: 5, End: 6}, ""},
		{"no size", Config{}, "output size 0x0"},
		{"negative height", Config{Width: 2, Height: -1}, "output size 2x-1"},
		{"negative workers", Config{Width: 2, Height: 2, Workers: -1}, "-1 workers"},
		{"unknown format", Config{Width: 2, Height: 2, Format: "bgr24"}, `unknown pixel format "bgr24"`},
		{"end before start", Config{Width: 2, Height: 2, Start: 5, End: 5}, "end 5 is not after start 5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := make(chan Shot)
			close(in)
			err := Run(t.Context(), tt.cfg, in, &recordingSink{frameSize: tt.cfg.Format.FrameSize(tt.cfg.Width, tt.cfg.Height)})
			var missing *MissingFrameError
			if tt.wantMsg == "" {
				if err != nil && !errors.As(err, &missing) {
					t.Errorf("Run: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("Run returned %v, want an error containing %q", err, tt.wantMsg)
			}
		})
	}
}
