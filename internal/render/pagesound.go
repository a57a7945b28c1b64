package render

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/deckreel/deckreel/capture"
	"github.com/deckreel/deckreel/internal/soundtrack"
)

// The sound of a page's <video> and <audio> elements goes into the
// soundtrack at the virtual times they play. A pass finds those times: a
// browser of its own steps each page that may play sound through all its
// frames without drawing them (capture.Tab.ScanSound), and the files the
// elements played are copied out of the page's server and placed on the
// timeline as clips, which the music ducks under like narration. The pass
// runs while the capture starts (see videoOutput) and costs a page load
// and a step per frame, far less than a drawn frame; pages whose tree holds
// no audio or video file are not scanned at all. A job's chunks carry no
// sound: the join runs the pass (jobPageSound).

// mediaExts are the extensions of the files a page's media elements play.
// A tree without any is not scanned for sound.
var mediaExts = map[string]bool{
	".mp4": true, ".m4v": true, ".webm": true, ".mov": true, ".mkv": true, ".ogv": true,
	".ogg": true, ".oga": true, ".opus": true, ".mp3": true, ".m4a": true, ".aac": true,
	".wav": true, ".flac": true, ".weba": true, ".mpg": true, ".mpeg": true,
}

// maxMediaWalk bounds the look for media files in a page's tree: a page
// served from a huge directory is taken to hold some rather than walked.
const maxMediaWalk = 20000

// hasMediaFiles reports whether fsys holds an audio or video file other
// than those in own (slash paths in fsys: the render's own output, which
// is often written next to the page).
func hasMediaFiles(fsys fs.FS, own map[string]bool) bool {
	seen, found := 0, false
	_ = fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable: the page cannot play it either
		}
		if seen++; seen > maxMediaWalk {
			found = true
			return fs.SkipAll
		}
		if !d.IsDir() && mediaExts[strings.ToLower(path.Ext(name))] && !own[name] {
			found = true
			return fs.SkipAll
		}
		return nil
	})
	return found
}

// playsMedia matches what in a page deckreel wrote can play sound: a media
// element or a frame in its HTML, or a script of the slide's own that makes
// a media element.
var playsMedia = regexp.MustCompile(`(?i)<(video|audio|iframe|embed|object)[\s>/]|\bnew\s+Audio\b|createElement\(\s*['"](video|audio)['"]`)

// mayPlay reports whether the page deckreel wrote at entry in fsys may
// play sound: a deck's slides usually have no media element, while its
// tree holds the narration. (Scripts the page loads from files are not
// read: a slide that plays sound from one is not scanned.)
func mayPlay(fsys fs.FS, entry string) bool {
	b, err := fs.ReadFile(fsys, entry)
	return err != nil || playsMedia.Match(b)
}

// ownFiles are the files a render of req writes, as slash paths in the
// tree rooted at dir: its output and what goes beside it.
func ownFiles(req Request, dir string) map[string]bool {
	own := map[string]bool{}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return own
	}
	for _, f := range []string{req.Output, sidecarPath(req.Output, ".srt"), sidecarPath(req.Output, ".vtt")} {
		if f == "" {
			continue
		}
		if a, err := filepath.Abs(f); err == nil {
			if rel, err := filepath.Rel(abs, a); err == nil && filepath.IsLocal(rel) {
				own[filepath.ToSlash(rel)] = true
			}
		}
	}
	return own
}

// soundScan is what the pass needs: the served pages, how to open a tab
// on one, the frame rate, the video's length, where to put the files, and
// where warnings go.
type soundScan struct {
	pages    pages
	browser  capture.BrowserOptions
	tab      func(url string) capture.TabOptions
	fps      int
	frames   int // of the video
	duration time.Duration
	timeout  time.Duration // per call to the page; 0 for none
	dir      string
	warn     func(format string, args ...any)
	files    *soundFiles
}

// pageSound runs the pass in a browser of its own and returns the clips of
// what the pages' media elements play, in order of start, on the output
// timeline. Pages without media files are skipped; the browser starts even
// if none has any, so the caller checks first.
func pageSound(ctx context.Context, s *soundScan) ([]soundtrack.Clip, error) {
	browser, err := capture.Launch(ctx, s.browser)
	if err != nil {
		return nil, fmt.Errorf("start a browser to find the pages' sound: %w", err)
	}
	defer browser.Close()
	var clips []soundtrack.Clip
	for k, u := range s.pages.urls {
		if !s.pages.media[k] {
			continue
		}
		tab, err := browser.OpenTab(ctx, s.tab(u))
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, &InputError{Err: err}
		}
		more, err := s.pageClips(ctx, k, tab)
		tab.Close()
		if err != nil {
			return nil, err
		}
		clips = append(clips, more...)
	}
	return clips, nil
}

