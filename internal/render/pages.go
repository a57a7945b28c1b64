package render

import (
	"context"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"time"

	"github.com/deckreel/deckreel/capture"
	"github.com/deckreel/deckreel/frames"
	"github.com/deckreel/deckreel/internal/deck"
	"github.com/deckreel/deckreel/internal/pool"
)

// pages are the pages one render captures, served and ready to load: one
// for a page input, one per segment for a deck.
type pages struct {
	urls  []string // per segment
	proxy string
	// timeline maps capture frames to output frames; nil when capture
	// frames are output frames (a single page).
	timeline *frames.Timeline
	// ranges are the capture frames, one range per segment: batches never
	// cross pages.
	ranges []pool.Range
	// starts are the output frames at which each segment's page shows its
	// frame 0 (nil: 0 for the one page).
	starts []int
	// media reports, per segment, that its page's tree holds audio or
	// video files, whose sound the soundtrack may need (see pageSound).
	media []bool
	// servers are the addresses (host:port) of the servers of this
	// render's pages.
	servers []string
	close   func()
}

// mayPlaySound reports whether any page's tree holds audio or video files,
// which its media elements may play (see pageSound).
func (p pages) mayPlaySound() bool { return slices.Contains(p.media, true) }

// resolvePages serves job's input: the page of a plain render, or every
// segment's page of a deck. The caller must call close.
//
// Every server is one of network's, which the caller closes after close.
func resolvePages(ctx context.Context, req Request, network *capture.Network) (pages, error) {
	if req.Deck == nil {
		in, err := resolveInput(ctx, req, network)
		if err != nil {
			return pages{}, err
		}
		return pages{urls: []string{in.url}, proxy: in.proxy, close: in.close,
			media: []bool{in.media}, servers: in.servers}, nil
	}
	segs, err := req.Deck.Segments(req.FPS)
	if err != nil {
		return pages{}, &InputError{Err: err}
	}
	// A deck's tree is its directory: the video written beside it is not
	// one the deck plays.
	return servePages(ctx, segs, req.FPS, network, req.ReadyTimeout, ownFiles(req, deckDir(req.Input)))
}

// servePages starts one loopback server per distinct tree of segs (pages of
// one deck share theirs) on network, so that each page may reach them all,
// and works out the timeline.
func servePages(ctx context.Context, segs []deck.Segment, fps int, network *capture.Network, ready time.Duration, own map[string]bool) (pages, error) {
	type served struct {
		fsys  fs.FS
		srv   *capture.Server
		media bool
	}
	var servers []served
	p := pages{urls: make([]string, len(segs)), media: make([]bool, len(segs))}
	p.close = func() {
		for _, s := range servers {
			_ = s.srv.Close()
		}
	}
	fail := func(err error) (pages, error) {
		p.close()
		return pages{}, err
	}
	tl := make([]frames.Segment, len(segs))
	for k, seg := range segs {
		src := seg.Source
		switch {
		case src.FS != nil:
			var sv *served
			for i := range servers {
				if sameFS(servers[i].fsys, src.FS) {
					sv = &servers[i]
				}
			}
			if sv == nil {
				srv, err := network.Serve(src.FS)
				if err != nil {
					return fail(fmt.Errorf("serve slide %d: %w", k+1, err))
				}
				servers = append(servers, served{src.FS, srv, hasMediaFiles(src.FS, own)})
				sv = &servers[len(servers)-1]
			}
			p.urls[k] = sv.srv.URL(escapePath(src.Entry))
			// A page deckreel wrote (Markdown slides, an image) plays only
			// what its HTML holds.
			generated := seg.Kind == deck.Markdown || seg.Kind == deck.Image
			p.media[k] = sv.media && (!generated || mayPlay(src.FS, src.Entry))
		case src.URL != "":
			u, err := url.Parse(src.URL)
			if err != nil {
				return fail(inputErrorf("page %s: %v", src.URL, err))
			}
			// A deck comes from anyone: its URL opens that host, but no
			// local address the command line did not name.
			if err := network.AllowPage(u.Host); err != nil {
				return fail(inputErrorf("page %s: %v", src.URL, err))
			}
			if err := checkReachable(ctx, network.Transport(), src.URL, ready); err != nil {
				return fail(err)
			}
			p.urls[k] = src.URL
		default:
			return fail(fmt.Errorf("internal error: segment %d has no page", k+1))
		}
		p.starts = append(p.starts, seg.Start)
		tl[k] = frames.Segment{
			Frames: seg.Frames, TransitionFrames: seg.TransitionFrames, TailFrames: seg.TailFrames,
			Blend: frames.Blend(seg.TransitionIn.Kind), Ease: seg.TransitionIn.Kind.Ease,
		}
		if seg.TransitionFrames == 0 {
			tl[k].Blend = ""
		}
	}
	if len(servers) == 0 {
		// The refusing proxy still needs a listener.
		srv, err := network.Serve(emptyFS{})
		if err != nil {
			return fail(err)
		}
		servers = append(servers, served{fsys: emptyFS{}, srv: srv})
	}
	for _, s := range servers {
		p.servers = append(p.servers, s.srv.Addr())
	}
	// Any of the servers is the proxy: each hands a request for another
	// to it in process, and decides the rest by network's Access.
	p.proxy = servers[0].srv.Addr()
	timeline, err := frames.NewTimeline(tl)
	if err != nil {
		return fail(fmt.Errorf("internal error: %w", err))
	}
	for k := range segs {
		start, end := timeline.CaptureRange(k)
		p.ranges = append(p.ranges, pool.Range{Start: start, End: end})
	}
	if len(segs) > 1 {
		p.timeline = timeline
	}
	return p, nil
}

// deckDir is the directory of the deck at input (a file or a directory).
func deckDir(input string) string {
	if st, err := os.Stat(input); err == nil && st.IsDir() {
		return input
	}
	return filepath.Dir(input)
}

// sameFS reports whether a and b are the same tree. Trees of dynamic types
// that cannot be compared (fstest.MapFS) are never the same.
func sameFS(a, b fs.FS) bool {
	ta := reflect.TypeOf(a)
	if ta != reflect.TypeOf(b) || !ta.Comparable() {
		return false
	}
	return a == b
}

// escapePath escapes each element of a slash path for a URL.
func escapePath(p string) string {
	return (&url.URL{Path: p}).EscapedPath()
}
