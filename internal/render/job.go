package render

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/deckreel/deckreel/assets"
	"github.com/deckreel/deckreel/encode"
	"github.com/deckreel/deckreel/frames"
	"github.com/deckreel/deckreel/internal/deck"
	"github.com/deckreel/deckreel/internal/job"
	"github.com/deckreel/deckreel/internal/merge"
	"github.com/deckreel/deckreel/internal/narrate"
	"github.com/deckreel/deckreel/internal/pool"
	"github.com/deckreel/deckreel/internal/progress"
)

// JobOptions make a render keep its state in a job directory (render
// --job, resume), so that an interrupted or partly failed render can be
// finished later, one render can be split into shards, and an edited deck
// re-renders only the chunks whose content changed.
type JobOptions struct {
	// Dir is the job directory. It is created if it holds no job.
	Dir string
	// Frames, if set, is a --frames list: those frames, rounded out to
	// whole chunks, are rendered again even if they are done.
	Frames string
	// Shard, if Count > 0, renders only that shard's chunks and leaves the
	// merge to `deckreel merge`.
	Shard job.Shard
	// ChunkFrames is the longest chunk of a new job; zero means
	// job.DefaultChunkSeconds of video.
	ChunkFrames int
	// Resume renders the job as it is recorded: the request comes from
	// [RequestFromJob], and the job's snapshot of its input is rendered.
	Resume bool
}

// IncompleteError is returned by RunJob when some chunks failed: the rest
// is saved, and Command renders what is missing. The CLI exits 1.
type IncompleteError struct {
	Dir     string
	Failed  []job.ChunkFailure
	Command string
}

func (e *IncompleteError) Error() string {
	var b strings.Builder
	frames := 0
	for _, f := range e.Failed {
		frames += f.Frames.Len()
	}
	fmt.Fprintf(&b, "%d of the job's chunks failed (%d frames); the finished chunks are saved in %s:", len(e.Failed), frames, e.Dir)
	for _, f := range e.Failed {
		fmt.Fprintf(&b, "\n  frames %d-%d (chunk %d): %v", f.Frames.Start, f.Frames.End-1, f.Chunk, f.Err)
	}
	fmt.Fprintf(&b, "\nrender them again with: %s", e.Command)
	return b.String()
}

// The names under which a job records the options of a request that have
// no field in job.Settings: the flags' names, so a mismatch names the flag.
const (
	extraKind          = "input"      // the deck kind; "" for a page
	extraEntry         = "entry"      // the deck or page inside the snapshot's tree
	extraInputType     = "input-type" // --input-type
	extraTheme         = "theme"      // --theme
	extraSlideDuration = "slide-duration"
	extraKeepControls  = "keep-controls"
	extraFormat        = "format"
	extraCodec         = "codec"
	extraMusic         = "music"
	extraMusicVolume   = "music-volume"
	extraDuck          = "duck"
	extraMusicLoop     = "music-loop"
	extraCaptions      = "captions"
	extraChapters      = "chapters"
	extraPoster        = "poster"
	extraPosterFrame   = "poster-frame"
	extraPageErrors    = "page-errors"
	extraAllowHosts    = "allow-net-hosts"
	extraCapture       = "capture" // --capture-format and --capture-quality, as given
	extraNarrate       = "narrate"
	extraVoice         = "voice"
	extraTTSEngine     = "tts-engine"
	extraTTSCommand    = "tts-command"
	extraTTSURL        = "tts-url"
	extraTTSModel      = "tts-model"
	extraTTSKeyEnv     = "tts-key-env"
)

// narrationDir is where a job keeps its speech: the cache of its
// narration, so that resume, every shard and merge synthesize nothing the
// job has already spoken.
const narrationDir = "narration"

// Snapshot names of the loose files a request reads.
const (
	snapTheme = "theme.css"
	snapMusic = "music"
)

