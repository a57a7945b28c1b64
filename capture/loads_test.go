package capture

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
)

func sent(id string, typ network.ResourceType) *network.EventRequestWillBeSent {
	return &network.EventRequestWillBeSent{RequestID: network.RequestID(id), Type: typ, Request: &network.Request{URL: "http://h/" + id}}
}

func TestLoadsWait(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	none := func(n Notice) { t.Errorf("unexpected notice %v", n) }

	t.Run("waits for an image, not for media or a beacon", func(t *testing.T) {
		l := newLoads()
		l.event(sent("img", network.ResourceTypeImage))
		l.event(sent("video", network.ResourceTypeMedia))
		l.event(sent("ping", network.ResourceTypePing))
		done := make(chan error, 1)
		go func() { done <- l.wait(ctx, time.Hour, none) }()
		select {
		case err := <-done:
			t.Fatalf("wait returned (%v) while the image loads", err)
		case <-time.After(50 * time.Millisecond):
		}
		l.event(&network.EventLoadingFinished{RequestID: "img"})
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a redirect is one load; a failure ends it", func(t *testing.T) {
		l := newLoads()
		l.event(sent("css", network.ResourceTypeStylesheet))
		l.event(sent("css", network.ResourceTypeStylesheet))
		l.event(&network.EventLoadingFailed{RequestID: "css"})
		if err := l.wait(ctx, time.Hour, none); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a load that never ends is given up on, once", func(t *testing.T) {
		l := newLoads()
		l.event(sent("stuck", network.ResourceTypeImage))
		var got []Notice
		note := func(n Notice) { got = append(got, n) }
		for range 2 {
			if err := l.wait(ctx, 10*time.Millisecond, note); err != nil {
				t.Fatal(err)
			}
		}
		if len(got) != 1 || got[0].Kind != "stalled" || got[0].Text != "http://h/stuck" {
			t.Errorf("notices %v, want one stalled http://h/stuck", got)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		l := newLoads()
		l.event(sent("img", network.ResourceTypeImage))
		cctx, stop := context.WithCancel(ctx)
		stop()
		if err := l.wait(cctx, time.Hour, none); err == nil {
			t.Error("wait returned nil after its context ended")
		}
	})
}
