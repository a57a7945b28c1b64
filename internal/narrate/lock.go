package narrate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/deckreel/deckreel/internal/proc"
)

// The lock of a shared cache (Settings.Shared) is refreshed every
// lockHeartbeat and abandoned once it has not been for lockStaleAfter, as
// a job's chunk locks are: the holder may be a pod on another machine that
// was preempted. On the same host a lock whose process is gone is
// abandoned at once.
const (
	lockHeartbeat  = 10 * time.Second
	lockStaleAfter = 2 * time.Minute
	lockPoll       = 250 * time.Millisecond
	lockName       = ".synthesizing.lock"
)

// lockOwner is the content of a cache's lock file.
type lockOwner struct {
	Host string `json:"host"`
	PID  int    `json:"pid"`
}

// cacheLock is a held lock on a cache directory; release it with unlock.
type cacheLock struct {
	path string
	stop chan struct{}
	wg   sync.WaitGroup
}

// lockCache takes the lock of the cache in dir, waiting while another live
// process holds it (wait is called once when it starts waiting). Only one
// process synthesizes into a shared cache at a time, and the next finds
// what the first synthesized.
func lockCache(ctx context.Context, dir string, wait func(holder string)) (*cacheLock, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, &CacheError{Err: err}
	}
	host, _ := os.Hostname()
	me, _ := json.Marshal(lockOwner{Host: host, PID: os.Getpid()})
	path := filepath.Join(dir, lockName)
	waited := false
	for {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err == nil {
			_, err = f.Write(me)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				os.Remove(path)
				return nil, &CacheError{Err: fmt.Errorf("lock %s: %w", path, err)}
			}
			l := &cacheLock{path: path, stop: make(chan struct{})}
			l.wg.Add(1)
			go l.refresh()
			return l, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, &CacheError{Err: fmt.Errorf("lock %s: %w", path, err)}
		}
		holder, abandoned := lockHolder(path, host)
		if abandoned {
			os.Remove(path)
			continue
		}
		if !waited && wait != nil {
			wait(holder)
		}
		waited = true
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(lockPoll):
		}
	}
}

// lockHolder describes who holds the lock at path, and whether it was
// abandoned. A lock file that cannot be read yet (its holder is writing
// it) is held.
func lockHolder(path, host string) (string, bool) {
	st, err := os.Stat(path)
	if err != nil {
		return "", errors.Is(err, fs.ErrNotExist)
	}
	var o lockOwner
	b, _ := os.ReadFile(path)
	if json.Unmarshal(b, &o) == nil && o.PID > 0 {
		if o.Host == host && !proc.Alive(o.PID) {
			return "", true
		}
	}
	if time.Since(st.ModTime()) > lockStaleAfter {
		return "", true
	}
	return fmt.Sprintf("pid %d on %s", o.PID, o.Host), false
}

// refresh touches the lock file until unlock, so that it does not look
// abandoned.
func (l *cacheLock) refresh() {
	defer l.wg.Done()
	t := time.NewTicker(lockHeartbeat)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
			now := time.Now()
			_ = os.Chtimes(l.path, now, now)
		}
	}
}

// unlock releases the lock and waits for its refresher.
func (l *cacheLock) unlock() {
	close(l.stop)
	l.wg.Wait()
	os.Remove(l.path)
}
