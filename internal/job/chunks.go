package job

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/deckreel/deckreel/internal/pool"
)

// ChunkState is what a chunk's files say about it.
type ChunkState string

// The chunk states. A chunk is done when its video exists, its done record
// (written by [Job.MarkDone]) says the video has the size it has now, and it
// is not marked for a rerun; damaged when its video exists but is not the
// one that was finished (truncated, replaced, or never recorded); failed
// when its last attempt failed and it is not done; pending otherwise. Only
// done chunks are joined: the others are rendered by the next run.
const (
	StatePending ChunkState = "pending"
	StateDone    ChunkState = "done"
	StateFailed  ChunkState = "failed"
	StateDamaged ChunkState = "damaged"
)

// doneRecord is what NNNN.done.json holds: what the chunk's video was when
// it was finished, so that a video cut short or swapped later is noticed
// without decoding it.
type doneRecord struct {
	Frames int   `json:"frames"`
	Size   int64 `json:"size"`
	// ModTime and Probe, if set, are the video's modification time and
	// what probing it found when it was finished (opaque here: the merge's
	// stream description), so that a join need not probe every chunk
	// again while the file is unchanged.
	ModTime time.Time       `json:"mod_time,omitzero"`
	Probe   json.RawMessage `json:"probe,omitempty"`
}

// Span is a half-open range of chunk indices [Start, End).
type Span struct{ Start, End int }

// Len returns the number of chunks in s.
func (s Span) Len() int { return s.End - s.Start }

// String formats s for messages: "chunks 3-7", "chunk 3" or "no chunks".
func (s Span) String() string {
	switch s.Len() {
	case 0:
		return "no chunks"
	case 1:
		return fmt.Sprintf("chunk %d", s.Start)
	}
	return fmt.Sprintf("chunks %d-%d", s.Start, s.End-1)
}

// All returns the span of every chunk of the job.
func (j *Job) All() Span { return Span{0, j.Chunks()} }

// Failure is what a failed chunk's NNNNN.failed.json holds.
type Failure struct {
	Attempts int       `json:"attempts"`
	Error    string    `json:"error"`
	Time     time.Time `json:"time"`
	Host     string    `json:"host,omitempty"`
}

// ChunkStatus is one chunk's state and, if it failed, why.
type ChunkStatus struct {
	Chunk int        `json:"chunk"`
	Start int        `json:"start"` // first frame
	End   int        `json:"end"`   // one past the last frame
	State ChunkState `json:"state"`
	// Rerun is set when the chunk was chosen for a rerun (--frames) and
	// has not been rendered again since.
	Rerun   bool     `json:"rerun,omitempty"`
	Failure *Failure `json:"failure,omitempty"`
	// Damage says why a damaged chunk's video is not trusted.
	Damage   string    `json:"damage,omitempty"`
	Key      string    `json:"key"`
	Modified time.Time `json:"modified,omitzero"` // of the video, when done
}

// files is one listing of the chunks directory, which tells every chunk's
// state at once.
type files map[string]fs.DirEntry

func (j *Job) list() (files, error) {
	ents, err := os.ReadDir(filepath.Join(j.dir, chunkDir))
	if err != nil {
		return nil, fmt.Errorf("read job %s: %w", j.dir, err)
	}
	m := make(files, len(ents))
	for _, e := range ents {
		m[e.Name()] = e
	}
	return m, nil
}

// chunkStatus derives chunk i's status from a listing. The done record is
// read for chunks with a video, the failure record only for chunks that are
// not done.
func (j *Job) chunkStatus(i int, fl files) ChunkStatus {
	r := j.ChunkRange(i)
	cs := ChunkStatus{Chunk: i, Start: r.Start, End: r.End, State: StatePending, Key: j.st.Plan[i].Key}
	video := fl[filepath.Base(j.ChunkPath(i))]
	_, cs.Rerun = fl[filepath.Base(j.rerunPath(i))]
	if video != nil && !cs.Rerun {
		info, err := video.Info()
		if err == nil {
			cs.Modified = info.ModTime().UTC()
			cs.Damage = j.checkDone(i, info.Size())
		} else {
			cs.Damage = err.Error()
		}
		if cs.Damage == "" {
			cs.State = StateDone
			return cs
		}
		cs.State = StateDamaged
	}
	if _, ok := fl[filepath.Base(j.failedPath(i))]; ok {
		f, err := j.readFailure(i)
		if err != nil {
			f = &Failure{Error: err.Error()}
		}
		if f != nil && cs.State != StateDamaged {
			cs.State, cs.Failure = StateFailed, f
		}
	}
	return cs
}

