package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
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
			if bad := failedValue(fs); bad != nil {
				return nil, bad
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

// checkedValue is a flag value that keeps the error of a value it refused.
// The flag package reports a refused value as "invalid value "NaN" for flag
// -duration: ..." and keeps only the text; parseInterspersed reports the
// kept error instead, one line that names the flag as it is written
// (--duration) and what it wants.
type checkedValue interface {
	flag.Value
	failed() error
}

// failedValue is the error kept by the flag of fs that refused its value,
// or nil.
func failedValue(fs *flag.FlagSet) error {
	var bad error
	fs.VisitAll(func(f *flag.Flag) {
		if v, ok := f.Value.(checkedValue); ok && bad == nil {
			bad = v.failed()
		}
	})
	return bad
}

// durationValue accepts Go durations (10s, 1m30s, 3.5s) and bare seconds,
// longer than zero and at most max. name is the flag's, for the message.
type durationValue struct {
	d    *time.Duration
	name string
	max  time.Duration
	err  error
}

func (v *durationValue) String() string {
	if v == nil || v.d == nil || *v.d == 0 {
		return ""
	}
	return v.d.String()
}

func (v *durationValue) failed() error { return v.err }

func (v *durationValue) Set(s string) error {
	d, err := parseDurationFlag(s, v.max)
	if err != nil {
		v.err = usagef("--%s %v", v.name, err)
		return v.err
	}
	*v.d = d
	return nil
}

// parseDurationFlag reads a duration flag's value; the error completes
// "--duration ...".
func parseDurationFlag(s string, limit time.Duration) (time.Duration, error) {
	bad := fmt.Errorf("must be a positive duration, got %s (examples: 10s, 3.5s, 1m30s)", s)
	var d time.Duration
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		// NaN and infinities parse as floats, and 1e300 seconds
		// overflows a Duration: none is a length.
		if math.IsNaN(f) || math.IsInf(f, 0) || f <= 0 {
			return 0, bad
		}
		if f > limit.Seconds() {
			return 0, fmt.Errorf("%s is longer than the %s limit", s, limit)
		}
		d = time.Duration(math.Round(f * float64(time.Second)))
	} else {
		// time.ParseDuration refuses what overflows.
		if d, err = time.ParseDuration(s); err != nil {
			return 0, bad
		}
	}
	switch {
	case d <= 0:
		return 0, bad
	case d > limit:
		return 0, fmt.Errorf("%s is longer than the %s limit", s, limit)
	}
	return d, nil
}

// sizeValue parses WIDTHxHEIGHT; Request.Validate checks the bounds.
type sizeValue struct {
	w, h *int
	err  error
}

func (v *sizeValue) String() string {
	if v == nil || v.w == nil {
		return ""
	}
	return fmt.Sprintf("%dx%d", *v.w, *v.h)
}

func (v *sizeValue) failed() error { return v.err }

func (v *sizeValue) Set(s string) error {
	w, h, err := parseSizeFlag(s)
	if err != nil {
		v.err = usagef("--size %v", err)
		return v.err
	}
	*v.w, *v.h = w, h
	return nil
}

// parseSizeFlag reads WIDTHxHEIGHT of positive whole numbers; the error
// completes "--size ...".
func parseSizeFlag(s string) (w, h int, err error) {
	ws, hs, ok := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "x")
	w, err1 := strconv.Atoi(ws)
	h, err2 := strconv.Atoi(hs)
	if !ok || err1 != nil || err2 != nil || w <= 0 || h <= 0 || strings.HasPrefix(ws, "+") || strings.HasPrefix(hs, "+") {
		return 0, 0, fmt.Errorf("must be WIDTHxHEIGHT in pixels, e.g. 1920x1080, got %q", s)
	}
	return w, h, nil
}

// noSandbox reports whether Chrome runs without its sandbox, as the
// container image asks (DECKREEL_NO_SANDBOX): a non-root user in a
// container without user namespaces cannot start it otherwise.
func noSandbox() bool { return os.Getenv("DECKREEL_NO_SANDBOX") != "" }

// workersValue is --workers: auto (0) or a count of tabs.
type workersValue struct {
	n   *int
	err error
}

func (v *workersValue) String() string {
	if v == nil || v.n == nil || *v.n == 0 {
		return "auto"
	}
	return strconv.Itoa(*v.n)
}

func (v *workersValue) failed() error { return v.err }

func (v *workersValue) Set(s string) error {
	if s == "auto" || s == "0" {
		*v.n = 0
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		v.err = usagef("--workers must be auto or a number of tabs from 1, got %q", s)
		return v.err
	}
	*v.n = n
	return nil
}

// memoryValue is --max-memory: a size in bytes with an optional K, M, G or
// T suffix (powers of 1024), or auto (0: what the machine has free).
type memoryValue struct {
	b   *int64
	err error
}

func (v *memoryValue) String() string {
	if v == nil || v.b == nil || *v.b == 0 {
		return "auto"
	}
	return strconv.FormatInt(*v.b>>20, 10) + "M"
}

func (v *memoryValue) failed() error { return v.err }

func (v *memoryValue) Set(s string) error {
	if s == "auto" {
		*v.b = 0
		return nil
	}
	b, err := parseMemory(s)
	if err != nil {
		v.err = usagef("--max-memory %v", err)
		return v.err
	}
	*v.b = b
	return nil
}

// parseMemory reads 512M, 4G, 1.5G or a number of bytes; the error
// completes "--max-memory ...".
func parseMemory(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSuffix(strings.TrimSpace(s), "B"))
	mult := 1.0
	if t != "" {
		if i := strings.IndexByte("KMGT", t[len(t)-1]); i >= 0 {
			mult = math.Pow(1024, float64(i+1))
			t = t[:len(t)-1]
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(f) || f <= 0 || f*mult > math.MaxInt64/2 {
		return 0, fmt.Errorf("must be a size such as 512M or 4G, got %q", s)
	}
	return int64(f * mult), nil
}
