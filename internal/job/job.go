package job

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/deckreel/deckreel/internal/pool"
)

// Version is the layout version of job.json that this package writes and
// reads.
const Version = 1

// File names inside a job directory.
const (
	stateFile = "job.json"
	chunkDir  = "chunks"
	lockDir   = "locks"
)

// ErrNoJob is returned by [Open] when the directory holds no job.
var ErrNoJob = errors.New("not a job directory (no job.json)")

// state is the content of job.json.
type state struct {
	Version      int       `json:"version"`
	Created      time.Time `json:"created"`
	Settings     Settings  `json:"settings"`
	SettingsHash string    `json:"settings_hash"`
	InputHash    string    `json:"input_hash"`
	Chunks       int       `json:"chunks"`
}

// Job is an open job directory. Its methods read and write files in the
// directory and are safe for concurrent use by the goroutines of one
// process; processes coordinate through [Job.Lock] and by never writing the
// same file.
type Job struct {
	dir string
	st  state
}

// Create makes dir (if needed) a new job for settings s and the input whose
// content hash is inputHash (see [HashInput]). Zero ChunkFrames and Epoch
// take their defaults. It fails with an error matching fs.ErrExist if dir
// already holds a job; use [OpenOrCreate] to join an existing one.
func Create(dir string, s Settings, inputHash string) (*Job, error) {
	s = s.withDefaults(time.Now())
	if err := s.validate(); err != nil {
		return nil, fmt.Errorf("create job %s: %w", dir, err)
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
		InputHash:    inputHash,
		Chunks:       (s.Frames + s.ChunkFrames - 1) / s.ChunkFrames,
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
	var st state
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("open job %s: %s is damaged: %w", dir, stateFile, err)
	}
	switch {
	case st.Version != Version:
		return nil, fmt.Errorf("open job %s: layout version %d, this deckreel reads version %d", dir, st.Version, Version)
	case st.Settings.validate() != nil:
		return nil, fmt.Errorf("open job %s: %s is damaged: %w", dir, stateFile, st.Settings.validate())
	case st.Settings.Hash() != st.SettingsHash:
		return nil, fmt.Errorf("open job %s: %s is damaged: its settings do not match their hash", dir, stateFile)
	case st.Chunks != (st.Settings.Frames+st.Settings.ChunkFrames-1)/st.Settings.ChunkFrames:
		return nil, fmt.Errorf("open job %s: %s is damaged: %d chunks for %d frames of %d", dir, stateFile, st.Chunks, st.Settings.Frames, st.Settings.ChunkFrames)
	}
	for _, sub := range []string{chunkDir, lockDir} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return nil, fmt.Errorf("open job %s: %w", dir, err)
		}
	}
	return &Job{dir: dir, st: st}, nil
}

// OpenOrCreate opens the job in dir and checks it against s and inputHash,
// or creates it if there is none. Shards starting at once on an empty
// directory all end up with the one job the first of them created (and its
// epoch). created reports whether this call created it. A mismatch is a
// *[MismatchError].
func OpenOrCreate(dir string, s Settings, inputHash string) (j *Job, created bool, err error) {
	j, err = Open(dir)
	if errors.Is(err, ErrNoJob) {
		j, err = Create(dir, s, inputHash)
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
	return j, false, j.Check(s, inputHash)
}

// Dir returns the job directory.
func (j *Job) Dir() string { return j.dir }

// Settings returns the job's settings, with the chunk size and epoch it
// was created with. A resume renders with these.
func (j *Job) Settings() Settings { return j.st.Settings }

// InputHash returns the content hash of the input the job renders.
func (j *Job) InputHash() string { return j.st.InputHash }

// Chunks returns the number of chunks.
func (j *Job) Chunks() int { return j.st.Chunks }

// ChunkRange returns the frames of chunk i, which must be in [0, Chunks()).
func (j *Job) ChunkRange(i int) pool.Range {
	c := j.st.Settings.ChunkFrames
	return pool.Range{Start: i * c, End: min((i+1)*c, j.st.Settings.Frames)}
}

// ChunkOf returns the chunk that holds frame f.
func (j *Job) ChunkOf(f int) int { return f / j.st.Settings.ChunkFrames }

// ChunkPath returns the path of chunk i's video. The file exists only once
// the chunk is complete; the encoder must write it atomically (a temporary
// file in the same directory, synced and renamed).
func (j *Job) ChunkPath(i int) string {
	return filepath.Join(j.dir, chunkDir, fmt.Sprintf("%05d.mp4", i))
}

func (j *Job) failedPath(i int) string {
	return filepath.Join(j.dir, chunkDir, fmt.Sprintf("%05d.failed.json", i))
}

func (j *Job) rerunPath(i int) string {
	return filepath.Join(j.dir, chunkDir, fmt.Sprintf("%05d.rerun", i))
}

// Check compares a run's settings and input hash with the job's and returns
// a *[MismatchError] describing every difference, or nil. Zero Epoch and
// ChunkFrames in s match anything, and Output is not compared.
func (j *Job) Check(s Settings, inputHash string) error {
	e := &MismatchError{Dir: j.dir, Settings: diff(j.st.Settings, s), InputChanged: inputHash != j.st.InputHash}
	if len(e.Settings) == 0 && !e.InputChanged {
		return nil
	}
	return e
}

// AcceptInput records inputHash as the job's input hash: the caller has
// marked the frames that the change affects for a rerun (see [Job.Select])
// and vouches that the others are unchanged. It rewrites job.json
// atomically, so it must not run while another process (a shard) may be
// doing the same.
func (j *Job) AcceptInput(inputHash string) error {
	if inputHash == j.st.InputHash {
		return nil
	}
	st := j.st
	st.InputHash = inputHash
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("update job %s: %w", j.dir, err)
	}
	if err := writeFileAtomic(filepath.Join(j.dir, stateFile), append(data, '\n')); err != nil {
		return fmt.Errorf("update job %s: %w", j.dir, err)
	}
	j.st = st
	return nil
}
