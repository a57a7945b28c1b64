package deck

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestManifestMixed(t *testing.T) {
	d := loadOK(t, filepath.Join("testdata", "mixed"), Options{})
	if d.Kind != Manifest || d.Title != "Mixed sources" || d.Width != 640 || d.Height != 360 || d.FPS != 30 ||
		d.Output != "mixed.mp4" || d.CRF != 23 || d.Preset != "veryfast" || d.Theme != "dark" {
		t.Errorf("deck settings: %+v", d)
	}
	if len(d.Warnings) != 0 {
		t.Errorf("warnings: %v", d.Warnings)
	}
	var steps []string
	for _, s := range d.Steps {
		first, last := s.Frames(30)
		steps = append(steps, fmt.Sprintf("%s %q %d-%d %s", s.Index, s.Title, first, last, s.Transition))
	}
	want := []string{
		`1:1 "Intro" 0-29 cut`,
		`1:2 "Second" 30-59 cut`,
		`2 "blue.png" 60-89 fade 500ms`,
		`3 "Animated page" 90-134 wipe-left 300ms`,
		`4 "The end" 135-164 cut`,
	}
	if strings.Join(steps, "\n") != strings.Join(want, "\n") {
		t.Errorf("steps:\n%s\nwant:\n%s", strings.Join(steps, "\n"), strings.Join(want, "\n"))
	}
	segs, err := d.Segments(30)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range segs {
		got = append(got, fmt.Sprintf("%s %s %d+%d in=%s/%d tail=%d", g.Kind, g.Source.Entry, g.Start, g.Frames, g.TransitionIn, g.TransitionFrames, g.TailFrames))
	}
	wantSegs := []string{
		"markdown _deckreel/1.html 0+60 in=cut/0 tail=15",
		"image _deckreel/2.html 60+30 in=fade 500ms/15 tail=9",
		"html anim.html 90+45 in=wipe-left 300ms/9 tail=0",
		"markdown _deckreel/3.html 135+30 in=cut/0 tail=0",
	}
	if strings.Join(got, "\n") != strings.Join(wantSegs, "\n") {
		t.Errorf("segments:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantSegs, "\n"))
	}
	// All segments share one tree with every generated page and schedule.
	for _, name := range []string{"_deckreel/1.html", "_deckreel/1.schedule.js", "_deckreel/2.html", "_deckreel/3.schedule.js", "anim.html", "blue.png"} {
		if _, err := fs.Stat(segs[3].Source.FS, name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	img, _ := fs.ReadFile(segs[1].Source.FS, "_deckreel/2.html")
	if !strings.Contains(string(img), `<img src="blue.png"`) || !strings.Contains(string(img), "object-fit: cover") {
		t.Errorf("image page:\n%s", img)
	}
	// At 60 fps everything doubles, and the schedules follow.
	segs60, err := d.Segments(60)
	if err != nil || segs60[2].Start != 180 || segs60[2].TransitionFrames != 18 {
		t.Errorf("at 60 fps: %+v, %v", segs60[2], err)
	}
	js, _ := fs.ReadFile(segs60[0].Source.FS, "_deckreel/1.schedule.js")
	if want := `window.__deckreelSchedule = {"fps":60,"steps":[{"frame":0,"slide":0,"step":0,"kind":"cut","frames":0},{"frame":60,"slide":1,"step":0,"kind":"cut","frames":0}]};`; strings.TrimSpace(string(js)) != want {
		t.Errorf("schedule\n%s\nwant\n%s", js, want)
	}
}

func TestManifestJSONAndKinds(t *testing.T) {
	deckDir(t, map[string]string{
		"deck.json": `{
  "duration": "2s",
  "transition": "fade",
  "slides": [
    {"markdown": "# Hello\n---\n# World", "duration": 3},
    {"url": "https://example.com/live", "title": "Live"},
    {"file": "pages", "transition": "cut"},
    {"file": "talk/index.html", "duration": "500ms"},
    {"file": "plain.htm", "type": "html"}
  ]
}`,
		"pages/index.html":  "<title>Pages</title>",
		"talk/index.html":   `<div class="reveal"><div class="slides"><section><h2>A</h2><p class="fragment">f</p></section></div></div><script src="../dist/reveal.js"></script>`,
		"plain.htm":         "<title>Plain</title>",
		"talk/reveal.js.md": "not used",
	})
	d := loadOK(t, ".", Options{SlideDuration: 4 * time.Second})
	var got []string
	for _, s := range d.Steps {
		got = append(got, fmt.Sprintf("%s %q %s %s", s.Index, s.Title, s.Duration, s.Transition))
	}
	want := []string{
		`1:1 "Hello" 3s cut`, // inline Markdown: the entry's duration per slide
		`1:2 "World" 3s cut`,
		`2 "Live" 4s fade 500ms`, // the command line beats the manifest's default
		`3 "Pages" 4s cut`,
		`4:1 "A" 500ms fade 500ms`, // a reveal.js deck: the entry's duration per step
		`4:1 fragment 1 "A" 500ms fragment 200ms`,
		`5 "Plain" 4s fade 500ms`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("steps:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if d.Slides[2].Source.URL != "https://example.com/live" || d.Slides[3].Source.Entry != "pages/index.html" {
		t.Errorf("sources: %+v %+v", d.Slides[2].Source, d.Slides[3].Source)
	}
	segs, err := d.Segments(30)
	if err != nil {
		t.Fatal(err)
	}
	shadow, _ := fs.ReadFile(segs[3].Source.FS, "talk/index.html")
	if !strings.HasPrefix(string(shadow), `<script src="/_deckreel/2.schedule.js"></script><script src="/_deckreel/reveal-driver.js"></script><div class="reveal">`) {
		t.Errorf("reveal.js page is not served with the driver:\n%s", shadow)
	}
}

func TestManifestErrors(t *testing.T) {
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.md"), []byte("# Secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, file, src, want string
	}{
		{"parent dir", "deck.yaml", "slides:\n  - file: ../secret.md\n", `deck.yaml:2:11: slide entry 1: file ../secret.md points outside the deck directory`},
		{"parent dir hidden in a path", "deck.yaml", "slides:\n  - file: a.md\n  - file: sub/../../secret.md\n", `deck.yaml:3:11: slide entry 2: file sub/../../secret.md points outside the deck directory`},
		{"absolute", "deck.yaml", "slides:\n  - file: " + filepath.Join(outside, "secret.md") + "\n", `deck.yaml:2:11: slide entry 1: file ` + filepath.Join(outside, "secret.md") + ` points outside the deck directory (an absolute path); use a path relative to deck.yaml`},
		{"symlink out", "deck.yaml", "slides:\n  - file: link.md\n", `deck.yaml:2:11: slide entry 1: file link.md: links out of the deck's directory are not served (copy the file into the directory)`},
		{"missing", "deck.yaml", "slides:\n  - file: a.md\n  - file: nope.png\n", `deck.yaml:3:11: slide entry 2: file nope.png not found`},
		{"no slides", "deck.yaml", "title: x\n", `deck.yaml:1: empty deck: the manifest lists no slides (add a "slides" list)`},
		{"empty slides", "deck.yaml", "title: x\nslides: []\n", `deck.yaml:2:9: empty deck: the manifest lists no slides (add a "slides" list)`},
		{"unknown key", "deck.yaml", "titel: x\nslides:\n  - file: a.md\n", `deck.yaml:1:1: unknown key "titel" (did you mean "title"?) (known: title, size, fps, output, crf, preset, theme, duration, transition, lang, voice, slides)`},
		{"unknown entry key", "deck.yaml", "slides:\n  - file: a.md\n    duraton: 2s\n", `deck.yaml:3:5: slide entry 1: unknown key "duraton" (did you mean "duration"?) (known: file, markdown, url, type, duration, transition, title, notes, background, audio, voice, fit, pages)`},
		{"bad duration", "deck.yaml", "slides:\n  - file: a.md\n    duration: 8 seconds\n", `deck.yaml:3:15: slide entry 1: bad duration "8 seconds" (use 8s, 1.5s, 500ms or 1m30s)`},
		{"bad transition", "deck.yaml", "slides:\n  - file: a.md\n  - file: a.md\n    transition: dissolve 1s\n", `deck.yaml:4:17: slide entry 2: unknown transition "dissolve" (known: cut, fade, wipe-left, slide-left)`},
		{"transition too long", "deck.yaml", "slides:\n  - file: a.md\n  - markdown: '# B'\n    duration: 1s\n    transition: fade 2s\n", `deck.yaml:5:17: slide entry 2: transition fade 2s is longer than the entry (1s)`},
		{"two sources", "deck.yaml", "slides:\n  - file: a.md\n    url: https://x.org\n", `deck.yaml:2:5: slide entry 1 needs exactly one of file, markdown or url`},
		{"entry not a mapping", "deck.yaml", "slides:\n  - a.md\n", `deck.yaml:2:5: slide entry 1 must be a mapping (file: ..., duration: ...), not a value`},
		{"bad url", "deck.yaml", "slides:\n  - url: ftp://x.org/a\n", `deck.yaml:2:10: slide entry 1: url "ftp://x.org/a" must start with http:// or https://`},
		{"bad crf", "deck.yaml", "crf: 99\nslides:\n  - file: a.md\n", `deck.yaml:1:6: crf "99" must be a whole number from 1 to 51`},
		{"bad output", "deck.yaml", "output: talk.mov\nslides:\n  - file: a.md\n", `deck.yaml:1:9: output "talk.mov" must be an .mp4 file`},
		{"bad preset", "deck.yaml", "preset: quick\nslides:\n  - file: a.md\n", `deck.yaml:1:9: unknown preset "quick" (known: ultrafast, superfast, veryfast, faster, fast, medium, slow, slower, veryslow, placebo)`},
		{"not a mapping", "deck.yaml", "- file: a.md\n", `deck.yaml:1:1: a deck manifest is a mapping with a "slides" list, not a list`},
		{"invalid YAML", "deck.yaml", "title: x\nslides:\n  - file: a.md\n   duration: 2s\n", `deck.yaml:4:4: invalid YAML: `},
		{"invalid JSON", "deck.json", "{\n  \"slides\": [\n    {\"file\": \"a.md\",}\n  ]\n}\n", `deck.json:3:21: invalid JSON: invalid character '}' looking for beginning of object key string`},
		{"error inside an entry's Markdown", "deck.yaml", "slides:\n  - file: a.md\n  - file: bad.md\n", `bad.md:2: slide 1: unknown directive "durration", did you mean "duration"? (known: duration, transition, background, audio, voice, fragment, build, class, title)`},
		{"error inside inline Markdown", "deck.yaml", "slides:\n  - markdown: |\n      # A\n      <!-- duration: soon -->\n", `deck.yaml:4: slide 1: bad duration "soon" (use 8s, 1.5s, 500ms or 1m30s)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := deckDir(t, map[string]string{tt.file: tt.src, "a.md": "# A", "bad.md": "# Bad\n<!-- durration: 2s -->\n"})
			if err := os.Symlink(filepath.Join(outside, "secret.md"), filepath.Join(dir, "link.md")); err != nil {
				t.Fatal(err)
			}
			_, err := Load(tt.file, Options{})
			var de *Error
			if !errors.As(err, &de) {
				t.Fatalf("error %v, want a *deck.Error", err)
			}
			if got := err.Error(); got != tt.want && !(strings.HasSuffix(tt.want, ": ") && strings.HasPrefix(got, tt.want)) {
				t.Errorf("error\n  %s\nwant\n  %s", got, tt.want)
			}
		})
	}
}

func TestManifestWarnings(t *testing.T) {
	deckDir(t, map[string]string{
		"deck.yaml": "slides:\n  - file: a.md\n    transition: fade\n  - file: b.md\n",
		"a.md":      "# A\n![x](missing.png)\n",
		"b.md":      "# B",
	})
	d := loadOK(t, "deck.yaml", Options{})
	var got []string
	for _, w := range d.Warnings {
		got = append(got, w.String())
	}
	want := []string{
		"deck.yaml:3:17: slide entry 1: a transition into the first slide is ignored",
		"a.md:2: slide 1: image missing.png not found (looked for missing.png)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
