package encode

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestTailWriter(t *testing.T) {
	for _, tc := range []struct {
		name   string
		writes []string
		want   string
	}{
		{"empty", nil, ""},
		{"fits", []string{"ab", "cd\n"}, "abcd\n"},
		{"exactly full", []string{"0123456789"}, "0123456789"},
		{"cut to a line boundary", []string{"first line\nsec", "ond\n"}, "second\n"},
		{"cut with no newline left", []string{"abcdefgh", "ijklmn"}, "efghijklmn"},
		{"one huge write", []string{"x\n" + strings.Repeat("y", 20) + "\nlast\n"}, "last\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tw := newTailWriter(10, nil)
			for _, w := range tc.writes {
				if n, err := tw.Write([]byte(w)); n != len(w) || err != nil {
					t.Fatalf("Write(%q) = %d, %v", w, n, err)
				}
			}
			if got := tw.String(); got != tc.want {
				t.Errorf("String() = %q, want %q", got, tc.want)
			}
		})
	}
}

type failingWriter struct{ calls int }

func (f *failingWriter) Write(p []byte) (int, error) {
	f.calls++
	return 0, errors.New("disk full")
}

func TestTailWriterTee(t *testing.T) {
	var buf bytes.Buffer
	tw := newTailWriter(4, &buf)
	_, _ = tw.Write([]byte("hello\n"))
	if buf.String() != "hello\n" {
		t.Errorf("tee got %q", buf.String())
	}

	// A failing tee is dropped, and never fails the write: ffmpeg's stderr
	// must keep draining.
	fw := &failingWriter{}
	tw = newTailWriter(100, fw)
	for range 3 {
		if n, err := tw.Write([]byte("log\n")); n != 4 || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	if fw.calls != 1 || tw.String() != "log\nlog\nlog\n" {
		t.Errorf("tee called %d times, tail %q; want 1 call and the full log", fw.calls, tw.String())
	}
}

func TestFFmpegErrorMessage(t *testing.T) {
	cause := errors.New("exit status 1")
	err := &FFmpegError{Output: "out.mp4", Op: "finish", Err: cause, Stderr: "[libx264 @ 0x1] broken\n  Conversion failed!\n"}
	want := "encode out.mp4: finish: ffmpeg: exit status 1: [libx264 @ 0x1] broken | Conversion failed!"
	if err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
	if !errors.Is(err, cause) {
		t.Error("FFmpegError does not unwrap to its cause")
	}
	err.Stderr = ""
	if got := err.Error(); got != "encode out.mp4: finish: ffmpeg: exit status 1" {
		t.Errorf("without stderr: %q", got)
	}
}
