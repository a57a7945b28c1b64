package soundtrack

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ffmpeg "github.com/u2takey/ffmpeg-go"

	"github.com/deckreel/deckreel/internal/mediatest"
)

const fps = 30

// frame is one video frame at fps: the sync tolerance the issue asks for.
const frame = time.Second / fps

// beep is a 50 ms 1 kHz click at 0.9 of full scale, then silence: what the
// narration clips say, so that their start can be found in the mix.
const beep = `0.9*sin(2*PI*1000*t)*lt(t\,0.05)`

// clipFormats are the encodings the narration clips come in. Each has its
// own sample rate and codec delay (MP3's encoder delay, AAC's priming with
// an edit list, Opus's pre-skip), any of which would shift the clip if the
// plan trusted timestamps or sample counts of the source.
var clipFormats = []struct {
	ext   string
	rate  int
	codec []string
}{
	{".wav", 44100, []string{"-c:a", "pcm_s16le"}},
	{".mp3", 44100, []string{"-c:a", "libmp3lame", "-b:a", "96k"}},
	{".m4a", 32000, []string{"-c:a", "aac", "-b:a", "96k"}},
	{".opus", 48000, []string{"-c:a", "libopus", "-b:a", "64k"}},
	{".ogg", 22050, []string{"-c:a", "libvorbis", "-q:a", "3"}},
	{".flac", 16000, []string{"-c:a", "flac"}},
}

// deck is a timeline of slides, each starting on the frame its cumulative
// duration rounds to.
type deck struct {
	frames []int           // each slide's first frame
	starts []time.Duration // and its time
	end    time.Duration   // the video's length
}

func newDeck(durations []time.Duration) deck {
	var d deck
	var cum time.Duration
	for _, dur := range durations {
		f := frameAt(cum, fps)
		d.frames = append(d.frames, f)
		d.starts = append(d.starts, frameTime(f, fps))
		cum += dur
	}
	d.end = frameTime(frameAt(cum, fps), fps)
	return d
}

// video is a lavfi source of the deck's slides: black and white in turn,
// so each slide change is a flip of the whole frame.
func (d deck) video() *ffmpeg.Stream {
	var white []string
	for k := 1; k < len(d.frames); k += 2 {
		last := frameAt(d.end, fps) - 1
		if k+1 < len(d.frames) {
			last = d.frames[k+1] - 1
		}
		white = append(white, fmt.Sprintf("between(n,%d,%d)", d.frames[k], last))
	}
	src := fmt.Sprintf("color=c=black:s=64x36:r=%d:d=%s,drawbox=c=white:t=fill:enable='%s'",
		fps, seconds(d.end), strings.Join(white, "+"))
	return ffmpeg.Input(src, ffmpeg.KwArgs{"f": "lavfi"})
}

