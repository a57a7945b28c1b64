package render

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/deckreel/deckreel/encode"
	"github.com/deckreel/deckreel/internal/captions"
	"github.com/deckreel/deckreel/internal/deck"
	"github.com/deckreel/deckreel/internal/narrate"
	"github.com/deckreel/deckreel/internal/proc"
	"github.com/deckreel/deckreel/internal/soundtrack"
)

// Media are the choices about what a video carries besides its pictures,
// and in which format it is written.
type Media struct {
	// Format is --format (mp4, webm, mov, gif, png); empty: from the
	// output's extension. Codec is --codec.
	Format, Codec string
	// Transparent keeps a transparent page background (--transparent).
	Transparent bool
	// VFR writes variable frame rate (--vfr).
	VFR bool

	// Music is a background track for the whole video; MusicVolume its
	// gain, Duck the further gain while narration plays (0: defaults).
	Music       string
	MusicVolume float64
	Duck        float64
	MusicLoop   bool

	// Captions is --captions: srt or vtt (a sidecar next to the output),
	// embed (a soft subtitle track) or burn (drawn into the frames); made
	// from the deck's speaker notes.
	Captions string
	// Chapters is --chapters: "txt" also writes a `0:00 Title` list next
	// to the output. A deck's slide titles always become chapters in
	// formats that hold them.
	Chapters string

	// Poster, if set, is a PNG written with frame PosterFrame of the video.
	Poster      string
	PosterFrame int
}

// media is what a render prepared for the encoder: the sound, the caption
// and chapter files in a temporary directory, and the sidecar files to put
// next to the output once the video is written.
type media struct {
	// sound is the soundtrack; audio is sound once it has anything to
	// play, nil before.
	sound     soundtrack.Plan
	audio     encode.AudioSource
	subtitles string // SRT to embed
	burn      string // SRT to burn
	// cues are the captions as split, for burning them into the chunks
	// of a job (each chunk gets the cues of its own time, shifted).
	cues     []captions.Cue
	metadata string // FFMETADATA
	sidecars []sidecar
	dir      string
}

type sidecar struct{ tmp, final string }

// close removes the temporary files.
func (m *media) close() {
	if m != nil && m.dir != "" {
		os.RemoveAll(m.dir)
	}
}

// slideTimes returns each slide's first frame and the frame after its last,
// on the output timeline, by the deck's one rounding rule.
func slideTimes(d *deck.Deck, fps int) (starts []int, total int) {
	var t time.Duration
	for _, s := range d.Slides {
		starts = append(starts, deck.FrameAt(t, fps))
		t += s.Duration
	}
	return starts, deck.FrameAt(t, fps)
}

func frameTime(n, fps int) time.Duration {
	return time.Duration(int64(n) * int64(time.Second) / int64(fps))
}

