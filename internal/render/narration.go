package render

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/deckreel/deckreel/internal/captions"
	"github.com/deckreel/deckreel/internal/deck"
	"github.com/deckreel/deckreel/internal/narrate"
	"github.com/deckreel/deckreel/internal/soundtrack"
)

// narrateRequest resolves req.Narrate: it speaks req's deck, which it
// retimes, and keeps the speech in the returned request for prepareMedia.
// cacheDir, if set, replaces the settings' cache (a job keeps its own). A
// request without Narrate is returned as it is. An engine that cannot
// speak is an *InputError naming the slide and the command.
func narrateRequest(ctx context.Context, req Request, cacheDir string) (Request, error) {
	if req.Narrate == nil {
		return req, nil
	}
	if req.Deck == nil {
		return req, inputErrorf("--narrate speaks a deck's speaker notes: %s is a page, not a deck", req.Input)
	}
	s := *req.Narrate
	if cacheDir != "" {
		// A job's: its shards start together, and one speaks for all.
		s.CacheDir, s.Shared = cacheDir, true
		s.Wait = func(holder string) {
			if req.Stderr != nil {
				fmt.Fprintf(req.Stderr, "deckreel: narration: waiting for %s, which is synthesizing into %s\n", holder, cacheDir)
			}
		}
	}
	start := time.Now()
	n, err := narrate.Narrate(ctx, req.Deck, s)
	if err != nil {
		var se *narrate.SlideError
		var me *narrate.MissingError
		var ce *narrate.CacheError
		switch {
		case ctx.Err() != nil:
		case errors.As(err, &ce):
			// A full disk may clear up: exit 1, as for the video itself.
			if cacheDir == "" {
				err = fmt.Errorf("%w (--tts-cache DIR keeps the speech elsewhere)", err)
			}
		case errors.As(err, &se) || errors.As(err, &me):
			return req, &InputError{Err: err}
		}
		return req, err
	}
	if req.Stderr != nil && req.Stderr != io.Discard {
		// A line of its own, not the progress reporter's: it is written
		// before the render's reporter starts, and tests read it.
		fmt.Fprintf(req.Stderr, "deckreel: narration: %d sentence(s) synthesized, %d from the cache, in %s; the deck lasts %s\n",
			n.Synthesized, n.Cached, time.Since(start).Round(time.Millisecond), req.Deck.Duration().Round(time.Millisecond))
	}
	req.narration = n
	return req, nil
}

// narrationMedia adds slide i's speech to the soundtrack and its captions
// to cues: the clip plays from the slide's first frame (from) plus the
// lead-in, cut at the slide's end (to); each sentence is a caption from
// where it is spoken until the next one starts (the last until the speech
// ends). A slide's own audio file is captioned over its length, as one
// text.
func narrationMedia(n *narrate.Narration, i int, s deck.Slide, from, to time.Duration, plan *soundtrack.Plan, cues []captions.Cue) []captions.Cue {
	sp := n.Slides[i]
	if sp.Clip == "" {
		if notes := narrate.Plain(s.Notes); notes != "" {
			cues = append(cues, captions.Cue{Start: from, End: to, Text: notes})
		}
		return cues
	}
	at := from + n.LeadIn
	plan.Clips = append(plan.Clips, soundtrack.Clip{Path: sp.Clip, Start: at, Length: min(sp.Length, to-at)})
	if len(sp.Sentences) == 0 {
		if notes := narrate.Plain(s.Notes); notes != "" {
			cues = append(cues, captions.Cue{Start: at, End: min(at+sp.Length, to), Text: notes})
		}
		return cues
	}
	for k, sen := range sp.Sentences {
		end := sp.Length
		if k+1 < len(sp.Sentences) {
			end = sp.Sentences[k+1].Start
		}
		cues = append(cues, captions.Cue{Start: at + sen.Start, End: min(at+end, to), Text: sen.Text})
	}
	return cues
}

// narrationKey hashes when the narration's sentences are spoken, which
// burnt-in captions draw; "" without narration.
func narrationKey(n *narrate.Narration) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "lead-in %d\n", n.LeadIn)
	for i, sp := range n.Slides {
		for _, s := range sp.Sentences {
			fmt.Fprintf(&b, "%d|%d|%d|%s\n", i, s.Start, s.End, s.Text)
		}
		fmt.Fprintf(&b, "%d|%d\n", i, sp.Length)
	}
	return chunkKey(b.String())
}
