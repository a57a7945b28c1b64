// Package decktest makes the PDF and PowerPoint decks that tests render,
// in headless Chrome, so no binary deck is checked in: Chrome prints a page
// of coloured pages to PDF (with an outline from its headings), and
// PptxGenJS, a JavaScript library vendored under testdata, writes a .pptx
// with coloured slides, title placeholders, speaker notes and hidden slides.
// It is for tests only.
package decktest

import (
	"context"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"os"
	"strings"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

//go:embed testdata/pptxgenjs/pptxgen.bundle.js
var pptxgen string

// Page is one page of a PDF or one slide of a .pptx.
type Page struct {
	Color  string // background, #rrggbb
	Title  string // a heading (the PDF's outline) or the title placeholder
	Text   string // a line below the title
	Notes  string // speaker notes (.pptx)
	Hidden bool   // a hidden slide (.pptx)
	HTML   string // more of the page, as HTML (PDF)
}

// browser runs fn in a tab of a new headless Chrome at path, closed after.
func browser(ctx context.Context, path string, fn func(ctx context.Context) error) error {
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.Flag("disable-gpu", true))
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()
	return fn(bctx)
}

// PDF prints pages of width x height CSS pixels (72 pt per 96 px), each
// filled with its colour and showing its title as an <h1>, which Chrome puts
// in the PDF's outline.
func PDF(ctx context.Context, chrome string, width, height int, pages []Page) ([]byte, error) {
	var b strings.Builder
	fmt.Fprintf(&b, `<!DOCTYPE html><html><head><meta charset="utf-8"><style>
@page { size: %dpx %dpx; margin: 0 }
html, body { margin: 0 }
section { position: relative; box-sizing: border-box; width: %dpx; height: %dpx; padding: 8px; overflow: hidden;
  break-after: page; font: 16px sans-serif; color: #fff }
h1 { margin: 0 0 4px; font-size: 22px }
</style></head><body>`, width, height, width, height)
	for _, p := range pages {
		fmt.Fprintf(&b, `<section style="background:%s">`, html.EscapeString(p.Color))
		if p.Title != "" {
			fmt.Fprintf(&b, "<h1>%s</h1>", html.EscapeString(p.Title))
		}
		if p.Text != "" {
			fmt.Fprintf(&b, "<p>%s</p>", html.EscapeString(p.Text))
		}
		b.WriteString(p.HTML)
		b.WriteString("</section>")
	}
	b.WriteString("</body></html>")
	var pdf []byte
	err := browser(ctx, chrome, func(ctx context.Context) error {
		if err := chromedp.Do(ctx, chromedp.Navigate("data:text/html;base64,"+base64.StdEncoding.EncodeToString([]byte(b.String())))); err != nil {
			return err
		}
		yes := true
		res, err := chromedp.Run(ctx, func(ctx context.Context, t *chromedp.Target) (page.PrintToPDFResult, error) {
			return cdp.Call(ctx, t, page.PrintToPDF, page.PrintToPDFParams{
				PrintBackground: &yes, PreferCSSPageSize: &yes, GenerateDocumentOutline: &yes,
			})
		})
		pdf = res.Data
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("print a PDF in Chrome: %w", err)
	}
	return pdf, nil
}

// PPTX writes a 16:9 .pptx of the slides with PptxGenJS: each slide's
// background colour, its title in the master's title placeholder, its text
// below and its notes.
func PPTX(ctx context.Context, chrome string, slides []Page) ([]byte, error) {
	spec, err := json.Marshal(slides)
	if err != nil {
		return nil, err
	}
	script := `(async () => {
  const pres = new PptxGenJS();
  pres.layout = 'LAYOUT_16x9';
  pres.defineSlideMaster({ title: 'M', objects: [
    { placeholder: { options: { name: 'title', type: 'title', x: 0.5, y: 0.4, w: 9, h: 1.2 }, text: '' } },
  ] });
  for (const s of ` + string(spec) + `) {
    const slide = pres.addSlide({ masterName: 'M' });
    slide.background = { color: s.Color.replace('#', '') };
    if (s.Title) slide.addText(s.Title, { placeholder: 'title', color: 'FFFFFF', fontSize: 40 });
    if (s.Text) slide.addText(s.Text, { x: 0.5, y: 2.5, w: 9, h: 1, color: 'FFFFFF', fontSize: 24 });
    if (s.Notes) slide.addNotes(s.Notes);
    if (s.Hidden) slide.hidden = true;
  }
  return await pres.write({ outputType: 'base64' });
})()`
	var out string
	err = browser(ctx, chrome, func(ctx context.Context) error {
		if err := chromedp.Do(ctx, chromedp.Navigate("about:blank"), chromedp.Evaluate[chromedp.Void](pptxgen)); err != nil {
			return err
		}
		var err error
		out, err = chromedp.Run(ctx, chromedp.Evaluate[string](script, chromedp.EvalAwaitPromise))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("write a .pptx with PptxGenJS in Chrome: %w", err)
	}
	return base64.StdEncoding.DecodeString(out)
}