// jobSettings returns what a job records of req: everything that decides
// the video. A zero Epoch stays zero (a new job picks now, an existing one
// keeps its own).
func jobSettings(req Request) job.Settings {
	input := req.Input
	if !isURL(input) && req.FS == nil {
		if abs, err := filepath.Abs(input); err == nil {
			input = abs
		}
	}
	if req.FS != nil {
		input = "embedded:" + input
	}
	output := req.Output
	if output != "" {
		if abs, err := filepath.Abs(output); err == nil {
			output = abs
		}
	}
	crf, preset := req.CRF, req.Preset
	if crf == 0 {
		crf = encode.DefaultCRF
	}
	if preset == "" {
		preset = encode.DefaultPreset
	}
	x := map[string]string{}
	set := func(k, v string) {
		if v != "" {
			x[k] = v
		}
	}
	if req.Deck != nil {
		set(extraKind, string(req.Deck.Kind))
	}
	set(extraEntry, snapshotEntry(req))
	o := req.DeckOptions
	set(extraInputType, string(o.InputType))
	set(extraTheme, absIfFile(o.Theme))
	if o.SlideDuration != 0 {
		set(extraSlideDuration, o.SlideDuration.String())
	}
	if o.KeepControls {
		set(extraKeepControls, "true")
	}
	m := req.Media
	set(extraFormat, m.Format)
	set(extraCodec, m.Codec)
	if m.Music != "" {
		set(extraMusic, absPath(m.Music))
		set(extraMusicVolume, strconv.FormatFloat(m.MusicVolume, 'g', -1, 64))
		set(extraDuck, strconv.FormatFloat(m.Duck, 'g', -1, 64))
		set(extraMusicLoop, strconv.FormatBool(m.MusicLoop))
	}
	set(extraCaptions, m.Captions)
	set(extraChapters, m.Chapters)
	if m.Poster != "" {
		set(extraPoster, absPath(m.Poster))
		set(extraPosterFrame, strconv.Itoa(m.PosterFrame))
	}
	if req.FailOnPageError {
		set(extraPageErrors, "fail")
	}
	// What the page may reach changes what it shows.
	set(extraAllowHosts, strings.Join(req.AllowHosts, ","))
	// So does how its frames are captured.
	if req.Capture != (Capture{}) {
		set(extraCapture, req.Capture.Format+":"+strconv.Itoa(req.Capture.Quality))
	}
	// The voice changes the timing, and so the chunks (never the key,
	// which is not recorded: only the variable's name).
	if n := req.Narrate; n != nil {
		set(extraNarrate, "true")
		set(extraVoice, n.Voice)
		set(extraTTSEngine, n.Engine)
		set(extraTTSCommand, n.Command)
		set(extraTTSURL, n.URL)
		set(extraTTSModel, n.Model)
		set(extraTTSKeyEnv, n.KeyEnv)
	}
	return job.Settings{
		Input: input, Width: req.Width, Height: req.Height, FPS: req.FPS, Frames: req.Frames(),
		Codec: encode.DefaultCodec, PixFmt: "yuv420p", CRF: crf, Preset: preset,
		Epoch: req.Epoch, AllowNet: req.AllowNet, Output: output, Extra: x,
	}
}

// RequestFromJob returns the request the job in jb records, for resume and
// merge: the caller adds what does not shape the video (workers, browser,
// progress) and may change the output. Its Input names the original input;
// the job renders its snapshot of it.
func RequestFromJob(jb *job.Job) (Request, error) {
	s := jb.Settings()
	x := s.Extra
	req := Request{
		Input: s.Input, Width: s.Width, Height: s.Height, FPS: s.FPS,
		// Frames() rounds duration × fps, which gives Frames back exactly.
		Duration: time.Duration(s.Frames) * time.Second / time.Duration(s.FPS),
		CRF:      s.CRF, Preset: s.Preset, Epoch: s.Epoch, AllowNet: s.AllowNet, Output: s.Output,
		FailOnPageError: x[extraPageErrors] == "fail",
	}
	if c := x[extraCapture]; c != "" {
		f, q, _ := strings.Cut(c, ":")
		req.Capture.Format = f
		req.Capture.Quality, _ = strconv.Atoi(q)
	}
	if h := x[extraAllowHosts]; h != "" {
		req.AllowHosts = strings.Split(h, ",")
	}
	req.Input = strings.TrimPrefix(req.Input, "embedded:")
	req.DeckOptions = deck.Options{InputType: deck.Kind(x[extraInputType]), Theme: x[extraTheme], KeepControls: x[extraKeepControls] == "true"}
	var err error
	if v := x[extraSlideDuration]; v != "" {
		if req.DeckOptions.SlideDuration, err = time.ParseDuration(v); err != nil {
			return Request{}, fmt.Errorf("job %s: %s %q: %w", jb.Dir(), extraSlideDuration, v, err)
		}
	}
	m := Media{Format: x[extraFormat], Codec: x[extraCodec], Music: x[extraMusic], Captions: x[extraCaptions], Chapters: x[extraChapters], Poster: x[extraPoster]}
	if m.Music != "" {
		m.MusicLoop = x[extraMusicLoop] == "true"
		if m.MusicVolume, err = strconv.ParseFloat(x[extraMusicVolume], 64); err == nil {
			m.Duck, err = strconv.ParseFloat(x[extraDuck], 64)
		}
		if err != nil {
			return Request{}, fmt.Errorf("job %s: music settings: %w", jb.Dir(), err)
		}
	}
	if m.Poster != "" {
		if m.PosterFrame, err = strconv.Atoi(x[extraPosterFrame]); err != nil {
			return Request{}, fmt.Errorf("job %s: %s: %w", jb.Dir(), extraPosterFrame, err)
		}
	}
	req.Media = m
	if x[extraNarrate] == "true" {
		req.Narrate = &narrate.Settings{Voice: x[extraVoice], Engine: x[extraTTSEngine], Command: x[extraTTSCommand],
			URL: x[extraTTSURL], Model: x[extraTTSModel], KeyEnv: x[extraTTSKeyEnv]}
	}
	return req, nil
}

