package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// usageError is a mistake in the command line: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{msg: fmt.Sprintf(format, args...)} }

// errHelp is returned after --help printed the usage.
var errHelp = errors.New("help shown")

// parseInterspersed parses flags that may come before or after the
// positional arguments (deckreel render page.html -o out.mp4), which the
// flag package alone stops at.
func parseInterspersed(fs *flag.FlagSet, args []string, stdout io.Writer) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.SetOutput(stdout)
				fs.Usage()
				return nil, errHelp
			}
			return nil, usagef("%s: %v (see 'deckreel %s --help')", fs.Name(), err, fs.Name())
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// durationValue accepts Go durations (10s, 1m30s, 3.5s) and bare seconds.
type durationValue struct{ d *time.Duration }

func (v durationValue) String() string {
	if v.d == nil {
		return ""
	}
	return v.d.String()
}

func (v durationValue) Set(s string) error {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		// NaN and infinities parse as floats, and 1e300 seconds
		// overflows: none is a length.
		if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > float64(math.MaxInt64)/float64(time.Second) {
			return fmt.Errorf("not a duration: %q (examples: 10s, 3.5s, 1m30s)", s)
		}
		*v.d = time.Duration(f * float64(time.Second))
		return nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("not a duration: %q (examples: 10s, 3.5s, 1m30s)", s)
	}
	*v.d = d
	return nil
}

// sizeValue parses WIDTHxHEIGHT.
type sizeValue struct{ w, h *int }

func (v sizeValue) String() string {
	if v.w == nil {
		return ""
	}
	return fmt.Sprintf("%dx%d", *v.w, *v.h)
}

func (v sizeValue) Set(s string) error {
	ws, hs, ok := strings.Cut(strings.ToLower(s), "x")
	w, err1 := strconv.Atoi(ws)
	h, err2 := strconv.Atoi(hs)
	if !ok || err1 != nil || err2 != nil {
		return fmt.Errorf("not a size: %q (want WIDTHxHEIGHT, e.g. 1920x1080)", s)
	}
	*v.w, *v.h = w, h
	return nil
}
