package render

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/deckreel/deckreel/capture"
)

// checkReachable fails fast, with exit code 2, when a URL input cannot be
// fetched, instead of letting Chrome sit on it until the ready timeout. It
// asks through rt, the render's Network, so it reaches only what the page
// would: a deck's URL on another local service is refused, not fetched.
// It waits as long as a page may take to load (--ready-timeout).
func checkReachable(ctx context.Context, rt http.RoundTripper, u string, timeout time.Duration) error {
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return inputErrorf("input %s: %v", u, err)
	}
	resp, err := (&http.Client{Transport: rt}).Do(req)
	if be, ok := errors.AsType[*capture.BlockedError](err); ok {
		return inputErrorf("page %s: %s", u, be.Reason)
	}
	if err != nil {
		return inputErrorf("input %s is unreachable: %v", u, err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 400 {
		return inputErrorf("input %s: server answered %s", u, resp.Status)
	}
	return nil
}
