package deck

import (
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestStills writes frames of a deck as PNGs, for looking at: set
// DECKREEL_STILLS=deck-path:dir[:fps[:WxH]] and list frames in
// DECKREEL_FRAMES=0,15,200.
func TestStills(t *testing.T) {
	spec := os.Getenv("DECKREEL_STILLS")
	if spec == "" {
		t.Skip("set DECKREEL_STILLS to write stills")
	}
	parts := strings.Split(spec, ":")
	fps, w, h := 30, 1920, 1080
	if len(parts) > 2 {
		fps, _ = strconv.Atoi(parts[2])
	}
	if len(parts) > 3 {
		fmt.Sscanf(parts[3], "%dx%d", &w, &h)
	}
	d, err := Load(parts[0], Options{Theme: os.Getenv("DECKREEL_THEME")})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, w := range d.Warnings {
		t.Log("warning:", w)
	}
	segs, err := d.Segments(fps)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	for _, f := range strings.Split(os.Getenv("DECKREEL_FRAMES"), ",") {
		n, _ := strconv.Atoi(f)
		for si, seg := range segs {
			if n < seg.Start || n >= seg.Start+seg.Frames {
				continue
			}
			tab := segmentTab(t, ctx, seg, w, h, fps)
			img := shoot(t, ctx, tab, n-seg.Start)
			out, err := os.Create(filepath.Join(parts[1], fmt.Sprintf("frame-%04d.png", n)))
			if err != nil {
				t.Fatal(err)
			}
			_ = png.Encode(out, img)
			_ = out.Close()
			t.Logf("segment %d frame %d", si+1, n)
		}
	}
}
