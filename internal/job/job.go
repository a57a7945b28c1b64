package job

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/deckreel/deckreel/internal/pool"
)

// Version is the layout version of job.json that this package writes and
// reads. Version 2 keys chunks by content (see [Chunk]); version 1 jobs
// (fixed, numbered chunks) are refused with a message.
const Version = 2

// File names inside a job directory.
const (
	stateFile = "job.json"
	chunkDir  = "chunks"
	lockDir   = "locks"
	// SourcesDir holds the snapshots of the job's input, one directory per
	// revision named by its input hash (see [Revision.Source]).
	SourcesDir = "sources"
)

// ErrNoJob is returned by [Open] when the directory holds no job.
var ErrNoJob = errors.New("not a job directory (no job.json)")

// ErrDamaged is matched by the errors of [Open] for a job.json that cannot
// be used (damaged, or of another layout version): running again cannot
// help.
var ErrDamaged = errors.New("the job cannot be used")

// state is the content of job.json.
type state struct {
	Version      int       `json:"version"`
	Created      time.Time `json:"created"`
	Settings     Settings  `json:"settings"`
	SettingsHash string    `json:"settings_hash"`
	InputHash    string    `json:"input_hash"`
	// Source is the snapshot of the input this revision renders, relative
	// to the job directory; empty when there is none (a URL).
	Source string `json:"source,omitempty"`
	// Revised is when the input last changed (see [Job.Revise]).
	Revised time.Time `json:"revised,omitzero"`
	Plan    []Chunk   `json:"plan"`
}

// Revision is what a job renders at one time: the input's content hash
// (see [Snapshot]), the snapshot of its sources the chunks are rendered
// from, and the plan of chunks for that content. An edit of the input makes
// a new revision ([Job.Revise]); chunks whose keys both plans share keep
// their videos.
type Revision struct {
	InputHash string
	// Source is the snapshot directory, relative to the job directory
	// (normally SourcesDir/<hash>); empty for none.
	Source string
	// Frames, if set, is the video's new length: a deck's length follows
	// its slides, so an edit may change it (only with Revise).
	Frames int
	// Plan is the chunks; nil means fixed chunks of Settings.ChunkFrames
	// named by their number (00000, 00001, ...), which are not content
	// addressed: an edit must then be rendered again with --frames.
	Plan []Chunk
}

func (r Revision) plan(s Settings) []Chunk {
	if r.Plan != nil {
		return r.Plan
	}
	n := 0
	return FixedPlan(s.Frames, s.ChunkFrames, func(int, int) string {
		n++
		return fmt.Sprintf("%05d", n-1)
	})
}

// Job is an open job directory. Its methods read and write files in the
// directory and are safe for concurrent use by the goroutines of one
// process; processes coordinate through [Job.Lock] and by never writing the
// same file.
type Job struct {
	dir string
	st  state
}

// ErrStrayChunks is returned by [Create] when the directory has chunk
// videos but no job.json: they belong to a job whose state is lost, and
// adopting them could put another video's pictures into this one.
var ErrStrayChunks = errors.New("has chunk videos but no job.json")

// Create makes dir (if needed) a new job for settings s and revision rev.
// Zero ChunkFrames and Epoch take their defaults. It fails with an error
// matching fs.ErrExist if dir already holds a job (use [OpenOrCreate] to
// join an existing one), and with [ErrStrayChunks] if it holds chunks of a
// job whose job.json is gone.
func Create(dir string, s Settings, rev Revision) (*Job, error) {
	s = s.WithDefaults(time.Now())
	if err := s.validate(); err != nil {
		return nil, fmt.Errorf("create job %s: %w", dir, err)
	}
	plan := rev.plan(s)
	if err := checkPlan(plan, s.Frames); err != nil {
		return nil, fmt.Errorf("create job %s: %w", dir, err)
	}
	if err := CheckNew(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(dir, chunkDir), 0o755); err != nil {
		return nil, fmt.Errorf("create job %s: %w", dir, err)
	}
	if err := os.MkdirAll(filepath.Join(dir, lockDir), 0o755); err != nil {
		return nil, fmt.Errorf("create job %s: %w", dir, err)
	}
	st := state{
		Version:      Version,
		Created:      time.Now().UTC(),
		Settings:     s,
		SettingsHash: s.Hash(),
		InputHash:    rev.InputHash,
		Source:       rev.Source,
		Plan:         plan,
	}
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("create job %s: %w", dir, err)
	}
	if err := createFileAtomic(filepath.Join(dir, stateFile), append(data, '\n')); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("create job %s: a job already exists there: %w", dir, fs.ErrExist)
		}
		return nil, fmt.Errorf("create job %s: %w", dir, err)
	}
	return &Job{dir: dir, st: st}, nil
}

