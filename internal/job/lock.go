package job

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/deckreel/deckreel/internal/proc"
)

// Lock timing defaults. A lock is refreshed (its file's mtime touched) every
// LockHeartbeat and counts as abandoned once it has not been refreshed for
// LockStaleAfter: a process on another machine (a pod that was preempted)
// cannot be asked whether it is alive. On the same host a lock whose process
// is gone is abandoned at once.
const (
	LockHeartbeat  = 10 * time.Second
	LockStaleAfter = 2 * time.Minute
)

// LockInfo is the content of a lock file: who renders which chunks.
type LockInfo struct {
	Chunks  Span      `json:"chunks"`
	Host    string    `json:"host"`
	PID     int       `json:"pid"`
	Started time.Time `json:"started"`
	// Refreshed is the lock file's modification time, which the holder
	// touches every LockHeartbeat. It is not stored in the file.
	Refreshed time.Time `json:"refreshed"`
	// Stale is set when the lock was abandoned (see LockStaleAfter).
	Stale bool   `json:"stale,omitempty"`
	path  string // the lock file
}

// LockedError is returned by [Job.Lock] when another live render holds a
// lock on some of the chunks.
type LockedError struct {
	Dir    string
	Want   Span
	Holder LockInfo
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("job %s: %s are being rendered by pid %d on %s since %s (lock %s, refreshed %s ago); wait for it, or stop it",
		e.Dir, e.Holder.Chunks, e.Holder.PID, e.Holder.Host, e.Holder.Started.Format(time.RFC3339),
		e.Holder.path, time.Since(e.Holder.Refreshed).Round(time.Second))
}

// Lock is a held lock on a span of chunks. The holder must call Unlock.
type Lock struct {
	path string
	stop chan struct{}
	wg   sync.WaitGroup
	once sync.Once
}

// Lock takes a lock on the chunks in span, so that no other process renders
// them at the same time, and starts a goroutine that refreshes it until
// Unlock. Renders of disjoint spans (the shards of a job) do not exclude
// each other. Abandoned locks that overlap span are removed, and so are the
// temporary files their encoders left in the chunks directory.
//
// Taking a lock writes a lock file first and then looks for overlapping
// ones, so two processes racing for the same chunks may both fail (each
// sees the other), but never both succeed. It returns a *[LockedError] when
// a live render holds an overlapping lock.
func (j *Job) Lock(span Span) (*Lock, error) {
	return j.lock(span, LockHeartbeat, LockStaleAfter)
}

func (j *Job) lock(span Span, heartbeat, staleAfter time.Duration) (*Lock, error) {
	host, _ := os.Hostname()
	info := LockInfo{Chunks: span, Host: host, PID: os.Getpid(), Started: time.Now().UTC()}
	data, err := json.Marshal(info)
	if err != nil {
		return nil, fmt.Errorf("lock %s of job %s: %w", span, j.dir, err)
	}
	dir := filepath.Join(j.dir, lockDir)
	name := fmt.Sprintf("%05d-%05d.%s.%d.%d.lock", span.Start, span.End, proc.SafeHost(host), info.PID, time.Now().UnixNano())
	path := filepath.Join(dir, name)
	if err := writeFileAtomic(path, data); err != nil {
		return nil, fmt.Errorf("lock %s of job %s: %w", span, j.dir, err)
	}
	others, err := j.readLocks(staleAfter)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("lock %s of job %s: %w", span, j.dir, err), os.Remove(path))
	}
	for _, o := range others {
		if o.path == path || o.Chunks.End <= span.Start || span.End <= o.Chunks.Start {
			continue
		}
		if !o.Stale {
			return nil, errors.Join(&LockedError{Dir: j.dir, Want: span, Holder: o}, os.Remove(path))
		}
		_ = os.Remove(o.path) // another process may have removed it first
	}
	j.removeTemps(span)
	l := &Lock{path: path, stop: make(chan struct{})}
	l.wg.Add(1)
	go l.refresh(heartbeat, data)
	return l, nil
}

// refresh touches the lock file every interval until Unlock; if the file
// has gone (removed by hand, or by a process that thought it stale after
// this one was stopped for a long time) it is written again.
func (l *Lock) refresh(interval time.Duration, data []byte) {
	defer l.wg.Done()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
			now := time.Now()
			if err := os.Chtimes(l.path, now, now); errors.Is(err, fs.ErrNotExist) {
				_ = writeFileAtomic(l.path, data)
			}
		}
	}
}

// Unlock stops refreshing the lock, waits for the refreshing goroutine and
// removes the lock file. Calls after the first do nothing.
func (l *Lock) Unlock() error {
	var err error
	l.once.Do(func() {
		close(l.stop)
		l.wg.Wait()
		err = removeDurable(l.path)
	})
	return err
}

// Locks lists the lock files of the job, abandoned ones included (marked
// Stale), for `deckreel status`.
func (j *Job) Locks() ([]LockInfo, error) { return j.readLocks(LockStaleAfter) }

func (j *Job) readLocks(staleAfter time.Duration) ([]LockInfo, error) {
	dir := filepath.Join(j.dir, lockDir)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read locks: %w", err)
	}
	host, _ := os.Hostname()
	var locks []LockInfo
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".lock") || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue // released meanwhile
		}
		var li LockInfo
		if err != nil || json.Unmarshal(data, &li) != nil {
			// Lock files are written atomically, so this is not a
			// half-written one; treat what cannot be read as abandoned
			// rather than block the job forever.
			li = LockInfo{Chunks: j.All(), Stale: true}
		}
		li.path = path
		if fi, err := os.Stat(path); err == nil {
			li.Refreshed = fi.ModTime()
		}
		if time.Since(li.Refreshed) > staleAfter || (li.Host == host && li.PID > 0 && !proc.Alive(li.PID)) {
			li.Stale = true
		}
		locks = append(locks, li)
	}
	return locks, nil
}

// removeTemps removes the temporary files that encoders of the chunks in
// span left behind when their process died (encode names them
// ".<key>.mp4.<anything>"). Only call it with the span locked.
func (j *Job) removeTemps(span Span) {
	dir := filepath.Join(j.dir, chunkDir)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	span = j.clip(span)
	keys := make(map[string]bool, span.Len())
	for i := span.Start; i < span.End; i++ {
		keys[j.st.Plan[i].Key] = true
	}
	for _, e := range ents {
		name := e.Name()
		if !strings.HasPrefix(name, ".") {
			continue
		}
		key, _, ok := strings.Cut(name[1:], ".")
		if !ok || !keys[key] {
			continue
		}
		_ = os.Remove(filepath.Join(dir, name))
	}
}
