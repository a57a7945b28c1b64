//go:build unix

package narrate

import (
	"os/exec"
	"syscall"
)

// inGroup runs cmd in a process group of its own, so that a stop reaches
// what it started too: a --tts-command is often a script whose engine is
// its child, and an interrupt to the script alone would leave the engine
// running.
func inGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGINT) }
}

// killGroup kills what is left of cmd's process group once cmd was
// stopped or failed.
func killGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
