package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/deckreel/deckreel/internal/mediatest"
)

// secretService is another service on this machine's loopback, holding
// what a rendered page must never read. Whatever is asked of it, it
// answers with something that, drawn, paints red: an image, a page, a
// script, a module, a style sheet, or the text SECRET (which the hostile
// page paints red when it reads it). It counts every request, so that one
// whose answer cannot be drawn (a beacon, a WebSocket) is caught too.
type secretService struct {
	srv  *httptest.Server
	port string
	hits atomic.Int64
}

func startSecretService(t *testing.T, network, addr string) *secretService {
	t.Helper()
	ln, err := net.Listen(network, addr)
	if err != nil {
		return nil
	}
	red := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range red.Pix {
		red.Pix[i] = []byte{255, 0, 0, 255}[i%4]
	}
	var pic bytes.Buffer
	if err := png.Encode(&pic, red); err != nil {
		t.Fatal(err)
	}
	s := &secretService{}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		w.Header().Set("Access-Control-Allow-Origin", "*")
		paint := `document.documentElement.style.background = "#f00";
addEventListener("DOMContentLoaded", () => { document.body.style.background = "#f00"; });`
		switch filepath.Ext(r.URL.Path) {
		case ".png":
			w.Header().Set("Content-Type", "image/png")
			w.Write(pic.Bytes())
		case ".html":
			fmt.Fprint(w, `<!doctype html><body style="margin:0;background:#f00">SECRET`)
		case ".js", ".mjs":
			w.Header().Set("Content-Type", "text/javascript")
			fmt.Fprint(w, paint)
		case ".css":
			w.Header().Set("Content-Type", "text/css")
			fmt.Fprint(w, `html, body { background: #f00 !important }`)
		default:
			fmt.Fprint(w, "SECRET")
		}
	}))
	s.srv.Listener.Close()
	s.srv.Listener = ln
	s.srv.Start()
	t.Cleanup(s.srv.Close)
	_, s.port, _ = net.SplitHostPort(ln.Addr().String())
	return s
}

// hostilePage tries every way a page has to reach each origin and draws
// whatever it gets: red where anything of the secret service arrives, on a
// green page. Each origin has a row of cells (an image, an iframe, an
// iframe that navigates itself with location=, a CSS background) and the
// scripts that read (fetch, XHR, EventSource, import(), <script>, a style
// sheet) paint the whole page red; a beacon, a WebSocket and window.open()
// leave nothing to draw, and the service's counter catches them.
func hostilePage(origins []string) string {
	var b strings.Builder
	b.WriteString(`<!doctype html><html><head><style>
html, body { margin: 0; background: #0c0; }
.cell { position: absolute; width: 24px; height: 16px; border: 0; }
</style>`)
	for _, o := range origins {
		fmt.Fprintf(&b, "<link rel=stylesheet href=%q>\n<script src=%q></script>\n", o+"/s.css", o+"/s.js")
	}
	b.WriteString("</head><body>\n")
	for row, o := range origins {
		y := 4 + row*18
		fmt.Fprintf(&b, `<img class=cell style="left:4px;top:%dpx" src=%q>`+"\n", y, o+"/s.png")
		fmt.Fprintf(&b, `<iframe class=cell style="left:32px;top:%dpx" src=%q></iframe>`+"\n", y, o+"/s.html")
		fmt.Fprintf(&b, `<iframe class=cell style="left:60px;top:%dpx" srcdoc="%s"></iframe>`+"\n", y,
			strings.ReplaceAll(fmt.Sprintf(`<script>location = %q</script>`, o+"/nav.html"), `"`, "&quot;"))
		fmt.Fprintf(&b, `<div class=cell style="left:88px;top:%dpx;background:url(%q)"></div>`+"\n", y, o+"/bg.png")
	}
	b.WriteString("<script>\nconst red = () => { document.documentElement.style.background = document.body.style.background = '#f00'; };\n")
	b.WriteString("const origins = [")
	for _, o := range origins {
		fmt.Fprintf(&b, "%q,", o)
	}
	b.WriteString(`];
for (const o of origins) {
  const seen = t => { if (String(t).includes("SECRET")) red(); };
  fetch(o + "/fetch").then(r => r.text()).then(seen).catch(() => {});
  fetch(o + "/no-cors", {mode: "no-cors"}).catch(() => {});
  const x = new XMLHttpRequest();
  x.onload = () => seen(x.responseText);
  x.open("GET", o + "/xhr"); x.send();
  try { const es = new EventSource(o + "/events"); es.onmessage = e => seen(e.data); } catch (e) {}
  import(o + "/s.mjs").catch(() => {});
  try { navigator.sendBeacon(o + "/beacon", "x"); } catch (e) {}
  try { const ws = new WebSocket(o.replace("http", "ws") + "/ws"); ws.onmessage = e => seen(e.data); } catch (e) {}
  try { if (window.open(o + "/popup.html")) red(); } catch (e) {}
}
</script></body></html>`)
	return b.String()
}

