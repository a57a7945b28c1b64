package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// decodeRGBA decodes the first frame of path to straight RGBA.
func decodeRGBA(t *testing.T, path string, decoder ...string) []byte {
	t.Helper()
	args := append([]string{"-v", "error"}, decoder...)
	args = append(args, "-i", path, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgba", "-")
	out, err := exec.CommandContext(context.Background(), "ffmpeg", args...).Output()
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	return out
}

// TestTransparentOutputs renders a page with a transparent background and
// an opaque red box to ProRes 4444 in MOV, to GIF and to a PNG sequence:
// each keeps the alpha (a transparent pixel stays transparent).
func TestTransparentOutputs(t *testing.T) {
	requireTools(t)
	page := writePage(t, `<!doctype html><html><head><style>html,body{margin:0;background:transparent}
#b{position:absolute;left:20px;top:20px;width:60px;height:40px;background:#f00}</style></head><body><div id="b"></div></body></html>`)
	const w = 160
	for _, out := range []string{"clip.mov", "clip.gif", "frames/"} {
		t.Run(out, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), out)
			if strings.HasSuffix(out, "/") {
				path += "/" // Join drops it; a trailing slash asks for a directory
			}
			res := runCLI(t, "render", page, "--duration", "0.5s", "--size", "160x120", "--transparent", "-o", path, "--progress", "none")
			if res.code != 0 {
				t.Fatalf("exit %d: %s", res.code, res.stderr)
			}
			if strings.HasSuffix(out, "/") {
				path = filepath.Join(path, "out_00000.png")
			}
			pix := decodeRGBA(t, path)
			at := func(x, y int) []byte { i := (y*w + x) * 4; return pix[i : i+4] }
			if a := at(150, 110)[3]; a != 0 {
				t.Errorf("background pixel alpha %d, want 0", a)
			}
			if p := at(40, 30); p[3] != 255 || p[0] < 200 || p[1] > 40 {
				t.Errorf("box pixel %v, want opaque red", p)
			}
		})
	}
	// A format without alpha is refused with a way out.
	res := runCLI(t, "render", page, "--duration", "0.5s", "--transparent", "-o", filepath.Join(t.TempDir(), "x.mp4"))
	if res.code != 2 || !strings.Contains(res.stderr, "--format mov") {
		t.Errorf("--transparent with mp4: exit %d, %s", res.code, res.stderr)
	}
}

// TestCaptionSidecars renders a small Markdown deck with speaker notes and
// checks the SRT, WebVTT and chapter list written next to the video.
func TestCaptionSidecars(t *testing.T) {
	requireTools(t)
	dir := t.TempDir()
	md := filepath.Join(dir, "talk.md")
	os.WriteFile(md, []byte("---\ntitle: Talk\nduration: 1s\ntransition: cut\n---\n\n# Hello\n\nNote: First words.\n\n---\n\n# World\n\nNote: Second words.\n"), 0o644)
	for _, tc := range []struct{ flag, ext, want string }{
		{"srt", ".srt", "00:00:01,000 --> 00:00:02,000\nSecond words."},
		{"vtt", ".vtt", "WEBVTT"},
	} {
		out := filepath.Join(dir, "talk-"+tc.flag+".mp4")
		res := runCLI(t, "render", md, "--size", "320x180", "--captions", tc.flag, "--chapters", "txt", "-o", out, "--progress", "none")
		if res.code != 0 {
			t.Fatalf("exit %d: %s", res.code, res.stderr)
		}
		data, err := os.ReadFile(strings.TrimSuffix(out, ".mp4") + tc.ext)
		if err != nil || !strings.Contains(string(data), tc.want) {
			t.Errorf("%s sidecar: %v\n%s", tc.ext, err, data)
		}
		list, err := os.ReadFile(strings.TrimSuffix(out, ".mp4") + ".chapters.txt")
		if err != nil || string(list) != "0:00 Hello\n0:01 World\n" {
			t.Errorf("chapter list: %v %q", err, list)
		}
	}
}

// TestJobKeepsSound renders the narrated demo deck as a job: the chunks are
// video only, and the joined video gets the whole deck's sound, subtitle
// track and chapters.
func TestJobKeepsSound(t *testing.T) {
	requireTools(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "demo.mp4")
	res := runCLI(t, "demo", "--size", "320x180", "--job", filepath.Join(dir, "job"), "-o", out, "--progress", "none")
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	probe, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "stream=codec_type:chapter=start_time", "-of", "csv=p=0", out).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"video", "audio", "subtitle", "4.500000"} {
		if !strings.Contains(string(probe), want) {
			t.Errorf("the joined job video lacks %s: %s", want, probe)
		}
	}
}