// makeClips writes a 2 s narration clip starting with a beep in each of
// clipFormats and returns the plan's clips: slide i says clip i mod
// len(clipFormats), so every file feeds several slides through a split.
func makeClips(t *testing.T, dir string, d deck) []Clip {
	t.Helper()
	ctx := testContext(t)
	files := make([]Clip, len(clipFormats))
	for i, f := range clipFormats {
		path := filepath.Join(dir, fmt.Sprintf("narration %d: beep%s", i+1, f.ext))
		makeSound(t, ctx, path, beep, f.rate, 2, f.codec...)
		length, err := Probe(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		files[i] = Clip{Path: path, Length: length}
	}
	clips := make([]Clip, len(d.starts))
	for i, start := range d.starts {
		clips[i] = files[i%len(files)]
		clips[i].Start = start
	}
	return clips
}

// checkSync finds each slide's change in the video and its clip's beep in
// the sound, both by their times in the file, and fails if a slide does
// not change on its first frame (counted from the video's first frame,
// which a muxer may shift) or its beep is more than a frame from the
// change. It returns the largest offset between picture and sound.
func checkSync(t *testing.T, d deck, flips []time.Duration, pcm []float64) time.Duration {
	t.Helper()
	if len(flips) != len(d.starts) {
		t.Fatalf("the video changes %d times, want once per slide (%d): %v", len(flips), len(d.starts), flips)
	}
	worst := time.Duration(0)
	for i, start := range d.starts {
		// The container's times are in milliseconds at best.
		if diff := flips[i] - flips[0] - start; diff < -time.Millisecond || diff > time.Millisecond {
			t.Errorf("slide %d: picture changes at %s after the first frame, want %s (frame %d)", i+1, flips[i]-flips[0], start, d.frames[i])
		}
		got := onset(pcm, start-500*time.Millisecond, start+500*time.Millisecond, 0.3)
		if got < 0 {
			t.Errorf("slide %d: no click within 0.5 s of %s", i+1, start)
			continue
		}
		off := got - flips[i]
		worst = max(worst, off, -off)
		if off > frame || off < -frame {
			t.Errorf("slide %d: click at %s, %s from the picture change (tolerance one frame, %s)", i+1, got, off, frame)
		}
	}
	return worst
}

// TestTenMinuteSync mixes narration on 20 slides of a 10-minute deck with
// looped, ducked and faded music, next to a 30 fps video whose picture
// changes on each slide's first frame, and checks in the decoded file that
// every slide's click starts within one frame of its picture change (both
// found by their times in the file), that the music is ducked under
// narration and faded at the end, and that the sound lasts exactly as long
// as the video.
//
// The sound is stored as FLAC, which is lossless and quick; TestCodecSync
// checks the lossy codecs on a shorter deck, since an encoder's delay is an
// offset at the start that cannot grow over time.
func TestTenMinuteSync(t *testing.T) {
	mediatest.RequireFFmpeg(t)
	ctx := testContext(t)
	dir := t.TempDir()

	// Uneven slide lengths with odd milliseconds, so starts fall between
	// whole frames before rounding; the last takes the rest of 10 minutes.
	var durations []time.Duration
	var sum time.Duration
	for i := range 19 {
		d := time.Duration(21000+(i*7919)%17000+i*37) * time.Millisecond
		durations = append(durations, d)
		sum += d
	}
	durations = append(durations, 10*time.Minute-sum)
	d := newDeck(durations)
	if d.end != 10*time.Minute || d.starts[19] > 590*time.Second {
		t.Fatalf("test bug: deck ends at %s, last slide at %s", d.end, d.starts[19])
	}
	clips := makeClips(t, dir, d)

	// Slide 5's narration is cut at 1 s (as at the end of a short slide):
	// its second click, at 1.5 s, must not be heard.
	cut := filepath.Join(dir, "two clicks.wav")
	makeSound(t, ctx, cut, `0.9*sin(2*PI*1000*t)*(lt(t\,0.05)+between(t\,1.5\,1.55))`, 44100, 2, "-c:a", "pcm_s16le")
	clips[4] = Clip{Path: cut, Start: d.starts[4], Length: time.Second}

	// Music: 7.3 s of a 220 Hz tone at half scale, so it loops 82 times
	// and never lines up with a slide.
	music := filepath.Join(dir, "music.ogg")
	makeSound(t, ctx, music, "0.5*sin(2*PI*220*t)", 44100, 7.3, "-c:a", "libvorbis", "-q:a", "4")

	plan := Plan{Duration: d.end, Clips: clips, Music: &Music{Path: music, Loop: true}}
	if err := plan.CheckFiles(ctx); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "deck: 10 min.mkv")
	start := time.Now()
	render(t, ctx, plan, d.video(), out, ffmpeg.KwArgs{"c:v": "libx264", "preset": "ultrafast", "c:a": "flac"})
	t.Logf("rendered %s of video and sound (%d narration clips from %d files, looped music) in %s",
		d.end, len(clips), len(clipFormats)+1, time.Since(start).Round(time.Millisecond))

	pcm := decodeAudio(t, ctx, out)
	if got, want := len(pcm), at(d.end); got < want-pcmRate/1000 || got > want+pcmRate/1000 {
		t.Errorf("decoded %d samples (%.4f s), want %d (%s)", got, float64(got)/pcmRate, want, d.end)
	}
	t.Logf("largest offset between a click and its slide's first frame: %s", checkSync(t, d, videoFlips(t, ctx, out), pcm))

	// The cut clip's second click is gone.
	if c := onset(pcm, d.starts[4]+time.Second, d.starts[4]+1700*time.Millisecond, 0.3); c >= 0 {
		t.Errorf("slide 5: narration cut at 1 s, but its click at 1.5 s is heard at %s", c)
	}

	// Music: ducked to a quarter under narration (after the click, before
	// the clip ends), back up once the clip and ramp are over, and faded
	// out to nothing by the end.
	for i, s := range d.starts[:19] {
		under := rms(pcm, s+200*time.Millisecond, s+900*time.Millisecond)
		free := rms(pcm, s+3*time.Second, s+8*time.Second)
		if ratio := under / free; ratio < 0.2 || ratio > 0.3 || free < 0.05 {
			t.Errorf("slide %d: music at %.4f under narration, %.4f after: ratio %.3f, want 0.25", i+1, under, free, ratio)
		}
	}
	before, last := rms(pcm, d.end-10*time.Second, d.end-5*time.Second), rms(pcm, d.end-300*time.Millisecond, d.end)
	if last > before/10 {
		t.Errorf("music not faded out: %.4f in the last 0.3 s, %.4f before the fade", last, before)
	}
}

// TestCodecSync checks the same timing through the codecs the formats use,
// AAC in MP4 and MOV and Opus in WebM, whose encoder delay the container
// must compensate (an edit list, Matroska's CodecDelay) for the sound to
// start with the picture.
//
// ffmpeg 5.1's WebM muxer shifts every stream by Opus's 6.5 ms pre-skip to
// avoid a negative timestamp, so in WebM the sound leads the picture by
// 6.5 ms: a fifth of a frame, far below what anyone can see or hear.
func TestCodecSync(t *testing.T) {
	mediatest.RequireFFmpeg(t)
	dir := t.TempDir()
	d := newDeck([]time.Duration{3100 * time.Millisecond, 2777 * time.Millisecond, 4321 * time.Millisecond, 3 * time.Second})
	clips := makeClips(t, dir, d)
	for _, tc := range []struct {
		name string
		args ffmpeg.KwArgs
	}{
		{"out.mp4", ffmpeg.KwArgs{"c:v": "libx264", "preset": "ultrafast", "c:a": "aac", "b:a": "192k"}},
		{"out.mov", ffmpeg.KwArgs{"c:v": "prores_ks", "profile:v": "4444", "c:a": "aac", "b:a": "192k"}},
		{"out.webm", ffmpeg.KwArgs{"c:v": "libvpx-vp9", "deadline": "realtime", "cpu-used": 8, "c:a": "libopus", "b:a": "128k"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := testContext(t)
			out := filepath.Join(dir, tc.name)
			render(t, ctx, Plan{Duration: d.end, Clips: clips}, d.video(), out, tc.args)
			pcm := decodeAudio(t, ctx, out)
			if got, want := len(pcm), at(d.end); got < want-at(frame) || got > want+at(frame) {
				t.Errorf("decoded %d samples (%.4f s), want %d (%s)", got, float64(got)/pcmRate, want, d.end)
			}
			t.Logf("largest offset between a click and its slide's first frame: %s", checkSync(t, d, videoFlips(t, ctx, out), pcm))
		})
	}
}
