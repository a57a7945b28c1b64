package captions

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Cue is text shown from Start until End. As Split's input it is one
// slide's speaker notes over the slide's time; as its output, one caption
// whose lines are separated by "\n".
type Cue struct {
	Start, End time.Duration
	Text       string
}

// Default caption limits: two lines of at most 42 characters is what
// broadcast and streaming style guides ask for, and what fits a phone
// screen at a readable size.
const (
	DefaultMaxLineLen = 42
	DefaultMaxLines   = 2
)

// Layout limits the size of a caption. Zero fields mean the defaults.
type Layout struct {
	// MaxLineLen is the most characters (Unicode code points) on a line. A
	// word longer than this is broken across lines.
	MaxLineLen int
	// MaxLines is the most lines in one cue.
	MaxLines int
}

func (l Layout) withDefaults() Layout {
	if l.MaxLineLen <= 0 {
		l.MaxLineLen = DefaultMaxLineLen
	}
	if l.MaxLines <= 0 {
		l.MaxLines = DefaultMaxLines
	}
	return l
}

// Split turns each slide's notes into captions that fit layout. notes holds
// one Cue per slide with notes: the slide's start and end time and its notes
// as plain text (Markdown markup is shown as written). Notes with no text,
// or a slide with no time, give no captions.
//
// Text is broken at sentence ends where it can be, and at a blank line
// always (a paragraph never shares a caption with the next). A sentence
// too long for one caption is broken after a comma, semicolon or colon if
// that does not leave a caption less than half full, and otherwise after
// the last word that fits. A cue's lines are balanced: as short as they
// can be without needing another line.
//
// A slide's time is shared between its captions in proportion to their
// length in characters, so each is on screen about as long as it takes to
// read; the first starts with the slide and the last ends with it, never
// later. Split does not look at other slides: if notes overlap, so will
// their captions.
func Split(notes []Cue, layout Layout) ([]Cue, error) {
	l := layout.withDefaults()
	var out []Cue
	for i, n := range notes {
		switch {
		case n.Start < 0:
			return nil, fmt.Errorf("notes %d: starts at %s, before the video", i+1, n.Start)
		case n.End < n.Start:
			return nil, fmt.Errorf("notes %d: ends at %s, before it starts at %s", i+1, n.End, n.Start)
		case n.End == n.Start:
			continue
		}
		texts := l.chunk(n.Text)
		if len(texts) == 0 {
			continue
		}
		weights := make([]int, len(texts))
		total := 0
		for k, t := range texts {
			weights[k] = utf8.RuneCountInString(t)
			total += weights[k]
		}
		span := float64(n.End - n.Start)
		start, cum := n.Start, 0
		for k, t := range texts {
			cum += weights[k]
			end := n.End
			if k < len(texts)-1 {
				end = n.Start + time.Duration(span*float64(cum)/float64(total)+0.5)
			}
			out = append(out, Cue{Start: start, End: end, Text: t})
			start = end
		}
	}
	return out, nil
}

// chunk breaks text into caption texts, each wrapped into lines.
func (l Layout) chunk(text string) []string {
	var cues [][]string
	for _, para := range paragraphs(text) {
		var cur []string
		for _, sentence := range sentences(l.words(para)) {
			if next := append(cur[:len(cur):len(cur)], sentence...); l.fits(next) {
				cur = next
				continue
			}
			if len(cur) > 0 {
				cues = append(cues, cur)
				cur = nil
			}
			if l.fits(sentence) {
				cur = sentence
				continue
			}
			parts := l.splitLong(sentence)
			cues = append(cues, parts[:len(parts)-1]...)
			cur = parts[len(parts)-1]
		}
		if len(cur) > 0 {
			cues = append(cues, cur)
		}
	}
	texts := make([]string, len(cues))
	for i, c := range cues {
		texts[i] = strings.Join(l.balance(c), "\n")
	}
	return texts
}

// paragraphs splits text at blank lines.
func paragraphs(text string) []string {
	var paras []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			paras = append(paras, strings.Join(cur, " "))
			cur = nil
		}
	}
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		cur = append(cur, line)
	}
	flush()
	return paras
}

