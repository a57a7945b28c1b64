package deck

import (
	"strconv"
	"strings"
)

// chapterTitleMax is the most characters, "…" included, that ChapterTitle
// takes from a slide's text: about what a player's chapter menu shows on a
// line.
const chapterTitleMax = 60

// ChapterTitle is the slide's name in a video's chapter list, where every
// chapter needs one: its Title; when it has none (a slide of text or images
// only), the first line of its visible text without markup, cut at a word
// to at most 60 characters ending in "…"; else "Slide n". n is the slide's
// 1-based number in the deck.
//
// The text is known for Markdown slides and reveal.js sections; a manifest's
// pages, images and URLs without a title get "Slide n" (an image's Title is
// its file name).
func (s Slide) ChapterTitle(n int) string {
	if s.Title != "" {
		return s.Title
	}
	if t := clipText(s.text, chapterTitleMax); t != "" {
		return t
	}
	return "Slide " + strconv.Itoa(n)
}

// clipText collapses the spaces of s and cuts it to at most limit characters
// with "…" after the cut: at a word boundary, unless the last one comes
// before half of limit (one long word), then mid-word.
func clipText(s string, limit int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= limit {
		return s
	}
	keep := limit - 1 // room for the ellipsis
	cut := r[:keep]
	// The last space up to the rune after the cut: a space right there
	// means the cut already ends a word.
	for i := keep; i >= limit/2; i-- {
		if r[i] == ' ' {
			cut = r[:i]
			break
		}
	}
	// "First, then more" cut after "First," reads better without the comma.
	out := strings.TrimRight(string(cut), " ,;:.-–—")
	if out == "" {
		out = string(r[:keep])
	}
	return out + "…"
}
