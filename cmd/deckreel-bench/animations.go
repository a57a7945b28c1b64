package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// animWorkload is the CSS animation benchmark's name in -only.
const animWorkload = "css-animations"

// animationPage is a page of n small boxes, each with an infinite CSS
// animation (staggered by negative delays) unless still.
func animationPage(n int, still bool) string {
	anim := "animation: slide 2s linear infinite;"
	if still {
		anim = ""
	}
	return fmt.Sprintf(`<!doctype html><html><head><style>
body { margin: 0; background: #111; }
.d { position: absolute; width: 4px; height: 4px; background: #fc3; %s }
@keyframes slide { from { transform: translateX(0) } to { transform: translateX(40px) } }
</style></head><body><script>
for (let i = 0; i < %d; i++) {
  const d = document.createElement('div');
  d.className = 'd';
  d.style.left = (i * 7 %% 300) + 'px';
  d.style.top = (Math.floor(i / 43) * 3 %% 170) + 'px';
  d.style.animationDelay = (-(i %% 100) / 50) + 's';
  document.body.appendChild(d);
}
</script></body></html>`, anim, n)
}

// benchAnimations measures what CSS animations cost: n animated boxes
// against the same n boxes standing still, captured on every frame
// (--no-dedup, so the still page pays for every frame too), 4 s at 320x180.
func benchAnimations(ctx context.Context, o options, tmp string) error {
	const d = 4 * time.Second
	fmt.Printf("\n%s: n boxes with an infinite CSS animation vs the same boxes still, every frame captured (--no-dedup), 320x180 at %d fps, %s, median of %d run(s)\n",
		animWorkload, o.fps, d, o.runs)
	fmt.Printf("%-8s %10s %10s %8s %12s\n", "boxes", "still s", "animated s", "ratio", "ms/frame")
	small := o
	small.width, small.height = 320, 180
	small.extra = strings.TrimSpace(o.extra + " --no-dedup")
	// The pages have a directory of their own: with the video beside
	// them, a render would see a media file in the page's tree and scan
	// the page for sound.
	pages := filepath.Join(tmp, "pages")
	if err := os.MkdirAll(pages, 0o755); err != nil {
		return err
	}
	for _, n := range []int{1000, 10000} {
		var times [2][]time.Duration
		for k, still := range []bool{true, false} {
			page := filepath.Join(pages, fmt.Sprintf("anim-%d-%v.html", n, still))
			if err := os.WriteFile(page, []byte(animationPage(n, still)), 0o644); err != nil {
				return err
			}
			for range o.runs {
				f, err := renderOnce(ctx, small, page, d, filepath.Join(tmp, "anim.mp4"))
				if err != nil {
					return fmt.Errorf("%s, %d boxes: %w", animWorkload, n, err)
				}
				times[k] = append(times[k], f.wall)
			}
		}
		still, animated := median(times[0]), median(times[1])
		frames := int(d.Seconds()) * o.fps
		fmt.Printf("%-8d %10.1f %10.1f %7.2fx %12.1f\n", n, still.Seconds(), animated.Seconds(),
			animated.Seconds()/still.Seconds(), float64(animated.Milliseconds())/float64(frames))
	}
	return nil
}
