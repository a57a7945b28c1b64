package soundtrack

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// SampleRate is the rate of the mixed soundtrack, in Hz: what AAC and Opus
// encode natively, and a whole number of samples per frame at every common
// frame rate (1600 at 30 fps).
const SampleRate = 48000

// MaxDuration bounds the length of a soundtrack, and so of every time in a
// Plan; sample counts stay far inside int64.
const MaxDuration = 24 * time.Hour

// Defaults for the zero values of Music's fields.
const (
	// DefaultMusicVolume keeps music well under a voice recorded at normal
	// level.
	DefaultMusicVolume = 0.3
	// DefaultDuck lowers music by a further 12 dB (to a quarter) while
	// narration plays.
	DefaultDuck = 0.25
	// DefaultDuckRamp is how long the music takes to go down before
	// narration starts and to come back after it ends: fast enough not to
	// cover the first syllable, slow enough not to sound like a cut.
	DefaultDuckRamp = 300 * time.Millisecond
	// DefaultFadeOut is the length of the music's fade at the end.
	DefaultFadeOut = 3 * time.Second
)

// Clip is one sound placed on the video's timeline: a slide's narration,
// or what a page's <video> or <audio> element played.
type Clip struct {
	// Path is the audio file (any format ffmpeg reads; only its first audio
	// stream is used).
	Path string
	// Start is when the clip's first sample plays: for a slide's narration,
	// the time of the slide's first frame (frame n at fps starts at
	// n/fps seconds), not the slide's nominal start time, so sound and
	// picture change together.
	Start time.Duration
	// Length is how long the clip plays: its length from Probe, or less to
	// cut it at the end of its slide. Ducking follows it, so it must not be
	// longer than the sound (trailing silence would keep the music down).
	Length time.Duration
	// Offset is where in the file the clip starts playing (0: at its
	// start).
	Offset time.Duration
	// Rate is the playback speed, pitch kept (as a browser plays an
	// element with playbackRate set): Length of timeline takes
	// Length×Rate of the file. Zero means 1.
	Rate float64
	// Gain scales the clip (an element's volume). Zero means 1; a silent
	// clip is left out of the plan, not given a gain of 0.
	Gain float64
	// Gains change the gain while the clip plays (a page fading an
	// element's volume): each from its time on, in order, times from the
	// clip's start.
	Gains []GainPoint
	// Loop plays the file again from its start each time it ends (an
	// element with loop set) until Length is over.
	Loop bool
}

// GainPoint is a clip's gain from At (from the clip's start) on.
type GainPoint struct {
	At   time.Duration
	Gain float64
}

// MinRate and MaxRate bound Clip.Rate: the speeds at which browsers still
// play an element's sound (outside them, they mute it).
const (
	MinRate = 0.0625
	MaxRate = 16
)

// Music is a background track for the whole video.
type Music struct {
	Path string
	// Loop repeats the track until the video ends; otherwise it plays once
	// and the rest is silent. Either way it is cut at the video's end.
	Loop bool
	// Volume scales the track (1 = as recorded). Zero means
	// DefaultMusicVolume.
	Volume float64
	// Duck scales the music further while narration plays: 0.25 is -12 dB,
	// 1 turns ducking off. Zero means DefaultDuck.
	Duck float64
	// DuckRamp is how long the music takes to go down before each
	// narration clip starts and to come back up after it ends; clips closer
	// together than two ramps keep it down in between. Zero means
	// DefaultDuckRamp.
	DuckRamp time.Duration
	// FadeOut is the length of the linear fade to silence that ends at the
	// video's end. Zero means DefaultFadeOut; negative means no fade.
	FadeOut time.Duration
}

func (m Music) withDefaults() Music {
	if m.Volume == 0 {
		m.Volume = DefaultMusicVolume
	}
	if m.Duck == 0 {
		m.Duck = DefaultDuck
	}
	if m.DuckRamp == 0 {
		m.DuckRamp = DefaultDuckRamp
	}
	if m.FadeOut == 0 {
		m.FadeOut = DefaultFadeOut
	}
	return m
}

// Plan is the sound of one video.
type Plan struct {
	// Duration is the video's length (frames / fps): the soundtrack is
	// padded with silence or cut to exactly this many samples.
	Duration time.Duration
	// Clips are the sounds on the timeline (narration, page media).
	// Music ducks under all of them.
	Clips []Clip
	// Music is the background track, or nil for none.
	Music *Music
}

// HasAudio reports whether p has any sound. A plan without narration or
// music gives a video without an audio stream; Stream must not be called.
func (p Plan) HasAudio() bool {
	return len(p.Clips) > 0 || p.Music != nil
}