// spellings of the address of a service on every loopback address at
// port: every form a URL can take that reaches this machine.
func spellings(port string) []string {
	var out []string
	for _, h := range []string{"127.0.0.1", "localhost", "127.1", "2130706433", "0x7f.1", "0177.0.0.1",
		"127.0.0.2", "0.0.0.0", "[::1]", "[::ffff:127.0.0.1]", "[0:0:0:0:0:ffff:7f00:1]", "sub.localhost", "LOCALHOST.", "[::]"} {
		out = append(out, "http://"+h+":"+port)
	}
	return out
}

// redPixels counts the pixels of the frames that are clearly red.
func redPixels(frames []*image.RGBA) int {
	n := 0
	for _, f := range frames {
		for i := 0; i < len(f.Pix); i += 4 {
			if r, g, b := f.Pix[i], f.Pix[i+1], f.Pix[i+2]; r > 180 && g < 90 && b < 90 {
				n++
			}
		}
	}
	return n
}

func greenPixels(f *image.RGBA) int {
	n := 0
	for i := 0; i < len(f.Pix); i += 4 {
		if c := (color.RGBA{f.Pix[i], f.Pix[i+1], f.Pix[i+2], 255}); c.G > 150 && c.R < 80 && c.B < 80 {
			n++
		}
	}
	return n
}

