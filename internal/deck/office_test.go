package deck

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/deckreel/deckreel/internal/decktest"
)

const (
	pptxNS = `xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"`
	relsNS = `xmlns="http://schemas.openxmlformats.org/package/2006/relationships"`
	relT   = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
)

// pptxSlideXML is a slide part: a title placeholder of type ph and a body.
func pptxSlideXML(show, ph, title, body string) string {
	return `<p:sld ` + pptxNS + show + `><p:cSld><p:spTree>` +
		`<p:sp><p:nvSpPr><p:nvPr><p:ph type="` + ph + `"/></p:nvPr></p:nvSpPr><p:txBody><a:p><a:r><a:t>` + title + `</a:t></a:r></a:p></p:txBody></p:sp>` +
		`<p:sp><p:nvSpPr><p:nvPr/></p:nvSpPr><p:txBody><a:p><a:r><a:t>` + body + `</a:t></a:r></a:p></p:txBody></p:sp>` +
		`</p:spTree></p:cSld></p:sld>`
}

// pptxNotesXML is a notes part whose body has paragraphs.
func pptxNotesXML(paras ...string) string {
	var b strings.Builder
	for _, p := range paras {
		b.WriteString("<a:p>")
		for i, line := range strings.Split(p, "\n") {
			if i > 0 {
				b.WriteString("<a:br/>")
			}
			fmt.Fprintf(&b, "<a:r><a:t>%s</a:t></a:r>", line)
		}
		b.WriteString("</a:p>")
	}
	return `<p:notes ` + pptxNS + `><p:cSld><p:spTree>` +
		`<p:sp><p:nvSpPr><p:nvPr><p:ph type="sldImg"/></p:nvPr></p:nvSpPr></p:sp>` +
		`<p:sp><p:nvSpPr><p:nvPr><p:ph type="body" idx="1"/></p:nvPr></p:nvSpPr><p:txBody>` + b.String() + `</p:txBody></p:sp>` +
		`<p:sp><p:nvSpPr><p:nvPr><p:ph type="sldNum"/></p:nvPr></p:nvSpPr><p:txBody><a:p><a:r><a:t>7</a:t></a:r></a:p></p:txBody></p:sp>` +
		`</p:spTree></p:cSld></p:notes>`
}

