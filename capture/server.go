package capture

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"sync"
	"time"
)

// Server serves a page's directory to Chrome over loopback HTTP, so the page
// gets a real origin (fonts, fetch and modules work) without file:// access
// to anything outside its directory. The same listener doubles as Chrome's
// HTTP proxy: every request to another host reaches it as a proxy request and
// is refused at once and reported, so a deck that points at the internet
// fails fast instead of hanging on a machine without network.
type Server struct {
	srv     *http.Server
	ln      net.Listener
	done    chan struct{}
	mu      sync.Mutex
	blocked map[string]bool
	onBlock func(host string)
	media   mediaInfos
}

// Serve starts serving root (an fs.FS; use os.Root.FS or os.DirFS) on
// 127.0.0.1. onBlock is called once per host that the page tried to reach.
// The caller must Close the server.
func Serve(root fs.FS, onBlock func(host string)) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen on loopback: %w", err)
	}
	s := &Server{ln: ln, done: make(chan struct{}), blocked: map[string]bool{}, onBlock: onBlock}
	files := http.FileServerFS(root)
	s.srv = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// A proxy request names another host: CONNECT for https, an
			// absolute URL for http.
			if r.Method == http.MethodConnect || (r.URL.Host != "" && r.URL.Host != ln.Addr().String()) {
				host := r.URL.Hostname()
				if host == "" {
					host = r.Host
				}
				s.block(host)
				http.Error(w, "deckreel: network access is off (use --allow-net)", http.StatusForbidden)
				return
			}
			w.Header().Set("Cache-Control", "no-store")
			if r.URL.Path == mediaInfoPath {
				s.serveMediaInfo(w, r)
				return
			}
			files.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(ln)
	}()
	return s, nil
}

// ServeDir serves the directory dir; symlinks leading out of it are refused.
func ServeDir(dir string, onBlock func(host string)) (*Server, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open page directory: %w", err)
	}
	return Serve(root.FS(), onBlock)
}

// Addr is host:port of the server.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// URL returns the http URL of a slash-separated path relative to the root.
func (s *Server) URL(rel string) string { return "http://" + s.Addr() + "/" + rel }

// isBrowserHost reports hosts that Chrome itself (not the page) calls, for
// component updates, sign-in and the like, even with background networking
// off. They are refused like any other host but not reported: the page did
// not ask for them.
func isBrowserHost(host string) bool {
	switch host {
	case "update.googleapis.com",
		"clients2.google.com",
		"clients2.googleusercontent.com",
		"accounts.google.com",
		"optimizationguide-pa.googleapis.com",
		"content-autofill.googleapis.com",
		"safebrowsing.googleapis.com",
		"redirector.gvt1.com",
		"edgedl.me.gvt1.com",
		"android.clients.google.com",
		"www.googleapis.com",
		"componentupdater.pa.googleapis.com",
		"chromewebstore.googleapis.com",
		"passwordsleakcheck-pa.googleapis.com",
		"content-signin.googleapis.com",
		"ssl.gstatic.com",
		"dl.google.com":
		return true
	}
	return false
}

func (s *Server) block(host string) {
	if isBrowserHost(host) {
		return
	}
	s.mu.Lock()
	first := !s.blocked[host]
	s.blocked[host] = true
	s.mu.Unlock()
	if first && s.onBlock != nil {
		s.onBlock(host)
	}
}

// Blocked lists the hosts that were refused.
func (s *Server) Blocked() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.blocked))
	for h := range s.blocked {
		out = append(out, h)
	}
	return out
}

// Close stops the server and waits for it.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if err != nil {
		err = errors.Join(err, s.srv.Close())
	}
	<-s.done
	return err
}
