//go:build !linux

package proc

// TreeMemory cannot tell on this system: 0.
func TreeMemory(int, string) int64 { return 0 }

// Available cannot tell on this system: 0.
func Available() int64 { return 0 }
