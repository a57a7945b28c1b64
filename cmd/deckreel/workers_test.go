package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestWorkersAuto: with the default --workers auto the JSON progress (its
// progress and done events) says
// how many tabs are at work, a fixed --workers N says N, and bad values are
// refused with exit 2.
func TestWorkersAuto(t *testing.T) {
	requireTools(t)
	page := writePage(t, `<body style="margin:0"><div id="b" style="width:10px;height:100%;background:#c00"></div>
<script>function f(ts){document.getElementById('b').style.width=(ts/10)+'px';requestAnimationFrame(f)}requestAnimationFrame(f)</script></body>`)
	for _, c := range []struct {
		args []string
		want func(int) bool
		desc string
	}{
		{nil, func(n int) bool { return n >= 1 }, "at least 1"},
		{[]string{"--workers", "1"}, func(n int) bool { return n == 1 }, "1"},
	} {
		out := filepath.Join(t.TempDir(), "out.mp4")
		args := append([]string{"render", page, "--duration", "2s", "--size", "320x180", "--progress", "json", "-o", out}, c.args...)
		res := runCLI(t, args...)
		if res.code != 0 {
			t.Fatalf("%v: exit %d: %s", c.args, res.code, res.stderr)
		}
		seen := false
		for _, ln := range strings.Split(res.stderr+res.stdout, "\n") {
			var ev struct {
				Event   string `json:"event"`
				Workers *int   `json:"workers"`
			}
			if json.Unmarshal([]byte(ln), &ev) != nil || (ev.Event != "progress" && ev.Event != "done") {
				continue
			}
			if ev.Workers == nil || !c.want(*ev.Workers) {
				t.Errorf("%v: event %s: want workers %s", c.args, ln, c.desc)
			}
			seen = true
		}
		if !seen {
			t.Errorf("%v: no progress events in\n%s", c.args, res.stderr)
		}
	}
	for _, bad := range []string{"0.5", "-1", "many"} {
		res := runCLI(t, "render", page, "--duration", "1s", "-o", filepath.Join(t.TempDir(), "x.mp4"), "--workers", bad)
		if res.code != 2 || !strings.Contains(res.stderr, "--workers must be auto or a number") {
			t.Errorf("--workers %s: exit %d: %s", bad, res.code, res.stderr)
		}
	}
	res := runCLI(t, "render", page, "--duration", "1s", "-o", filepath.Join(t.TempDir(), "x.mp4"), "--max-memory", "lots")
	if res.code != 2 || !strings.Contains(res.stderr, "--max-memory must be a size") {
		t.Errorf("--max-memory lots: exit %d: %s", res.code, res.stderr)
	}
}
