package proc

import (
	"os"
	"os/exec"
	"testing"
)

// TestTreeMemory: a process tree's memory counts its children, and a name
// filter counts only the processes it names.
func TestTreeMemory(t *testing.T) {
	child := exec.Command("sleep", "30")
	if err := child.Start(); err != nil {
		t.Skip(err)
	}
	defer func() { _ = child.Process.Kill(); _ = child.Wait() }()
	self := TreeMemory(os.Getpid(), "")
	sleep := TreeMemory(os.Getpid(), "sleep")
	switch {
	case self <= 0:
		t.Fatalf("tree memory %d", self)
	case sleep <= 0 || sleep >= self:
		t.Errorf("the sleep child's memory %d, of the tree's %d", sleep, self)
	case TreeMemory(os.Getpid(), "no such program") != 0:
		t.Errorf("a name no process has counts memory")
	}
	if Available() <= 0 {
		t.Errorf("no available memory read")
	}
}
