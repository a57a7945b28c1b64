//go:build !unix

package narrate

import (
	"os"
	"os/exec"
)

// inGroup interrupts cmd when its context ends; without process groups its
// children are not reached.
func inGroup(cmd *exec.Cmd) {
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
}

func killGroup(*exec.Cmd) {}
