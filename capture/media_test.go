package capture

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/deckreel/deckreel/internal/mediatest"
)

// TestMediaInfo: the server tells the time-control script a served video's
// frame rate, for a path with characters that need escaping too, and 0 for
// what is not a video or is a playlist of other places.
func TestMediaInfo(t *testing.T) {
	mediatest.RequireFFmpeg(t)
	dir := t.TempDir()
	clip := filepath.Join(dir, "my clip.mp4")
	if out, err := exec.Command("ffmpeg", "-v", "error", "-nostdin", "-f", "lavfi", "-i", "testsrc=s=64x48:r=24000/1001:d=1",
		"-pix_fmt", "yuv420p", clip).CombinedOutput(); err != nil {
		t.Fatalf("make clip: %v: %s", err, out)
	}
	if err := os.WriteFile(filepath.Join(dir, "page.html"), []byte("<p>hi"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A playlist naming another host (and a local file) must not be
	// followed: ffprobe runs outside Chrome's network block.
	playlist := "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nhttp://192.0.2.1/x.ts\n#EXTINF:1,\nfile:" + clip + "\n#EXT-X-ENDLIST\n"
	if err := os.WriteFile(filepath.Join(dir, "evil.m3u8"), []byte(playlist), 0o644); err != nil {
		t.Fatal(err)
	}
	srv, err := ServeDir(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for _, tc := range []struct {
		path string
		fps  float64
	}{
		{(&url.URL{Path: "/my clip.mp4"}).EscapedPath(), 24000.0 / 1001},
		{"/page.html", 0},
		{"/missing.mp4", 0},
		{"/evil.m3u8", 0},
	} {
		res, err := http.Get("http://" + srv.Addr() + mediaInfoPath + "?src=" + url.QueryEscape(tc.path))
		if err != nil {
			t.Fatal(err)
		}
		var info mediaInfo
		err = json.NewDecoder(res.Body).Decode(&info)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d, %v", tc.path, res.StatusCode, err)
		}
		if diff := info.FPS - tc.fps; diff > 1e-6 || diff < -1e-6 {
			t.Errorf("%s: fps %v, want %v", tc.path, info.FPS, tc.fps)
		}
	}
}