// checkJobRequest refuses what a job cannot render (its chunks are H.264
// MP4 at a constant frame rate, joined without re-encoding).
func checkJobRequest(req Request) error {
	f, err := encode.FormatFor(req.Output, req.Media.Format)
	if err != nil {
		return &InputError{Err: err}
	}
	switch {
	case f.Name != "mp4":
		return inputErrorf("--job writes MP4 chunks; %s output is not supported with --job", f.Title)
	case req.Media.Codec != "" && req.Media.Codec != "h264":
		return inputErrorf("--job encodes H.264; --codec %s is not supported with --job", req.Media.Codec)
	case req.Media.VFR:
		return inputErrorf("--job joins constant frame rate chunks; --vfr is not supported with --job")
	case req.Media.Transparent:
		return inputErrorf("--job writes MP4, which has no alpha; --transparent is not supported with --job")
	case req.Narrate != nil && urlHasPassword(req.Narrate.URL):
		// The job records its settings, the engine's URL among them, in
		// job.json, for every shard and resume to read.
		return inputErrorf("--tts-url has a password, which --job would write into job.json: give the server's key in the environment variable that --tts-key-env names")
	}
	return nil
}

// urlHasPassword reports whether raw is a URL with a password in it.
func urlHasPassword(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	_, ok := u.User.Password()
	return ok
}

