package deck

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTool runs real programs as conversion tools: output past the bound
// stops the tool, a hung one is given up on at its deadline with its
// children, a missing one is errMissingTool, and a failure quotes stderr.
func TestTool(t *testing.T) {
	for _, p := range []string{"yes", "sh", "sleep"} {
		if _, err := exec.LookPath(p); err != nil {
			t.Skip(err)
		}
	}
	ctx := context.Background()

	out := &bounded{w: io.Discard, limit: 1 << 20}
	_, err := tool{file: "x.pdf", name: "yes", stdout: out, timeout: 30 * time.Second}.run(ctx)
	if err == nil || !out.over || out.n > 1<<20 {
		t.Errorf("endless output: %v, over %v after %d bytes", err, out.over, out.n)
	}

	// The shell starts a child that would outlive it; the group goes.
	pidFile := filepath.Join(t.TempDir(), "pid")
	start := time.Now()
	_, err = tool{file: "x.pptx", name: "sh", args: []string{"-c", "sleep 60 & echo $! > " + pidFile + "; wait"}, timeout: 500 * time.Millisecond}.run(ctx)
	if err == nil || !strings.Contains(err.Error(), "convert x.pptx: sh -c") || !strings.Contains(err.Error(), "gave up after 500ms") {
		t.Errorf("hung tool: %v", err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("took %s to give up", took)
	}
	if b, err := os.ReadFile(pidFile); err == nil {
		pid := strings.TrimSpace(string(b))
		time.Sleep(100 * time.Millisecond)
		if st, err := os.ReadFile("/proc/" + pid + "/stat"); err == nil && !strings.Contains(string(st), ") Z ") {
			t.Errorf("the tool's child %s outlived it", pid)
		}
	}

	_, err = tool{file: "x.pdf", name: "deckreel-no-such-tool", timeout: time.Second}.run(ctx)
	if !errors.Is(err, errMissingTool) {
		t.Errorf("missing tool: %v", err)
	}

	_, err = tool{file: "x.pdf", name: "sh", args: []string{"-c", "echo broken file >&2; exit 3"}, timeout: 10 * time.Second}.run(ctx)
	if err == nil || !strings.HasSuffix(err.Error(), "exit status 3: broken file") {
		t.Errorf("failing tool: %v", err)
	}

	cctx, cancel := context.WithCancel(ctx)
	time.AfterFunc(200*time.Millisecond, cancel)
	if _, err := (tool{file: "x.pdf", name: "sleep", args: []string{"60"}, timeout: time.Minute}).run(cctx); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled tool: %v", err)
	}
}

// TestPaper: the white page goes right after the <svg> start tag, however
// the output is cut into writes.
func TestPaper(t *testing.T) {
	src := `<?xml version="1.0"?>` + "\n" + `<svg xmlns="http://www.w3.org/2000/svg" width="240pt" height="135pt"><g/></svg>`
	want := `<?xml version="1.0"?>` + "\n" + `<svg xmlns="http://www.w3.org/2000/svg" width="240pt" height="135pt"><rect width="100%" height="100%" fill="#fff"/><g/></svg>`
	for _, size := range []int{1, 7, len(src)} {
		var out strings.Builder
		p := &paper{w: &out}
		for i := 0; i < len(src); i += size {
			if n, err := p.Write([]byte(src[i:min(i+size, len(src))])); err != nil || n != min(size, len(src)-i) {
				t.Fatalf("write %d: %d, %v", i, n, err)
			}
		}
		if out.String() != want || !p.done {
			t.Errorf("writes of %d: %s", size, out.String())
		}
	}
	if _, err := (&paper{w: io.Discard}).Write([]byte(strings.Repeat("x", 65<<10))); err == nil {
		t.Error("no <svg> in 65 KiB: no error")
	}
}

// TestParsePDFXML reads pdftohtml's XML: a page's first line (runs on its
// top line joined, markup and entities undone), outline titles breadth
// first, and text XML may not hold dropped rather than failing the deck.
func TestParsePDFXML(t *testing.T) {
	doc := `<?xml version="1.0" encoding="UTF-8"?>
<pdf2xml producer="poppler" version="22.12.0">
<page number="1"><text top="10" left="0" font="0"><b>Big</b></text><text top="11" left="90" font="0">title &amp; more</text><text top="60" left="0" font="1">body</text></page>
<page number="2"><text top="5" left="0" font="1">bad` + "\x01\xff" + `char</text></page>
<page number="3"></page>
<outline><item page="2">Second</item><outline><item page="1">Deep one</item><item page="3">Third</item></outline><item page="3">Third, outer</item></outline>
</pdf2xml>`
	pages, err := parsePDFXML(doc)
	if err != nil {
		t.Fatal(err)
	}
	want := []pdfPage{{Title: "Deep one", Text: "Big title & more"}, {Title: "Second", Text: "badchar"}, {Title: "Third, outer"}}
	if len(pages) != len(want) {
		t.Fatalf("%+v", pages)
	}
	for i := range want {
		if pages[i] != want[i] {
			t.Errorf("page %d: %+v, want %+v", i+1, pages[i], want[i])
		}
	}
}
