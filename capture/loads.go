package capture

import (
	"context"
	"sync"
	"time"

	"github.com/chromedp/cdproto/network"
)

// loads tracks the page's requests in flight whose result a picture may
// show, from the tab's network events. The time-control script waits for
// the loads it can see (fetch, XHR, elements' src, fonts, see timecontrol.js),
// but not for those the browser starts on its own: a CSS background-image
// or an @import'ed stylesheet, fetched when a style first needs it. (A
// worker's requests and a cross-site frame's are reported on sessions of
// their own, which this does not see.) An image still loading is drawn as far as it has
// arrived, so a frame drawn while it loads would differ from tab to tab.
// A drawn frame therefore waits until none of these is in flight.
//
// The events come through chromedp.Listen, which sees an event before the
// reply to the command sent after it: a request the page started during a
// step is counted before the step's evaluation returns.
type loads struct {
	mu      sync.Mutex
	pending map[network.RequestID]pendingLoad
	// changed is closed, and replaced, whenever a load ends.
	changed chan struct{}
}

type pendingLoad struct {
	url   string
	since time.Time
}

func newLoads() *loads {
	return &loads{pending: map[network.RequestID]pendingLoad{}, changed: make(chan struct{})}
}

// waited are the kinds of request a picture waits for. Media are left out
// (an element's data streams for as long as it plays, and the script waits
// for what a frame needs), as are requests whose answer nothing draws
// (beacons, reports, prefetches), those that stay open (EventSource,
// WebSocket) and documents: the script waits for a frame's load, and a
// cross-site frame's document ends on its own session, never on this one.
var waited = map[network.ResourceType]bool{
	network.ResourceTypeStylesheet: true, network.ResourceTypeImage: true,
	network.ResourceTypeFont: true, network.ResourceTypeScript: true, network.ResourceTypeTextTrack: true,
	network.ResourceTypeXHR: true, network.ResourceTypeFetch: true,
}

// event takes one of the tab's events. It runs on the goroutine that reads
// the browser's messages, so it only updates the map.
func (l *loads) event(ev any) {
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		if !waited[ev.Type] || ev.Request == nil {
			return
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		if _, ok := l.pending[ev.RequestID]; !ok { // a redirect keeps its id and start
			l.pending[ev.RequestID] = pendingLoad{url: ev.Request.URL, since: time.Now()}
		}
	case *network.EventLoadingFinished:
		l.end(ev.RequestID)
	case *network.EventLoadingFailed:
		l.end(ev.RequestID)
	}
}

func (l *loads) end(id network.RequestID) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.pending[id]; !ok {
		return
	}
	delete(l.pending, id)
	close(l.changed)
	l.changed = make(chan struct{})
}

// wait returns once no request is in flight. A request in flight for
// longer than timeout (from its start) is given up on: it is no longer
// waited for, and notify is told once.
func (l *loads) wait(ctx context.Context, timeout time.Duration, notify func(Notice)) error {
	for {
		l.mu.Lock()
		if len(l.pending) == 0 {
			l.mu.Unlock()
			return nil
		}
		now := time.Now()
		next := timeout
		var stalled []string
		for id, p := range l.pending {
			left := timeout - now.Sub(p.since)
			if left <= 0 {
				delete(l.pending, id)
				stalled = append(stalled, p.url)
				continue
			}
			next = min(next, left)
		}
		empty := len(l.pending) == 0
		changed := l.changed
		l.mu.Unlock()
		// Told outside the lock, which the browser's reader goroutine
		// takes for every event.
		for _, u := range stalled {
			notify(Notice{Kind: "stalled", Text: u})
		}
		if empty {
			return nil
		}
		timer := time.NewTimer(next)
		select {
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-changed:
		case <-timer.C:
		}
		timer.Stop()
	}
}
