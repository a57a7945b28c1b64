package encode

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

func TestFormatFor(t *testing.T) {
	for _, tc := range []struct {
		output, explicit string
		want             string // format name, or the error
	}{
		{"out.mp4", "", "mp4"},
		{"OUT.MP4", "", "mp4"},
		{"talk.m4v", "", "mp4"},
		{"talk", "", "mp4"},
		{"dir.v2/talk", "", "mp4"},
		{"talk.webm", "", "webm"},
		{"talk.mov", "", "mov"},
		{"talk.gif", "", "gif"},
		{"frames/", "", "png"},
		{"frames", "png", "png"},
		{"talk.out", "webm", "webm"},
		{"talk.webm", "WebM", "webm"},
		{"talk.mp4", "webm", "--format webm does not match the output talk.mp4, whose extension is MP4's: use -o talk.webm"},
		{"talk.mp4", "png", "--format png does not match the output talk.mp4, whose extension is MP4's: write PNG frames into a directory: -o talk/"},
		{"talk.mp4", "avi", `unknown --format "avi" (want mp4, webm, mov, gif, png)`},
		{"talk.png", "", "output talk.png: a PNG sequence is written into a directory (-o talk/ --format png); for one still image use --poster"},
		{"frames/", "mp4", "output frames/ is a directory, which only --format png writes; give a file name such as frames/talk.mp4"},
		{"talk.avi", "", `output talk.avi: unknown extension ".avi" (want .mp4, .m4v, .webm, .mov, .gif, or a directory ending in / for PNG frames; or pass --format)`},
	} {
		f, err := FormatFor(tc.output, tc.explicit)
		got := f.Name
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("FormatFor(%q, %q) = %q, want %q", tc.output, tc.explicit, got, tc.want)
		}
	}
}

// TestFormatsAreFresh checks that changing a Format a caller was given
// does not change the table.
func TestFormatsAreFresh(t *testing.T) {
	f, _ := FormatFor("a.mp4", "")
	f.Audio["c:a"] = "mp3"
	f.Codecs[0].Args["tag:v"] = "avc1"
	g, _ := FormatFor("a.mp4", "")
	if g.Audio["c:a"] != "aac" || g.Codecs[0].Args["tag:v"] != nil {
		t.Errorf("the format table was changed through a returned Format: %v %v", g.Audio, g.Codecs[0].Args)
	}
}

