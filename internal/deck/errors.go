package deck

import (
	"fmt"
	"strconv"
	"strings"
)

// Error is a problem in a deck that stops it from rendering. It names the
// file and, where known, the line, column and slide (1-based; 0 when not
// known), so the message can point the author at the spot:
//
//	talk.md:12: slide 3: unknown directive "durration" (known: duration, ...)
//
// Load returns every deck problem as an *Error; use errors.As to tell them
// from I/O errors.
type Error struct {
	File   string
	Line   int
	Column int
	Slide  int
	Msg    string
}

func (e *Error) Error() string { return position(e.File, e.Line, e.Column, e.Slide) + e.Msg }

// Warning is a problem that does not stop the render (a missing image, an
// unknown front-matter key). It has the same fields as Error.
type Warning struct {
	File   string
	Line   int
	Column int
	Slide  int
	Msg    string
}

func (w Warning) String() string { return position(w.File, w.Line, w.Column, w.Slide) + w.Msg }

func position(file string, line, col, slide int) string {
	var b strings.Builder
	if file != "" {
		b.WriteString(file)
		if line > 0 {
			b.WriteString(":" + strconv.Itoa(line))
			if col > 0 {
				b.WriteString(":" + strconv.Itoa(col))
			}
		}
		b.WriteString(": ")
	}
	if slide > 0 {
		b.WriteString("slide " + strconv.Itoa(slide) + ": ")
	}
	return b.String()
}

// pos is where something is in a deck file, for errors and warnings.
type pos struct {
	file      string
	line, col int
	slide     int
}

func (p pos) errorf(format string, args ...any) *Error {
	return &Error{File: p.file, Line: p.line, Column: p.col, Slide: p.slide, Msg: fmt.Sprintf(format, args...)}
}

func (p pos) warning(format string, args ...any) Warning {
	return Warning{File: p.file, Line: p.line, Column: p.col, Slide: p.slide, Msg: fmt.Sprintf(format, args...)}
}