// checkDone compares chunk i's done record with its video's size and
// returns what is wrong, or "".
func (j *Job) checkDone(i int, size int64) string {
	data, err := os.ReadFile(j.donePath(i))
	if errors.Is(err, fs.ErrNotExist) {
		return "the video has no done record (it was not finished by deckreel, or deckreel stopped right after writing it)"
	}
	if err != nil {
		return fmt.Sprintf("read the done record: %v", err)
	}
	var d doneRecord
	if err := json.Unmarshal(data, &d); err != nil {
		return fmt.Sprintf("the done record is damaged: %v", err)
	}
	switch {
	case d.Size != size:
		return fmt.Sprintf("the video has %d bytes, %d when it was finished (cut short or replaced)", size, d.Size)
	case d.Frames != j.ChunkRange(i).Len():
		return fmt.Sprintf("the video was finished with %d frames, the chunk has %d", d.Frames, j.ChunkRange(i).Len())
	}
	return ""
}

func (j *Job) readFailure(i int) (*Failure, error) {
	data, err := os.ReadFile(j.failedPath(i))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil // removed since the listing: done after all
	}
	if err != nil {
		return nil, fmt.Errorf("read failure of chunk %d: %w", i, err)
	}
	var f Failure
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("read failure of chunk %d: %w", i, err)
	}
	return &f, nil
}

// Todo returns the chunks in span that are not done (pending or failed),
// in order: what a resume renders.
func (j *Job) Todo(span Span) ([]int, error) {
	span = j.clip(span)
	fl, err := j.list()
	if err != nil {
		return nil, err
	}
	var todo []int
	for i := span.Start; i < span.End; i++ {
		if j.chunkStatus(i, fl).State != StateDone {
			todo = append(todo, i)
		}
	}
	return todo, nil
}

// Ranges returns the frames of the given chunks (sorted, without repeats)
// as sorted, disjoint ranges, adjacent chunks merged into one range.
func (j *Job) Ranges(chunks []int) []pool.Range {
	var rs []pool.Range
	for _, c := range chunks {
		r := j.ChunkRange(c)
		if n := len(rs); n > 0 && rs[n-1].End == r.Start {
			rs[n-1].End = r.End
			continue
		}
		rs = append(rs, r)
	}
	return rs
}

func (j *Job) clip(s Span) Span {
	s.Start = max(s.Start, 0)
	s.End = min(s.End, j.Chunks())
	if s.End < s.Start {
		s.End = s.Start
	}
	return s
}

// MarkDone records that chunk i's video is in place: it writes the chunk's
// done record (the video's size and frames) and clears its failure record
// and rerun marker. Call it after the video has been synced and renamed to
// [Job.ChunkPath] and checked to have the chunk's frames; a crash between
// the two leaves a chunk without a record, which counts as damaged and is
// rendered once more, which is harmless.
//
// probe, if not nil, is what probing the video found (JSON), for
// [Job.DoneProbe].
func (j *Job) MarkDone(i int, probe json.RawMessage) error {
	info, err := os.Stat(j.ChunkPath(i))
	if err != nil {
		return fmt.Errorf("mark chunk %d done: %w", i, err)
	}
	data, err := json.Marshal(doneRecord{Frames: j.ChunkRange(i).Len(), Size: info.Size(), ModTime: info.ModTime().UTC(), Probe: probe})
	if err != nil {
		return fmt.Errorf("mark chunk %d done: %w", i, err)
	}
	if err := writeFileAtomic(j.donePath(i), append(data, '\n')); err != nil {
		return fmt.Errorf("mark chunk %d done: %w", i, err)
	}
	if err := removeDurable(j.rerunPath(i)); err != nil {
		return fmt.Errorf("mark chunk %d done: %w", i, err)
	}
	if err := removeDurable(j.failedPath(i)); err != nil {
		return fmt.Errorf("mark chunk %d done: %w", i, err)
	}
	return nil
}

// DoneProbe returns what probing chunk i's video found when it was
// finished, if it was recorded and the file still has the size and
// modification time it had then; otherwise the caller must probe it.
func (j *Job) DoneProbe(i int) (json.RawMessage, bool) {
	info, err := os.Stat(j.ChunkPath(i))
	if err != nil {
		return nil, false
	}
	data, err := os.ReadFile(j.donePath(i))
	if err != nil {
		return nil, false
	}
	var d doneRecord
	if json.Unmarshal(data, &d) != nil || d.Probe == nil || d.Size != info.Size() || !d.ModTime.Equal(info.ModTime().UTC()) {
		return nil, false
	}
	return d.Probe, true
}

