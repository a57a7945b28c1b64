package captions

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
)

// WriteSRT writes cues as a SubRip (.srt) file: numbered cues, times as
// HH:MM:SS,mmm rounded to the millisecond, UTF-8, "\n" line ends (which
// every player and ffmpeg read).
//
// SRT has no escape syntax, yet players (and ffmpeg, which reads the file
// for --captions embed and burn) take <...> for an HTML tag, dropping the
// ones they do not know with their text, and {\...} for an ASS override.
// Captions are plain text, so the writer keeps them from being read as
// markup by putting an invisible U+200B ZERO WIDTH SPACE after a "<" that
// is not followed by a space and between "{" and "\". Blank lines, which
// would end a cue early, are dropped, and "-->", which some parsers take
// for a timing line, is written as "→".
//
// Cues must be in order of Start, each with text and ending after it
// starts; the first that is not is reported and nothing after it written.
func WriteSRT(w io.Writer, cues []Cue) error {
	return writeCues(w, cues, "", func(b *bufio.Writer, i int, c Cue, lines []string) {
		fmt.Fprintf(b, "%d\n%s --> %s\n", i+1, srtTime(c.Start), srtTime(c.End))
		for _, line := range lines {
			b.WriteString(srtEscape(line))
			b.WriteByte('\n')
		}
	})
}

// WriteVTT writes cues as a WebVTT (.vtt) file: the WEBVTT header, then
// each cue's times as HH:MM:SS.mmm rounded to the millisecond and its text
// with &, < and > escaped as character references (so text is never taken
// for markup, and "-->" cannot occur in it). Blank lines inside a cue are
// dropped. The rules on cues are those of WriteSRT.
func WriteVTT(w io.Writer, cues []Cue) error {
	esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	return writeCues(w, cues, "WEBVTT\n\n", func(b *bufio.Writer, _ int, c Cue, lines []string) {
		fmt.Fprintf(b, "%s --> %s\n", vttTime(c.Start), vttTime(c.End))
		for _, line := range lines {
			b.WriteString(esc.Replace(line))
			b.WriteByte('\n')
		}
	})
}

// zeroWidthSpace separates characters that would otherwise be read as
// markup, without showing.
const zeroWidthSpace = "\u200b"

func srtEscape(line string) string {
	line = strings.ReplaceAll(line, "-->", "→")
	line = strings.ReplaceAll(line, `{\`, "{"+zeroWidthSpace+`\`)
	var b strings.Builder
	for i, r := range line {
		b.WriteRune(r)
		if r == '<' && i+1 < len(line) && line[i+1] != ' ' {
			b.WriteString(zeroWidthSpace)
		}
	}
	return b.String()
}

// writeCues checks each cue, and writes header and then each cue (with
// its non-blank lines) followed by a blank line.
func writeCues(w io.Writer, cues []Cue, header string, cue func(b *bufio.Writer, i int, c Cue, lines []string)) error {
	b := bufio.NewWriter(w)
	b.WriteString(header)
	var prev time.Duration
	for i, c := range cues {
		var lines []string
		for _, line := range strings.Split(strings.ReplaceAll(c.Text, "\r\n", "\n"), "\n") {
			if line = strings.TrimSpace(line); line != "" {
				lines = append(lines, line)
			}
		}
		var err error
		switch {
		case len(lines) == 0:
			err = fmt.Errorf("cue %d (at %s) has no text", i+1, c.Start)
		case c.Start < 0:
			err = fmt.Errorf("cue %d starts at %s, before the video", i+1, c.Start)
		case c.End <= c.Start:
			err = fmt.Errorf("cue %d ends at %s, not after it starts at %s", i+1, c.End, c.Start)
		case c.Start < prev:
			err = fmt.Errorf("cue %d starts at %s, before cue %d (at %s): cues must be in order", i+1, c.Start, i, prev)
		}
		if err != nil {
			return fmt.Errorf("write captions: %w", err)
		}
		prev = c.Start
		cue(b, i, c, lines)
		b.WriteByte('\n')
	}
	if err := b.Flush(); err != nil {
		return fmt.Errorf("write captions: %w", err)
	}
	return nil
}

// srtTime formats d as HH:MM:SS,mmm.
func srtTime(d time.Duration) string {
	h, m, s, ms := clock(d)
	return fmt.Sprintf("%02d:%02d:%02d,%03d", h, m, s, ms)
}

// vttTime formats d as HH:MM:SS.mmm.
func vttTime(d time.Duration) string {
	h, m, s, ms := clock(d)
	return fmt.Sprintf("%02d:%02d:%02d.%03d", h, m, s, ms)
}

// clock splits d, rounded to the nearest millisecond, into hours, minutes,
// seconds and milliseconds. Rounding the same time the same way in every
// cue keeps a cue that ends when the next starts from overlapping it.
func clock(d time.Duration) (h, m, s, ms int64) {
	t := int64(d.Round(time.Millisecond) / time.Millisecond)
	return t / 3_600_000, t / 60_000 % 60, t / 1000 % 60, t % 1000
}