// RunJob renders req into the job directory o.Dir: it snapshots the input
// into the job (so every chunk, in every process, renders the same
// version), creates the job or checks that req matches it, renders the
// chunks that are not done (or those of o.Frames, or of o.Shard), and,
// when every chunk is done and this is not a shard, joins them into
// req.Output with the whole video's sound, subtitles and chapters. An
// edited input is a new revision of the job: chunks whose content key did
// not change are kept.
//
// It returns an *InputError for bad input or a job that does not match, an
// *IncompleteError when chunks failed (the rest is saved), and the
// context's error when cancelled (the finished chunks are saved; chunks
// complete when the signal came are finished first, which takes ffmpeg a
// moment).
func RunJob(ctx context.Context, req Request, o JobOptions) (Result, error) {
	start := time.Now()
	sharded := o.Shard.Count > 0
	if o.Frames != "" && sharded {
		return Result{}, inputErrorf("--frames cannot be combined with a shard: rerun frames in one process")
	}
	// A shard does not write the output, so it may have none; it is
	// checked as if it wrote a video, and the job records none (merge
	// then asks for -o).
	check := req
	if check.Output == "" && sharded {
		check.Output = filepath.Join(os.TempDir(), "shard.mp4")
	}
	if err := check.validateEarly(); err != nil {
		return Result{}, err
	}
	if err := checkJobRequest(check); err != nil {
		return Result{}, err
	}
	if err := checkOutsideJob(check.Output, o.Dir); err != nil {
		return Result{}, err
	}
	r, err := openRun(ctx, req, o)
	if err != nil {
		return Result{}, err
	}
	defer r.close()
	jb := r.job
	res := Result{Reused: r.reused, Chunks: jb.Chunks()}
	if req.Stderr != nil && !o.Resume {
		fmt.Fprintf(req.Stderr, "deckreel: job %s: reused %d of %d chunks\n", o.Dir, r.reused, jb.Chunks())
	}
	var done job.WriteResult
	if len(r.todo) > 0 {
		preq := r.req
		preq.Output = check.Output // chunks have their own paths; this names the format
		p, err := prepare(ctx, preq, jb.Ranges(r.todo))
		if err != nil {
			return Result{}, err
		}
		out := &chunkOutput{plan: p, job: jb, todo: r.todo}
		rr, err := p.runStages(ctx, out)
		p.close()
		var ie *InputError
		switch {
		case err == nil:
		case ctx.Err() != nil, errors.As(err, &ie):
			return res, err
		default:
			return res, fmt.Errorf("%w\n(the finished chunks are saved; continue with: %s)", err, rerunCommand(o))
		}
		res.Shots, res.Mode, res.Warnings = rr.Shots, rr.Mode, rr.Warnings
		done = out.result
	}
	if len(done.Failed) > 0 {
		return res, &IncompleteError{Dir: o.Dir, Failed: done.Failed, Command: rerunCommand(o)}
	}
	for _, c := range done.Done {
		res.Frames += jb.ChunkRange(c).Len()
	}
	if !sharded {
		if err := finishJob(ctx, jb, r.req); err != nil {
			return res, err
		}
		res.Output = req.Output
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// checkOutsideJob refuses an output inside the job directory, where a
// later job run would take it for job state.
func checkOutsideJob(output, dir string) error {
	o, err1 := filepath.Abs(output)
	d, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return nil
	}
	if rel, err := filepath.Rel(d, o); err == nil && filepath.IsLocal(rel) {
		return inputErrorf("output %s is inside the job directory %s: write it elsewhere", output, dir)
	}
	return nil
}

// jobRun is one run of a job: the job, the request that renders its
// snapshot, and the chunks this run renders, locked.
type jobRun struct {
	job    *job.Job
	req    Request // renders the snapshot
	todo   []int
	reused int
	lock   *job.Lock
}

func (r *jobRun) close() {
	r.closeDeck()
	if r.lock != nil {
		_ = r.lock.Unlock()
	}
}

// openRun opens or creates the job of o.Dir for req and works out what
// this run renders: it snapshots the input, revises the job when the input
// changed, locks the chunks this run is responsible for, applies --frames
// and lists the chunks to render. The caller must close the run.
func openRun(ctx context.Context, req Request, o JobOptions) (_ *jobRun, err error) {
	r := &jobRun{}
	defer func() {
		if err != nil {
			r.close()
		}
	}()
	if o.Resume {
		if err := r.openForResume(ctx, req, o); err != nil {
			return nil, err
		}
	} else if err := r.openForRequest(ctx, req, o); err != nil {
		return nil, err
	}
	span := r.job.All()
	if o.Shard.Count > 0 {
		span = o.Shard.Span(r.job.Chunks())
	}
	if r.lock, err = lockJob(ctx, r.job, span, o.Shard.Count > 0); err != nil {
		return nil, err
	}
	if o.Frames != "" {
		sel, err := r.job.Select(o.Frames)
		if err != nil {
			return nil, &InputError{Err: err}
		}
		if req.Stderr != nil {
			fmt.Fprintf(req.Stderr, "deckreel: %s\n", sel.Note())
		}
	}
	if r.todo, err = r.job.Todo(span); err != nil {
		return nil, err
	}
	if o.Resume {
		r.reused = r.job.Chunks() - len(r.todo)
	}
	return r, nil
}

// openForResume is openRun for a resume: the job's own snapshot is
// rendered. Its plan is worked out again, so that a newer deckreel that
// keys chunks otherwise (or draws pages otherwise, see buildKey) renders
// the chunks it must instead of mixing its chunks with an older build's.
func (r *jobRun) openForResume(ctx context.Context, req Request, o JobOptions) error {
	jb, err := job.Open(o.Dir)
	if err != nil {
		return jobError(err)
	}
	if r.req, err = snapshotRequest(ctx, req, jb); err != nil {
		return err
	}
	s := jb.Settings()
	rev := job.Revision{InputHash: jb.InputHash(), Source: jb.SourceName(), Frames: r.req.Frames()}
	if rev.Plan, err = chunkPlan(r.req, s, jb.InputHash()); err != nil {
		return err
	}
	return r.adopt(ctx, jb, rev)
}

func (r *jobRun) closeDeck() {
	if r.req.Deck != nil {
		_ = r.req.Deck.Close()
		r.req.Deck = nil
	}
}

// openForRequest is openRun for a render --job: the job is created for
// req, or req must match it; an input whose content changed becomes the
// job's new revision.
func (r *jobRun) openForRequest(ctx context.Context, req Request, o JobOptions) error {
	for attempt := 0; ; attempt++ {
		existing, s, err := jobToJoin(req, o)
		if err != nil {
			return err
		}
		if existing == nil {
			if err := job.CheckNew(o.Dir); err != nil {
				return jobError(err)
			}
		}
		rev, err := r.revision(ctx, req, o.Dir, s)
		if err != nil {
			return err
		}
		if existing != nil {
			return r.adopt(ctx, existing, rev)
		}
		// The snapshot's length: a deck run by a framework is timed by its
		// steps as the framework shows them, a narrated one by its speech.
		s.Frames = rev.Frames
		r.job, err = job.Create(o.Dir, s, rev)
		if errors.Is(err, fs.ErrExist) && attempt == 0 {
			// Another shard created it first: join it, with its epoch.
			r.closeDeck()
			continue
		}
		return jobError(err)
	}
}

// jobToJoin opens the job of o.Dir, if there is one, and returns the
// settings req renders with: the job's own when req matches them (its
// epoch and chunk size when req leaves them open), or new settings with
// their defaults. A request that does not match the job is an
// *InputError naming every difference.
func jobToJoin(req Request, o JobOptions) (*job.Job, job.Settings, error) {
	s := jobSettings(req)
	s.ChunkFrames = o.ChunkFrames
	existing, err := job.Open(o.Dir)
	if errors.Is(err, job.ErrNoJob) {
		return nil, s.WithDefaults(time.Now()), nil
	}
	if err != nil {
		return nil, s, jobError(err)
	}
	have := existing.Settings()
	s.Epoch = cmp.Or(s.Epoch, have.Epoch)
	s.ChunkFrames = cmp.Or(s.ChunkFrames, have.ChunkFrames)
	if req.Deck != nil {
		// A deck's length follows its slides: an edit may change it.
		s.Frames = have.Frames
	}
	if err := existing.Check(s); err != nil {
		return nil, s, &InputError{Err: err}
	}
	return existing, have, nil
}

// revision snapshots req's input into the job directory dir and returns
// the revision that renders it with settings s: the snapshot's hash and
// place, and its plan of chunks. It leaves r.req rendering the snapshot.
func (r *jobRun) revision(ctx context.Context, req Request, dir string, s job.Settings) (job.Revision, error) {
	src, done, err := jobSources(req, dir)
	if err != nil {
		return job.Revision{}, err
	}
	hash, source, err := job.Snapshot(dir, src)
	done()
	if err != nil {
		return job.Revision{}, jobError(fmt.Errorf("job %s: %w", dir, err))
	}
	r.closeDeck()
	if r.req, err = snapshotRequestAt(ctx, req, s, dir, filepath.Join(dir, source)); err != nil {
		return job.Revision{}, err
	}
	rev := job.Revision{InputHash: hash, Source: source, Frames: r.req.Frames()}
	s.Frames = rev.Frames
	rev.Plan, err = chunkPlan(r.req, s, hash)
	return rev, err
}

// adopt makes rev the revision this run renders of the existing job jb.
// When jb already has it (same input, same plan), nothing is written.
// Otherwise the input changed, or a new deckreel keys chunks otherwise,
// and jb is revised; that rewrites job.json, so it happens only while no
// other render works on the job (a shard racing this one with the same
// input may have revised it first, which is the same).
func (r *jobRun) adopt(ctx context.Context, jb *job.Job, rev job.Revision) error {
	r.job = jb
	if rev.InputHash == jb.InputHash() && slices.Equal(rev.Plan, jb.Plan()) {
		todo, err := jb.Todo(jb.All())
		r.reused = jb.Chunks() - len(todo)
		return err
	}
	lock, err := lockJob(ctx, jb, jb.All(), false)
	if err != nil {
		var le *job.LockedError
		if errors.As(err, &le) {
			if now, oerr := job.Open(jb.Dir()); oerr == nil && now.InputHash() == rev.InputHash && slices.Equal(now.Plan(), rev.Plan) {
				return r.adopt(ctx, now, rev) // revised by the render holding the lock
			}
			return fmt.Errorf("the job's input has changed, and another render is working on the job: wait for it to finish, then run this again: %w", err)
		}
		return err
	}
	defer lock.Unlock()
	r.reused, err = jb.Revise(rev)
	return err
}

// jobError makes an error about the job directory an *InputError when
// running again cannot help (no job, a damaged job.json, an input that
// cannot be read or is too big); errors writing the directory (a full
// disk) stay plain, so the CLI exits 1 and an orchestrator retries.
func jobError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, job.ErrNoJob) || errors.Is(err, job.ErrDamaged) || errors.Is(err, job.ErrStrayChunks) || errors.Is(err, job.ErrSource) {
		return &InputError{Err: err}
	}
	return err
}