// MarkFailed records that an attempt at chunk i failed with cause, counting
// the attempts. A video from an earlier run is kept: if the chunk was not
// marked for a rerun it stays done, as it was.
func (j *Job) MarkFailed(i int, cause error) error {
	prev, _ := j.readFailure(i) // a damaged record only loses the count
	f := Failure{Attempts: 1, Error: cause.Error(), Time: time.Now().UTC()}
	if prev != nil {
		f.Attempts = prev.Attempts + 1
	}
	f.Host, _ = os.Hostname()
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("mark chunk %d failed: %w", i, err)
	}
	if err := writeFileAtomic(j.failedPath(i), append(data, '\n')); err != nil {
		return fmt.Errorf("mark chunk %d failed: %w", i, err)
	}
	return nil
}

// MarkRerun marks the given chunks to be rendered again even if they are
// done. Their videos stay until the new ones replace them, but they count
// as not done (so a merge refuses to use them) until then.
func (j *Job) MarkRerun(chunks []int) error {
	for _, c := range chunks {
		if c < 0 || c >= j.Chunks() {
			return fmt.Errorf("mark chunk %d for a rerun: the job has chunks 0-%d", c, j.Chunks()-1)
		}
		if err := writeFileAtomic(j.rerunPath(c), nil); err != nil {
			return fmt.Errorf("mark chunk %d for a rerun: %w", c, err)
		}
	}
	return nil
}

// Status is a snapshot of a job for `deckreel status`.
type Status struct {
	Dir          string        `json:"dir"`
	Settings     Settings      `json:"settings"`
	SettingsHash string        `json:"settings_hash"`
	InputHash    string        `json:"input_hash"`
	Created      time.Time     `json:"created"`
	Chunks       []ChunkStatus `json:"chunks"`
	// Counts of chunks by state, and of their frames (damaged chunks count
	// as pending too: they are rendered again).
	Done, Failed, Pending, Damaged          int `json:"-"`
	DoneFrames, FailedFrames, PendingFrames int `json:"-"`
	// Locks are the renders holding (or having left) a lock on chunks.
	Locks []LockInfo `json:"locks,omitempty"`
}

// Status reads the state of every chunk. It costs one directory listing
// plus one small read per failed chunk.
func (j *Job) Status() (Status, error) {
	fl, err := j.list()
	if err != nil {
		return Status{}, err
	}
	st := Status{
		Dir: j.dir, Settings: j.st.Settings, SettingsHash: j.st.SettingsHash,
		InputHash: j.st.InputHash, Created: j.st.Created,
		Chunks: make([]ChunkStatus, j.Chunks()),
	}
	for i := range st.Chunks {
		cs := j.chunkStatus(i, fl)
		st.Chunks[i] = cs
		n := cs.End - cs.Start
		switch cs.State {
		case StateDone:
			st.Done++
			st.DoneFrames += n
		case StateFailed:
			st.Failed++
			st.FailedFrames += n
		case StateDamaged:
			st.Damaged++
			st.Pending++
			st.PendingFrames += n
		default:
			st.Pending++
			st.PendingFrames += n
		}
	}
	st.Locks, err = j.Locks()
	return st, err
}

// Runs groups consecutive chunks that share a state (and, for failed
// chunks, the same error) for a compact listing.
func (s Status) Runs() []Run {
	var runs []Run
	for _, c := range s.Chunks {
		if n := len(runs); n > 0 {
			r := &runs[n-1]
			if r.State == c.State && r.Rerun == c.Rerun && r.Chunks.End == c.Chunk && sameFailure(r.Failure, c.Failure) && r.Damage == c.Damage {
				r.Chunks.End, r.Frames.End = c.Chunk+1, c.End
				continue
			}
		}
		runs = append(runs, Run{State: c.State, Rerun: c.Rerun, Chunks: Span{c.Chunk, c.Chunk + 1},
			Frames: pool.Range{Start: c.Start, End: c.End}, Failure: c.Failure, Damage: c.Damage})
	}
	return runs
}

// Run is a group of consecutive chunks in the same state.
type Run struct {
	State   ChunkState
	Rerun   bool
	Chunks  Span
	Frames  pool.Range
	Failure *Failure // of the first chunk, for failed runs
	Damage  string   // why the chunks are damaged, for damaged runs
}

func sameFailure(a, b *Failure) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Error == b.Error
}

// FrameList formats frame ranges the way --frames reads them, last frames
// inclusive: "120-239,600-659".
func FrameList(rs []pool.Range) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		if r.Len() == 1 {
			parts[i] = strconv.Itoa(r.Start)
		} else {
			parts[i] = fmt.Sprintf("%d-%d", r.Start, r.End-1)
		}
	}
	return strings.Join(parts, ",")
}