// prepareMedia builds the soundtrack, captions and chapters of a render. d
// is nil for a plain page, which has no notes, titles or narration; music
// still applies. nar is d's synthesized speech (--narrate), or nil: each
// slide's speech then replaces its audio file and its sentences its
// captions.
func prepareMedia(ctx context.Context, d *deck.Deck, nar *narrate.Narration, m Media, fps, total int, output string, format encode.Format) (_ *media, err error) {
	out := &media{sound: soundtrack.Plan{Duration: frameTime(total, fps)}}
	defer func() {
		if err != nil {
			out.close()
		}
	}()
	needDir := m.Music != "" || m.Captions != "" || m.Chapters != "" || d != nil
	if !needDir {
		return out, nil
	}
	if _, err = out.tempDir(); err != nil {
		return nil, err
	}
	plan := &out.sound
	var cues []captions.Cue
	var chapters []captions.Chapter
	title := ""
	if d != nil {
		title = d.Title
		starts, end := slideTimes(d, fps)
		for i, s := range d.Slides {
			from := frameTime(starts[i], fps)
			to := frameTime(end, fps)
			if i+1 < len(starts) {
				to = frameTime(starts[i+1], fps)
			}
			chapters = append(chapters, captions.Chapter{Start: from, End: to, Title: s.ChapterTitle(i + 1)})
			if nar != nil {
				cues = narrationMedia(nar, i, s, from, to, plan, cues)
				continue
			}
			// [next] cues are for the voice: never captioned.
			if notes := narrate.Plain(s.Notes); notes != "" {
				cues = append(cues, captions.Cue{Start: from, End: to, Text: notes})
			}
			if s.Audio == "" {
				continue
			}
			path, err := extractAudio(s, out.dir, i)
			if err != nil {
				return nil, &InputError{Err: fmt.Errorf("%s:%d: slide %d: audio %s: %w", s.File, s.Line, i+1, s.Audio, err)}
			}
			length, err := soundtrack.Probe(ctx, path)
			if err != nil {
				return nil, &InputError{Err: fmt.Errorf("%s:%d: slide %d: %w", s.File, s.Line, i+1, err)}
			}
			plan.Clips = append(plan.Clips, soundtrack.Clip{Path: path, Start: from, Length: min(length, to-from)})
		}
	}
	if m.Music != "" {
		if _, err := soundtrack.Probe(ctx, m.Music); err != nil {
			return nil, &InputError{Err: fmt.Errorf("--music: %w", err)}
		}
		plan.Music = &soundtrack.Music{Path: m.Music, Loop: m.MusicLoop, Volume: m.MusicVolume, Duck: m.Duck}
	}
	if err := out.addClips(nil); err != nil {
		return nil, err
	}

	if m.Captions != "" {
		if len(cues) == 0 {
			return nil, &InputError{Err: errors.New("--captions: the input has no speaker notes to make captions from")}
		}
		split, err := captions.Split(cues, captions.Layout{})
		if err != nil {
			return nil, err
		}
		out.cues = split
		srt := filepath.Join(out.dir, "captions.srt")
		if err := writeWith(srt, func(w io.Writer) error { return captions.WriteSRT(w, split) }); err != nil {
			return nil, err
		}
		switch m.Captions {
		case encode.CaptionsSRT:
			out.sidecars = append(out.sidecars, sidecar{srt, sidecarPath(output, ".srt")})
		case encode.CaptionsVTT:
			vtt := filepath.Join(out.dir, "captions.vtt")
			if err := writeWith(vtt, func(w io.Writer) error { return captions.WriteVTT(w, split) }); err != nil {
				return nil, err
			}
			out.sidecars = append(out.sidecars, sidecar{vtt, sidecarPath(output, ".vtt")})
		case encode.CaptionsEmbed:
			out.subtitles = srt
		case encode.CaptionsBurn:
			out.burn = srt
		default:
			return nil, &InputError{Err: fmt.Errorf("--captions %q: want srt, vtt, embed or burn", m.Captions)}
		}
	}

	if len(chapters) > 0 {
		merged := captions.MergeChapters(chapters)
		if format.Chapters {
			out.metadata = filepath.Join(out.dir, "chapters.ffmeta")
			if err := writeWith(out.metadata, func(w io.Writer) error { return captions.WriteFFMetadata(w, title, merged) }); err != nil {
				return nil, err
			}
		}
		if m.Chapters == "txt" {
			list := filepath.Join(out.dir, "chapters.txt")
			if err := writeWith(list, func(w io.Writer) error { return captions.WriteChapterList(w, merged) }); err != nil {
				return nil, err
			}
			out.sidecars = append(out.sidecars, sidecar{list, sidecarPath(output, ".chapters.txt")})
		}
	} else if m.Chapters != "" {
		return nil, &InputError{Err: errors.New("--chapters: the input has no slides to make chapters from")}
	}
	if m.Chapters != "" && m.Chapters != "txt" {
		return nil, &InputError{Err: fmt.Errorf("--chapters %q: want txt", m.Chapters)}
	}
	return out, nil
}

// addClips adds clips to the soundtrack (the sound of the pages' media
// elements) and checks it.
func (m *media) addClips(clips []soundtrack.Clip) error {
	m.sound.Clips = append(m.sound.Clips, clips...)
	if !m.sound.HasAudio() {
		return nil
	}
	if err := m.sound.Validate(); err != nil {
		return &InputError{Err: err}
	}
	m.audio = m.sound
	return nil
}

