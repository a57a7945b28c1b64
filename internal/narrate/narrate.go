package narrate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/deckreel/deckreel/internal/deck"
	"github.com/deckreel/deckreel/internal/soundtrack"
)

// Engine names for Settings.Engine.
const (
	EngineAuto     = "auto"
	EngineFestival = "festival"
	EngineEspeak   = "espeak-ng"
)

// Defaults of a slide's timing around its speech, which a Markdown deck's
// front matter (lead-in, tail) changes. The lead-in is short: the voice
// starts as the slide appears.
const (
	DefaultLeadIn = 100 * time.Millisecond
	DefaultTail   = 750 * time.Millisecond
	// DefaultPause is the silence between two sentences of a slide (their
	// own leading and trailing silence is trimmed).
	DefaultPause = 300 * time.Millisecond
	// minStep is the shortest a step cued by [next] lasts: two cues in a
	// row show both steps, one after the other.
	minStep = 100 * time.Millisecond
)

// Settings choose the engine and where speech is kept. The zero value
// (with CacheDir set) speaks with the default engine.
type Settings struct {
	// Engine is auto (or ""), festival or espeak-ng. Auto speaks English
	// (and notes of no stated language) with festival's HTS voice, other
	// languages, and voices festival does not have, with espeak-ng; it
	// falls back to espeak-ng when festival is not installed.
	Engine string
	// Command, if set, is a --tts-command template (see [Command]), used
	// instead of Engine.
	Command string
	// URL, if set, is an OpenAI-compatible speech server (see [HTTP]),
	// used instead of Engine; Model its model. KeyEnv names the
	// environment variable holding its key (a bearer token), read when
	// the engine is first needed; Key, if set, is the key itself.
	URL, Model, KeyEnv, Key string
	// Client is the HTTP engine's client; nil is http.DefaultClient.
	Client *http.Client
	// Voice is --voice: it beats the deck's voice, a manifest entry's own
	// voice beats it.
	Voice string
	// CacheDir holds the synthesized speech (see [Cache]).
	CacheDir string
	// Workers is how many utterances are synthesized at once; 0 is one per
	// CPU core (each engine process is single-threaded).
	Workers int
	// FFmpeg is the ffmpeg that converts the engines' output; "" is
	// "ffmpeg" on PATH.
	FFmpeg string
	// Shared means processes that must not speak the same sentences twice
	// use CacheDir at once (the shards of a job, started together): the
	// one that synthesizes holds a lock file in it, and the others wait
	// for it, then find its speech in the cache. Wait, if set, is told who
	// holds the lock when a call starts waiting.
	Shared bool
	Wait   func(holder string)
}

// Narration is a deck's speech, resolved: one Speech per slide, and how
// much of it this call synthesized.
type Narration struct {
	Slides []Speech
	// LeadIn is the silence before each slide's speech.
	LeadIn time.Duration
	// Synthesized is the number of utterances this call had an engine
	// speak; Cached those it found in the cache.
	Synthesized, Cached int
	// Warnings are problems that do not stop a render (more [next] cues
	// than a slide has steps).
	Warnings []string
}

// Speech is one slide's narration.
type Speech struct {
	// Clip is the slide's speech as one audio file, played from the
	// slide's start plus the lead-in; "" for a slide without notes.
	Clip   string
	Length time.Duration
	// Sentences are the spoken sentences, timed in the clip; none for a
	// slide's own audio file, which is not transcribed.
	Sentences []Sentence
	// Cues are the clip times of the notes' [next] cues.
	Cues []time.Duration
	// Engine and Voice are what spoke it, the voice the engine's default
	// when none was named ("audio file" and its name for the slide's own
	// audio).
	Engine, Voice string
}

// Sentence is one sentence of the notes and when the clip speaks it.
type Sentence struct {
	Start, End time.Duration
	Text       string
}

// SlideError is a slide whose narration failed: its engine is missing,
// failed or made no sound. The CLI exits 2 for it.
type SlideError struct {
	File  string
	Line  int
	Slide int
	Err   error
}

func (e *SlideError) Error() string {
	return fmt.Sprintf("%s:%d: slide %d: narration: %v", e.File, e.Line, e.Slide, e.Err)
}

func (e *SlideError) Unwrap() error { return e.Err }

