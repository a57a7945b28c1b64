package render

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestReachableWaitsTheReadyTimeout: a server that never answers fails the
// check after the ready timeout the render was given, as bad input.
func TestReachableWaitsTheReadyTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := checkReachable(ctx, http.DefaultTransport, srv.URL+"/page.html", 200*time.Millisecond)
	var ie *InputError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), srv.URL+"/page.html is unreachable") {
		t.Fatalf("checkReachable = %v, want an input error naming the page as unreachable", err)
	}
	if ctx.Err() != nil {
		t.Fatal("the check waited past the test's own minute: the ready timeout was not used")
	}
}