// mediaDirs are the media's temporary directories: named for the process
// that made them, so that the next render sweeps those of a killed one.
var mediaDirs = proc.Leftovers{Prefix: "deckreel-media-", Dir: true}

// tempDir returns the media's temporary directory, made on first use.
func (m *media) tempDir() (string, error) {
	if m.dir == "" {
		mediaDirs.Sweep(os.TempDir())
		dir, err := os.MkdirTemp("", mediaDirs.Pattern())
		if err != nil {
			return "", err
		}
		m.dir = dir
	}
	return m.dir, nil
}

// burnFile writes the captions to burn into a chunk of frames [start,
// end) as an SRT file in the media directory: the cues that overlap the
// chunk, clipped to it and shifted so the chunk starts at 0, as its
// encoder counts time. It returns "" when the render burns no captions.
func (m *media) burnFile(start, end, fps int) (string, error) {
	if m == nil || m.burn == "" {
		return "", nil
	}
	from, to := frameTime(start, fps), frameTime(end, fps)
	var cues []captions.Cue
	for _, c := range m.cues {
		if c.End <= from || c.Start >= to {
			continue
		}
		cues = append(cues, captions.Cue{Start: max(c.Start, from) - from, End: min(c.End, to) - from, Text: c.Text})
	}
	if len(cues) == 0 {
		// ffmpeg's subtitles filter refuses an empty file, and every chunk
		// of a job must go through the same filters to be encoded alike
		// (the same codec parameters): a cue after the chunk's end draws
		// nothing.
		cues = append(cues, captions.Cue{Start: to - from + time.Hour, End: to - from + time.Hour + time.Second, Text: "."})
	}
	path := filepath.Join(m.dir, fmt.Sprintf("burn-%07d.srt", start))
	if err := writeWith(path, func(w io.Writer) error { return captions.WriteSRT(w, cues) }); err != nil {
		return "", err
	}
	return path, nil
}

// extractAudio copies a slide's audio file out of the deck's file tree
// (which may be embedded in the binary) so that ffmpeg can read it.
func extractAudio(s deck.Slide, dir string, i int) (string, error) {
	if s.Source.FS == nil {
		return "", errors.New("the slide has no files")
	}
	name := strings.TrimPrefix(filepath.ToSlash(s.Audio), "./")
	data, err := fs.ReadFile(s.Source.FS, name)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, fmt.Sprintf("narration-%03d%s", i, filepath.Ext(name)))
	return path, os.WriteFile(path, data, 0o600)
}

func writeWith(path string, fill func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	err = fill(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// sidecarPath is the path of a file that goes with output: talk.mp4 →
// talk.srt.
func sidecarPath(output, ext string) string {
	return strings.TrimSuffix(output, filepath.Ext(output)) + ext
}

// commitSidecars moves the sidecar files next to the output, each written
// atomically (copied to a temporary name in the output's directory, then
// renamed).
func (m *media) commitSidecars() error {
	if m == nil {
		return nil
	}
	for _, s := range m.sidecars {
		data, err := os.ReadFile(s.tmp)
		if err != nil {
			return err
		}
		tmp := filepath.Join(filepath.Dir(s.final), "."+filepath.Base(s.final)+".tmp")
		if err := os.WriteFile(tmp, data, 0o644); err != nil {
			return err
		}
		if err := os.Rename(tmp, s.final); err != nil {
			os.Remove(tmp)
			return err
		}
	}
	return nil
}

// apply puts the prepared media and the format choices into the encoder's
// options.
func (m *media) apply(o *encode.Options, choices Media) {
	o.FormatName, o.CodecName, o.Transparent, o.VFR = choices.Format, choices.Codec, choices.Transparent, choices.VFR
	if m == nil {
		return
	}
	o.Audio = m.audio
	o.SubtitlesFile, o.BurnFile, o.MetadataFile = m.subtitles, m.burn, m.metadata
}
