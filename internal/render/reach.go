package render

import (
	"context"
	"net/http"
	"time"
)

// checkReachable fails fast, with exit code 2, when a URL input cannot be
// fetched, instead of letting Chrome sit on it until the ready timeout.
func checkReachable(ctx context.Context, u string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return inputErrorf("input %s: %v", u, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return inputErrorf("input %s is unreachable: %v", u, err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 400 {
		return inputErrorf("input %s: server answered %s", u, resp.Status)
	}
	return nil
}