// lockJob locks span of jb. A shard whose lock is held by a render on
// another machine waits, up to job.LockStaleAfter, for it to be refreshed
// no more: a pod that replaced a preempted one must not use up its retries
// on its predecessor's lock.
func lockJob(ctx context.Context, jb *job.Job, span job.Span, wait bool) (*job.Lock, error) {
	deadline := time.Now().Add(job.LockStaleAfter + job.LockHeartbeat)
	host, _ := os.Hostname()
	for {
		lock, err := jb.Lock(span)
		var le *job.LockedError
		if !wait || !errors.As(err, &le) || le.Holder.Host == host || time.Now().After(deadline) {
			return lock, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(job.LockHeartbeat / 2):
		}
	}
}

// snapshotEntry is the name of req's deck or page inside its tree: "." for
// a directory, the file's name for a file, the path in FS for an embedded
// input; "" for a URL.
func snapshotEntry(req Request) string {
	switch {
	case req.FS != nil:
		return req.Input
	case isURL(req.Input):
		return ""
	}
	if st, err := os.Stat(req.Input); err == nil && st.IsDir() {
		return "."
	}
	return filepath.Base(req.Input)
}

// jobSources is what a job of req snapshots: the directory of its deck or
// page (without the job directory and the outputs), a theme's CSS file and
// the music. The directory is read through an os.Root, as the page server
// reads it, so a link out of it is not copied into the job (where the
// copy would be served). The caller must call done after the snapshot.
func jobSources(req Request, dir string) (_ job.Sources, done func(), _ error) {
	src := job.Sources{Files: map[string]string{}, Salt: snapshotEntry(req)}
	if t := req.DeckOptions.Theme; isFile(t) {
		src.Files[snapTheme] = t
	}
	if req.Media.Music != "" {
		src.Files[snapMusic+filepath.Ext(req.Media.Music)] = req.Media.Music
	}
	switch {
	case req.FS != nil:
		src.Tree = req.FS
		return src, func() {}, nil
	case isURL(req.Input):
		src.Salt = "url\x00" + req.Input
		return src, func() {}, nil
	}
	root := req.Input
	if st, err := os.Stat(root); err != nil || !st.IsDir() {
		root = filepath.Dir(root)
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return job.Sources{}, nil, inputErrorf("input %s: %v", req.Input, err)
	}
	src.Tree = r.FS()
	// The job and what the render writes are not the deck's: the output,
	// its sidecar files and the poster.
	skip := map[string]bool{}
	for _, p := range []string{dir, req.Output, req.Media.Poster,
		sidecarPath(req.Output, ".srt"), sidecarPath(req.Output, ".vtt"), sidecarPath(req.Output, ".chapters.txt")} {
		if p != "" {
			skip[absPath(p)] = true
		}
	}
	base := absPath(root)
	src.Skip = func(name string) bool { return skip[filepath.Join(base, filepath.FromSlash(name))] }
	return src, func() { _ = r.Close() }, nil
}

// snapshotRequest returns the request that renders jb's current snapshot.
func snapshotRequest(ctx context.Context, req Request, jb *job.Job) (Request, error) {
	return snapshotRequestAt(ctx, req, jb.Settings(), jb.Dir(), jb.Source())
}

