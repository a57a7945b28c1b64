package captions

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func sec(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func TestSplit(t *testing.T) {
	for _, tc := range []struct {
		name   string
		notes  []Cue
		layout Layout
		want   []Cue
	}{
		{
			name:  "short note is one cue over the whole slide",
			notes: []Cue{{sec(5), sec(9), "  Welcome to the talk.  "}},
			want:  []Cue{{sec(5), sec(9), "Welcome to the talk."}},
		},
		{
			name:  "white space and single line breaks collapse",
			notes: []Cue{{0, sec(4), "Welcome\n\tto   the\r\ntalk."}},
			want:  []Cue{{0, sec(4), "Welcome to the talk."}},
		},
		{
			name:  "two lines are balanced, not greedy",
			notes: []Cue{{0, sec(4), "This caption needs two lines because it is longer than one."}},
			want:  []Cue{{0, sec(4), "This caption needs two lines\nbecause it is longer than one."}},
		},
		{
			name:  "sentences that fit together share a cue",
			notes: []Cue{{0, sec(3), "One. Two! Three?"}},
			want:  []Cue{{0, sec(3), "One. Two! Three?"}},
		},
		{
			name: "sentences that do not fit start new cues; time is shared by length",
			notes: []Cue{{sec(10), sec(20),
				"The first sentence is long enough to fill most of a caption. " +
					"A second one follows it here."}},
			want: []Cue{
				// 60 and 29 characters: 10 s × 60/89 = 6.741573 s.
				{sec(10), sec(10) + 6741573034, "The first sentence is long enough\nto fill most of a caption."},
				{sec(10) + 6741573034, sec(20), "A second one follows it here."},
			},
		},
		{
			name:  "a blank line always ends a cue",
			notes: []Cue{{0, sec(2), "First.\n\n  \nSecond."}},
			// 6 and 7 characters: 2 s × 6/13.
			want: []Cue{{0, 923076923, "First."}, {923076923, sec(2), "Second."}},
		},
		{
			name: "a long sentence breaks at a clause",
			notes: []Cue{{0, sec(9),
				"When the deck is rendered, every slide becomes a chapter, and the speaker notes become captions that viewers can read."}},
			want: []Cue{
				// 57 and 60 characters: 9 s × 57/117.
				{0, 4384615385, "When the deck is rendered,\nevery slide becomes a chapter,"},
				{4384615385, sec(9), "and the speaker notes become\ncaptions that viewers can read."},
			},
		},
		{
			name:   "a long word is broken across lines",
			notes:  []Cue{{0, sec(1), "see https://example.com/a/very/long/path"}},
			layout: Layout{MaxLineLen: 12, MaxLines: 2},
			want: []Cue{
				// 16 and 25 characters.
				{0, 390243902, "see\nhttps://exam"},
				{390243902, sec(1), "ple.com/a/ve\nry/long/path"},
			},
		},
		{
			name:   "a tiny remainder takes words from the part before",
			notes:  []Cue{{0, sec(2), "aaa bbb ccc ddd eee fff ggg"}},
			layout: Layout{MaxLineLen: 11, MaxLines: 2},
			want: []Cue{
				// A line holds three words, so greedy fills a cue with six and
				// leaves "ggg" alone; moving words evens the parts to four
				// and three. 15 and 11 characters.
				{0, 1153846154, "aaa bbb\nccc ddd"},
				{1153846154, sec(2), "eee fff ggg"},
			},
		},
		{
			name:  "empty notes and zero-length slides give nothing",
			notes: []Cue{{0, sec(1), " \n "}, {sec(1), sec(1), "Not shown."}, {sec(1), sec(2), "Shown."}},
			want:  []Cue{{sec(1), sec(2), "Shown."}},
		},
		{
			name:   "multibyte text counts characters, not bytes",
			notes:  []Cue{{0, sec(1), "Ça marche très bien, déjà."}},
			layout: Layout{MaxLineLen: 26},
			want:   []Cue{{0, sec(1), "Ça marche très bien, déjà."}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Split(tc.notes, tc.layout)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Split =\n%s\nwant\n%s", dump(got), dump(tc.want))
			}
		})
	}
}

func dump(cues []Cue) string {
	var b strings.Builder
	for _, c := range cues {
		b.WriteString(c.Start.String() + " - " + c.End.String() + " " + strings.ReplaceAll(c.Text, "\n", `\n`) + "\n")
	}
	return b.String()
}

func TestSplitErrors(t *testing.T) {
	for _, tc := range []struct {
		notes []Cue
		want  string
	}{
		{[]Cue{{sec(1), sec(2), "a"}, {sec(3), sec(2), "b"}}, "notes 2: ends at 2s, before it starts at 3s"},
		{[]Cue{{-sec(1), sec(2), "a"}}, "notes 1: starts at -1s, before the video"},
	} {
		if _, err := Split(tc.notes, Layout{}); err == nil || err.Error() != tc.want {
			t.Errorf("Split(%v) error = %v, want %q", tc.notes, err, tc.want)
		}
	}
}

// TestSplitInvariants splits a long, varied text under several layouts and
// checks what must always hold: limits kept, nothing lost or reordered,
// cues back to back inside the slide.
func TestSplitInvariants(t *testing.T) {
	text := strings.Repeat("Speaker notes often run long; this one does, with clauses, asides — and sentences! "+
		"Some are short. Others go on and on without a single comma until the reader is out of breath and patience alike. "+
		"Unicode: naïve café, 日本語のテキスト, and a link https://deckreel.example/docs/captions/how-they-are-split.\n\n", 3)
	for _, l := range []Layout{{}, {MaxLineLen: 32}, {MaxLineLen: 20, MaxLines: 1}, {MaxLineLen: 60, MaxLines: 3}} {
		start, end := sec(61.5), sec(61.5)+sec(45.25)
		cues, err := Split([]Cue{{start, end, text}}, l)
		if err != nil {
			t.Fatal(err)
		}
		l = l.withDefaults()
		var words []string
		at := start
		for i, c := range cues {
			if c.Start != at || c.End <= c.Start || c.End > end {
				t.Errorf("layout %+v: cue %d %s-%s does not follow on at %s inside the slide", l, i, c.Start, c.End, at)
			}
			at = c.End
			lines := strings.Split(c.Text, "\n")
			if len(lines) > l.MaxLines {
				t.Errorf("layout %+v: cue %d has %d lines: %q", l, i, len(lines), c.Text)
			}
			for _, line := range lines {
				if n := utf8.RuneCountInString(line); n > l.MaxLineLen || n == 0 {
					t.Errorf("layout %+v: cue %d line of %d characters: %q", l, i, n, line)
				}
			}
			words = append(words, strings.Fields(c.Text)...)
		}
		if at != end {
			t.Errorf("layout %+v: last cue ends at %s, want %s", l, at, end)
		}
		// Nothing lost or reordered: the words rejoin into the text, once
		// broken words are put back together.
		if got, want := strings.Join(words, ""), strings.Join(strings.Fields(text), ""); got != want {
			t.Errorf("layout %+v: words changed:\n got %q\nwant %q", l, got, want)
		}
	}
}
