package capture

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os/exec"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// mediaInfoPath is where the time-control script asks the server about a
// media file it serves: the script seeks each <video> to the middle of the
// source frame nearest the virtual time, and for that it needs the
// source's frame rate, which no browser API gives.
const mediaInfoPath = "/__deckreel/media"

// mediaInfo is what the script learns about one media file.
type mediaInfo struct {
	FPS float64 `json:"fps"` // 0 when unknown (audio, or unreadable)
}

// mediaInfos caches ffprobe's answers per path: every tab asks once per
// source.
type mediaInfos struct {
	mu    sync.Mutex
	infos map[string]mediaInfo
}

// serveMediaInfo answers GET /__deckreel/media?src=/path with the media
// file's frame rate. ffprobe reads the file through this same server, so
// it sees what the page sees and nothing else.
func (s *Server) serveMediaInfo(w http.ResponseWriter, r *http.Request) {
	// src is a URL's path, still escaped.
	src, err := url.PathUnescape(r.URL.Query().Get("src"))
	if err != nil || src == "" || !strings.HasPrefix(src, "/") {
		http.Error(w, "src must be a path of this server", http.StatusBadRequest)
		return
	}
	src = path.Clean(src)
	s.media.mu.Lock()
	info, ok := s.media.infos[src]
	s.media.mu.Unlock()
	if !ok {
		ctx, cancel := context.WithTimeout(r.Context(), 20*time.Second)
		info = probeMedia(ctx, (&url.URL{Scheme: "http", Host: s.Addr(), Path: src}).String())
		cancel()
		s.media.mu.Lock()
		if s.media.infos == nil {
			s.media.infos = map[string]mediaInfo{}
		}
		s.media.infos[src] = info
		s.media.mu.Unlock()
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(info)
}

// probeMedia asks ffprobe for the frame rate of the first video stream at
// u; a file it cannot read has rate 0, and the page then shows whatever
// frame the browser seeks to.
func probeMedia(ctx context.Context, u string) mediaInfo {
	out, err := exec.CommandContext(ctx, "ffprobe", "-v", "error", "-select_streams", "v:0",
		"-show_entries", "stream=avg_frame_rate,r_frame_rate", "-of", "default=noprint_wrappers=1", u).Output()
	if err != nil {
		return mediaInfo{}
	}
	rates := map[string]float64{}
	for line := range strings.Lines(string(out)) {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if ok {
			rates[k] = parseRate(v)
		}
	}
	if f := rates["avg_frame_rate"]; f > 0 && f < 1000 {
		return mediaInfo{FPS: f}
	}
	if f := rates["r_frame_rate"]; f > 0 && f < 1000 {
		return mediaInfo{FPS: f}
	}
	return mediaInfo{}
}

// parseRate parses ffprobe's "num/den"; 0 when it is not a rate.
func parseRate(v string) float64 {
	n, d, ok := strings.Cut(v, "/")
	if !ok {
		d = "1"
	}
	num, err1 := strconv.ParseFloat(n, 64)
	den, err2 := strconv.ParseFloat(d, 64)
	if err1 != nil || err2 != nil || den == 0 {
		return 0
	}
	return num / den
}