// Open opens the job in dir. It returns an error matching [ErrNoJob] if
// there is none. Temporary files left by a crash are ignored.
func Open(dir string) (*Job, error) {
	data, err := os.ReadFile(filepath.Join(dir, stateFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("open job %s: %w", dir, ErrNoJob)
	}
	if err != nil {
		return nil, fmt.Errorf("open job %s: %w", dir, err)
	}
	st, err := decodeState(data)
	if err != nil {
		return nil, fmt.Errorf("open job %s: %w", dir, err)
	}
	for _, sub := range []string{chunkDir, lockDir} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return nil, fmt.Errorf("open job %s: %w", dir, err)
		}
	}
	return &Job{dir: dir, st: st}, nil
}

// decodeState reads and checks the content of job.json. Every error
// matches [ErrDamaged]: the file is read only from disk, by this code, and
// cannot be repaired by running again.
func decodeState(data []byte) (state, error) {
	var st state
	if err := json.Unmarshal(data, &st); err != nil {
		return state{}, fmt.Errorf("%s is damaged: %w: %w", stateFile, ErrDamaged, err)
	}
	var problem error
	switch {
	case st.Version != Version:
		problem = fmt.Errorf("layout version %d, this deckreel reads version %d (start a new job in another directory)", st.Version, Version)
	case st.Settings.validate() != nil:
		problem = fmt.Errorf("%s is damaged: %w", stateFile, st.Settings.validate())
	case st.Settings.Hash() != st.SettingsHash:
		problem = fmt.Errorf("%s is damaged: its settings do not match their hash", stateFile)
	case checkPlan(st.Plan, st.Settings.Frames) != nil:
		problem = fmt.Errorf("%s is damaged: %w", stateFile, checkPlan(st.Plan, st.Settings.Frames))
	case st.Source != "" && (!filepath.IsLocal(st.Source)):
		problem = fmt.Errorf("%s is damaged: source %q is not inside the job", stateFile, st.Source)
	}
	if problem != nil {
		return state{}, fmt.Errorf("%w: %w", ErrDamaged, problem)
	}
	return st, nil
}

// OpenOrCreate opens the job in dir and checks it against s, or creates it
// for rev if there is none. Shards starting at once on
// an empty directory all end up with the one job the first of them created
// (and its epoch). created reports whether this call created it. A mismatch
// is a *[MismatchError].
func OpenOrCreate(dir string, s Settings, rev Revision) (j *Job, created bool, err error) {
	j, err = Open(dir)
	if errors.Is(err, ErrNoJob) {
		j, err = Create(dir, s, rev)
		if err == nil {
			return j, true, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, false, err
		}
		j, err = Open(dir) // lost the race to another process
	}
	if err != nil {
		return nil, false, err
	}
	return j, false, j.Check(s)
}

// Dir returns the job directory.
func (j *Job) Dir() string { return j.dir }

// Settings returns the job's settings, with the chunk size and epoch it
// was created with. A resume renders with these.
func (j *Job) Settings() Settings { return j.st.Settings }

// InputHash returns the content hash of the input the job renders.
func (j *Job) InputHash() string { return j.st.InputHash }

// CheckNew reports whether a new job may be created in dir: it fails with
// [ErrStrayChunks] when dir has chunk videos but no job.json. Call it
// before work that a refused job would waste (a snapshot).
func CheckNew(dir string) error {
	ents, err := os.ReadDir(filepath.Join(dir, chunkDir))
	if err != nil {
		return nil // no chunks directory: nothing to adopt
	}
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".mp4") && !strings.HasPrefix(e.Name(), ".") {
			if _, err := os.Stat(filepath.Join(dir, stateFile)); err == nil {
				return nil // a job after all: created by a process racing this one
			}
			return fmt.Errorf("create job %s: the directory %w (%s): remove the directory or pick another one", dir, ErrStrayChunks, filepath.Join(dir, chunkDir, e.Name()))
		}
	}
	return nil
}