// snapshotRequestAt returns req rewritten to render the snapshot at source
// (a job's Source, a directory) of the job in dir, recorded with settings
// s: the input, the deck (loaded again from the copy), the theme and the
// music all come from the snapshot; a narrated deck is spoken with the
// job's own cache of speech. The caller must close the request's deck.
func snapshotRequestAt(ctx context.Context, req Request, s job.Settings, dir, source string) (Request, error) {
	x := s.Extra
	out := req
	out.FS, out.Deck = nil, nil
	// What decides the pixels is the job's, not this run's: a run without
	// --clock renders with the job's epoch, so every chunk shows one clock.
	out.Width, out.Height, out.FPS, out.Epoch = s.Width, s.Height, s.FPS, s.Epoch
	out.CRF, out.Preset, out.AllowNet = s.CRF, s.Preset, s.AllowNet
	out.AllowHosts = nil
	if h := x[extraAllowHosts]; h != "" {
		out.AllowHosts = strings.Split(h, ",")
	}
	if source == "" {
		return out, nil // a URL: nothing was copied
	}
	files := job.FilesDir(source)
	if isFile(req.DeckOptions.Theme) {
		out.DeckOptions.Theme = filepath.Join(files, snapTheme)
	}
	if req.Media.Music != "" {
		out.Media.Music = filepath.Join(files, snapMusic+filepath.Ext(req.Media.Music))
	}
	if x[extraEntry] == "" {
		return out, nil // a URL: its page is not copied, only the files beside it
	}
	out.Input = filepath.Join(job.TreeDir(source), filepath.FromSlash(x[extraEntry]))
	if x[extraKind] == "" {
		return out, nil
	}
	d, err := deck.LoadContext(ctx, out.Input, out.DeckOptions)
	if err != nil {
		if ctx.Err() != nil {
			return Request{}, ctx.Err()
		}
		return Request{}, &InputError{Err: fmt.Errorf("load the job's copy of the deck: %w", err)}
	}
	out.Deck, out.Duration = d, 0
	if err := Present(ctx, out); err != nil {
		_ = d.Close()
		return Request{}, err
	}
	if out, err = narrateRequest(ctx, out, filepath.Join(dir, narrationDir)); err != nil {
		_ = d.Close()
		return Request{}, err
	}
	// Now timed for good: the checks before could not see its length.
	if err := out.validatePoster(true); err != nil {
		_ = d.Close()
		return Request{}, err
	}
	return out, nil
}

// buildKey is what deckreel itself contributes to every chunk key: the
// scripts and themes it puts into pages, and the commit it was built from
// (when the build recorded one), since a new build may draw pages
// differently and its chunks must not be mixed with an older build's.
func buildKey() string {
	parts := []string{assets.TimeControlScript(0, 0), assets.DeckBaseCSS(), assets.DeckTemplate(),
		assets.DeckPlayer(), assets.ImageTemplate(), assets.RevealDriver(), assets.DeckDriver()}
	for _, t := range assets.DeckThemes() {
		css, _ := assets.DeckTheme(t)
		parts = append(parts, t, css)
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" || s.Key == "vcs.modified" {
				parts = append(parts, s.Key+"="+s.Value)
			}
		}
	}
	return chunkKey(parts...)
}

// chunkPlan cuts the video of req (rendering a snapshot) into chunks and
// keys each by what decides its pixels. A page is cut every ChunkFrames
// frames, each chunk keyed by the whole input. A deck is cut at every
// slide's start and at the end of its transition in, and long slides into
// pieces of at most ChunkFrames: a chunk then shows one slide, or one
// transition between two, and its key hashes the deck's shared sources
// (theme, assets), the timeline, the settings, and the sources of just
// those slides. So an edit of one slide's text changes the keys of its own
// chunks and of the transition out of it, and no others.
func chunkPlan(req Request, s job.Settings, inputHash string) ([]job.Chunk, error) {
	base := s
	base.Frames, base.ChunkFrames, base.Output = 0, 0, ""
	baseKey := chunkKey(buildKey(), base.Hash())
	total, fps := s.Frames, s.FPS
	d := req.Deck
	if d == nil {
		// A page's parts cannot be told apart: every chunk depends on the
		// whole snapshot (for a URL, on the URL).
		return job.FixedPlan(total, s.ChunkFrames, func(a, b int) string {
			return chunkKey(baseKey, inputHash, strconv.Itoa(a), strconv.Itoa(b))
		}), nil
	}
	starts, end := slideTimes(d, fps)
	if end != total {
		return nil, fmt.Errorf("internal error: the deck has %d frames, the job %d", end, total)
	}
	type slideSpan struct{ start, end, transition int }
	spans := make([]slideSpan, len(d.Slides))
	var cuts []int
	for i, sl := range d.Slides {
		e := end
		if i+1 < len(starts) {
			e = starts[i+1]
		}
		tf := 0
		if i > 0 {
			tf = min(sl.Transition.Frames(fps), e-starts[i])
		}
		spans[i] = slideSpan{starts[i], e, tf}
		cuts = append(cuts, starts[i], starts[i]+tf)
	}
	timeline := timelineKey(d)
	shared, err := d.SharedKey()
	if err != nil {
		return nil, &InputError{Err: err}
	}
	captionsKey := ""
	if req.Media.Captions == encode.CaptionsBurn {
		captionsKey = notesKey(d) + narrationKey(req.narration)
	}
	return job.CutPlan(total, s.ChunkFrames, cuts, func(a, b int) string {
		parts := []string{baseKey, shared, timeline, captionsKey, strconv.Itoa(a), strconv.Itoa(b)}
		for i, sp := range spans {
			if sp.start < b && a < sp.end {
				parts = append(parts, d.Slides[i].Key)
			}
			// The transition into slide i shows slide i-1 too.
			if i > 0 && sp.start < b && a < sp.start+sp.transition {
				parts = append(parts, "under:"+d.Slides[i-1].Key)
			}
		}
		return chunkKey(parts...)
	}), nil
}

