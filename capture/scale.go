package capture

import (
	"cmp"
	"context"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/deckreel/deckreel/frames"
	"github.com/deckreel/deckreel/internal/proc"
)

// How many tabs a render should use depends on the page, the machine and
// what else runs on it: a page that changes every frame is bound by Chrome
// and gains from a second browser on a second core; a deck of still slides
// is bound by the encoder, and another browser only costs memory. So with
// Autoscale, Run starts with one tab and measures: every Interval it
// counts the frames done, adds a tab while that raises frames per second
// by at least minGain and memory allows, and retires the tab it added last
// when it did not help, after which the count stays.

// Autoscale makes Run size its number of tabs itself, up to Max.
type Autoscale struct {
	// Max is the most tabs, each a browser of its own.
	Max int
	// MaxMemory bounds, in bytes, the memory of all tabs' browsers
	// together: a tab is added only if the browsers' memory so far plus
	// one more of the largest stays under it. 0: no bound but the
	// system's (see Available).
	MaxMemory int64
	// Interval is how long one measurement lasts; 0 means 2 s.
	Interval time.Duration
	// Available reports the memory the system can still give, in bytes
	// (0: unknown); a tab is added only while one more browser leaves a
	// reserve. Nil means proc.Available.
	Available func() int64
	// OnChange is called with the number of tabs each time it changes,
	// and Logf (Config's) with why.
	OnChange func(workers int)
}

// minGain is how much faster a render must get from one more tab for it to
// stay: a tenth, well above the noise of a few seconds' measurement.
const minGain = 0.10

// memoryReserve is the memory left to the system and the encoder when the
// scaler asks whether one more browser fits.
const memoryReserve = 512 << 20

// scaleAction is what the scaler decides after a measurement.
type scaleAction int

const (
	hold   scaleAction = iota
	add                // start one more tab
	retire             // stop the tab added last
)

// scaler is the decision of Autoscale, apart from time and tabs so that it
// can be tested with made-up figures. After each Interval it is given the
// frames per second of that interval and whether one more browser fits in
// memory. An interval in which nothing was done (the first browser still
// starting, the page still loading) decides nothing; the first one that
// did is the first tab's rate, its browser's start included, which makes
// a second tab look a little better than it is: on a machine with the
// cores for it, the second tab is tried at once.
type scaler struct {
	max     int
	workers int
	// trial is set while a tab just added is being judged: the rate
	// before it, and how many intervals it has run (the first is its
	// browser's start, which is not counted).
	trial    bool
	base     float64
	measured int
	settled  bool
}

// step decides after one interval at rate frames/s.
func (s *scaler) step(rate float64, fits bool) scaleAction {
	switch {
	case s.settled:
		return hold
	case s.trial:
		s.measured++
		if s.measured < 2 {
			return hold
		}
		s.trial = false
		if rate < s.base*(1+minGain) {
			s.workers--
			s.settled = true
			return retire
		}
	}
	if s.workers >= s.max || !fits || rate <= 0 {
		if !fits || s.workers >= s.max {
			s.settled = true
		}
		return hold
	}
	s.trial, s.base, s.measured = true, rate, 0
	s.workers++
	return add
}

// autoscale runs the workers of an autoscaled Run in g: one to start with,
// then as the scaler decides each interval. It returns once every worker
// has, or when ctx ends.
func autoscale(ctx context.Context, g *errgroup.Group, cfg Config, sched Scheduler, out chan<- frames.Shot) error {
	a := cfg.Auto
	interval := cmp.Or(a.Interval, 2*time.Second)
	available := a.Available
	if available == nil {
		available = proc.Available
	}
	var done atomic.Int64
	captured := cfg.OnCaptured
	cfg.OnCaptured = func(n int) {
		done.Add(int64(n))
		if captured != nil {
			captured(n)
		}
	}
	exited := make(chan struct{})
	var slots []*slot
	start := func() {
		id, sl := len(slots), &slot{quit: make(chan struct{})}
		slots = append(slots, sl)
		g.Go(func() error {
			defer func() {
				select {
				case exited <- struct{}{}:
				case <-ctx.Done():
				}
			}()
			return worker(ctx, id, cfg, sched, out, sl)
		})
	}
	// fits reports whether one more browser, as large as the largest so
	// far, fits in memory.
	fits := func() bool {
		var sum, largest int64
		for _, sl := range slots {
			m := sl.memory()
			sum, largest = sum+m, max(largest, m)
		}
		if largest == 0 {
			largest = 400 << 20 // none measured yet: a browser of a busy page
		}
		if a.MaxMemory > 0 && sum+largest > a.MaxMemory {
			return false
		}
		if av := available(); av > 0 && av-largest < memoryReserve {
			return false
		}
		return true
	}
	s := &scaler{max: max(1, a.Max), workers: 1}
	start()
	live, active := 1, 1
	if a.OnChange != nil {
		a.OnChange(active)
	}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	last, lastT := int64(0), time.Now()
	for live > 0 {
		select {
		case <-ctx.Done():
			return nil // the workers return the error
		case <-exited:
			live--
		case now := <-ticker.C:
			n := done.Load()
			rate := float64(n-last) / now.Sub(lastT).Seconds()
			last, lastT = n, now
			switch s.step(rate, fits()) {
			case add:
				start()
				live++
				active++
				cfg.Logf("workers: %d -> %d (%.1f frames/s with %d)", active-1, active, rate, active-1)
			case retire:
				close(slots[len(slots)-1].quit)
				active--
				cfg.Logf("workers: %d -> %d (%.1f frames/s with %d, not %.0f%% more than with %d)", active+1, active, rate, active+1, 100*minGain, active)
			default:
				continue
			}
			if a.OnChange != nil {
				a.OnChange(active)
			}
		}
	}
	return nil
}
