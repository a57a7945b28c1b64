package narrate

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestAbandonedLock: a lock whose process is gone (same host), or that
// has not been refreshed for lockStaleAfter (another host), is taken over;
// a live one is waited for until ctx ends.
func TestAbandonedLock(t *testing.T) {
	host, _ := os.Hostname()
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip(err)
	}
	for _, tc := range []struct {
		name  string
		owner lockOwner
		age   time.Duration
		taken bool
	}{
		{"dead process", lockOwner{Host: host, PID: dead.Process.Pid}, 0, true},
		{"another host, stale", lockOwner{Host: "elsewhere", PID: 1}, lockStaleAfter + time.Minute, true},
		{"another host, fresh", lockOwner{Host: "elsewhere", PID: 1}, 0, false},
		{"live process", lockOwner{Host: host, PID: os.Getpid()}, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			b, _ := json.Marshal(tc.owner)
			path := filepath.Join(dir, lockName)
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			then := time.Now().Add(-tc.age)
			if err := os.Chtimes(path, then, then); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 3*lockPoll)
			defer cancel()
			var waitedFor string
			l, err := lockCache(ctx, dir, func(h string) { waitedFor = h })
			if tc.taken {
				if err != nil {
					t.Fatalf("lockCache: %v, want the abandoned lock taken", err)
				}
				l.unlock()
				if _, err := os.Stat(path); !os.IsNotExist(err) {
					t.Errorf("unlock left the lock file: %v", err)
				}
				return
			}
			if err == nil {
				l.unlock()
				t.Fatal("took a held lock")
			}
			if waitedFor == "" {
				t.Errorf("waited without saying for whom")
			}
		})
	}
}
