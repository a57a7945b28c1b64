package deck

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/deckreel/deckreel/assets"
	"github.com/deckreel/deckreel/capture"
)

// bigRevealDeck writes a 40-slide reveal.js deck that uses everything the
// step counter must get right: vertical stacks, fragments without and with
// data-fragment-index (shared, out of order, gaps), nested fragments, a
// disabled fragment, data-autoslide on slides, stacks and fragments,
// auto-animate runs, per-slide transitions and a hidden slide. script is
// how the page loads reveal.js; dist the vendored reveal.js directory.
func bigRevealDeck(t *testing.T, dist string, module bool) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "dist"), os.DirFS(filepath.Join(dist, "dist"))); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>Forty slides</title>
<link rel="stylesheet" href="dist/reveal.css">
<style>.reveal section { font: 32px sans-serif; } .box { display: inline-block; width: 80px; height: 80px; background: #c33; }</style>
</head>
<body>
<div class="reveal"><div class="slides">
`)
	n := 0 // presented slides
	h := 0
	for n < 40 {
		h++
		switch {
		case h%9 == 3: // a vertical stack of three, with a stack-wide autoslide
			b.WriteString("<section data-autoslide=\"450\">\n")
			for v := 1; v <= 3; v++ {
				n++
				frag := ""
				if v == 2 {
					frag = `<p class="fragment">one</p><p class="fragment" data-autoslide="150">two</p>`
				}
				fmt.Fprintf(&b, "  <section><h2>Stack %d.%d</h2>%s</section>\n", h, v, frag)
			}
			b.WriteString("</section>\n")
		case h%9 == 5: // an auto-animate run of three
			for k := 0; k < 3 && n < 40; k++ {
				n++
				fmt.Fprintf(&b, "<section data-auto-animate><h2>Move %d</h2><div class=\"box\" data-id=\"box\" style=\"margin-left: %dpx\"></div></section>\n", n, 200*k)
			}
		case h%9 == 7: // indexed fragment groups, out of order, with gaps and a nested one
			n++
			fmt.Fprintf(&b, `<section data-transition="fade"><h2>Groups %d</h2>
  <p class="fragment" data-fragment-index="3">c</p>
  <p class="fragment" data-fragment-index="1" data-autoslide="300">a</p>
  <p class="fragment" data-fragment-index="1">a too</p>
  <p class="fragment">after</p>
  <div class="fragment" data-fragment-index="5"><span class="fragment" data-fragment-index="6">nested</span></div>
</section>
`, n)
		case h%9 == 8: // unindexed fragments and a disabled one, slide autoslide
			n++
			fmt.Fprintf(&b, `<section data-autoslide="350" data-transition="zoom"><h2>List %d</h2><ul>
  <li class="fragment">x</li><li class="fragment fade-up">y</li><li class="fragment disabled">never a step</li><li class="fragment highlight-red" data-autoslide="120">z</li>
</ul><aside class="notes">Notes for %d.</aside></section>
`, n, n)
		case h == 2:
			fmt.Fprintf(&b, "<section data-visibility=\"hidden\"><h2>Hidden</h2><p class=\"fragment\">not shown</p></section>\n")
			n++
			fmt.Fprintf(&b, "<section><h2>Plain %d</h2></section>\n", n)
		default:
			n++
			fmt.Fprintf(&b, "<section><h2>Plain %d</h2></section>\n", n)
		}
	}
	b.WriteString("</div></div>\n")
	cfg := `{ transition: 'slide', autoSlide: 200, hash: true, controls: true, progress: true }`
	if module {
		fmt.Fprintf(&b, "<script type=\"module\">\nimport Reveal from './dist/reveal.mjs';\nReveal.initialize(%s);\n</script>\n", cfg)
	} else {
		fmt.Fprintf(&b, "<script src=\"dist/reveal.js\"></script>\n<script>Reveal.initialize(%s);</script>\n", cfg)
	}
	b.WriteString("</body>\n</html>\n")
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// revealVersions are the vendored reveal.js releases.
var revealVersions = []string{"revealjs-4", "revealjs-5", "revealjs-6"}

// stateJS reads the step reveal.js shows from the DOM, in the form of
// Step.Index ("3", "3.2", "3.2 fragment 1"). It works without window.Reveal.
const stateJS = `function deckState() {
  const hs = Array.from(document.querySelectorAll('.reveal .slides > section'));
  const h = hs.findIndex((s) => s.classList.contains('present'));
  if (h < 0) return 'none';
  let slide = hs[h];
  let k = String(h + 1);
  const vs = Array.from(slide.querySelectorAll(':scope > section'));
  if (vs.length) {
    const v = vs.findIndex((s) => s.classList.contains('present'));
    slide = vs[v];
    k += '.' + (v + 1);
  }
  let f = -1;
  for (const el of slide.querySelectorAll('.fragment.visible')) f = Math.max(f, parseInt(el.getAttribute('data-fragment-index'), 10));
  if (f >= 0) k += ' fragment ' + (f + 1);
  return k;
}`

// openVirtual loads url in a tab of the shared browser with deckreel's
// time-control script, as capture does, and waits for it to be ready.
func openVirtual(t *testing.T, url string) context.Context {
	t.Helper()
	ctx := browserTab(t)
	ctx, cancel := context.WithTimeout(ctx, 40*time.Second)
	t.Cleanup(cancel)
	script := assets.TimeControlScript(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli(), 30*time.Second)
	setup := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: script})
		return err
	})
	if err := chromedp.Do(ctx, setup, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`window.__deckreel.ready()`, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// TestRevealStepsMatchPresentation loads the 40-slide deck in Chrome with
// each vendored reveal.js and checks that Load's steps are the ones reveal.js
// presents: the same states in the same order when next() is called from
// the first slide to the last, and the same hold times when reveal.js
// auto-slides under virtual time.
func TestRevealStepsMatchPresentation(t *testing.T) {
	requireChrome(t)
	for _, v := range revealVersions {
		t.Run(v, func(t *testing.T) {
			dir := bigRevealDeck(t, filepath.Join("testdata", v), false)
			d, err := Load(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			if d.Kind != Reveal || len(d.Slides) != 40 {
				t.Fatalf("loaded a %s deck of %d slides, want reveal with 40", d.Kind, len(d.Slides))
			}
			var want []string
			for _, s := range d.Steps {
				want = append(want, s.Index)
			}
			srv, err := capture.Serve(os.DirFS(dir), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			ctx := openVirtual(t, srv.URL("index.html"))

			// Auto-slide: record the virtual time of every change.
			total := d.Frames(30) + 30
			type change struct {
				State string  `json:"state"`
				At    float64 `json:"at"`
			}
			changes, err := chromedp.Run(ctx, chromedp.Evaluate[[]change](stateJS+`
(async () => {
  const seen = [{ state: deckState(), at: 0 }];
  const note = () => { const s = deckState(); if (s !== seen[seen.length - 1].state) seen.push({ state: s, at: window.__deckreel.now() }); };
  for (const ev of ['slidechanged', 'fragmentshown']) Reveal.on(ev, note);
  await window.__deckreel.seek(`+fmt.Sprint(total)+`, 30);
  return seen;
})()`, chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range changes {
				got = append(got, c.State)
			}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Fatalf("auto-slide presented %d steps, Load counted %d:\n got %q\nwant %q", len(got), len(want), got, want)
			}
			for i, c := range changes {
				if wantMS := float64(d.Steps[i].Start) / float64(time.Millisecond); math.Abs(c.At-wantMS) > 0.01 {
					t.Errorf("step %s started at %.3f ms under reveal.js auto-slide, Load says %.3f ms", c.State, c.At, wantMS)
				}
			}

			// next() from the first slide to the last, on a fresh page: a
			// stack remembers the vertical slide it was left on.
			ctx = openVirtual(t, srv.URL("index.html"))
			walked, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](stateJS+`
(async () => {
  await window.__deckreel.seek(1, 30); // reveal.js is ready after its first timer
  Reveal.configure({ autoSlide: 0 });
  const out = [];
  for (let i = 0; i < 1000; i++) {
    const s = deckState();
    if (out.length && s === out[out.length - 1]) break;
    out.push(s);
    Reveal.next();
  }
  return out;
})()`, chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(walked, "|") != strings.Join(want, "|") {
				t.Fatalf("next() walked %d steps, Load counted %d:\n got %q\nwant %q", len(walked), len(want), walked, want)
			}
			t.Logf("reveal.js %s: %d slides, %d steps, %s", v, len(d.Slides), len(d.Steps), d.Duration())
		})
	}
}

// TestRevealDriverFrames renders the 40-slide deck through its segment (the
// deck with deckreel's driver) under virtual time and checks that every
// step is on screen exactly from its first frame: not one frame early, not
// one late. It covers the classic script of each vendored reveal.js and the
// ES module build of reveal.js 6, which has no window.Reveal.
func TestRevealDriverFrames(t *testing.T) {
	requireChrome(t)
	type tc struct {
		dist   string
		module bool
	}
	cases := []tc{{"revealjs-4", false}, {"revealjs-5", false}, {"revealjs-6", false}, {"revealjs-6", true}}
	for _, c := range cases {
		name := c.dist
		if c.module {
			name += "-module"
		}
		t.Run(name, func(t *testing.T) {
			dir := bigRevealDeck(t, filepath.Join("testdata", c.dist), c.module)
			const fps = 30
			d, err := Load(dir, Options{SlideDuration: 250 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			segs, err := d.Segments(fps)
			if err != nil {
				t.Fatal(err)
			}
			if len(segs) != 1 {
				t.Fatalf("%d segments, want 1", len(segs))
			}
			srv, err := capture.Serve(segs[0].Source.FS, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			ctx := openVirtual(t, srv.URL(segs[0].Source.Entry))
			var frames []int
			for _, s := range d.Steps {
				first, _ := s.Frames(fps)
				frames = append(frames, first)
			}
			type probe struct {
				Before string `json:"before"`
				At     string `json:"at"`
				UI     bool   `json:"ui"`
			}
			probes, err := chromedp.Run(ctx, chromedp.Evaluate[[]probe](stateJS+fmt.Sprintf(`
(async () => {
  const frames = %s;
  const out = [];
  const ui = () => Array.from(document.querySelectorAll('.reveal .controls, .reveal .progress')).some((el) => el.offsetParent !== null);
  for (const f of frames) {
    let before = '';
    if (f > 0) { await window.__deckreel.seek(f - 1, %d); before = deckState(); }
    await window.__deckreel.seek(f, %d);
    out.push({ before, at: deckState(), ui: ui() });
  }
  return out;
})()`, jsonInts(frames), fps, fps), chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatal(err)
			}
			for i, p := range probes {
				if p.At != d.Steps[i].Index {
					t.Errorf("frame %d: shows %q, want step %q", frames[i], p.At, d.Steps[i].Index)
				}
				if i > 0 && p.Before != d.Steps[i-1].Index {
					t.Errorf("frame %d (the frame before step %q): shows %q, want %q", frames[i]-1, d.Steps[i].Index, p.Before, d.Steps[i-1].Index)
				}
				if p.UI {
					t.Errorf("frame %d: reveal.js controls or progress bar visible", frames[i])
				}
			}
		})
	}
}

func jsonInts(a []int) string {
	s := make([]string, len(a))
	for i, v := range a {
		s[i] = fmt.Sprint(v)
	}
	return "[" + strings.Join(s, ",") + "]"
}

// TestRevealRecordedSteps presents the 40-slide deck, whose markup Load
// counts exactly, with each vendored reveal.js, classic and as an ES module
// (no window.Reveal: the driver records through reveal.js's postMessage
// API): the steps reveal.js records are the counted ones, with the same
// indices, titles, holds and transitions.
func TestRevealRecordedSteps(t *testing.T) {
	requireChrome(t)
	for _, c := range []struct {
		dist   string
		module bool
	}{{"revealjs-4", false}, {"revealjs-5", false}, {"revealjs-6", false}, {"revealjs-6", true}} {
		name := c.dist
		if c.module {
			name += "-module"
		}
		t.Run(name, func(t *testing.T) {
			dir := bigRevealDeck(t, filepath.Join("testdata", c.dist), c.module)
			d, err := Load(dir, Options{SlideDuration: 250 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			counted := append([]Step(nil), d.Steps...)
			record := func(ctx context.Context, src Source) (Recording, error) {
				srv, err := capture.Serve(src.FS, nil)
				if err != nil {
					return Recording{}, err
				}
				defer srv.Close()
				tab := openVirtual(t, srv.URL(src.Entry))
				for f := 0; f < 30*10; f += 15 {
					rec, err := chromedp.Run(tab, chromedp.Evaluate[*Recording](fmt.Sprintf(
						`window.__deckreel.seek(%d, 30).then(() => window.__deckreelRecord || null)`, f), chromedp.EvalAwaitPromise))
					if err != nil {
						return Recording{}, err
					}
					if rec != nil && rec.Done {
						return *rec, nil
					}
				}
				return Recording{}, fmt.Errorf("no recording after 10 s")
			}
			if err := d.Present(context.Background(), record); err != nil {
				t.Fatal(err)
			}
			for _, w := range d.Warnings {
				t.Errorf("warning: %s", w)
			}
			if len(d.Steps) != len(counted) {
				t.Fatalf("recorded %d steps, counted %d", len(d.Steps), len(counted))
			}
			for i, st := range d.Steps {
				c := counted[i]
				if st.Index != c.Index || st.Title != c.Title || st.Duration != c.Duration || st.Transition != c.Transition || st.Slide != c.Slide {
					t.Errorf("step %d: recorded %s %q %s %v slide %d, counted %s %q %s %v slide %d", i+1,
						st.Index, st.Title, st.Duration, st.Transition, st.Slide, c.Index, c.Title, c.Duration, c.Transition, c.Slide)
				}
			}
		})
	}
}