// TestHostilePageReachesOnlyItsServer renders, on the real binary, a page
// that tries every spelling of loopback and link-local, with every
// mechanism a page has, against real services holding a secret on other
// ports (one on every local address, one on [::1] alone when this machine
// has IPv6). Nothing of them may reach the video (asserted on its pixels),
// they see no request at all, every host tried is reported once, and the
// popups are reported. With --allow-net (the internet) loopback stays
// closed; naming one service with --allow-net=127.0.0.1:PORT opens that
// one only: the positive control that shows the page would draw it.
func TestHostilePageReachesOnlyItsServer(t *testing.T) {
	requireTools(t)
	all := startSecretService(t, "tcp", ":0")
	if all == nil {
		t.Fatal("cannot listen on every local address")
	}
	origins := spellings(all.port)
	origins = append(origins, "http://169.254.169.254", "http://[fe80::1]:"+all.port)
	services := []*secretService{all}
	// Chrome hands the proxy canonical addresses: 127.1, 2130706433,
	// 0x7f.1 and 0177.0.0.1 arrive as 127.0.0.1, and the IPv4-mapped
	// forms as [::ffff:7f00:1], which is 127.0.0.1 too (unblocked when that
	// is named).
	p := all.port
	unlessNamed := []string{"127.0.0.1:" + p, "[::ffff:7f00:1]:" + p}
	wantBlocked := []string{"localhost:" + p, "127.0.0.2:" + p, "0.0.0.0:" + p, "[::]:" + p, "[::1]:" + p,
		"sub.localhost:" + p, "localhost.:" + p, "169.254.169.254", "[fe80::1]:" + p}
	if v6 := startSecretService(t, "tcp6", "[::1]:0"); v6 != nil {
		services = append(services, v6)
		origins = append(origins, "http://[::1]:"+v6.port, "http://localhost:"+v6.port)
		wantBlocked = append(wantBlocked, "[::1]:"+v6.port)
	} else {
		t.Log("no IPv6 loopback here: the [::1]-only service is left out")
	}
	page := writePage(t, hostilePage(origins))

	for _, tt := range []struct {
		name    string
		flags   []string
		reached bool // the named service is reached (and drawn)
	}{
		{name: "net off"},
		{name: "net off, chromium", flags: []string{"--browser", "chromium"}},
		{name: "internet", flags: []string{"--allow-net"}},
		{name: "named", flags: []string{"--allow-net=127.0.0.1:" + all.port}, reached: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, s := range services {
				s.hits.Store(0)
			}
			out := filepath.Join(t.TempDir(), "out.mp4")
			args := append([]string{"render", page, "--duration", "1s", "--fps", "5", "--size", "320x240",
				"--workers", "1", "-o", out, "--progress", "plain",
				// A stalled Chromium screenshot is retried in a new browser
				// well inside runCLI's two minutes.
				"--batch-timeout", "40s"}, tt.flags...)
			res := runCLI(t, args...)
			if res.code != 0 {
				t.Fatalf("exit %d: %s", res.code, res.stderr)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			frames, err := mediatest.ExtractFrames(ctx, out)
			if err != nil {
				t.Fatal(err)
			}
			if len(frames) != 5 {
				t.Fatalf("%d frames, want 5", len(frames))
			}
			red := redPixels(frames)
			switch {
			case tt.reached && red == 0:
				t.Errorf("the named service was not drawn: the page cannot reach it, so the test proves nothing; stderr: %s", res.stderr)
			case !tt.reached && red > 0:
				t.Errorf("%d red pixels: the page drew another service's secret; stderr: %s", red, res.stderr)
			}
			if !tt.reached && greenPixels(frames[len(frames)-1]) < 320*240/2 {
				t.Errorf("the page itself was not drawn")
			}
			if got := all.hits.Load(); (got > 0) != tt.reached {
				t.Errorf("the service on every address saw %d requests", got)
			}
			for _, s := range services[1:] {
				if got := s.hits.Load(); got > 0 {
					t.Errorf("the [::1] service saw %d requests", got)
				}
			}
			blocked := wantBlocked
			if !tt.reached {
				blocked = append(blocked, unlessNamed...)
			}
			for _, host := range blocked {
				if n := strings.Count(res.stderr, "blocked a request to "+host+": network access is off"); n != 1 {
					t.Errorf("warnings for %s: %d, want 1", host, n)
				}
			}
			for _, o := range origins {
				if n := strings.Count(res.stderr, "blocked a popup (window.open or a link to a new window) to "+o+":"); n > 1 {
					t.Errorf("popups to %s reported %d times, want once", o, n)
				}
			}
			if n := strings.Count(res.stderr, "blocked a popup"); n == 0 {
				t.Errorf("window.open() was not reported")
			}
			if t.Failed() || testing.Verbose() {
				t.Logf("stderr:\n%s", res.stderr)
			}
		})
	}
}

// TestDeckURLOnLoopback: a deck (which comes from anyone) that names
// another local service as a slide's URL is refused before Chrome starts,
// exit 2, and the service sees no request; naming the service with
// --allow-net renders it.
func TestDeckURLOnLoopback(t *testing.T) {
	requireTools(t)
	secret := startSecretService(t, "tcp4", "127.0.0.1:0")
	dir := t.TempDir()
	target := "http://127.0.0.1:" + secret.port + "/s.html"
	manifest := filepath.Join(dir, "deck.yaml")
	if err := os.WriteFile(manifest, []byte("size: 320x240\nfps: 5\nslides:\n  - url: "+target+"\n    duration: 1s\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.mp4")
	res := runCLI(t, "render", manifest, "-o", out, "--workers", "1")
	if res.code != 2 || !strings.Contains(res.stderr, target) || !strings.Contains(res.stderr, "loopback") {
		t.Errorf("exit %d, want 2 naming the page and loopback: %s", res.code, res.stderr)
	}
	if n := secret.hits.Load(); n != 0 {
		t.Errorf("the service saw %d requests", n)
	}
	res = runCLI(t, "render", manifest, "-o", out, "--workers", "1", "--allow-net=127.0.0.1:"+secret.port)
	if res.code != 0 || secret.hits.Load() == 0 {
		t.Errorf("named: exit %d, %d requests: %s", res.code, secret.hits.Load(), res.stderr)
	}
}
