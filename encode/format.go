package encode

import (
	"cmp"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

// Format is an output format: a container, the video codecs it may hold
// and the ffmpeg options that make each, and what else it can carry
// (sound, a subtitle track, chapters). FormatFor picks one from the output
// path or --format; Check refuses options that do not fit it; Video gives
// the ffmpeg options and filters for the video stream.
//
// A Format is a value: its maps are made afresh by every call that returns
// one, so a caller may change them.
type Format struct {
	// Name is what --format calls it: mp4, webm, mov, gif or png.
	Name string
	// Title is how messages name it: "MP4", "a PNG sequence".
	Title string
	// Exts are the output extensions that select the format, the usual one
	// first. A PNG sequence has none: it is a directory.
	Exts []string
	// Muxer is ffmpeg's name for the container (-f).
	Muxer string
	// Codecs are the video codecs the format may hold; the first is the
	// default.
	Codecs []VideoCodec
	// Mux holds the muxer's options (-movflags +faststart, -loop 0, ...).
	Mux ffmpeg.KwArgs
	// Audio holds the audio encoder's options (-c:a, -b:a) for sound
	// mixed at 48 kHz stereo (internal/soundtrack); nil if the format has
	// no sound.
	Audio ffmpeg.KwArgs
	// Subtitles holds the subtitle encoder's options (-c:s) for a soft
	// subtitle track made from an SRT or WebVTT input; nil if the format
	// cannot hold one.
	Subtitles ffmpeg.KwArgs
	// Chapters reports whether the format holds chapters (see
	// AddMetadataInput).
	Chapters bool
	// Sequence reports that the output is a directory of numbered images
	// (SequencePattern), written through CreateSequenceDir and
	// CommitSequenceDir instead of a temporary file.
	Sequence bool
}

// VideoCodec is one video encoder a Format can use.
type VideoCodec struct {
	// Name is what --codec calls it: h264, h265, vp9, prores, gif, png.
	Name string
	// Title is how messages name it: "H.264", "ProRes 4444".
	Title string
	// Encoder is ffmpeg's encoder (-c:v).
	Encoder string
	// PixFmt is the pixel format of opaque video; AlphaPixFmt that of
	// video with an alpha channel, or "" if the codec has none.
	PixFmt, AlphaPixFmt string
	// Args holds the encoder's other options.
	Args ffmpeg.KwArgs
	// DefaultCRF and MaxCRF bound --crf, the constant quality setting
	// (lower is better); zero MaxCRF means the codec has none.
	DefaultCRF, MaxCRF int
	// Presets are the --preset values the encoder knows (the first is the
	// default); none means it has no presets.
	Presets []string
	// YUV reports a YUV codec: RGB frames are converted with the BT.709
	// matrix into limited range, and the stream is tagged so. GIF and PNG
	// are RGB.
	YUV bool
}

// Values of FormatOptions.Captions.
const (
	CaptionsSRT   = "srt"   // a sidecar .srt file
	CaptionsVTT   = "vtt"   // a sidecar .vtt file
	CaptionsEmbed = "embed" // a soft subtitle track
	CaptionsBurn  = "burn"  // drawn into the frames
)

// Defaults and limits of GIF output.
const (
	// DefaultGIFFPS is the GIF frame rate unless FormatOptions.GIFFPS says
	// otherwise: smooth enough for slides, and a third of the frames of 30
	// fps video.
	DefaultGIFFPS = 15
	// MaxGIFFPS is the highest GIF frame rate: GIF delays are whole
	// hundredths of a second, and browsers slow down anything faster than
	// 50 fps.
	MaxGIFFPS = 50
	// DefaultGIFWidth is the widest a GIF is made unless
	// FormatOptions.GIFWidth says otherwise; narrower video keeps its size.
	DefaultGIFWidth = 960
	// GIFPaletteMemory bounds the memory the one-palette GIF pass may
	// use. palettegen gives its palette only at the end of the video, so
	// paletteuse holds every frame until then (frames × width × height × 4
	// bytes); a longer GIF gets a palette per frame instead, which holds
	// nothing, at some cost in size.
	GIFPaletteMemory = 512 << 20
)

// FormatOptions are the choices made on the command line (or in a deck
// manifest) that Check judges against a Format and Video turns into ffmpeg
// options.
type FormatOptions struct {
	// Codec is --codec; empty means the format's default.
	Codec string
	// Transparent asks for an alpha channel (--transparent): the page's
	// transparent background stays transparent.
	Transparent bool
	// Audio reports that the video has sound (narration or --music).
	Audio bool
	// Captions is --captions: "", CaptionsSRT, CaptionsVTT, CaptionsEmbed
	// or CaptionsBurn. CaptionsFile is the SRT file to burn in.
	Captions, CaptionsFile string
	// Chapters asks for chapters in the file.
	Chapters bool
	// VFR is --vfr: a still stretch is one long frame.
	VFR bool
	// CRF and Preset are --crf and --preset; zero and "" mean the codec's
	// defaults.
	CRF    int
	Preset string
	// Width, Height and FPS are the video's; Frames is its length in
	// frames, if known (it decides how a GIF's palette is made).
	Width, Height, FPS, Frames int
	// InputPixFmt is the layout of the frames ffmpeg reads (Options.PixFmt);
	// empty means "rgba".
	InputPixFmt string
	// GIFFPS and GIFWidth are the GIF's frame rate and largest width; zero
	// means DefaultGIFFPS and DefaultGIFWidth, and neither goes above the
	// video's.
	GIFFPS, GIFWidth int
	// Chunk makes the video a chunk that is joined to others without
	// re-encoding (see Options.Chunk).
	Chunk bool
}

// formats returns the table of output formats, made afresh.
func formats() []Format {
	bt709Tags := func(args ffmpeg.KwArgs) ffmpeg.KwArgs {
		args["colorspace"] = "bt709"
		args["color_primaries"] = "bt709"
		args["color_trc"] = "bt709"
		args["color_range"] = "tv"
		return args
	}
	h264 := VideoCodec{
		Name: "h264", Title: "H.264", Encoder: "libx264", PixFmt: "yuv420p", YUV: true,
		Args:       bt709Tags(ffmpeg.KwArgs{}),
		DefaultCRF: DefaultCRF, MaxCRF: MaxCRF, Presets: defaultFirst(DefaultPreset, x264Presets()),
	}
	h265 := VideoCodec{
		Name: "h265", Title: "H.265", Encoder: "libx265", PixFmt: "yuv420p", YUV: true,
		// hvc1 (not ffmpeg's default hev1) is the tag Apple's players
		// and browsers require to play HEVC in MP4.
		Args: bt709Tags(ffmpeg.KwArgs{"tag:v": "hvc1", "x265-params": "log-level=error"}),
		// x265's CRF scale sits about 4 above x264's for the same look.
		DefaultCRF: DefaultCRF + 4, MaxCRF: MaxCRF, Presets: defaultFirst(DefaultPreset, x264Presets()),
	}
	vp9 := VideoCodec{
		Name: "vp9", Title: "VP9", Encoder: "libvpx-vp9", PixFmt: "yuv420p", AlphaPixFmt: "yuva420p", YUV: true,
		// Constant quality (crf with b:v 0), the realtime deadline and
		// row multithreading: several times faster than the "good"
		// deadline, so the encoder keeps up with capture.
		Args:       bt709Tags(ffmpeg.KwArgs{"b:v": 0, "deadline": "realtime", "cpu-used": 6, "row-mt": 1}),
		DefaultCRF: 32, MaxCRF: 63,
	}
	prores := VideoCodec{
		Name: "prores", Title: "ProRes 4444", Encoder: "prores_ks", PixFmt: "yuv444p10le", AlphaPixFmt: "yuva444p10le", YUV: true,
		// vendor apl0 makes Apple's decoders accept the stream as theirs.
		Args: bt709Tags(ffmpeg.KwArgs{"profile:v": "4444", "vendor": "apl0"}),
	}
	gif := VideoCodec{Name: "gif", Title: "GIF", Encoder: "gif", PixFmt: "pal8", AlphaPixFmt: "pal8", Args: ffmpeg.KwArgs{}}
	png := VideoCodec{Name: "png", Title: "PNG", Encoder: "png", PixFmt: "rgb24", AlphaPixFmt: "rgba", Args: ffmpeg.KwArgs{}}
	return []Format{
		{
			Name: "mp4", Title: "MP4", Exts: []string{".mp4", ".m4v"}, Muxer: "mp4", Codecs: []VideoCodec{h264, h265},
			// The index first, so a browser can start playing before the
			// whole file has downloaded.
			Mux:   ffmpeg.KwArgs{"movflags": "+faststart"},
			Audio: ffmpeg.KwArgs{"c:a": "aac", "b:a": "192k"}, Subtitles: ffmpeg.KwArgs{"c:s": "mov_text"}, Chapters: true,
		},
		{
			Name: "webm", Title: "WebM", Exts: []string{".webm"}, Muxer: "webm", Codecs: []VideoCodec{vp9},
			Mux:   ffmpeg.KwArgs{},
			Audio: ffmpeg.KwArgs{"c:a": "libopus", "b:a": "128k"}, Subtitles: ffmpeg.KwArgs{"c:s": "webvtt"}, Chapters: true,
		},
		{
			// No faststart: rewriting a ProRes file of gigabytes to move
			// its index buys nothing in an editor.
			Name: "mov", Title: "MOV", Exts: []string{".mov"}, Muxer: "mov", Codecs: []VideoCodec{prores},
			Mux:   ffmpeg.KwArgs{},
			Audio: ffmpeg.KwArgs{"c:a": "aac", "b:a": "192k"}, Subtitles: ffmpeg.KwArgs{"c:s": "mov_text"}, Chapters: true,
		},
		{
			Name: "gif", Title: "GIF", Exts: []string{".gif"}, Muxer: "gif", Codecs: []VideoCodec{gif},
			Mux: ffmpeg.KwArgs{"loop": 0}, // loop forever
		},
		{
			// Frame n is out_<n>.png, counting from 0 like frame numbers.
			Name: "png", Title: "a PNG sequence", Muxer: "image2", Codecs: []VideoCodec{png},
			Mux: ffmpeg.KwArgs{"start_number": 0}, Sequence: true,
		},
	}
}

// defaultFirst returns all with def moved to the front.
func defaultFirst(def string, all []string) []string {
	return append([]string{def}, slices.DeleteFunc(slices.Clone(all), func(p string) bool { return p == def })...)
}

// FormatNames lists the --format values.
func FormatNames() []string {
	var names []string
	for _, f := range formats() {
		names = append(names, f.Name)
	}
	return names
}

// FormatFor returns the format of output: explicit (--format) if given,
// otherwise the one its extension names. A path ending in a separator is
// a directory, for a PNG sequence; a path without an extension is MP4.
// An explicit format must agree with a known extension, so "-o out.mp4
// --format webm" is refused rather than writing WebM into out.mp4.
func FormatFor(output, explicit string) (Format, error) {
	ext := strings.ToLower(filepath.Ext(output))
	dir := strings.HasSuffix(output, "/") || strings.HasSuffix(output, string(filepath.Separator))
	if dir {
		ext = ""
	}
	byExt := func(ext string) (Format, bool) {
		for _, f := range formats() {
			if slices.Contains(f.Exts, ext) {
				return f, true
			}
		}
		return Format{}, false
	}
	if explicit != "" {
		name := strings.ToLower(strings.TrimSpace(explicit))
		i := slices.IndexFunc(formats(), func(f Format) bool { return f.Name == name })
		if i < 0 {
			return Format{}, fmt.Errorf("unknown --format %q (want %s)", explicit, strings.Join(FormatNames(), ", "))
		}
		f := formats()[i]
		if dir && !f.Sequence {
			return Format{}, fmt.Errorf("output %s is a directory, which only --format png writes; give a file name such as %s", output, filepath.Join(output, "talk"+f.Exts[0]))
		}
		if other, ok := byExt(ext); ok && other.Name != f.Name {
			return Format{}, fmt.Errorf("--format %s does not match the output %s, whose extension is %s's: %s", f.Name, output, other.Title, outputHint(f, output))
		}
		return f, nil
	}
	switch {
	case dir:
		return formats()[slices.IndexFunc(formats(), func(f Format) bool { return f.Sequence })], nil
	case ext == "":
		return formats()[0], nil
	case ext == ".png":
		return Format{}, fmt.Errorf("output %s: a PNG sequence is written into a directory (-o %s/ --format png); for one still image use --poster", output, strings.TrimSuffix(output, filepath.Ext(output)))
	}
	if f, ok := byExt(ext); ok {
		return f, nil
	}
	return Format{}, fmt.Errorf("output %s: unknown extension %q (want .mp4, .m4v, .webm, .mov, .gif, or a directory ending in / for PNG frames; or pass --format)", output, ext)
}

// outputHint suggests an output path for f.
func outputHint(f Format, output string) string {
	base := strings.TrimSuffix(output, filepath.Ext(output))
	if f.Sequence {
		return "write PNG frames into a directory: -o " + base + "/"
	}
	return "use -o " + base + f.Exts[0]
}

// canonicalCodec maps other names people give the codecs to --codec's.
func canonicalCodec(name string) string {
	switch name = strings.ToLower(name); name {
	case "avc", "h.264", "x264", "libx264":
		return "h264"
	case "hevc", "h.265", "x265", "libx265":
		return "h265"
	case "libvpx-vp9":
		return "vp9"
	case "prores4444", "prores_ks":
		return "prores"
	}
	return name
}

// Codec returns the format's codec called name (as --codec names it, or
// a common alias such as hevc), or its default for "".
func (f Format) Codec(name string) (VideoCodec, error) {
	if name == "" {
		return f.Codecs[0], nil
	}
	canon := canonicalCodec(name)
	for _, c := range f.Codecs {
		if c.Name == canon {
			return c, nil
		}
	}
	var known []string
	for _, g := range formats() {
		for _, c := range g.Codecs {
			if c.Name == canon {
				return VideoCodec{}, fmt.Errorf("--codec %s: %s holds %s, not %s (%s goes in --format %s)", name, f.Title, codecTitles(f), c.Title, c.Title, g.Name)
			}
			known = append(known, c.Name)
		}
	}
	return VideoCodec{}, fmt.Errorf("unknown --codec %q (want %s)", name, strings.Join(known, ", "))
}

func codecTitles(f Format) string {
	var t []string
	for _, c := range f.Codecs {
		t = append(t, c.Title)
	}
	return strings.Join(t, " or ")
}

// Check reports every option in o that does not fit f, joined with
// errors.Join, each saying what to do instead. Of the frame size it checks
// only that a 4:2:0 codec gets even sides; Options.Validate checks the
// rest.
func (f Format) Check(o FormatOptions) error {
	var errs []error
	c, err := f.Codec(o.Codec)
	if err != nil {
		return err // the rest depends on the codec
	}
	if o.Transparent && c.AlphaPixFmt == "" {
		errs = append(errs, fmt.Errorf("--transparent: %s has no alpha channel; use --format mov (ProRes 4444) or webm (VP9)", c.Title))
	}
	if o.Audio && f.Audio == nil {
		errs = append(errs, fmt.Errorf("%s has no sound: drop --music and the slides' audio, or use --format mp4, webm or mov", f.Title))
	}
	switch o.Captions {
	case "", CaptionsSRT, CaptionsVTT:
	case CaptionsEmbed:
		if f.Subtitles == nil {
			errs = append(errs, fmt.Errorf("--captions embed: %s cannot hold a subtitle track; use --captions burn to draw them into the frames, or srt or vtt for a file beside it", f.Title))
		}
	case CaptionsBurn:
		if o.VFR {
			errs = append(errs, errors.New("--captions burn needs a constant frame rate: with --vfr a still slide is one frame, so captions that change during it would not show; drop --vfr"))
		}
	default:
		errs = append(errs, fmt.Errorf("unknown --captions %q (want srt, vtt, embed or burn)", o.Captions))
	}
	if o.Chapters && !f.Chapters {
		errs = append(errs, fmt.Errorf("%s cannot hold chapters; use --chapters txt for a list of them", f.Title))
	}
	if o.VFR {
		switch {
		case f.Sequence:
			errs = append(errs, errors.New("--vfr does not fit a PNG sequence: images have no timestamps, so every frame is a file; drop --vfr"))
		case f.Name == "gif":
			errs = append(errs, errors.New("--vfr does not fit GIF: its frames are sampled at a fixed rate (the GIF frame rate); drop --vfr"))
		}
	}
	if o.CRF != 0 && (c.MaxCRF == 0 || o.CRF < 1 || o.CRF > c.MaxCRF) {
		if c.MaxCRF == 0 {
			errs = append(errs, fmt.Errorf("--crf does not apply to %s; drop it", c.Title))
		} else {
			errs = append(errs, fmt.Errorf("--crf for %s must be between 1 and %d; got %d", c.Title, c.MaxCRF, o.CRF))
		}
	}
	if o.Preset != "" && !slices.Contains(c.Presets, o.Preset) {
		if len(c.Presets) == 0 {
			errs = append(errs, fmt.Errorf("--preset does not apply to %s (it is for H.264 and H.265); drop it", c.Title))
		} else {
			errs = append(errs, fmt.Errorf("unknown --preset %q for %s (want one of %s)", o.Preset, c.Title, strings.Join(x264Presets(), ", ")))
		}
	}
	if f.Name == "gif" && (o.GIFFPS < 0 || o.GIFFPS > MaxGIFFPS) {
		errs = append(errs, fmt.Errorf("GIF frame rate must be between 1 and %d (GIF delays are hundredths of a second); got %d", MaxGIFFPS, o.GIFFPS))
	}
	if f.Name == "gif" && o.GIFWidth < 0 {
		errs = append(errs, fmt.Errorf("GIF width must be positive; got %d", o.GIFWidth))
	}
	if c.PixFmt == "yuv420p" && (o.Width%2 != 0 || o.Height%2 != 0) {
		errs = append(errs, fmt.Errorf("%s with 4:2:0 colour needs an even width and height; got %dx%d", c.Title, o.Width, o.Height))
	}
	return errors.Join(errs...)
}

// VideoOutput is what an encoder needs to write a format's video stream.
type VideoOutput struct {
	// Codec is the codec chosen.
	Codec VideoCodec
	// Args are output options: -f, -c:v, -pix_fmt, quality, the codec's
	// and the muxer's options, and colour tags. The frame rate, -frames:v
	// and -fps_mode stay the encoder's business.
	Args ffmpeg.KwArgs
	// Convert are the -vf filters that bring the input frames to the
	// codec's pixel format: put them before the frame-rate filter, so a
	// frame repeated for a still slide is converted once.
	Convert []string
	// Finish are the -vf filters that must see every output frame:
	// burnt-in captions and the GIF palette. Put them after the frame-rate
	// filter.
	Finish []string
}

// Video returns the ffmpeg options and filters for f's video stream with
// options o, which must have passed Check.
func (f Format) Video(o FormatOptions) (VideoOutput, error) {
	if err := f.Check(o); err != nil {
		return VideoOutput{}, err
	}
	c, _ := f.Codec(o.Codec)
	in := o.InputPixFmt
	if in == "" {
		in = DefaultPixFmt
	}
	rgbIn := isRGB(in)
	if o.Transparent && (in != "rgba" && in != "bgra") {
		return VideoOutput{}, fmt.Errorf("--transparent needs frames with alpha (rgba or bgra), not %s", in)
	}
	out := VideoOutput{Codec: c, Args: ffmpeg.KwArgs{"f": f.Muxer, "c:v": c.Encoder}}
	for k, v := range c.Args {
		out.Args[k] = v
	}
	for k, v := range f.Mux {
		out.Args[k] = v
	}
	pix := c.PixFmt
	if o.Transparent {
		pix = c.AlphaPixFmt
	}
	out.Args["pix_fmt"] = pix
	if c.MaxCRF > 0 {
		out.Args["crf"] = cmp.Or(o.CRF, c.DefaultCRF)
	}
	if len(c.Presets) > 0 {
		out.Args["preset"] = cmp.Or(o.Preset, c.Presets[0])
	}
	if o.Chunk && c.Encoder == "libx264" {
		// No B-frames: every packet's decode time is its presentation
		// time, the frame number, as the join of chunks requires.
		out.Args["x264-params"] = "bframes=0"
	}
	if c.Name == "vp9" && o.Transparent {
		// libvpx cannot encode alpha with alternate reference frames.
		out.Args["auto-alt-ref"] = 0
	}

	if in == JPEGPixFmt {
		// Decoded JPEG becomes limited-range BT.709 yuv420p first; from
		// there on it is YUV input like any other.
		out.Convert = append(out.Convert, jpegToBT709)
		in = "yuv420p"
	}
	switch {
	case c.YUV && rgbIn:
		out.Convert = append(out.Convert, "scale=out_color_matrix=bt709:out_range=tv", "format="+pix)
	case c.YUV && in != pix:
		// YUV to YUV: chroma resampling only, same matrix and range.
		out.Convert = append(out.Convert, "format="+pix)
	case !c.YUV && !rgbIn:
		// The frames are untagged limited-range BT.709 YUV; without
		// saying so swscale would use BT.601 and shift the colours.
		out.Convert = append(out.Convert, "scale=in_color_matrix=bt709:in_range=tv", "format=rgb24")
	}

	if o.Captions == CaptionsBurn {
		if o.CaptionsFile == "" {
			return VideoOutput{}, errors.New("--captions burn: no captions file to draw")
		}
		out.Finish = append(out.Finish, BurnFilter(o.CaptionsFile, DefaultCaptionStyle))
	}
	if f.Name == "gif" {
		out.Finish = append(out.Finish, gifFilters(o)...)
	}
	return out, nil
}

// gifFilters returns the GIF chain: frame rate, size, then the palette.
// One palette for the whole GIF (palettegen then paletteuse on a split of
// the stream) looks best, but holds every frame in memory until the end,
// so a GIF too big for GIFPaletteMemory gets a palette per frame.
func gifFilters(o FormatOptions) []string {
	var fs []string
	rate := cmp.Or(o.GIFFPS, DefaultGIFFPS)
	if o.FPS > 0 {
		rate = min(rate, o.FPS)
	}
	if rate != o.FPS {
		fs = append(fs, fmt.Sprintf("fps=%d", rate))
	}
	width := cmp.Or(o.GIFWidth, DefaultGIFWidth)
	height := o.Height
	if o.Width > width {
		// -2 keeps the aspect ratio with an even height; lanczos keeps
		// text sharp.
		fs = append(fs, fmt.Sprintf("scale=%d:-2:flags=lanczos", width))
		height = (o.Height*width/o.Width + 1) &^ 1
	} else {
		width = o.Width
	}
	frames := o.Frames
	if o.FPS > 0 {
		frames = (o.Frames*rate + o.FPS - 1) / o.FPS
	}
	// Transparent: keep one palette entry for transparency and map pixels
	// under half opacity to it. Opaque: all 256 entries for colours.
	reserve, alpha := 0, ""
	if o.Transparent {
		reserve, alpha = 1, ":alpha_threshold=128"
	}
	if int64(frames)*int64(width)*int64(height)*4 <= GIFPaletteMemory {
		// One palette from every frame (stats_mode=full: diff mode drops
		// the colours of a slide that replaces the whole picture, so a
		// cut to a new colour came out in the old one); rectangle
		// diff_mode re-dithers only the changed rectangle, keeping still
		// parts still (and small).
		fs = append(fs, fmt.Sprintf("split[a][b];[a]palettegen=stats_mode=full:reserve_transparent=%d[p];[b][p]paletteuse=dither=sierra2_4a:diff_mode=rectangle%s", reserve, alpha))
	} else {
		fs = append(fs, fmt.Sprintf("split[a][b];[a]palettegen=stats_mode=single:reserve_transparent=%d[p];[b][p]paletteuse=new=1:dither=sierra2_4a%s", reserve, alpha))
	}
	return fs
}

// DefaultCaptionStyle is how burnt-in captions look: white DejaVu Sans
// (installed with deckreel) on a translucent black box, near the bottom.
// Sizes are in the units of libass's 384x288 canvas for SRT, so they scale
// with the video.
const DefaultCaptionStyle = "FontName=DejaVu Sans,FontSize=16,PrimaryColour=&H00FFFFFF,BorderStyle=3,Outline=1,Shadow=0,BackColour=&H80000000,OutlineColour=&H80000000,MarginV=16"

// BurnFilter returns the -vf filter that draws the captions of srtPath
// into the frames with libass, in the given ASS style (force_style). The
// path and style are escaped for both levels of ffmpeg's filter syntax
// (the option value and the filter graph), so any path works.
func BurnFilter(srtPath, style string) string {
	f := "subtitles=filename=" + filterValue(srtPath)
	if style != "" {
		f += ":force_style=" + filterValue(style)
	}
	return f
}

// filterValue escapes s as a filter option value inside a -vf or
// -filter_complex graph: first for the option parser (\ ' :), then for the
// graph parser (\ ' [ ] , ;).
func filterValue(s string) string {
	opt := strings.NewReplacer(`\`, `\\`, `'`, `\'`, `:`, `\:`).Replace(s)
	return strings.NewReplacer(`\`, `\\`, `'`, `\'`, `[`, `\[`, `]`, `\]`, `,`, `\,`, `;`, `\;`).Replace(opt)
}

// AddMetadataInput returns args, a complete ffmpeg command line with its
// inputs first (as ffmpeg-go's GetArgs builds them), with an FFMETADATA
// file added as a last input and the output told to take its global
// metadata and its chapters from it (-map_metadata, -map_chapters). ffmpeg-go
// cannot express an input that feeds no stream, so the input is added to
// the finished command. The metadata file is written by
// captions.WriteFFMetadata.
func AddMetadataInput(args []string, metadataPath string) ([]string, error) {
	last, n := -1, 0
	for i := 0; i+1 < len(args); i++ {
		if args[i] == "-i" {
			last, n = i, n+1
			i++
		}
	}
	if last < 0 {
		return nil, errors.New("add chapters: the ffmpeg command has no input")
	}
	abs, err := filepath.Abs(metadataPath)
	if err != nil {
		return nil, fmt.Errorf("add chapters: %w", err)
	}
	idx := fmt.Sprint(n)
	// Options after the last input and before the output file belong to
	// the output, wherever they are among them.
	add := []string{"-f", "ffmetadata", "-i", "file:" + abs, "-map_metadata", idx, "-map_chapters", idx}
	return slices.Concat(args[:last+2], add, args[last+2:]), nil
}
