package job

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// plantLock writes a lock file as another process would have, with the
// given modification time.
func plantLock(t *testing.T, j *Job, li LockInfo, mtime time.Time) string {
	t.Helper()
	data, _ := json.Marshal(li)
	path := filepath.Join(j.dir, lockDir, "planted-"+li.Host+".lock")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLockExcludes(t *testing.T) {
	s := testSettings()
	s.Frames = 3000
	j := newJob(t, s)
	a, err := j.Lock(Span{0, 5})
	if err != nil {
		t.Fatal(err)
	}
	b, err := j.Lock(Span{5, 10})
	if err != nil {
		t.Fatalf("disjoint shard: %v", err)
	}
	_, err = j.Lock(Span{4, 6})
	var le *LockedError
	if !errors.As(err, &le) {
		t.Fatalf("overlapping lock: %v, want a *LockedError", err)
	}
	if le.Holder.PID != os.Getpid() || !strings.Contains(err.Error(), "chunks 0-4 are being rendered by pid") {
		t.Errorf("LockedError = %v", err)
	}
	// The loser leaves no lock file behind.
	if locks, _ := j.Locks(); len(locks) != 2 {
		t.Errorf("%d lock files, want 2", len(locks))
	}
	if err := a.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := a.Unlock(); err != nil {
		t.Errorf("second Unlock: %v", err)
	}
	c, err := j.Lock(Span{0, 5})
	if err != nil {
		t.Fatalf("lock after Unlock: %v", err)
	}
	c.Unlock()
	b.Unlock()
	if ents, _ := os.ReadDir(filepath.Join(j.dir, lockDir)); len(ents) != 0 {
		t.Errorf("lock directory after Unlock: %d entries", len(ents))
	}
}

func TestLockStale(t *testing.T) {
	host, _ := os.Hostname()
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		holder    LockInfo
		age       time.Duration
		wantStale bool
	}{
		{"other host, fresh", LockInfo{Chunks: Span{0, 4}, Host: "pod-7", PID: 1}, time.Second, false},
		{"other host, not refreshed", LockInfo{Chunks: Span{0, 4}, Host: "pod-7", PID: 1}, 3 * LockStaleAfter, true},
		{"this host, process gone", LockInfo{Chunks: Span{0, 4}, Host: host, PID: dead.Process.Pid}, time.Second, true},
		{"this host, process alive", LockInfo{Chunks: Span{0, 4}, Host: host, PID: os.Getpid()}, time.Second, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := newJob(t, testSettings())
			path := plantLock(t, j, tt.holder, time.Now().Add(-tt.age))
			l, err := j.Lock(j.All())
			if !tt.wantStale {
				var le *LockedError
				if !errors.As(err, &le) {
					t.Fatalf("Lock over a live lock: %v, want a *LockedError", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Lock over a stale lock: %v", err)
			}
			defer l.Unlock()
			if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("stale lock file still there: %v", err)
			}
		})
	}
}

func TestLockDamagedIsStale(t *testing.T) {
	j := newJob(t, testSettings())
	if err := os.WriteFile(filepath.Join(j.dir, lockDir, "x.lock"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := j.Lock(j.All())
	if err != nil {
		t.Fatalf("Lock over a damaged lock file: %v", err)
	}
	l.Unlock()
}

func TestLockHeartbeat(t *testing.T) {
	j := newJob(t, testSettings())
	l, err := j.lock(j.All(), 5*time.Millisecond, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(l.path, old, old); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		fi, err := os.Stat(l.path)
		return err == nil && fi.ModTime().After(old.Add(time.Minute))
	})
	// A lock file removed under a live holder comes back.
	if err := os.Remove(l.path); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { _, err := os.Stat(l.path); return err == nil })
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(2 * time.Millisecond)
	}
}
