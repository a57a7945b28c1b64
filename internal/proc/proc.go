// Package proc tells whether a process that left files behind is still
// running, so that a new run can sweep what a killed one left (temporary
// videos, browser profiles, job locks) without touching a live run's.
package proc

import (
	"os"
	"strconv"
	"strings"
)

// Tag names this process among others on shared storage: the host name
// (with the characters a file name must not hold replaced) and the pid,
// "host-1234". Files named with it can be swept by [Dead].
func Tag() string {
	host, _ := os.Hostname()
	return SafeHost(host) + "-" + strconv.Itoa(os.Getpid())
}

// SafeHost keeps a host name safe inside a file name.
func SafeHost(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == '.' || r == '-' || r < ' ' {
			return '_'
		}
		return r
	}, s)
}

// Dead reports whether tag (see [Tag]) names a process of this host that
// is no longer running. A tag of another host, or one it cannot read, is
// never dead: that process cannot be asked.
func Dead(tag string) bool {
	i := strings.LastIndexByte(tag, '-')
	if i < 0 {
		return false
	}
	pid, err := strconv.Atoi(tag[i+1:])
	host, _ := os.Hostname()
	if err != nil || pid <= 0 || tag[:i] != SafeHost(host) {
		return false
	}
	return !Alive(pid)
}