func writeZip(t *testing.T, path string, parts map[string]string) {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for name, body := range parts {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestReadOffice reads titles and notes of .pptx and .odp files written
// here part by part: in presentation order (not the order of the parts'
// names), hidden slides left out, multi-paragraph notes kept as lines.
func TestReadOffice(t *testing.T) {
	pptx := map[string]string{
		"ppt/presentation.xml": `<p:presentation ` + pptxNS + `><p:sldIdLst>` +
			`<p:sldId id="256" r:id="rId3"/><p:sldId id="257" r:id="rId2"/><p:sldId id="258" r:id="rId4"/></p:sldIdLst></p:presentation>`,
		"ppt/_rels/presentation.xml.rels": `<Relationships ` + relsNS + `>` +
			`<Relationship Id="rId2" Type="` + relT + `slide" Target="slides/slide1.xml"/>` +
			`<Relationship Id="rId3" Type="` + relT + `slide" Target="/ppt/slides/slide2.xml"/>` +
			`<Relationship Id="rId4" Type="` + relT + `slide" Target="slides/slide3.xml"/></Relationships>`,
		"ppt/slides/slide1.xml": pptxSlideXML("", "title", "Second", "body text"),
		"ppt/slides/slide2.xml": pptxSlideXML("", "ctrTitle", "First &amp; foremost", "x"),
		"ppt/slides/slide3.xml": pptxSlideXML(` show="0"`, "title", "Hidden", "x"),
		"ppt/slides/_rels/slide1.xml.rels": `<Relationships ` + relsNS + `>` +
			`<Relationship Id="rId1" Type="` + relT + `notesSlide" Target="../notesSlides/notesSlide9.xml"/>` +
			`<Relationship Id="rId2" Type="` + relT + `hyperlink" Target="https://example.com/" TargetMode="External"/></Relationships>`,
		"ppt/slides/_rels/slide3.xml.rels": `<Relationships ` + relsNS + `>` +
			`<Relationship Id="rId1" Type="` + relT + `notesSlide" Target="../notesSlides/notesSlide3.xml"/></Relationships>`,
		"ppt/notesSlides/notesSlide9.xml": pptxNotesXML("Say this first.", "Then this,\nand that."),
		"ppt/notesSlides/notesSlide3.xml": pptxNotesXML("Never said."),
	}
	odp := map[string]string{
		"content.xml": `<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0">` +
			`<office:automatic-styles><style:style style:name="dp1" style:family="drawing-page"/>` +
			`<style:style style:name="dp2" style:family="drawing-page"><style:drawing-page-properties presentation:visibility="hidden"/></style:style></office:automatic-styles>` +
			`<office:body><office:presentation>` +
			`<draw:page draw:name="a" draw:style-name="dp1"><draw:frame presentation:class="title"><draw:text-box><text:p>Open <text:span>title</text:span></text:p></draw:text-box></draw:frame>` +
			`<presentation:notes><draw:page-thumbnail/><draw:frame presentation:class="notes"><draw:text-box><text:p>Line one</text:p><text:p>Line<text:s/>two<text:line-break/>three</text:p></draw:text-box></draw:frame></presentation:notes></draw:page>` +
			`<draw:page draw:name="b" draw:style-name="dp2"><draw:frame presentation:class="title"><draw:text-box><text:p>Hidden</text:p></draw:text-box></draw:frame></draw:page>` +
			`<draw:page draw:name="c" draw:style-name="dp1"><draw:frame presentation:class="outline"><draw:text-box><text:p>no title</text:p></draw:text-box></draw:frame></draw:page>` +
			`</office:presentation></office:body></office:document-content>`,
	}
	for _, tc := range []struct {
		name  string
		parts map[string]string
		want  []docSlide
		err   string
	}{
		{"deck.pptx", pptx, []docSlide{{title: "First & foremost"}, {title: "Second", notes: "Say this first.\nThen this,\nand that."}}, ""},
		{"deck.odp", odp, []docSlide{{title: "Open title", notes: "Line one\nLine two\nthree"}, {}}, ""},
		{"empty.pptx", map[string]string{"x.txt": "x"}, nil, "not a PowerPoint file"},
		{"empty.odp", map[string]string{"x.txt": "x"}, nil, "not an OpenDocument presentation"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), tc.name)
			writeZip(t, p, tc.parts)
			got, err := readOffice(p, tc.name)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
	// Not a zip, and a format whose notes are not read.
	p := filepath.Join(t.TempDir(), "junk.pptx")
	os.WriteFile(p, []byte("not a zip"), 0o644)
	if _, err := readOffice(p, "junk.pptx"); err == nil || !strings.Contains(err.Error(), "not a zip") {
		t.Errorf("junk.pptx: %v", err)
	}
	if got, err := readOffice(filepath.Join(t.TempDir(), "old.ppt"), "old.ppt"); got != nil || err != nil {
		t.Errorf("old.ppt: %v, %v; want nothing read", got, err)
	}
}

// TestOfficeZipLimits: a part that inflates past MaxZipPart is refused
// whatever the zip says its size is.
func TestOfficeZipLimits(t *testing.T) {
	p := filepath.Join(t.TempDir(), "bomb.pptx")
	writeZip(t, p, map[string]string{"ppt/presentation.xml": strings.Repeat(" ", MaxZipPart+1)})
	_, err := readOffice(p, "bomb.pptx")
	var de *Error
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "larger than 16 MiB") {
		t.Errorf("err %v, want the part limit", err)
	}
}

// TestMissingConverters: without poppler or LibreOffice on PATH, loading a
// PDF or a .pptx fails with an *Error that says what to install.
func TestMissingConverters(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "talk.pdf"), []byte("%PDF-1.4 not really"), 0o644)
	writeZip(t, filepath.Join(dir, "talk.pptx"), map[string]string{"ppt/presentation.xml": `<p:presentation ` + pptxNS + `/>`})
	t.Setenv("PATH", t.TempDir())
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	for name, want := range map[string]string{
		"talk.pdf":  "apt-get install --no-install-recommends poppler-utils",
		"talk.pptx": "needs LibreOffice, which is not installed: apt-get install --no-install-recommends libreoffice-impress",
	} {
		_, err := Load(filepath.Join(dir, name), Options{})
		var de *Error
		if !errors.As(err, &de) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an *Error with %q", name, err, want)
		}
	}
}

// requireLibreOffice skips a test that needs soffice, except under CI.
func requireLibreOffice(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("soffice"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("soffice is required in CI (.ci/install-deps.sh installs libreoffice-impress): %v", err)
		}
		t.Skip(err)
	}
}

