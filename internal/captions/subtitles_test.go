package captions

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestWriteSRTAndVTT(t *testing.T) {
	cues := []Cue{
		{0, 2500 * time.Millisecond, "Hello & <welcome>\nto the talk {\\an8} < 3"},
		// Ends at 1 h 1 min 1.0005 s: rounds up to the next millisecond.
		{2500 * time.Millisecond, time.Hour + time.Minute + time.Second + 500*time.Microsecond, "A --> B\n\n  \nC "},
		{26*time.Hour + 999*time.Millisecond + 499*time.Microsecond, 27 * time.Hour, "x"},
	}
	for _, tc := range []struct {
		name  string
		write func(*bytes.Buffer, []Cue) error
		want  string
	}{
		{"srt", func(b *bytes.Buffer, c []Cue) error { return WriteSRT(b, c) }, strings.ReplaceAll(`1
00:00:00,000 --> 00:00:02,500
Hello & <\u200bwelcome>
to the talk {\u200b\an8} < 3

2
00:00:02,500 --> 01:01:01,001
A → B
C

3
26:00:00,999 --> 27:00:00,000
x

`, `\u200b`, "\u200b")},
		{"vtt", func(b *bytes.Buffer, c []Cue) error { return WriteVTT(b, c) }, `WEBVTT

00:00:00.000 --> 00:00:02.500
Hello &amp; &lt;welcome&gt;
to the talk {\an8} &lt; 3

00:00:02.500 --> 01:01:01.001
A --&gt; B
C

26:00:00.999 --> 27:00:00.000
x

`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.write(&b, cues); err != nil {
				t.Fatal(err)
			}
			if b.String() != tc.want {
				t.Errorf("got\n%s\nwant\n%s", b.String(), tc.want)
			}
		})
	}
}

func TestWriteCuesErrors(t *testing.T) {
	for _, tc := range []struct {
		cues []Cue
		want string
	}{
		{[]Cue{{0, time.Second, " \n "}}, "write captions: cue 1 (at 0s) has no text"},
		{[]Cue{{0, time.Second, "a"}, {time.Second, time.Second, "b"}}, "write captions: cue 2 ends at 1s, not after it starts at 1s"},
		{[]Cue{{-time.Second, time.Second, "a"}}, "write captions: cue 1 starts at -1s, before the video"},
		{[]Cue{{2 * time.Second, 3 * time.Second, "a"}, {time.Second, 4 * time.Second, "b"}},
			"write captions: cue 2 starts at 1s, before cue 1 (at 2s): cues must be in order"},
	} {
		for name, write := range map[string]func(*bytes.Buffer, []Cue) error{
			"srt": func(b *bytes.Buffer, c []Cue) error { return WriteSRT(b, c) },
			"vtt": func(b *bytes.Buffer, c []Cue) error { return WriteVTT(b, c) },
		} {
			if err := write(&bytes.Buffer{}, tc.cues); err == nil || err.Error() != tc.want {
				t.Errorf("%s: error = %v, want %q", name, err, tc.want)
			}
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrorsReported(t *testing.T) {
	cues := []Cue{{0, time.Second, "a"}}
	chs := []Chapter{{0, time.Second, "a"}}
	for name, err := range map[string]error{
		"srt":      WriteSRT(failWriter{}, cues),
		"vtt":      WriteVTT(failWriter{}, cues),
		"list":     WriteChapterList(failWriter{}, chs),
		"metadata": WriteFFMetadata(failWriter{}, "t", chs),
	} {
		if err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("%s: error = %v, want the write error", name, err)
		}
	}
}
