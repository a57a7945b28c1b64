package capture

import "testing"

// TestScaler feeds the autoscaler's decision made-up rates, one per
// interval, and checks what it does: nothing is decided before frames are
// done; a tab it adds is judged on its second interval; it keeps
// a tab that raised the rate by a tenth and retires one that did not,
// after which it holds.
func TestScaler(t *testing.T) {
	type in struct {
		rate float64
		fits bool
	}
	for _, c := range []struct {
		name    string
		max     int
		steps   []in
		want    []scaleAction
		workers int
	}{
		{"a second tab that helps stays", 2,
			[]in{{9, true}, {12, true}, {17, true}, {17, true}},
			[]scaleAction{add, hold, hold, hold}, 2},
		{"a tab that does not help is retired", 4,
			[]in{{9, true}, {9, true}, {9.5, true}, {9.5, true}, {20, true}},
			[]scaleAction{add, hold, retire, hold, hold}, 1},
		{"up to max", 3,
			[]in{{10, true}, {0, true}, {20, true}, {5, true}, {30, true}, {30, true}},
			[]scaleAction{add, hold, add, hold, hold, hold}, 3},
		{"no memory for one more", 4,
			[]in{{10, false}, {20, true}},
			[]scaleAction{hold, hold}, 1},
		{"nothing done yet: wait", 2,
			[]in{{0, true}, {0, true}, {4, true}},
			[]scaleAction{hold, hold, add}, 2},
		{"one tab at most", 1,
			[]in{{10, true}, {10, true}},
			[]scaleAction{hold, hold}, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := &scaler{max: c.max, workers: 1}
			for i, st := range c.steps {
				if got := s.step(st.rate, st.fits); got != c.want[i] {
					t.Fatalf("interval %d (%.1f frames/s, fits %t): %d, want %d", i+1, st.rate, st.fits, got, c.want[i])
				}
			}
			if s.workers != c.workers {
				t.Errorf("%d workers, want %d", s.workers, c.workers)
			}
		})
	}
}