// chunkKey hashes parts into a key (32 hex digits: 128 bits).
func chunkKey(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s\x00", len(p), p)
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// timelineKey hashes the deck's steps: when each starts, how long it lasts
// and how it enters, which decide what every frame shows.
func timelineKey(d *deck.Deck) string {
	var b strings.Builder
	for _, st := range d.Steps {
		fmt.Fprintf(&b, "%d|%s|%d|%d|%s|%d\n", st.Slide, st.Index, st.Start, st.Duration, st.Transition.Kind, st.Transition.Duration)
	}
	return chunkKey(b.String())
}

// notesKey hashes the speaker notes, which burnt-in captions draw.
func notesKey(d *deck.Deck) string {
	var parts []string
	for _, s := range d.Slides {
		parts = append(parts, s.Notes)
	}
	return chunkKey(parts...)
}

// finishJob joins the chunks of the complete job jb into req.Output, with
// the whole video's sound, subtitle track and chapters, then writes the
// sidecar files and the poster. req renders the job's snapshot (see
// snapshotRequest), so that render --job, resume and merge all join the
// same file.
func finishJob(ctx context.Context, jb *job.Job, req Request) error {
	todo, err := jb.Todo(jb.All())
	if err != nil {
		return err
	}
	if len(todo) > 0 {
		return fmt.Errorf("job %s: %d chunks are not done (frames %s); see 'deckreel status %s'",
			jb.Dir(), len(todo), job.FrameList(jb.Ranges(todo)), jb.Dir())
	}
	format, err := encode.FormatFor(req.Output, req.Media.Format)
	if err != nil {
		return &InputError{Err: err}
	}
	s := jb.Settings()
	md, err := prepareMedia(ctx, req.Deck, req.narration, req.Media, s.FPS, s.Frames, req.Output, format)
	if err != nil {
		return err
	}
	defer md.close()
	if format.Audio != nil {
		if err := jobPageSound(ctx, req, md); err != nil {
			return err
		}
	}
	parts := make([]merge.Part, jb.Chunks())
	for i := range parts {
		parts[i] = merge.Part{Path: jb.ChunkPath(i), Frames: jb.ChunkRange(i).Len()}
		// A chunk probed when it was finished and unchanged since is not
		// probed again: a job of many chunks would spend most of its join
		// starting ffprobe. The join still checks every packet it writes.
		if data, ok := jb.DoneProbe(i); ok {
			var st merge.Stream
			if json.Unmarshal(data, &st) == nil {
				parts[i].Known = &st
			}
		}
	}
	mo := merge.Options{Parts: parts, Width: s.Width, Height: s.Height, FPS: s.FPS, Output: req.Output,
		Audio: md.audio, SubtitlesFile: md.subtitles, MetadataFile: md.metadata}
	if err := merge.Join(ctx, mo); err != nil {
		return rerunBadParts(jb, err)
	}
	if err := md.commitSidecars(); err != nil {
		return fmt.Errorf("write captions or chapters next to %s: %w", req.Output, err)
	}
	return writePoster(ctx, req)
}

// jobPageSound adds the sound of the pages' media elements to the joined
// video's soundtrack, found as a render finds it (the chunks have none).
// req renders the job's snapshot.
func jobPageSound(ctx context.Context, req Request, md *media) error {
	req = req.withDefaults()
	rep := progress.New(req.Stderr, req.Progress, 0)
	defer rep.Finish()
	warns := &warnings{rep: rep, seen: map[string]bool{}}
	pg, err := openPages(ctx, req, warns)
	if err != nil {
		return err
	}
	defer pg.close()
	if !pg.mayPlaySound() {
		return nil
	}
	browser, err := browserOptions(req, pg, warns)
	if err != nil {
		return err
	}
	scan, err := newSoundScan(req, pg, browser, warns, md)
	if err != nil {
		return err
	}
	clips, err := pageSound(ctx, scan)
	if err != nil {
		return err
	}
	return md.addClips(clips)
}

// rerunBadParts marks the chunks that a join refused (a chunk damaged in a
// way its size does not show) to be rendered again, and says so in the
// error: the next resume renders them.
func rerunBadParts(jb *job.Job, err error) error {
	var bad []int
	var walk func(error)
	walk = func(e error) {
		var pe *merge.PartError
		if errors.As(e, &pe) && !slices.Contains(bad, pe.Index) {
			bad = append(bad, pe.Index)
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
		}
	}
	walk(err)
	if len(bad) == 0 || ctxErr(err) {
		return err
	}
	slices.Sort(bad)
	if merr := jb.MarkRerun(bad); merr != nil {
		return errors.Join(err, merr)
	}
	return fmt.Errorf("%w\n(the chunks that cannot be joined are marked to be rendered again: run 'deckreel resume %s')", err, jb.Dir())
}

func ctxErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// MergeOptions are the choices of a merge that the job does not record.
type MergeOptions struct {
	// Output is the file to write; empty for the job's own.
	Output string
	// Browser and NoSandbox are as in Request: the join steps the pages
	// whose media elements play sound, to find it (see pageSound).
	Browser   string
	NoSandbox bool
	// Stderr receives the warnings; nil discards them.
	Stderr io.Writer
}

// MergeJob joins the chunks of the job in dir into o.Output (the job's own
// output if empty), with the sound, subtitles and chapters the job
// records, after checking that every chunk is done and that the chunk
// videos match the job and each other. It is `deckreel merge`.
func MergeJob(ctx context.Context, dir string, o MergeOptions) (string, error) {
	output := o.Output
	jb, err := job.Open(dir)
	if err != nil {
		return "", &InputError{Err: err}
	}
	req, err := RequestFromJob(jb)
	if err != nil {
		return "", &InputError{Err: err}
	}
	if output != "" {
		req.Output = output
	}
	req.Browser, req.NoSandbox, req.Stderr = o.Browser, o.NoSandbox, o.Stderr
	if req.Output == "" {
		return "", inputErrorf("job %s has no output file: pass -o out.mp4", dir)
	}
	if err := req.validateEarly(); err != nil {
		return "", err
	}
	if err := checkOutsideJob(req.Output, dir); err != nil {
		return "", err
	}
	sreq, err := snapshotRequest(ctx, req, jb)
	if err != nil {
		return "", err
	}
	if sreq.Deck != nil {
		defer sreq.Deck.Close()
	}
	return req.Output, finishJob(ctx, jb, sreq)
}

// chunkOutput is the chunks of a job: one encoder per chunk, each chunk
// kept as soon as it is complete, and a failed batch fails only its chunks.
type chunkOutput struct {
	plan   *plan
	job    *job.Job
	todo   []int
	writer *job.ChunkWriter
	result job.WriteResult
}

func (o *chunkOutput) sink(ctx context.Context) (frames.FrameSink, error) {
	p := o.plan
	opts := p.encoder
	// Chunks are video only: the whole video's sound, subtitle track and
	// chapters go in when the chunks are joined (finishJob). Burnt-in
	// captions are burnt into each chunk, shifted to its own time.
	opts.Audio, opts.SubtitlesFile, opts.MetadataFile, opts.BurnFile = nil, "", "", ""
	w, err := job.NewChunkWriter(ctx, o.job, job.WriterConfig{
		Chunks: o.todo,
		Start: func(ctx context.Context, path string, r pool.Range) (job.Encoder, error) {
			co := opts
			co.Output, co.Frames, co.Chunk = path, r.Len(), true
			burn, err := p.media.burnFile(r.Start, r.End, p.req.FPS)
			if err != nil {
				return nil, fmt.Errorf("captions of frames %d-%d: %w", r.Start, r.End-1, err)
			}
			co.BurnFile = burn
			return encode.Start(ctx, co)
		},
		// A chunk is recorded done only once its file has every frame:
		// ffmpeg stopping early must not leave a short chunk for the join.
		Verify: func(ctx context.Context, path string, r pool.Range) (json.RawMessage, error) {
			st, err := merge.Probe(ctx, "", path)
			if err != nil {
				return nil, err
			}
			if st.Packets != r.Len() {
				return nil, fmt.Errorf("%s has %d frames, want %d", path, st.Packets, r.Len())
			}
			return json.Marshal(st)
		},
		Logf: p.rep.Logf,
	})
	if err != nil {
		return nil, err
	}
	o.writer = w
	return w, nil
}

func (o *chunkOutput) finish(_ context.Context, err error) error {
	var cerr error
	if err != nil {
		o.result, cerr = o.writer.Abort() // keeps the chunks that were complete
	} else {
		o.result, cerr = o.writer.Close()
	}
	return errors.Join(err, cerr)
}

// rerunCommand is the command that renders what a run left undone.
func rerunCommand(o JobOptions) string {
	cmd := "deckreel resume " + shellQuote(o.Dir)
	if o.Shard.Count > 0 {
		cmd += " --shard " + o.Shard.String()
	}
	return cmd
}

// shellQuote quotes s for a POSIX shell if it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=+,@", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func isURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// isFile reports whether a --theme value names a CSS file rather than a
// built-in theme.
func isFile(theme string) bool {
	return theme != "" && theme != "light" && theme != "dark"
}

func absIfFile(theme string) string {
	if isFile(theme) {
		return absPath(theme)
	}
	return theme
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
