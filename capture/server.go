package capture

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"time"
)

// Server serves a page's directory to Chrome over loopback HTTP, so the page
// gets a real origin (fonts, fetch and modules work) without file:// access
// to anything outside its directory. The same listener doubles as Chrome's
// HTTP proxy, for loopback too: every request a page makes reaches one of
// the render's servers and is decided by its Network, so a page reaches its
// own servers and what the render allows, and a deck that points at the
// internet or at another local service fails fast, reported, instead of
// hanging or reading it.
type Server struct {
	srv   *http.Server
	ln    net.Listener
	done  chan struct{}
	net   *Network
	own   bool // the Network is this server's alone, closed with it
	files http.Handler
	media mediaInfos
}

// Serve starts serving root (an fs.FS; use os.Root.FS or os.DirFS) on
// 127.0.0.1, on a Network of its own that reaches nothing else. onBlock is
// called once per host that the page tried to reach. The caller must Close
// the server.
func Serve(root fs.FS, onBlock func(host string)) (*Server, error) {
	n, err := NewNetwork(Access{}, func(b Blocked) {
		if onBlock != nil {
			onBlock(b.Host)
		}
	})
	if err != nil {
		return nil, err
	}
	s, err := n.Serve(root)
	if err != nil {
		n.Close()
		return nil, err
	}
	s.own = true
	return s, nil
}

// Serve starts serving root on 127.0.0.1 as one of n's servers: pages of
// n's other servers may reach it. The caller must Close the server, then n.
func (n *Network) Serve(root fs.FS) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen on loopback: %w", err)
	}
	s := &Server{ln: ln, done: make(chan struct{}), net: n, files: http.FileServerFS(root)}
	s.srv = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// A proxy request names its host: CONNECT for https and
			// WebSocket, an absolute URL for http.
			if r.Method == http.MethodConnect || r.URL.Host != "" {
				n.serveProxy(w, r)
				return
			}
			s.serveLocal(w, r)
		}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	n.add(s)
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(ln)
	}()
	return s, nil
}

// serveLocal serves a request for this server's own files.
func (s *Server) serveLocal(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if r.URL.Path == mediaInfoPath {
		s.serveMediaInfo(w, r)
		return
	}
	s.files.ServeHTTP(w, r)
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

// Blocked lists the hosts that were refused.
func (s *Server) Blocked() []string { return s.net.Blocked() }

// Close stops the server and waits for it.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	s.net.remove(s)
	err := s.srv.Shutdown(ctx)
	if err != nil {
		err = errors.Join(err, s.srv.Close())
	}
	<-s.done
	if s.own {
		s.net.Close()
	}
	return err
}