// Narrate synthesizes the speech of every slide of d and times d by it
// (see [Deck.SetStepDurations]): each slide lasts at least its lead-in,
// speech and tail, and the notes' [next] cues start its steps. A slide with
// an audio file (audio:) is timed by that file instead; a slide without
// notes keeps its duration. It returns a *SlideError (or a *MissingError)
// for an engine that cannot speak.
func Narrate(ctx context.Context, d *deck.Deck, s Settings) (*Narration, error) {
	if s.CacheDir == "" {
		return nil, errors.New("narrate: no cache directory")
	}
	n := &Narration{Slides: make([]Speech, len(d.Slides)), LeadIn: DefaultLeadIn}
	if d.Narration.LeadIn > 0 {
		n.LeadIn = d.Narration.LeadIn
	}
	tail := DefaultTail
	if d.Narration.Tail > 0 {
		tail = d.Narration.Tail
	}
	sy := &synth{s: s, cache: Cache{Dir: s.CacheDir}, engines: map[string]Engine{}}
	if sy.ffmpeg = s.FFmpeg; sy.ffmpeg == "" {
		sy.ffmpeg = "ffmpeg"
	}
	plans, order, err := sy.planSlides(ctx, d, s.Voice, n)
	if err != nil {
		return nil, err
	}
	if err := sy.synthesizeAll(ctx, order, d); err != nil {
		return nil, err
	}
	n.Synthesized, n.Cached = int(sy.synthesized.Load()), len(order)-int(sy.synthesized.Load())
	for i, p := range plans {
		if d.Slides[i].Audio != "" || len(p.texts) == 0 {
			continue
		}
		sp, err := sy.joinSlide(p)
		if err != nil {
			sl := d.Slides[i]
			return nil, &SlideError{File: sl.File, Line: sl.Line, Slide: i + 1, Err: err}
		}
		n.Slides[i] = sp
	}
	durs, warns := timeSteps(d, n, tail)
	n.Warnings = append(sy.warnings, warns...)
	if len(order) == 0 && !slices.ContainsFunc(n.Slides, func(sp Speech) bool { return sp.Clip != "" }) {
		n.Warnings = append(n.Warnings, fmt.Sprintf("%s: no slide has speaker notes to narrate (a Note: line in Markdown, notes: in a manifest, <aside class=\"notes\"> in reveal.js)", d.Path))
	}
	if err := d.SetStepDurations(durs); err != nil {
		return nil, err
	}
	return n, nil
}

// planSlides works out what each slide of d says, in which voice and by
// which engine, and returns the deck's distinct utterances in order. A
// slide's own audio file goes straight into n.
func (sy *synth) planSlides(ctx context.Context, d *deck.Deck, voiceFlag string, n *Narration) ([]slidePlan, []*utterance, error) {
	plans := make([]slidePlan, len(d.Slides))
	distinct := map[string]*utterance{}
	var order []*utterance
	for i, sl := range d.Slides {
		fail := func(err error) error { return &SlideError{File: sl.File, Line: sl.Line, Slide: i + 1, Err: err} }
		if sl.Audio != "" {
			sp, err := sy.audioFile(ctx, sl)
			if err != nil {
				return nil, nil, fail(err)
			}
			n.Slides[i] = sp
			continue
		}
		parts := script(sl.Notes)
		if !saysAnything(parts) {
			continue // no speech: the slide keeps its duration
		}
		voice, lang := firstOf(sl.Voice, voiceFlag, d.Narration.Voice), d.Narration.Lang
		eng, name, err := sy.engineFor(ctx, voice, lang)
		if err != nil {
			return nil, nil, fail(err)
		}
		p := slidePlan{engine: name, voice: firstOf(voice, defaultVoice(eng, lang))}
		for _, pt := range parts {
			var us []*utterance
			for _, text := range pt.sentences {
				u := Utterance{Text: spoken(text), Voice: voice, Lang: lang}
				key := hashKey("utterance 2", eng.ID(), u.Voice, u.Lang, u.Text)
				j := distinct[key]
				if j == nil {
					j = &utterance{u: u, engine: eng, name: name, path: sy.cache.path("utterances", key, ".wav"), slide: i}
					distinct[key] = j
					order = append(order, j)
				}
				us = append(us, j)
				p.texts = append(p.texts, text)
			}
			p.parts = append(p.parts, us)
		}
		plans[i] = p
	}
	return plans, order, nil
}

// defaultVoice is the voice an engine speaks with when none is named, for
// inspect; "" when only the engine knows (a command).
func defaultVoice(e Engine, lang string) string {
	switch e := e.(type) {
	case *Festival:
		return e.Default
	case *Espeak:
		return firstOf(strings.ToLower(lang), "en-us")
	case *HTTP:
		return defaultHTTPVoice
	}
	return ""
}

