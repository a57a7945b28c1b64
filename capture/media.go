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
// source, and tabs asking at once share one probe. An answer cut short (a
// busy machine's timeout) is not kept: the next asker probes again, so one
// slow moment cannot leave a source without its rate for the whole render.
type mediaInfos struct {
	mu      sync.Mutex
	entries map[string]*mediaEntry
	slots   chan struct{} // bounds the ffprobes running at once
}

type mediaEntry struct {
	done chan struct{}
	info mediaInfo
}

// maxProbes is how many ffprobes the server runs at once: a page that asks
// about many sources must not start a process for each at the same time.
const maxProbes = 2

func (m *mediaInfos) get(ctx context.Context, src string, probe func(context.Context) (mediaInfo, bool)) mediaInfo {
	m.mu.Lock()
	if m.entries == nil {
		m.entries = map[string]*mediaEntry{}
		m.slots = make(chan struct{}, maxProbes)
	}
	if e, ok := m.entries[src]; ok {
		m.mu.Unlock()
		select {
		case <-e.done:
			return e.info
		case <-ctx.Done():
			return mediaInfo{}
		}
	}
	e := &mediaEntry{done: make(chan struct{})}
	m.entries[src] = e
	slots := m.slots
	m.mu.Unlock()
	final := false
	select {
	case slots <- struct{}{}:
		e.info, final = probe(ctx)
		<-slots
	case <-ctx.Done():
	}
	if !final {
		m.mu.Lock()
		delete(m.entries, src)
		m.mu.Unlock()
	}
	close(e.done)
	return e.info
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
	info := s.media.get(r.Context(), src, func(ctx context.Context) (mediaInfo, bool) {
		ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		return probeMedia(ctx, (&url.URL{Scheme: "http", Host: s.Addr(), Path: src}).String())
	})
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(info)
}

// probeMedia asks ffprobe for the frame rate of the first video stream at
// u; a file it cannot read has rate 0, and the page then shows whatever
// frame the browser seeks to. final is false when the answer was cut
// short by ctx.
//
// The file is the page's, so it is read as untrusted: only over HTTP (from
// this server: the format whitelist leaves out playlists and concat lists,
// which could name other hosts or files) and only by demuxers of plain
// media files.
func probeMedia(ctx context.Context, u string) (info mediaInfo, final bool) {
	out, err := exec.CommandContext(ctx, "ffprobe", "-v", "error",
		"-protocol_whitelist", "http,tcp", "-format_whitelist", probeFormats,
		"-select_streams", "v:0",
		"-show_entries", "stream=avg_frame_rate,r_frame_rate", "-of", "default=noprint_wrappers=1", u).Output()
	if err != nil {
		return mediaInfo{}, ctx.Err() == nil
	}
	rates := map[string]float64{}
	for line := range strings.Lines(string(out)) {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if ok {
			rates[k] = parseRate(v)
		}
	}
	if f := rates["avg_frame_rate"]; f > 0 && f < 1000 {
		return mediaInfo{FPS: f}, true
	}
	if f := rates["r_frame_rate"]; f > 0 && f < 1000 {
		return mediaInfo{FPS: f}, true
	}
	return mediaInfo{}, true
}

// probeFormats are the demuxers ffprobe may use on a page's media: the
// containers browsers play.
const probeFormats = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,ogg,mp3,wav,aac,flac"

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
