package assets

import (
	"embed"
	"io/fs"
	"path"
	"slices"
	"strings"
)

//go:embed themes
var themes embed.FS

//go:embed reveal-driver.js
var revealDriver string

//go:embed deck-driver.js
var deckDriver string

//go:embed sample-deck
var sampleDeck embed.FS

// DeckThemes lists the names of the embedded Markdown deck themes.
func DeckThemes() []string {
	var names []string
	entries, _ := themes.ReadDir("themes")
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".css"); ok && n != "base" {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}

// DeckTheme returns the CSS of the named embedded theme, and false when
// there is no such theme.
func DeckTheme(name string) (string, bool) {
	if name == "base" || strings.ContainsAny(name, `/\.`) {
		return "", false
	}
	b, err := themes.ReadFile(path.Join("themes", name+".css"))
	if err != nil {
		return "", false
	}
	return string(b), true
}

// DeckBaseCSS returns the layout CSS every Markdown deck theme builds on.
func DeckBaseCSS() string { return mustRead("themes/base.css") }

// DeckTemplate returns the html/template source of a Markdown deck page.
func DeckTemplate() string { return mustRead("themes/deck.html") }

// DeckPlayer returns the script that plays a Markdown deck page from its
// schedule.
func DeckPlayer() string { return mustRead("themes/player.js") }

// ImageTemplate returns the html/template source of the page that shows one
// image of a deck manifest.
func ImageTemplate() string { return mustRead("themes/image.html") }

// RevealDriver returns the script added to a reveal.js deck to step it
// under virtual time.
func RevealDriver() string { return revealDriver }

// DeckDriver returns the script added to a deck run by another framework
// (Marp, impress.js, keyboard-stepped decks) to step it under virtual
// time.
func DeckDriver() string { return deckDriver }

// SampleDeck returns the embedded sample Markdown deck; its entry point is
// deck.md.
func SampleDeck() fs.FS {
	sub, err := fs.Sub(sampleDeck, "sample-deck")
	if err != nil {
		// fs.Sub fails only on an invalid path, which is a constant here.
		panic(err)
	}
	return sub
}

func mustRead(name string) string {
	b, err := themes.ReadFile(name)
	if err != nil {
		// The names are constants of files embedded above.
		panic(err)
	}
	return string(b)
}
