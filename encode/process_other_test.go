//go:build !linux

package encode

import "testing"

// processState needs /proc; elsewhere the checks that use it are skipped.
func processState(t *testing.T, pid int) string {
	t.Skip("process state checks need /proc")
	return ""
}