// pageClips steps page k, loaded in tab and not yet stepped, through its
// capture frames and returns the clips of what its elements played, on
// the output timeline.
func (s *soundScan) pageClips(ctx context.Context, k int, tab *capture.Tab) ([]soundtrack.Clip, error) {
	frames := s.frames // one page: the video's frames
	if s.pages.ranges != nil {
		frames = s.pages.ranges[k].Len()
	}
	url := s.pages.urls[k]
	changes, err := tab.ScanSound(ctx, frames-1, s.timeout)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var hung *capture.HungError
		if errors.As(err, &hung) {
			return nil, &InputError{Err: fmt.Errorf("find the sound of %s: %w", url, err)}
		}
		return nil, fmt.Errorf("find the sound of %s: %w", url, err)
	}
	start := time.Duration(0)
	if s.pages.starts != nil {
		start = frameTime(s.pages.starts[k], s.fps)
	}
	if s.files == nil {
		s.files = newSoundFiles(s)
	}
	var clips []soundtrack.Clip
	for _, sp := range capture.SoundSpans(changes, s.fps, frames) {
		file, err := s.files.get(ctx, sp.Src)
		if err != nil {
			return nil, err
		}
		if file == "" {
			continue
		}
		at := start + sp.At
		length := min(sp.Until-sp.At, s.duration-at)
		if length <= 0 {
			continue
		}
		c := soundtrack.Clip{Path: file, Start: at, Length: length,
			Offset: sp.Offset, Rate: sp.Rate, Gain: sp.Volume, Loop: sp.Loop}
		for _, g := range sp.Gains {
			if g.At-sp.At < length {
				c.Gains = append(c.Gains, soundtrack.GainPoint{At: g.At - sp.At, Gain: g.Volume})
			}
		}
		clips = append(clips, c)
	}
	return clips, nil
}

// soundFiles copies the sources the pages played out of their servers,
// once each, into files ffmpeg reads. A source with no sound (a muted demo
// clip) or from elsewhere is left out: "" with a warning for the latter.
type soundFiles struct {
	s      *soundScan
	client *http.Client
	got    map[string]string
}

func newSoundFiles(s *soundScan) *soundFiles {
	// The pages' servers are on loopback: no proxy, whatever the
	// environment says.
	return &soundFiles{s: s, client: &http.Client{Transport: &http.Transport{Proxy: nil}}, got: map[string]string{}}
}

func (f *soundFiles) get(ctx context.Context, src string) (string, error) {
	if file, ok := f.got[src]; ok {
		return file, nil
	}
	file, err := f.fetch(ctx, src)
	if err != nil {
		return "", err
	}
	f.got[src] = file
	return file, nil
}

func (f *soundFiles) fetch(ctx context.Context, src string) (string, error) {
	u, err := url.Parse(src)
	if err != nil || u.Scheme != "http" || !slices.Contains(f.s.pages.servers, u.Host) {
		f.s.warn("the sound of %s is not in the soundtrack: only media served from the page's own directory are", src)
		return "", nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		return "", err
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return "", fmt.Errorf("read %s for its sound: %w", src, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		f.s.warn("the sound of %s is not in the soundtrack: the page's server answered %s", src, resp.Status)
		return "", nil
	}
	ext := path.Ext(u.Path)
	if len(ext) > 8 {
		ext = ""
	}
	out, err := os.CreateTemp(f.s.dir, "page-sound-*"+filepath.Base(ext))
	if err != nil {
		return "", err
	}
	_, err = io.Copy(out, resp.Body)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("copy %s for its sound: %w", src, err)
	}
	if _, err := soundtrack.Probe(ctx, out.Name()); err != nil {
		if errors.Is(err, soundtrack.ErrNoAudio) {
			return "", nil // a video without sound
		}
		var fe *soundtrack.FileError
		if errors.As(err, &fe) {
			f.s.warn("the sound of %s is not in the soundtrack: %v", src, fe.Err)
			return "", nil
		}
		return "", err
	}
	return out.Name(), nil
}
