// Package deck reads slide decks — Markdown files, reveal.js pages, deck
// manifests (deck.yaml, deck.json), PDFs and office files — into a
// timeline of steps and compiles them into segments: web pages that
// deckreel captures under virtual time, one after the other, to make a
// video.
//
// Load detects the deck type from the path (or Options.InputType), parses
// it and returns a *Deck with its slides, its steps in presentation order
// with exact start times, and warnings that do not stop a render (a missing
// image). Problems that do stop it are *Error values naming the file, line
// and slide. Deck.Segments(fps) turns the timeline into frame ranges: a
// step that starts at time t shows from frame FrameAt(t, fps), the one
// rounding rule used everywhere, so cumulative durations never drift.
//
// A PDF is a slide per page, each page converted once (and cached) to SVG by
// poppler and shown as an image; an office file (.pptx, .odp) is converted
// to PDF by LibreOffice first, and its speaker notes and titles read from
// the file. A Markdown deck becomes one generated page (an embedded theme, the slides
// rendered by goldmark, and a player script); a reveal.js deck is its own
// page with a driver script added that calls next() at each step's first
// frame. Transitions inside such a page are the page's own CSS and Web
// Animations, which deckreel's virtual clock makes frame-exact. A manifest
// is a list of such pages, plus plain HTML pages, images and URLs, each its
// own segment; transitions between segments are left to the caller to
// composite (see Segment).
//
// Generated pages and scripts live under _deckreel/ in the tree each
// Source.FS serves, on top of the deck's own directory, so relative image
// and link paths resolve as they do next to the deck file. A Deck loaded
// from disk holds that directory open until Close.
//
// Deck.SharedKey and Slide.Key are content keys for renders that keep the
// video of unchanged slides: a slide's key covers its own source, the
// shared key the settings and files every slide may show (see keys.go for
// what goes where). Neither depends on where the deck is, so a copy of the
// deck keys the same.
package deck