// TestPPTXDeck converts a .pptx made by PptxGenJS: a slide per shown
// slide, with its title and notes; cancelling the load stops LibreOffice.
func TestPPTXDeck(t *testing.T) {
	requirePoppler(t)
	requireLibreOffice(t)
	chrome, _ := requireChrome(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	b, err := decktest.PPTX(ctx, chrome, []decktest.Page{
		{Color: "#ff0000", Title: "Red slide", Notes: "Notes of red."},
		{Color: "#00ff00", Title: "Hidden one", Notes: "Never.", Hidden: true},
		{Color: "#0000ff", Title: "Blue slide", Notes: "Blue, first line.\nSecond line."},
	})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "talk.pptx")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}

	// Cancelled while LibreOffice runs: the load stops, and leaves no
	// process (TestMain checks for children).
	cctx, ccancel := context.WithCancel(ctx)
	time.AfterFunc(500*time.Millisecond, ccancel)
	if _, err := LoadContext(cctx, p, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled load: %v", err)
	}

	d, err := LoadContext(ctx, p, Options{SlideDuration: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var got []docSlide
	for _, s := range d.Slides {
		got = append(got, docSlide{title: s.Title, notes: s.Notes})
	}
	want := []docSlide{{title: "Red slide", notes: "Notes of red."}, {title: "Blue slide", notes: "Blue, first line.\nSecond line."}}
	if d.Kind != Office || !reflect.DeepEqual(got, want) {
		t.Errorf("%s deck: %+v, want %+v", d.Kind, got, want)
	}
	if len(d.Warnings) > 0 {
		t.Errorf("warnings: %v", d.Warnings)
	}

	// A .ppt (made from the .pptx by LibreOffice here) goes through a
	// .pptx of its own, whose notes and titles are read.
	ppt := filepath.Join(t.TempDir(), "talk.ppt")
	profile := t.TempDir()
	conv := exec.CommandContext(ctx, "soffice", "-env:UserInstallation=file://"+profile, "--headless", "--convert-to", "ppt", "--outdir", filepath.Dir(ppt), p)
	if out, err := conv.CombinedOutput(); err != nil {
		t.Fatalf("make a .ppt: %v\n%s", err, out)
	}
	pd, err := LoadContext(ctx, ppt, Options{SlideDuration: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	for _, s := range pd.Slides {
		got = append(got, docSlide{title: s.Title, notes: s.Notes})
	}
	pd.Close()
	if !reflect.DeepEqual(got, want) {
		t.Errorf(".ppt deck: %+v, want %+v", got, want)
	}

	// A linked image (an external relationship) is not fetched: LibreOffice
	// has no network.
	var fetched atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fetched.Add(1) }))
	defer srv.Close()
	linked := filepath.Join(t.TempDir(), "linked.pptx")
	if err := os.WriteFile(linked, linkImage(t, b, srv.URL+"/img.png"), 0o644); err != nil {
		t.Fatal(err)
	}
	ld, err := LoadContext(ctx, linked, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ld.Close()
	if n := fetched.Load(); n > 0 {
		t.Errorf("LibreOffice fetched the linked image (%d requests)", n)
	}
}

// linkImage adds to slide 1 of the .pptx b a picture linked to url.
func linkImage(t *testing.T, b []byte, url string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(rc)
		rc.Close()
		switch f.Name {
		case "ppt/slides/slide1.xml":
			body = bytes.Replace(body, []byte("</p:spTree>"), []byte(`<p:pic><p:nvPicPr><p:cNvPr id="99" name="Linked"/><p:cNvPicPr/><p:nvPr/></p:nvPicPr>`+
				`<p:blipFill><a:blip r:link="rIdLinked"/><a:stretch><a:fillRect/></a:stretch></p:blipFill>`+
				`<p:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr></p:pic></p:spTree>`), 1)
		case "ppt/slides/_rels/slide1.xml.rels":
			body = bytes.Replace(body, []byte("</Relationships>"), []byte(`<Relationship Id="rIdLinked" Type="`+relT+`image" Target="`+url+`" TargetMode="External"/></Relationships>`), 1)
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// FuzzOfficeXML feeds any bytes to the readers of slide, notes and
// content.xml parts: they return an error or slides, never panic, and
// keep every slide's text within what they read.
func FuzzOfficeXML(f *testing.F) {
	f.Add([]byte(pptxSlideXML(` show="0"`, "title", "T", "b")))
	f.Add([]byte(pptxNotesXML("one", "two\nthree")))
	f.Add([]byte(`<office:document-content xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"><draw:page><draw:frame class="title"><p>x</p></draw:frame></draw:page></office:document-content>`))
	f.Add([]byte(`<p:sp><p:sp><a:p><a:t>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if shapes, _, err := ooxmlShapes(b); err == nil {
			for _, s := range shapes {
				for _, p := range s.paras {
					if len(p) > len(b)*2 {
						t.Fatalf("a paragraph of %d bytes from %d", len(p), len(b))
					}
				}
			}
		}
		if slides, err := odpContent(b); err == nil && len(slides) > len(b) {
			t.Fatalf("%d slides from %d bytes", len(slides), len(b))
		}
	})
}
