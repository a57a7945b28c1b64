package deck

import (
	"context"
	"image/color"
	"path/filepath"
	"testing"
	"time"
)

// TestManifestSegmentPages opens every segment of testdata/mixed (Markdown,
// an image, an animated page and inline Markdown) under virtual time and
// checks what each shows on its first frame and on the last frame the next
// transition needs (its tail), where its own slide boundaries fall, and that
// nothing fails to load.
func TestManifestSegmentPages(t *testing.T) {
	requireChrome(t)
	const fps = 30
	d := loadOK(t, filepath.Join("testdata", "mixed"), Options{})
	segs, err := d.Segments(fps)
	if err != nil {
		t.Fatal(err)
	}
	red, green, blue, yellow, grey := rgb(0xc02020), rgb(0x20a040), rgb(0x2060d0), rgb(0xe0c020), rgb(0x808080)
	want := []map[int]color.RGBA{ // local frame: colour at (60, 30)
		{0: red, 29: red, 30: green, 59 + 15: green},
		{0: blue, 29 + 9: blue},
		{0: yellow, 44: yellow},
		{0: grey, 29: grey},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for i, seg := range segs {
		if seg.Frames+seg.TailFrames-1 < maxKey(want[i]) {
			t.Fatalf("segment %d: checks past its frames", i+1)
		}
		tab := segmentTab(t, ctx, seg, 640, 360, fps)
		for _, f := range sortedKeys(want[i]) {
			img := shoot(t, ctx, tab, f)
			got := color.RGBAModel.Convert(img.At(60, 30)).(color.RGBA)
			if !near(got, want[i][f], 3) {
				t.Errorf("segment %d (%s) local frame %d: %s, want %s", i+1, seg.Kind, f, hex(got), hex(want[i][f]))
			}
		}
	}
}

func sortedKeys(m map[int]color.RGBA) []int {
	var keys []int
	for k := range m {
		keys = append(keys, k)
	}
	sortInts(keys)
	return keys
}

func maxKey(m map[int]color.RGBA) int {
	k := sortedKeys(m)
	return k[len(k)-1]
}
