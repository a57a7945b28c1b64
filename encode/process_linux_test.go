package encode

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
)

// processState returns pid's state letter from /proc ("R", "S", "Z", ...)
// or "" if there is no such process.
func processState(t *testing.T, pid int) string {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if errors.Is(err, os.ErrNotExist) {
		return ""
	}
	if err != nil {
		t.Fatalf("read state of pid %d: %v", pid, err)
	}
	// The command name, in parentheses, may contain spaces.
	_, rest, ok := strings.Cut(string(b[strings.LastIndexByte(string(b), ')')+1:]), " ")
	if !ok || rest == "" {
		t.Fatalf("cannot parse /proc/%d/stat: %q", pid, b)
	}
	return rest[:1]
}
