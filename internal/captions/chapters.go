package captions

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
)

// Chapter is a titled part of the video, usually one slide (or several
// slides in a row that share a title).
type Chapter struct {
	Start, End time.Duration
	Title      string
}

// MergeChapters returns chs with each chapter whose title is empty or the
// same as the one before it merged into that one (a slide continued, or an
// untitled slide inside a section). The first chapter is kept even when
// its title is empty; the caller must name it (for example after the deck)
// before writing. chs is not modified.
func MergeChapters(chs []Chapter) []Chapter {
	var out []Chapter
	for _, c := range chs {
		c.Title = oneLine(c.Title)
		if n := len(out); n > 0 && (c.Title == "" || c.Title == out[n-1].Title) {
			out[n-1].End = max(out[n-1].End, c.End)
			continue
		}
		out = append(out, c)
	}
	return out
}

// WriteChapterList writes one "0:00 Title" line per chapter, the form video
// sites (YouTube, Vimeo) read from a video's description: minutes and
// seconds, with hours (h:mm:ss) from the first hour on. Times are rounded
// down to the second so a click never lands after the chapter's start.
// Line breaks in a title become spaces.
//
// The first chapter must start at 0, titles must not be empty and starts
// must increase. YouTube also wants at least three chapters of at least 10
// seconds each; that is not checked, since the list is useful anyway.
func WriteChapterList(w io.Writer, chs []Chapter) error {
	if err := checkChapters(chs); err != nil {
		return fmt.Errorf("write chapter list: %w", err)
	}
	if len(chs) > 0 && chs[0].Start != 0 {
		return fmt.Errorf("write chapter list: the first chapter starts at %s; it must start at 0:00", chs[0].Start)
	}
	b := bufio.NewWriter(w)
	for _, c := range chs {
		fmt.Fprintf(b, "%s %s\n", listTime(c.Start), oneLine(c.Title))
	}
	if err := b.Flush(); err != nil {
		return fmt.Errorf("write chapter list: %w", err)
	}
	return nil
}

// WriteFFMetadata writes chs (and title, the video's title, unless empty) as
// an ffmpeg FFMETADATA1 file, for an ffmpeg command to read with
// `-f ffmetadata -i FILE` and copy into its output with `-map_metadata N
// -map_chapters N`. Times are in milliseconds (TIMEBASE=1/1000), rounded to
// the nearest one. Special characters in values (= ; # \ and line breaks)
// are escaped with a backslash, as the format requires.
//
// Every chapter must end after it starts and none may start before the one
// before it ends.
func WriteFFMetadata(w io.Writer, title string, chs []Chapter) error {
	if err := checkChapters(chs); err != nil {
		return fmt.Errorf("write chapter metadata: %w", err)
	}
	b := bufio.NewWriter(w)
	b.WriteString(";FFMETADATA1\n")
	if title != "" {
		fmt.Fprintf(b, "title=%s\n", metadataEscape(title))
	}
	for _, c := range chs {
		fmt.Fprintf(b, "\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=%d\nEND=%d\ntitle=%s\n",
			millis(c.Start), millis(c.End), metadataEscape(c.Title))
	}
	if err := b.Flush(); err != nil {
		return fmt.Errorf("write chapter metadata: %w", err)
	}
	return nil
}

func checkChapters(chs []Chapter) error {
	for i, c := range chs {
		switch {
		case strings.TrimSpace(c.Title) == "":
			return fmt.Errorf("chapter %d (at %s) has no title", i+1, c.Start)
		case c.Start < 0:
			return fmt.Errorf("chapter %d %q starts at %s, before the video", i+1, c.Title, c.Start)
		case c.End <= c.Start:
			return fmt.Errorf("chapter %d %q ends at %s, not after it starts at %s", i+1, c.Title, c.End, c.Start)
		case i > 0 && c.Start < chs[i-1].End:
			return fmt.Errorf("chapter %d %q starts at %s, before chapter %d ends at %s", i+1, c.Title, c.Start, i, chs[i-1].End)
		}
	}
	return nil
}

// listTime formats d, rounded down to the second, as m:ss or h:mm:ss.
func listTime(d time.Duration) string {
	s := int64(d / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

func millis(d time.Duration) int64 {
	return int64(d.Round(time.Millisecond) / time.Millisecond)
}

// metadataEscape escapes a FFMETADATA1 value. A line break is kept as a
// backslash followed by the break, which ffmpeg reads back as the break.
var metadataEscape = strings.NewReplacer(
	`\`, `\\`, "=", `\=`, ";", `\;`, "#", `\#`, "\n", "\\\n", "\r", "\\\r",
).Replace

// oneLine collapses runs of white space, line breaks included, into single
// spaces.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
