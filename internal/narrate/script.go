package narrate

import (
	"regexp"
	"strings"
	"unicode"
)

// NextCue in speaker notes starts the slide's next build step or fragment
// at that point of the speech. It is neither spoken nor captioned.
const NextCue = "[next]"

var (
	cueRE  = regexp.MustCompile(`(?i)\[\s*next\s*\]`)
	paraRE = regexp.MustCompile(`\n\s*\n`)
)

// part is the speech of a slide between two cues: its sentences, as
// written (for captions) and as spoken.
type part struct {
	sentences []string
}

// script splits notes into the parts between [next] cues, each into
// sentences. A slide with n cues has n+1 parts, some possibly empty.
func script(notes string) []part {
	pieces := cueRE.Split(notes, -1)
	parts := make([]part, len(pieces))
	for i, p := range pieces {
		parts[i].sentences = sentences(p)
	}
	return parts
}

// Plain returns notes without their [next] cues, for captions: spaces
// around a cue collapse into one.
func Plain(notes string) string {
	if !cueRE.MatchString(notes) {
		return notes
	}
	lines := strings.Split(cueRE.ReplaceAllString(notes, " "), "\n")
	for i, ln := range lines {
		lines[i] = strings.Join(strings.Fields(ln), " ")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// sentences splits text at sentence ends (., !, ? or … followed by a space
// and not after a lone capital, as in "J. Smith") and at blank lines. Each
// sentence has its spaces collapsed; empty ones are dropped.
func sentences(text string) []string {
	var out []string
	for _, para := range paraRE.Split(text, -1) {
		words := strings.Fields(para)
		start := 0
		for i, w := range words {
			if i == len(words)-1 || endsSentence(w) {
				if s := strings.Join(words[start:i+1], " "); hasLetters(s) {
					out = append(out, s)
				}
				start = i + 1
			}
		}
	}
	return out
}

func endsSentence(w string) bool {
	w = strings.TrimRight(w, `"')]»”’`)
	if w == "" {
		return false
	}
	switch {
	case strings.HasSuffix(w, "…"), strings.HasSuffix(w, "!"), strings.HasSuffix(w, "?"):
		return true
	case strings.HasSuffix(w, "."):
		// "J." and "e.g." do not end a sentence; "it." does.
		body := strings.TrimSuffix(w, ".")
		r := []rune(body)
		if len(r) == 1 && unicode.IsUpper(r[0]) || strings.Contains(body, ".") {
			return false
		}
		return true
	}
	return false
}

func hasLetters(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}

// spoken is a sentence as the engine gets it: Markdown emphasis and code
// marks, which an engine would read out or stumble on, taken away.
func spoken(sentence string) string {
	return strings.Join(strings.Fields(strings.NewReplacer("**", "", "__", "", "`", "", "*", "").Replace(sentence)), " ")
}