func mustFormat(t *testing.T, name string) Format {
	t.Helper()
	f, err := FormatFor("", name)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		format string
		opts   FormatOptions
		want   []string // substrings of the error; none means it fits
	}{
		{"mp4", FormatOptions{}, nil},
		{"mp4", FormatOptions{Codec: "h265", Audio: true, Captions: "embed", Chapters: true, VFR: true, CRF: 28, Preset: "slow", Width: 1920, Height: 1080}, nil},
		{"webm", FormatOptions{Transparent: true, Audio: true, Captions: "embed", Chapters: true, CRF: 40}, nil},
		{"mov", FormatOptions{Transparent: true, Audio: true, Captions: "embed", Chapters: true, Width: 1921, Height: 1081}, nil},
		{"gif", FormatOptions{Transparent: true, Captions: "burn", GIFFPS: 50, Width: 321, Height: 241}, nil},
		{"png", FormatOptions{Transparent: true, Captions: "srt"}, nil},

		{"mp4", FormatOptions{Transparent: true}, []string{"--transparent: H.264 has no alpha channel; use --format mov (ProRes 4444) or webm (VP9)"}},
		{"mp4", FormatOptions{Codec: "h265", Transparent: true}, []string{"--transparent: H.265 has no alpha channel"}},
		{"mp4", FormatOptions{Codec: "vp9"}, []string{"--codec vp9: MP4 holds H.264 or H.265, not VP9 (VP9 goes in --format webm)"}},
		{"webm", FormatOptions{Codec: "h265"}, []string{"--codec h265: WebM holds VP9, not H.265 (H.265 goes in --format mp4)"}},
		{"mp4", FormatOptions{Codec: "HEVC"}, nil},
		{"mp4", FormatOptions{Codec: "h.264"}, nil},
		{"mov", FormatOptions{Codec: "prores"}, nil},
		{"webm", FormatOptions{Codec: "HEVC"}, []string{"--codec HEVC: WebM holds VP9, not H.265"}},
		{"mp4", FormatOptions{Codec: "av1"}, []string{`unknown --codec "av1" (want h264, h265, vp9, prores, gif, png)`}},
		{"gif", FormatOptions{Audio: true}, []string{"GIF has no sound: drop --music and the slides' audio, or use --format mp4, webm or mov"}},
		{"png", FormatOptions{Audio: true}, []string{"a PNG sequence has no sound"}},
		{"gif", FormatOptions{Captions: "embed"}, []string{"--captions embed: GIF cannot hold a subtitle track; use --captions burn to draw them into the frames, or srt or vtt for a file beside it"}},
		{"png", FormatOptions{Captions: "embed"}, []string{"--captions embed: a PNG sequence cannot hold a subtitle track"}},
		{"mp4", FormatOptions{Captions: "burn", VFR: true}, []string{"--captions burn needs a constant frame rate"}},
		{"mp4", FormatOptions{Captions: "soft"}, []string{`unknown --captions "soft" (want srt, vtt, embed or burn)`}},
		{"gif", FormatOptions{Chapters: true}, []string{"GIF cannot hold chapters; use --chapters txt for a list of them"}},
		{"gif", FormatOptions{VFR: true}, []string{"--vfr does not fit GIF"}},
		{"png", FormatOptions{VFR: true}, []string{"--vfr does not fit a PNG sequence"}},
		{"mov", FormatOptions{CRF: 20}, []string{"--crf does not apply to ProRes 4444; drop it"}},
		{"gif", FormatOptions{CRF: 20}, []string{"--crf does not apply to GIF"}},
		{"mp4", FormatOptions{CRF: 52}, []string{"--crf for H.264 must be between 1 and 51; got 52"}},
		{"webm", FormatOptions{CRF: 64}, []string{"--crf for VP9 must be between 1 and 63; got 64"}},
		{"webm", FormatOptions{Preset: "fast"}, []string{"--preset does not apply to VP9 (it is for H.264 and H.265); drop it"}},
		{"mp4", FormatOptions{Preset: "turbo"}, []string{`unknown --preset "turbo" for H.264`}},
		{"gif", FormatOptions{GIFFPS: 60}, []string{"GIF frame rate must be between 1 and 50"}},
		{"webm", FormatOptions{Width: 1281, Height: 720}, []string{"VP9 with 4:2:0 colour needs an even width and height; got 1281x720"}},
		{"gif", FormatOptions{Audio: true, Captions: "embed", Chapters: true, VFR: true, CRF: 1},
			[]string{"has no sound", "subtitle track", "chapters", "--vfr", "--crf"}},
	} {
		t.Run(tc.format+" "+strings.Join(tc.want, "; "), func(t *testing.T) {
			err := mustFormat(t, tc.format).Check(tc.opts)
			if len(tc.want) == 0 {
				if err != nil {
					t.Errorf("Check(%+v) = %v, want nil", tc.opts, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Check(%+v) = nil, want %q", tc.opts, tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Check(%+v) =\n%v\nwant it to contain %q", tc.opts, err, w)
				}
			}
		})
	}
}