// saysAnything reports whether a slide's script has a sentence to speak.
func saysAnything(parts []part) bool {
	return slices.ContainsFunc(parts, func(p part) bool { return len(p.sentences) > 0 })
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// slidePlan is what one slide says: its utterances between cues, and
// their sentences as written.
type slidePlan struct {
	engine, voice string
	parts         [][]*utterance
	texts         []string
}

// utterance is one distinct sentence to have in the cache.
type utterance struct {
	u      Utterance
	engine Engine
	name   string // the engine as the user names it, for messages
	path   string // its cached WAV
	slide  int    // the first slide that says it, for messages
}

// synth is one Narrate call's engines and cache.
type synth struct {
	s           Settings
	cache       Cache
	ffmpeg      string
	engines     map[string]Engine // by name, made on first use
	synthesized atomic.Int64
	warnings    []string
	fellBack    bool // auto warned that festival is missing
}

// engineFor returns the engine that speaks voice in lang, and its name.
func (sy *synth) engineFor(ctx context.Context, voice, lang string) (Engine, string, error) {
	name := sy.s.Engine
	switch {
	case sy.s.URL != "":
		name = "--tts-url"
	case sy.s.Command != "":
		name = "--tts-command"
	case name == "" || name == EngineAuto:
		name = EngineEspeak
		english := lang == "" || strings.HasPrefix(strings.ToLower(lang), "en")
		if (voice == "" && english) || festivalHasVoice(voice) {
			_, err := sy.engine(ctx, EngineFestival)
			var me *MissingError
			switch {
			case err == nil:
				name = EngineFestival
			case errors.As(err, &me) && !sy.fellBack:
				sy.fellBack = true
				sy.warnings = append(sy.warnings, fmt.Sprintf("festival is not installed: speaking with espeak-ng, whose voice is far less natural (%s)", installFestival))
			}
		}
	}
	e, err := sy.engine(ctx, name)
	return e, name, err
}

// engine makes (once) the engine of a name.
func (sy *synth) engine(ctx context.Context, name string) (Engine, error) {
	if e, ok := sy.engines[name]; ok {
		return e, nil
	}
	var e Engine
	var err error
	switch name {
	case "--tts-url":
		key := sy.s.Key
		if key == "" && sy.s.KeyEnv != "" {
			key = os.Getenv(sy.s.KeyEnv)
		}
		e, err = NewHTTP(sy.s.URL, sy.s.Model, key, sy.s.Client)
	case "--tts-command":
		e, err = NewCommand(sy.s.Command)
	case EngineFestival:
		e, err = NewFestival(ctx)
	case EngineEspeak:
		e, err = NewEspeak(ctx)
	default:
		err = fmt.Errorf("unknown text-to-speech engine %q (known: auto, festival, espeak-ng; or --tts-command, --tts-url)", name)
	}
	if err != nil {
		return nil, err
	}
	sy.engines[name] = e
	return e, nil
}

// synthesizeAll puts every utterance not yet cached into the cache, as
// many at once as the machine has cores. The first failure stops the rest.
func (sy *synth) synthesizeAll(ctx context.Context, us []*utterance, d *deck.Deck) error {
	workers := sy.s.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	var todo []*utterance
	for _, u := range us {
		if !sy.cache.has(u.path) {
			todo = append(todo, u)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	sy.cache.sweep()
	if sy.s.Shared {
		lock, err := lockCache(ctx, sy.cache.Dir, sy.s.Wait)
		if err != nil {
			return err
		}
		defer lock.unlock()
		// What the holder before synthesized is not done again.
		todo = slices.DeleteFunc(todo, func(u *utterance) bool { return sy.cache.has(u.path) })
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for _, u := range todo {
		g.Go(func() error {
			if err := sy.synthesize(gctx, u); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				sl := d.Slides[u.slide]
				return &SlideError{File: sl.File, Line: sl.Line, Slide: u.slide + 1,
					Err: fmt.Errorf("%s could not speak %q: %w", u.name, clipText(u.u.Text, 50), err)}
			}
			sy.synthesized.Add(1)
			return nil
		})
	}
	return g.Wait()
}

// synthesize has u's engine speak it and caches the normalized sound.
func (sy *synth) synthesize(ctx context.Context, u *utterance) error {
	dir, err := sy.cache.tempDir()
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	raw := filepath.Join(dir, "raw.wav")
	if err := u.engine.Synthesize(ctx, u.u, raw); err != nil {
		return err
	}
	if st, err := os.Stat(raw); err != nil || st.Size() == 0 {
		return errors.New("it produced no audio (no output file, or an empty one)")
	}
	// An engine's own 16-bit mono WAV is trimmed here; anything else is
	// converted (and trimmed) by ffmpeg, which costs more than espeak-ng's
	// synthesis of a sentence.
	audio, err := readWAV(raw)
	if errors.Is(err, errNotPCM) {
		norm := filepath.Join(dir, "norm.wav")
		if err := sy.normalize(ctx, raw, norm); err != nil {
			return err
		}
		if audio, err = readWAV(norm); err != nil {
			return fmt.Errorf("read the converted speech: %w", err)
		}
	} else if err != nil {
		return err
	}
	audio = trim(audio)
	if len(audio.data) == 0 {
		return errors.New("it produced no audio (only silence)")
	}
	return sy.cache.put(u.path, wavFile(audio))
}

// trimFilter takes the silence off both ends of converted speech, as trim
// does for an engine's own WAV.
const trimFilter = "silenceremove=start_periods=1:start_threshold=-50dB:start_silence=0.02," +
	"areverse,silenceremove=start_periods=1:start_threshold=-50dB:start_silence=0.05,areverse"

// normalize converts an engine's output to the cached form.
func (sy *synth) normalize(ctx context.Context, in, out string) error {
	args := []string{"-nostdin", "-hide_banner", "-v", "error", "-y", "-i", in,
		"-af", trimFilter, "-ac", "1", "-ar", fmt.Sprint(SampleRate), "-c:a", "pcm_s16le", "-f", "wav", out}
	if err := run(ctx, sy.ffmpeg, args, nil, nil); err != nil {
		return fmt.Errorf("its output is not audio ffmpeg reads: %w", err)
	}
	return nil
}

// joinSlide concatenates a slide's cached sentences into its clip (cached
// too, by the sentences' keys), with a pause between sentences, and times
// its sentences and cues.
func (sy *synth) joinSlide(p slidePlan) (Speech, error) {
	sp := Speech{Engine: p.engine, Voice: p.voice}
	var clip pcm
	var keys []string
	k := 0
	for pi, part := range p.parts {
		if pi > 0 {
			sp.Cues = append(sp.Cues, clip.duration())
		}
		for _, u := range part {
			b, err := readWAV(u.path)
			if err != nil {
				return Speech{}, fmt.Errorf("cached speech %s: %w", u.path, err)
			}
			switch {
			case clip.rate == 0:
				clip.rate = b.rate
			case b.rate != clip.rate:
				return Speech{}, fmt.Errorf("%s spoke %q at %d Hz and the sentence before at %d Hz: one slide's speech must have one sample rate", p.engine, clipText(u.u.Text, 50), b.rate, clip.rate)
			default:
				clip.data = append(clip.data, silence(DefaultPause, clip.rate)...)
			}
			start := clip.duration()
			clip.data = append(clip.data, b.data...)
			sp.Sentences = append(sp.Sentences, Sentence{Start: start, End: clip.duration(), Text: p.texts[k]})
			keys = append(keys, u.path)
			k++
		}
		keys = append(keys, NextCue)
	}
	sp.Length = clip.duration()
	sp.Clip = sy.cache.path("slides", hashKey(append([]string{"slide 1", DefaultPause.String()}, keys...)...), ".wav")
	if !sy.cache.has(sp.Clip) {
		if err := sy.cache.put(sp.Clip, wavFile(clip)); err != nil {
			return Speech{}, err
		}
	}
	return sp, nil
}

// audioFile is the speech of a slide that names its own audio file: the
// file, copied out of the deck's tree (which may be embedded) into the
// cache, and its length.
func (sy *synth) audioFile(ctx context.Context, sl deck.Slide) (Speech, error) {
	if sl.Source.FS == nil {
		return Speech{}, fmt.Errorf("audio %s: the slide has no files", sl.Audio)
	}
	name := strings.TrimPrefix(filepath.ToSlash(sl.Audio), "./")
	data, err := fs.ReadFile(sl.Source.FS, name)
	if err != nil {
		return Speech{}, fmt.Errorf("audio %s: %w", sl.Audio, err)
	}
	path := sy.cache.path("files", hashKey("file 1", string(data)), strings.ToLower(filepath.Ext(name)))
	if !sy.cache.has(path) {
		if err := sy.cache.put(path, data); err != nil {
			return Speech{}, err
		}
	}
	length, err := soundtrack.Probe(ctx, path)
	if err != nil {
		return Speech{}, fmt.Errorf("audio %s: %w", sl.Audio, err)
	}
	return Speech{Clip: path, Length: length, Engine: "audio file", Voice: sl.Audio}, nil
}
