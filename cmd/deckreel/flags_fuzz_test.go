package main

import (
	"strings"
	"testing"
	"time"
)

// FuzzDurationFlag checks --duration and --slide-duration: a value that
// parses is positive, within the limit and reads back the same from its
// String; a refusal is one line that never prints a number the user did
// not write (NaN once showed as a huge negative duration).
func FuzzDurationFlag(f *testing.F) {
	for _, s := range []string{"10s", "3.5", "1m30s", "NaN", "Inf", "-Inf", "-5", "0", "1e300", "24h", "24h0m0.000000001s", "86400.0000000001", "ten", "", "\x00", "\xff", "0x10", "1_0"} {
		f.Add(s)
	}
	const limit = 24 * time.Hour
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseDurationFlag(s, limit)
		if err != nil {
			msg := err.Error()
			if !strings.HasPrefix(msg, "must be a positive duration, got "+s) && !strings.HasPrefix(msg, s+" is longer than") {
				t.Fatalf("%q: message %q", s, msg)
			}
			return
		}
		if d <= 0 || d > limit {
			t.Fatalf("%q = %s, out of range", s, d)
		}
		if back, err := parseDurationFlag(d.String(), limit); err != nil || back != d {
			t.Fatalf("%q = %s reads back as %s, %v", s, d, back, err)
		}
	})
}

// FuzzSizeFlag checks --size: what parses is two positive numbers that
// read back the same.
func FuzzSizeFlag(f *testing.F) {
	for _, s := range []string{"1920x1080", "1920X1080", "0x0", "-640x360", "640x360x2", "x", "", "99999999999999999999x1", "+640x360", " 640x360 ", "\xffx1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, h, err := parseSizeFlag(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "must be WIDTHxHEIGHT") {
				t.Fatalf("%q: message %q", s, err)
			}
			return
		}
		if w <= 0 || h <= 0 {
			t.Fatalf("%q = %dx%d", s, w, h)
		}
		if bw, bh, err := parseSizeFlag((&sizeValue{w: &w, h: &h}).String()); err != nil || bw != w || bh != h {
			t.Fatalf("%q = %dx%d reads back as %dx%d, %v", s, w, h, bw, bh, err)
		}
	})
}