func TestVideo(t *testing.T) {
	tags := ffmpeg.KwArgs{"colorspace": "bt709", "color_primaries": "bt709", "color_trc": "bt709", "color_range": "tv"}
	with := func(base ffmpeg.KwArgs, more ffmpeg.KwArgs) ffmpeg.KwArgs {
		m := maps.Clone(base)
		maps.Copy(m, more)
		return m
	}
	const pal = "split[a][b];[a]palettegen=stats_mode=full:reserve_transparent=%d[p];[b][p]paletteuse=dither=sierra2_4a:diff_mode=rectangle%s"
	for _, tc := range []struct {
		format          string
		opts            FormatOptions
		args            ffmpeg.KwArgs
		convert, finish []string
	}{
		{
			"mp4", FormatOptions{},
			with(tags, ffmpeg.KwArgs{"f": "mp4", "c:v": "libx264", "pix_fmt": "yuv420p", "crf": 18, "preset": "veryfast", "movflags": "+faststart"}),
			[]string{"scale=out_color_matrix=bt709:out_range=tv", "format=yuv420p"}, nil,
		},
		{
			"mp4", FormatOptions{InputPixFmt: "yuv420p", Codec: "h265", CRF: 26, Preset: "medium"},
			with(tags, ffmpeg.KwArgs{"f": "mp4", "c:v": "libx265", "pix_fmt": "yuv420p", "crf": 26, "preset": "medium", "movflags": "+faststart",
				"tag:v": "hvc1", "x265-params": "log-level=error"}),
			nil, nil,
		},
		{
			"webm", FormatOptions{Transparent: true},
			with(tags, ffmpeg.KwArgs{"f": "webm", "c:v": "libvpx-vp9", "pix_fmt": "yuva420p", "crf": 32, "b:v": 0, "deadline": "realtime",
				"cpu-used": 6, "row-mt": 1, "auto-alt-ref": 0}),
			[]string{"scale=out_color_matrix=bt709:out_range=tv", "format=yuva420p"}, nil,
		},
		{
			"mov", FormatOptions{Transparent: true, InputPixFmt: "bgra"},
			with(tags, ffmpeg.KwArgs{"f": "mov", "c:v": "prores_ks", "pix_fmt": "yuva444p10le", "profile:v": "4444", "vendor": "apl0"}),
			[]string{"scale=out_color_matrix=bt709:out_range=tv", "format=yuva444p10le"}, nil,
		},
		{
			"mov", FormatOptions{InputPixFmt: "yuv420p"},
			with(tags, ffmpeg.KwArgs{"f": "mov", "c:v": "prores_ks", "pix_fmt": "yuv444p10le", "profile:v": "4444", "vendor": "apl0"}),
			[]string{"format=yuv444p10le"}, nil,
		},
		{
			"gif", FormatOptions{Transparent: true, Width: 1920, Height: 1080, FPS: 30, Frames: 300},
			ffmpeg.KwArgs{"f": "gif", "c:v": "gif", "pix_fmt": "pal8", "loop": 0},
			nil, []string{"fps=15", "scale=960:-2:flags=lanczos", fmt.Sprintf(pal, 1, ":alpha_threshold=128")},
		},
		{
			// Small and slow: no fps or scale filter; yuv frames become RGB.
			"gif", FormatOptions{InputPixFmt: "yuv420p", Width: 320, Height: 240, FPS: 10, Frames: 100},
			ffmpeg.KwArgs{"f": "gif", "c:v": "gif", "pix_fmt": "pal8", "loop": 0},
			[]string{"scale=in_color_matrix=bt709:in_range=tv", "format=rgb24"}, []string{fmt.Sprintf(pal, 0, "")},
		},
		{
			// 2000 frames of 960x540 would hold 4 GB for one palette.
			"gif", FormatOptions{Width: 1920, Height: 1080, FPS: 30, Frames: 4000, GIFFPS: 15, GIFWidth: 960, Captions: "burn", CaptionsFile: "/tmp/c.srt"},
			ffmpeg.KwArgs{"f": "gif", "c:v": "gif", "pix_fmt": "pal8", "loop": 0},
			nil, []string{BurnFilter("/tmp/c.srt", DefaultCaptionStyle), "fps=15", "scale=960:-2:flags=lanczos",
				"split[a][b];[a]palettegen=stats_mode=single:reserve_transparent=0[p];[b][p]paletteuse=new=1:dither=sierra2_4a"},
		},
		{
			"png", FormatOptions{Transparent: true},
			ffmpeg.KwArgs{"f": "image2", "c:v": "png", "pix_fmt": "rgba", "start_number": 0},
			nil, nil,
		},
		{
			"png", FormatOptions{InputPixFmt: "yuv420p"},
			ffmpeg.KwArgs{"f": "image2", "c:v": "png", "pix_fmt": "rgb24", "start_number": 0},
			[]string{"scale=in_color_matrix=bt709:in_range=tv", "format=rgb24"}, nil,
		},
	} {
		t.Run(tc.format, func(t *testing.T) {
			v, err := mustFormat(t, tc.format).Video(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(formatArgStrings(v.Args), formatArgStrings(tc.args)) {
				t.Errorf("Args =\n%v\nwant\n%v", v.Args, tc.args)
			}
			if !slices.Equal(v.Convert, tc.convert) {
				t.Errorf("Convert = %q, want %q", v.Convert, tc.convert)
			}
			if !slices.Equal(v.Finish, tc.finish) {
				t.Errorf("Finish =\n%q\nwant\n%q", v.Finish, tc.finish)
			}
		})
	}

	if _, err := mustFormat(t, "mov").Video(FormatOptions{Transparent: true, InputPixFmt: "yuv420p"}); err == nil ||
		!strings.Contains(err.Error(), "--transparent needs frames with alpha (rgba or bgra), not yuv420p") {
		t.Errorf("transparent from yuv420p: %v", err)
	}
	if _, err := mustFormat(t, "mp4").Video(FormatOptions{Transparent: true}); err == nil {
		t.Error("Video does not Check")
	}
}

// formatArgStrings renders KwArgs values as ffmpeg-go does, so 0 and "0" compare
// equal.
func formatArgStrings(a ffmpeg.KwArgs) map[string]string {
	m := map[string]string{}
	for k := range a {
		m[k] = a.GetString(k)
	}
	return m
}

func TestFilterValue(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/tmp/c.srt", "/tmp/c.srt"},
		{`C:\subs\it's [1], a;b.srt`, `C\\:\\\\subs\\\\it\\\'s \[1\]\, a\;b.srt`},
		{"FontName=DejaVu Sans,FontSize=16", `FontName=DejaVu Sans\,FontSize=16`},
	} {
		if got := filterValue(tc.in); got != tc.want {
			t.Errorf("filterValue(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestAddMetadataInput(t *testing.T) {
	dir := t.TempDir()
	meta := filepath.Join(dir, "chapters.txt")
	args := []string{"-f", "matroska", "-i", "pipe:0", "-i", "file:/a.wav", "-filter_complex", "[1:a:0]anull[s0]",
		"-map", "0", "-map", "[s0]", "-c:v", "libx264", "file:/out.mp4", "-y"}
	got, err := AddMetadataInput(args, meta)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"-f", "matroska", "-i", "pipe:0", "-i", "file:/a.wav",
		"-f", "ffmetadata", "-i", "file:" + meta, "-map_metadata", "2", "-map_chapters", "2",
		"-filter_complex", "[1:a:0]anull[s0]", "-map", "0", "-map", "[s0]", "-c:v", "libx264", "file:/out.mp4", "-y"}
	if !slices.Equal(got, want) {
		t.Errorf("AddMetadataInput =\n%q\nwant\n%q", got, want)
	}
	if _, err := AddMetadataInput([]string{"-y", "out.mp4"}, meta); err == nil {
		t.Error("AddMetadataInput without inputs: no error")
	}
}

func TestSequencePattern(t *testing.T) {
	for _, tc := range []struct {
		frames int
		want   string
	}{
		{0, "d/out_%05d.png"}, {1, "d/out_%05d.png"}, {100000, "d/out_%05d.png"}, {100001, "d/out_%06d.png"}, {12345678, "d/out_%08d.png"},
	} {
		if got := SequencePattern("d", tc.frames); got != tc.want {
			t.Errorf("SequencePattern(%d) = %s, want %s", tc.frames, got, tc.want)
		}
	}
}

func TestSequenceDir(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "frames")
	write := func(path string) {
		t.Helper()
		if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	render := func(names ...string) error {
		t.Helper()
		tmp, err := CreateSequenceDir(out)
		if err != nil {
			return err
		}
		if filepath.Dir(tmp) != dir || !strings.HasPrefix(filepath.Base(tmp), ".frames.deckreel-") {
			t.Errorf("temporary directory %s is not hidden next to %s", tmp, out)
		}
		for _, n := range names {
			write(filepath.Join(tmp, n))
		}
		return CommitSequenceDir(tmp, out)
	}
	list := func() []string {
		entries, _ := os.ReadDir(out)
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		return names
	}
	if err := render("out_00000.png", "out_00001.png"); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(out); st.Mode().Perm() != 0o755 {
		t.Errorf("mode %v, want 0755", st.Mode().Perm())
	}
	// A second render replaces the first completely.
	if err := render("out_00000.png"); err != nil {
		t.Fatal(err)
	}
	if got := list(); !slices.Equal(got, []string{"out_00000.png"}) {
		t.Errorf("after the second render: %v", got)
	}
	// Someone's files are never replaced.
	write(filepath.Join(out, "thesis.docx"))
	if err := render("out_00000.png"); err == nil || !strings.Contains(err.Error(), "holds files that are not PNG frames (thesis.docx); refusing to replace it") {
		t.Errorf("render into a directory with other files: %v", err)
	}
	if got := list(); !slices.Equal(got, []string{"out_00000.png", "thesis.docx"}) {
		t.Errorf("the directory was changed: %v", got)
	}
	file := filepath.Join(dir, "file")
	write(file)
	if _, err := CreateSequenceDir(file); err == nil || !strings.Contains(err.Error(), "exists and is not a directory") {
		t.Errorf("sequence onto a file: %v", err)
	}
	// Nothing is left behind next to out.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}
