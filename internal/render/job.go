package render

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/deckreel/deckreel/encode"
	"github.com/deckreel/deckreel/frames"
	"github.com/deckreel/deckreel/internal/job"
	"github.com/deckreel/deckreel/internal/merge"
	"github.com/deckreel/deckreel/internal/pool"
)

// JobOptions make a render keep its state in a job directory (render
// --job, resume), so that an interrupted or partly failed render can be
// finished later, and one render can be split into shards.
type JobOptions struct {
	// Dir is the job directory. It is created if it holds no job.
	Dir string
	// Frames, if set, is a --frames list: those frames, rounded out to
	// whole chunks, are rendered again even if they are done. A changed
	// input is then accepted: the caller vouches that only those frames
	// changed.
	Frames string
	// Shard, if Count > 0, renders only that shard's chunks and leaves the
	// merge to `deckreel merge`.
	Shard job.Shard
	// ChunkFrames is the chunk size of a new job; zero means
	// job.DefaultChunkSeconds of video.
	ChunkFrames int
	// Resume requires the job to exist (the caller took the settings from
	// it with JobFromSettings).
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

// JobSettings returns the settings of j that shape its pixels, for a job.
// A zero Epoch stays zero: a new job picks now, an existing one keeps its
// own.
func JobSettings(j Job) job.Settings {
	input := j.Input
	if !isURL(input) && j.FS == nil {
		if abs, err := filepath.Abs(input); err == nil {
			input = abs
		}
	}
	output := j.Output
	if output != "" {
		if abs, err := filepath.Abs(output); err == nil {
			output = abs
		}
	}
	crf, preset := j.CRF, j.Preset
	if crf == 0 {
		crf = encode.DefaultCRF
	}
	if preset == "" {
		preset = encode.DefaultPreset
	}
	return job.Settings{
		Input: input, Width: j.Width, Height: j.Height, FPS: j.FPS, Frames: j.Frames(),
		Codec: encode.DefaultCodec, PixFmt: "yuv420p", CRF: crf, Preset: preset,
		Epoch: j.Epoch, AllowNet: j.AllowNet, Output: output,
	}
}

// JobFromSettings returns a render of s, for resume: the caller adds what
// does not shape pixels (workers, browser, progress).
func JobFromSettings(s job.Settings) Job {
	return Job{
		Input: s.Input, Width: s.Width, Height: s.Height, FPS: s.FPS,
		// Frames() rounds duration × fps, which gives Frames back exactly.
		Duration: time.Duration(s.Frames) * time.Second / time.Duration(s.FPS),
		CRF:      s.CRF, Preset: s.Preset, Epoch: s.Epoch, AllowNet: s.AllowNet, Output: s.Output,
	}
}

func isURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// jobPlan is what one run of a job does: the chunks it renders and the
// writer that encodes them. A nil *jobPlan is a render without a job.
type jobPlan struct {
	job    *job.Job
	opts   JobOptions
	span   job.Span // the chunks this run is responsible for
	todo   []int    // the chunks it renders, sorted
	writer *job.ChunkWriter
	result job.WriteResult
}

// ranges returns the frames to capture.
func (p *jobPlan) ranges(total int) []pool.Range {
	if p == nil {
		return []pool.Range{{Start: 0, End: total}}
	}
	return p.job.Ranges(p.todo)
}

// frameSpan returns frames.Config's Start and End: the first frame to
// capture and the one after the last.
func (p *jobPlan) frameSpan(total int) (start, end int) {
	rs := p.ranges(total)
	return rs[0].Start, rs[len(rs)-1].End
}

// onFailed returns what capture calls for a batch that failed for good: in
// a job, its chunks fail and the render goes on; without a job there is no
// way to finish the video, so capture stops (nil).
func (p *jobPlan) onFailed() func(pool.Range, error) {
	if p == nil {
		return nil
	}
	return p.writer.Hole
}

// sendGaps sends a Skip shot for every gap between the ranges to capture
// (the chunks that are done), so that the frames stage moves past them. It
// must run on the goroutine that then runs capture.Run with the same
// channel, before it (capture.Run closes the channel when it returns), and
// the frames stage must be running: the skips are held in its reorder
// buffer, which costs a few bytes each.
func (p *jobPlan) sendGaps(ctx context.Context, out chan<- frames.Shot) error {
	if p == nil {
		return nil
	}
	rs := p.ranges(0)
	for i := 1; i < len(rs); i++ {
		gap := frames.Shot{Index: rs[i-1].End, Count: rs[i].Start - rs[i-1].End, Skip: true}
		select {
		case out <- gap:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// newWriter returns the frame sink of a job render: a chunk writer that
// starts an encoder with opts for each chunk. opts.Output and opts.Frames
// are set per chunk.
func (p *jobPlan) newWriter(ctx context.Context, opts encode.Options, logf func(string, ...any)) (*job.ChunkWriter, error) {
	w, err := job.NewChunkWriter(ctx, p.job, job.WriterConfig{
		Chunks: p.todo,
		Start: func(ctx context.Context, path string, frames int) (job.Encoder, error) {
			o := opts
			o.Output, o.Frames = path, frames
			return encode.Start(ctx, o)
		},
		Logf: logf,
	})
	if err != nil {
		return nil, err
	}
	p.writer = w
	return w, nil
}

// RunJob renders j into the job directory o.Dir: it creates the job or
// checks that j matches it, renders the chunks that are not done (or those
// of o.Frames, or of o.Shard), and, when every chunk is done and this is
// not a shard, joins them into j.Output. It returns an *InputError for bad
// input or a job that does not match, an *IncompleteError when chunks
// failed (the rest is saved), and the context's error when cancelled (the
// finished chunks are saved; chunks complete when the signal came are
// finished first, which takes ffmpeg a moment).
func RunJob(ctx context.Context, j Job, o JobOptions) (Result, error) {
	start := time.Now()
	sharded := o.Shard.Count > 0
	if o.Frames != "" && sharded {
		return Result{}, inputErrorf("--frames cannot be combined with a shard: rerun frames in one process")
	}
	v := j
	if v.Output == "" && sharded {
		v.Output = filepath.Join(os.TempDir(), "shard.mp4") // shards do not write the output
	}
	if err := v.Validate(); err != nil {
		return Result{}, err
	}
	// Chunks are output frames; a deck of several pages captures more
	// frames than it outputs (the tails its transitions blend), which
	// chunks cannot say yet. A deck of one page is one page like any other.
	if n, err := deckSegments(j); err != nil {
		return Result{}, err
	} else if n > 1 {
		return Result{}, inputErrorf("--job with a multi-source manifest is not supported yet (its %d pages are composited); render it without --job", n)
	}
	p, lock, err := openPlan(j, o)
	if err != nil {
		return Result{}, err
	}
	defer lock.Unlock()
	j.Epoch = p.job.Settings().Epoch
	var res Result
	if len(p.todo) > 0 {
		res, err = runPipeline(ctx, j, p)
		var ie *InputError
		switch {
		case err == nil:
		case ctx.Err() != nil, errors.As(err, &ie):
			return res, err
		default:
			return res, fmt.Errorf("%w\n(the finished chunks are saved; continue with: %s)", err, rerunCommand(o))
		}
	}
	if len(p.result.Failed) > 0 {
		return res, &IncompleteError{Dir: o.Dir, Failed: p.result.Failed, Command: rerunCommand(o)}
	}
	res.Frames = 0
	for _, c := range p.result.Done {
		res.Frames += p.job.ChunkRange(c).Len()
	}
	res.Output = ""
	if !sharded {
		// The whole video's sound, captions and chapters go in as the
		// chunks are joined.
		md, err := prepareMedia(ctx, j.Deck, j.Media, j.FPS, j.Frames(), j.Output)
		if err != nil {
			return res, err
		}
		defer md.close()
		if err := mergeJob(ctx, p.job, j.Output, md); err != nil {
			return res, err
		}
		if err := md.commitSidecars(); err != nil {
			return res, fmt.Errorf("write captions or chapters next to %s: %w", j.Output, err)
		}
		res.Output = j.Output
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// openPlan opens or creates the job, locks the chunks this run is
// responsible for, applies --frames and works out the chunks to render. The
// caller must release the lock.
func openPlan(j Job, o JobOptions) (*jobPlan, *job.Lock, error) {
	settings := JobSettings(j)
	settings.ChunkFrames = o.ChunkFrames
	hash, err := inputHash(j, o.Dir)
	if err != nil {
		return nil, nil, &InputError{Err: err}
	}
	var jb *job.Job
	if o.Resume {
		jb, err = job.Open(o.Dir)
		if err == nil {
			err = jb.Check(settings, hash)
		}
	} else {
		jb, _, err = job.OpenOrCreate(o.Dir, settings, hash)
	}
	var me *job.MismatchError
	inputChanged := errors.As(err, &me) && len(me.Settings) == 0 && o.Frames != ""
	switch {
	case inputChanged:
		// A changed input with --frames: the rerun of those frames is
		// what brings the job up to date.
	case errors.As(err, &me), errors.Is(err, job.ErrNoJob):
		return nil, nil, &InputError{Err: err}
	case err != nil:
		return nil, nil, err
	}
	p := &jobPlan{job: jb, opts: o, span: jb.All()}
	if o.Shard.Count > 0 {
		p.span = o.Shard.Span(jb.Chunks())
	}
	lock, err := jb.Lock(p.span)
	if err != nil {
		return nil, nil, err
	}
	if o.Frames != "" {
		sel, err := jb.Select(o.Frames)
		if err != nil {
			return nil, nil, errors.Join(&InputError{Err: err}, lock.Unlock())
		}
		if j.Stderr != nil {
			fmt.Fprintf(j.Stderr, "deckreel: %s\n", sel.Note(jb.Settings().ChunkFrames))
		}
	}
	if inputChanged {
		if err := jb.AcceptInput(hash); err != nil {
			return nil, nil, errors.Join(err, lock.Unlock())
		}
	}
	if p.todo, err = jb.Todo(p.span); err != nil {
		return nil, nil, errors.Join(err, lock.Unlock())
	}
	return p, lock, nil
}

// inputHash hashes the input of j, leaving out the job directory and the
// output when they are inside a deck directory.
func inputHash(j Job, dir string) (string, error) {
	if j.FS != nil {
		return "embedded:" + j.Input, nil // the binary's own sample
	}
	return job.HashInput(j.Input, dir, j.Output)
}

// mergeJob joins the chunks of a complete job into output.
func mergeJob(ctx context.Context, jb *job.Job, output string, md *media) error {
	todo, err := jb.Todo(jb.All())
	if err != nil {
		return err
	}
	if len(todo) > 0 {
		return fmt.Errorf("job %s: %d chunks are not done (frames %s); see 'deckreel status %s'",
			jb.Dir(), len(todo), job.FrameList(jb.Ranges(todo)), jb.Dir())
	}
	s := jb.Settings()
	parts := make([]merge.Part, jb.Chunks())
	for i := range parts {
		parts[i] = merge.Part{Path: jb.ChunkPath(i), Frames: jb.ChunkRange(i).Len()}
	}
	mo := merge.Options{Parts: parts, Width: s.Width, Height: s.Height, FPS: s.FPS, Output: output}
	if md != nil {
		mo.Audio, mo.SubtitlesFile, mo.MetadataFile = md.audio, md.subtitles, md.metadata
	}
	return merge.Join(ctx, mo)
}

// MergeJob joins the chunks of the job in dir into output (the job's own
// output if empty), after checking that every chunk is done and that the
// chunk videos match the job and each other. It is `deckreel merge`.
func MergeJob(ctx context.Context, dir, output string) (string, error) {
	jb, err := job.Open(dir)
	if err != nil {
		return "", &InputError{Err: err}
	}
	if output == "" {
		output = jb.Settings().Output
	}
	if output == "" {
		return "", inputErrorf("job %s has no output file: pass -o out.mp4", dir)
	}
	if st, err := os.Stat(filepath.Dir(output)); err != nil || !st.IsDir() {
		return "", inputErrorf("output %s: directory %s does not exist", output, filepath.Dir(output))
	}
	return output, mergeJob(ctx, jb, output, nil)
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

// framesBefore returns how many of the frames to capture come before pos,
// for progress: the gaps between ranges (done chunks) do not count.
func (p *jobPlan) framesBefore(pos int) int {
	if p == nil {
		return pos
	}
	n := 0
	for _, r := range p.ranges(0) {
		n += max(0, min(pos, r.End)-r.Start)
	}
	return n
}
