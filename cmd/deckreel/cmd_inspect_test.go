package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const inspectDeck = `---
title: Inspect me
fps: 25
duration: 2s
---
# One
---
<!-- transition: fade 400ms -->
<!-- build -->
## Two
- a
- b
`

func TestInspectText(t *testing.T) {
	p := writeFile(t, t.TempDir(), "talk.md", inspectDeck)
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"inspect", p}, &out, &errb); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	got := out.String()
	for _, want := range []string{
		`markdown deck "Inspect me" (theme light, 25 fps)`,
		"STEP          TITLE  START     DURATION  FRAMES  TRANSITION",
		"1             One    0:00.000  2s        0-49    cut",
		"2             Two    0:02.000  667ms     50-66   fade 400ms (10 frames)",
		"2 fragment 1  Two    0:02.667  667ms     67-82   fragment 300ms (8 frames)",
		"2 fragment 2  Two    0:03.333  667ms     83-99   fragment 300ms (8 frames)",
		"total: 2 slides, 4 steps, 4s, 100 frames at 25 fps",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	// --fps beats the deck's.
	out.Reset()
	if code := run(context.Background(), []string{"inspect", "--fps", "50", p}, &out, &errb); code != exitOK || !strings.Contains(out.String(), "200 frames at 50 fps") {
		t.Errorf("--fps 50: exit %d:\n%s", code, out.String())
	}
}

func TestInspectJSON(t *testing.T) {
	p := writeFile(t, t.TempDir(), "talk.md", inspectDeck)
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"inspect", p, "--json", "--slide-duration", "3s", "--theme", "dark"}, &out, &errb); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var rep inspectReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	if rep.Type != "markdown" || rep.Theme != "dark" || rep.FPS != 25 || len(rep.Steps) != 4 ||
		rep.Totals != (inspectTotals{Slides: 2, Steps: 4, Duration: 6, Frames: 150}) {
		t.Errorf("report: %+v", rep)
	}
	s := rep.Steps[1]
	if s.Index != "2" || s.FirstFrame != 75 || s.LastFrame != 99 || s.Transition != (inspectTransition{Kind: "fade", Duration: 0.4, Frames: 10}) {
		t.Errorf("step 2: %+v", s)
	}
	if len(rep.Segments) != 1 || rep.Segments[0].Frames != 150 || rep.Warnings == nil {
		t.Errorf("segments %+v, warnings %v", rep.Segments, rep.Warnings)
	}
}

func TestInspectErrors(t *testing.T) {
	dir := t.TempDir()
	bad := writeFile(t, dir, "bad.md", "# A\n<!-- durration: 2s -->\n")
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"inspect", bad}, exitBadInput, `bad.md:2: slide 1: unknown directive "durration", did you mean "duration"?`},
		{[]string{"inspect"}, exitBadInput, "inspect takes one deck, got 0"},
		{[]string{"inspect", "--fps", "0", bad}, exitBadInput, "--fps must be between 1 and 240, got 0"},
		{[]string{"inspect", "--input-type", "keynote", bad}, exitBadInput, `unknown input type "keynote"`},
		{[]string{"inspect", filepath.Join(dir, "missing.md")}, exitBadInput, "missing.md: no such file or directory"},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		code := run(context.Background(), tt.args, &out, &errb)
		if code != tt.code || !strings.Contains(errb.String(), tt.msg) {
			t.Errorf("%q: exit %d, stderr %q; want %d and %q", tt.args, code, errb.String(), tt.code, tt.msg)
		}
	}
}
