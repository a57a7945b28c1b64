package proc

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
)

// TreeMemory is the resident memory, in bytes, of process pid and all its
// descendants (a browser and its renderers) whose command name contains
// name ("" for all of them); 0 when it cannot be read.
func TreeMemory(pid int, name string) int64 {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	parent := map[int]int{}
	rss := map[int]int64{}
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/status")
		if err != nil {
			continue
		}
		match := name == ""
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			k, v, _ := strings.Cut(sc.Text(), ":")
			v = strings.TrimSpace(v)
			switch k {
			case "Name":
				match = match || strings.Contains(v, name)
			case "PPid":
				parent[p], _ = strconv.Atoi(v)
			case "VmRSS":
				n, _ := strconv.ParseInt(strings.TrimSuffix(v, " kB"), 10, 64)
				rss[p] = n << 10
			}
		}
		if !match {
			delete(rss, p)
		}
	}
	var sum int64
	for p := range rss {
		for a := p; a > 1; a = parent[a] {
			if a == pid {
				sum += rss[p]
				break
			}
		}
	}
	return sum
}

// Available is the memory the system can give new processes without
// swapping (MemAvailable), in bytes; 0 when it cannot be read.
func Available() int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, ln := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(ln, "MemAvailable:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n << 10
		}
	}
	return 0
}