// words splits a paragraph into words, breaking any word longer than a
// line (a URL, say) into line-long pieces.
func (l Layout) words(para string) []string {
	var ws []string
	for _, w := range strings.Fields(para) {
		for utf8.RuneCountInString(w) > l.MaxLineLen {
			cut := 0
			for range l.MaxLineLen {
				_, size := utf8.DecodeRuneInString(w[cut:])
				cut += size
			}
			ws = append(ws, w[:cut])
			w = w[cut:]
		}
		ws = append(ws, w)
	}
	return ws
}

// sentences groups words into sentences.
func sentences(words []string) [][]string {
	var out [][]string
	start := 0
	for i, w := range words {
		if endsSentence(w) || i == len(words)-1 {
			out = append(out, words[start:i+1:i+1])
			start = i + 1
		}
	}
	return out
}

func endsSentence(w string) bool {
	w = strings.TrimRight(w, "\"')]}”’»")
	return strings.HasSuffix(w, ".") || strings.HasSuffix(w, "!") || strings.HasSuffix(w, "?") || strings.HasSuffix(w, "…")
}

func endsClause(w string) bool {
	w = strings.TrimRight(w, "\"')]}”’»")
	return strings.HasSuffix(w, ",") || strings.HasSuffix(w, ";") || strings.HasSuffix(w, ":") || w == "–" || w == "—"
}

// fits reports whether words wrap into at most MaxLines lines.
func (l Layout) fits(words []string) bool {
	return len(wrap(words, l.MaxLineLen)) <= l.MaxLines
}

// splitLong breaks a sentence that does not fit one cue into parts that
// each do.
func (l Layout) splitLong(words []string) [][]string {
	var parts [][]string
	for len(words) > 0 {
		// The longest prefix that fits (at least one word: words are never
		// longer than a line).
		n := 1
		for n < len(words) && l.fits(words[:n+1]) {
			n++
		}
		if n < len(words) {
			// Prefer ending at a clause, unless that leaves the part less
			// than half as long as it could be.
			full := textLen(words[:n])
			for k := n; k >= 1; k-- {
				if endsClause(words[k-1]) && 2*textLen(words[:k]) >= full {
					n = k
					break
				}
			}
		}
		parts = append(parts, words[:n:n])
		words = words[n:]
	}
	// The last part takes what is left and may be a word or two: move words
	// into it from the part before while that makes the two more even.
	for len(parts) >= 2 {
		a, b := parts[len(parts)-2], parts[len(parts)-1]
		if len(a) < 2 {
			break
		}
		na, nb := a[:len(a)-1], append([]string{a[len(a)-1]}, b...)
		if !l.fits(nb) || abs(textLen(na)-textLen(nb)) >= abs(textLen(a)-textLen(b)) {
			break
		}
		parts[len(parts)-2], parts[len(parts)-1] = na, nb
	}
	return parts
}

// balance wraps words into as few lines as a MaxLineLen wrap gives, with
// the longest line as short as possible.
func (l Layout) balance(words []string) []string {
	lines := wrap(words, l.MaxLineLen)
	longestWord := 0
	for _, w := range words {
		longestWord = max(longestWord, utf8.RuneCountInString(w))
	}
	n := len(lines)
	lo := max(longestWord, (textLen(words)+n-1)/n)
	// Greedy wrapping needs no more lines as the width grows, so the first
	// width that needs n lines is the narrowest.
	for width := lo; width < l.MaxLineLen; width++ {
		if w := wrap(words, width); len(w) <= n {
			return w
		}
	}
	return lines
}

// wrap fills lines of at most width characters greedily. A word longer
// than width gets a line of its own.
func wrap(words []string, width int) []string {
	var lines []string
	var cur strings.Builder
	curLen := 0
	for _, w := range words {
		wl := utf8.RuneCountInString(w)
		if curLen > 0 && curLen+1+wl > width {
			lines = append(lines, cur.String())
			cur.Reset()
			curLen = 0
		}
		if curLen > 0 {
			cur.WriteByte(' ')
			curLen++
		}
		cur.WriteString(w)
		curLen += wl
	}
	if curLen > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

// textLen is the length in characters of words joined by spaces.
func textLen(words []string) int {
	n := max(0, len(words)-1)
	for _, w := range words {
		n += utf8.RuneCountInString(w)
	}
	return n
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