// Validate reports every problem with p, joined with errors.Join. It does
// not look at the files; CheckFiles does.
func (p Plan) Validate() error {
	var errs []error
	if p.Duration <= 0 || p.Duration > MaxDuration {
		errs = append(errs, fmt.Errorf("soundtrack length %s is out of range (0 to %s)", p.Duration, MaxDuration))
	}
	for i, c := range p.Clips {
		name := fmt.Sprintf("clip %d (%s)", i+1, c.Path)
		switch {
		case c.Path == "":
			errs = append(errs, fmt.Errorf("clip %d has no file", i+1))
		case c.Start < 0 || c.Start >= p.Duration:
			errs = append(errs, fmt.Errorf("%s starts at %s, outside the video (0 to %s)", name, c.Start, p.Duration))
		case c.Length <= 0 || c.Length > MaxDuration:
			errs = append(errs, fmt.Errorf("%s: length %s is out of range (0 to %s)", name, c.Length, MaxDuration))
		case c.Offset < 0 || c.Offset > MaxDuration:
			errs = append(errs, fmt.Errorf("%s: offset %s is out of range (0 to %s)", name, c.Offset, MaxDuration))
		case c.Rate != 0 && !(c.Rate >= MinRate && c.Rate <= MaxRate):
			errs = append(errs, fmt.Errorf("%s: rate %g is out of range (%g to %g)", name, c.Rate, MinRate, float64(MaxRate)))
		case c.Gain < 0 || c.Gain > maxGain || math.IsNaN(c.Gain):
			errs = append(errs, fmt.Errorf("%s: gain %g is out of range (0 to %g)", name, c.Gain, float64(maxGain)))
		}
		for k, g := range c.Gains {
			if g.At < 0 || g.At > c.Length || (k > 0 && g.At < c.Gains[k-1].At) || g.Gain < 0 || g.Gain > maxGain || math.IsNaN(g.Gain) {
				errs = append(errs, fmt.Errorf("%s: gain change %d (%g at %s) is out of order or range", name, k+1, g.Gain, g.At))
				break
			}
		}
	}
	if m := p.Music; m != nil {
		switch {
		case m.Path == "":
			errs = append(errs, errors.New("music has no file"))
		case m.Volume < 0 || m.Volume > maxGain || math.IsNaN(m.Volume):
			errs = append(errs, fmt.Errorf("music volume %g is out of range (0 to %g)", m.Volume, float64(maxGain)))
		case m.Duck < 0 || m.Duck > 1 || math.IsNaN(m.Duck):
			errs = append(errs, fmt.Errorf("music ducking gain %g is out of range (0 to 1; 1 turns ducking off)", m.Duck))
		case m.DuckRamp < 0 || m.DuckRamp > time.Minute:
			errs = append(errs, fmt.Errorf("music duck ramp %s is out of range (0 to 1m)", m.DuckRamp))
		case m.FadeOut > MaxDuration:
			errs = append(errs, fmt.Errorf("music fade-out %s is longer than %s", m.FadeOut, MaxDuration))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("invalid soundtrack: %w", err)
	}
	return nil
}

// samples converts a time to a whole number of samples at SampleRate,
// rounding to the nearest.
func samples(d time.Duration) int64 {
	return (int64(d)*SampleRate + int64(time.Second)/2) / int64(time.Second)
}

// seconds formats d in seconds for an ffmpeg option or expression.
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
}

// interval is a stretch of the timeline.
type interval struct{ start, end time.Duration }

// duckIntervals returns the stretches during which narration plays, in
// order, with any two closer than gap merged into one.
func duckIntervals(clips []Clip, gap time.Duration) []interval {
	ivs := make([]interval, 0, len(clips))
	for _, c := range clips {
		ivs = append(ivs, interval{c.Start, c.Start + c.Length})
	}
	slices.SortFunc(ivs, func(a, b interval) int { return cmp.Compare(a.start, b.start) })
	var out []interval
	for _, iv := range ivs {
		if n := len(out); n > 0 && iv.start-out[n-1].end < gap {
			out[n-1].end = max(out[n-1].end, iv.end)
			continue
		}
		out = append(out, iv)
	}
	return out
}

// duckExpr is the music's gain as an ffmpeg expression of t (seconds):
// volume outside narration, volume×duck inside, with linear ramps of
// length ramp that end where each narration starts and begin where it
// ends. Each stretch contributes a trapezoid (0 outside, 1 inside); the
// stretches are merged so no two trapezoids overlap and their sum stays
// within 0..1.
func duckExpr(volume, duck float64, ramp time.Duration, clips []Clip) string {
	ivs := duckIntervals(clips, 2*ramp)
	if len(ivs) == 0 || duck == 1 {
		return strconv.FormatFloat(volume, 'f', -1, 64)
	}
	r := seconds(ramp)
	terms := make([]string, len(ivs))
	for i, iv := range ivs {
		if ramp == 0 {
			terms[i] = fmt.Sprintf("between(t,%s,%s)", seconds(iv.start), seconds(iv.end))
			continue
		}
		// Up from 0 at start-ramp to 1 at start; down from 1 at end to 0 at
		// end+ramp.
		terms[i] = fmt.Sprintf("min(clip((%s)/%s,0,1),clip((%s-t)/%s,0,1))",
			since(iv.start-ramp), r, seconds(iv.end+ramp), r)
	}
	return fmt.Sprintf("%s*(1-%s*(%s))",
		strconv.FormatFloat(volume, 'f', -1, 64), strconv.FormatFloat(1-duck, 'f', -1, 64), strings.Join(terms, "+"))
}

// since is the expression for the time t has been running since d, which
// may be before the video starts.
func since(d time.Duration) string {
	if d < 0 {
		return "t+" + seconds(-d)
	}
	return "t-" + seconds(d)
}

// inputPath makes path safe to hand to ffmpeg as an input: absolute (so it
// cannot start with "-") and with the file: protocol (so a colon in it is
// not read as a protocol name).
func inputPath(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return "file:" + path
}
