package encode

import (
	"strings"
	"testing"
	"time"
)

func TestValidate(t *testing.T) {
	valid := Options{Width: 1280, Height: 720, FPS: 30, Output: "out.mp4"}
	for _, tc := range []struct {
		name   string
		modify func(*Options)
		want   []string // substrings of the error; none means valid
	}{
		{"defaults", func(*Options) {}, nil},
		{"everything set", func(o *Options) {
			*o = Options{FFmpeg: "/usr/bin/ffmpeg", Width: 2, Height: 2, FPS: 240, PixFmt: "yuv420p", Codec: "libx264",
				CRF: 51, Preset: "placebo", Output: "x", GracePeriod: time.Millisecond}
		}, nil},
		{"odd width", func(o *Options) { o.Width = 1281 }, []string{"H.264 with yuv420p needs even width and height; got 1281x720"}},
		{"odd height", func(o *Options) { o.Height = 719 }, []string{"got 1280x719"}},
		{"zero size", func(o *Options) { o.Width, o.Height = 0, 0 }, []string{"frame size must be positive; got 0x0"}},
		{"negative size", func(o *Options) { o.Height = -2 }, []string{"must be positive"}},
		{"fps zero", func(o *Options) { o.FPS = 0 }, []string{"fps must be between 1 and 240; got 0"}},
		{"fps too high", func(o *Options) { o.FPS = 241 }, []string{"got 241"}},
		{"pixel format", func(o *Options) { o.PixFmt = "nv12" }, []string{`unsupported input pixel format "nv12"`}},
		{"crf too high", func(o *Options) { o.CRF = 52 }, []string{"crf must be between 1 and 51; got 52"}},
		{"crf negative", func(o *Options) { o.CRF = -1 }, []string{"got -1"}},
		{"x264 preset", func(o *Options) { o.Preset = "turbo" }, []string{`unknown libx264 preset "turbo"`}},
		{"other codec's preset", func(o *Options) { o.Codec, o.Preset = "h264_nvenc", "p4" }, nil},
		{"no output", func(o *Options) { o.Output = "" }, []string{"output path is empty"}},
		{"negative grace", func(o *Options) { o.GracePeriod = -time.Second }, []string{"grace period must not be negative"}},
		{"all reported at once", func(o *Options) { *o = Options{Width: 3, Height: 4} },
			[]string{"got 3x4", "fps must be", "output path is empty"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := valid
			tc.modify(&o)
			err := o.Validate()
			if len(tc.want) == 0 {
				if err != nil {
					t.Errorf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want errors %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %q, want it to contain %q", err, w)
				}
			}
		})
	}
}

func TestFrameBytes(t *testing.T) {
	for _, tc := range []struct {
		pixFmt string
		w, h   int
		want   int
	}{
		{"", 320, 240, 320 * 240 * 4},
		{"rgba", 320, 240, 320 * 240 * 4},
		{"bgra", 2, 2, 16},
		{"rgb24", 320, 240, 320 * 240 * 3},
		{"yuv420p", 320, 240, 320*240 + 2*160*120},
		{"nv12", 320, 240, 0},
		{"rgba", 0, 240, 0},
	} {
		o := Options{PixFmt: tc.pixFmt, Width: tc.w, Height: tc.h}
		if got := o.FrameBytes(); got != tc.want {
			t.Errorf("FrameBytes(%q %dx%d) = %d, want %d", tc.pixFmt, tc.w, tc.h, got, tc.want)
		}
	}
}