// SourceName returns the snapshot of the current revision relative to the
// job directory (a Revision's Source), or "".
func (j *Job) SourceName() string { return j.st.Source }

// Source returns the directory of the snapshot of the input the job's
// current revision renders, or "" if it has none.
func (j *Job) Source() string {
	if j.st.Source == "" {
		return ""
	}
	return filepath.Join(j.dir, j.st.Source)
}

// Plan returns the chunks of the current revision. The caller must not
// change them.
func (j *Job) Plan() []Chunk { return j.st.Plan }

// Chunks returns the number of chunks.
func (j *Job) Chunks() int { return len(j.st.Plan) }

// ChunkRange returns the frames of chunk i, which must be in [0, Chunks()).
func (j *Job) ChunkRange(i int) pool.Range { return j.st.Plan[i].planRange() }

// ChunkOf returns the chunk that holds frame f, which must be in [0,
// Settings().Frames).
func (j *Job) ChunkOf(f int) int {
	return sort.Search(len(j.st.Plan), func(i int) bool { return j.st.Plan[i].End > f })
}

// ChunkPath returns the path of chunk i's video, named by its key. The file
// exists only once the chunk is complete; the encoder must write it
// atomically (a temporary file in the same directory, synced and renamed).
func (j *Job) ChunkPath(i int) string { return j.chunkFile(i, ".mp4") }

func (j *Job) chunkFile(i int, ext string) string {
	return filepath.Join(j.dir, chunkDir, j.st.Plan[i].Key+ext)
}

func (j *Job) failedPath(i int) string { return j.chunkFile(i, ".failed.json") }
func (j *Job) rerunPath(i int) string  { return j.chunkFile(i, ".rerun") }
func (j *Job) donePath(i int) string   { return j.chunkFile(i, ".done.json") }

// Check compares a run's settings with the job's and returns a
// *[MismatchError] describing every difference, or nil. Zero Epoch and
// ChunkFrames in s match anything, and Output is not compared. The input's
// content is not compared: a changed input is a new revision ([Job.Revise]).
func (j *Job) Check(s Settings) error {
	if d := diff(j.st.Settings, s); len(d) > 0 {
		return &MismatchError{Dir: j.dir, Settings: d}
	}
	return nil
}

// Revise makes rev the job's current revision: the input changed, rev is
// its snapshot and plan. Chunks of the new plan whose keys the old plan
// (or any earlier one) had keep their videos; the others are rendered
// next. It rewrites job.json atomically; shards that revise a job at once
// with the same input write the same revision, so the last rename wins
// harmlessly. It returns how many of the new plan's chunks are already
// done.
func (j *Job) Revise(rev Revision) (reused int, err error) {
	st := j.st
	if rev.Frames > 0 && rev.Frames != st.Settings.Frames {
		st.Settings.Frames = rev.Frames
		st.SettingsHash = st.Settings.Hash()
	}
	plan := rev.plan(st.Settings)
	if err := checkPlan(plan, st.Settings.Frames); err != nil {
		return 0, fmt.Errorf("update job %s: %w", j.dir, err)
	}
	if rev.Source != "" && !filepath.IsLocal(rev.Source) {
		return 0, fmt.Errorf("update job %s: source %q is not inside the job", j.dir, rev.Source)
	}
	st.InputHash, st.Source, st.Plan = rev.InputHash, rev.Source, plan
	st.Revised = time.Now().UTC()
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return 0, fmt.Errorf("update job %s: %w", j.dir, err)
	}
	if err := writeFileAtomic(filepath.Join(j.dir, stateFile), append(data, '\n')); err != nil {
		return 0, fmt.Errorf("update job %s: %w", j.dir, err)
	}
	j.st = st
	todo, err := j.Todo(j.All())
	if err != nil {
		return 0, err
	}
	return j.Chunks() - len(todo), nil
}
