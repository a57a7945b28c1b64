package render

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deckreel/deckreel/encode"
	"github.com/deckreel/deckreel/internal/deck"
	"github.com/deckreel/deckreel/internal/narrate"
)

// TestNarrationMedia: with a narration, each slide's clip plays from its
// first frame plus the lead-in and each spoken sentence is a caption while
// it is spoken; without one, a slide's notes are one caption over the
// slide. Either way a [next] cue is never captioned.
func TestNarrationMedia(t *testing.T) {
	dir := t.TempDir()
	md := "---\nduration: 4s\n---\n# One\n\nNote: First words. [next] Second words.\n\n---\n\n# Two\n\n---\n\n# Three\n\nNote: Last words.\n"
	if err := os.WriteFile(filepath.Join(dir, "talk.md"), []byte(md), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := deck.Load(filepath.Join(dir, "talk.md"), deck.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	out := filepath.Join(dir, "talk.mp4")
	f, err := encode.FormatFor(out, "")
	if err != nil {
		t.Fatal(err)
	}
	sec := func(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
	clip := filepath.Join(dir, "speech.wav")
	nar := &narrate.Narration{LeadIn: sec(0.1), Slides: []narrate.Speech{
		{Clip: clip, Length: sec(2.5), Sentences: []narrate.Sentence{{Start: 0, End: sec(1), Text: "First words."}, {Start: sec(1.3), End: sec(2.5), Text: "Second words."}}},
		{},
		{Clip: clip, Length: sec(1), Sentences: []narrate.Sentence{{Start: 0, End: sec(1), Text: "Last words."}}},
	}}
	for _, tc := range []struct {
		name  string
		nar   *narrate.Narration
		clips []time.Duration // starts
		srt   string
	}{
		{"narrated", nar, []time.Duration{sec(0.1), sec(8.1)},
			"1\n00:00:00,100 --> 00:00:01,400\nFirst words.\n\n2\n00:00:01,400 --> 00:00:02,600\nSecond words.\n\n3\n00:00:08,100 --> 00:00:09,100\nLast words.\n\n"},
		{"not narrated", nil, nil,
			"1\n00:00:00,000 --> 00:00:04,000\nFirst words. Second words.\n\n2\n00:00:08,000 --> 00:00:12,000\nLast words.\n\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := prepareMedia(context.Background(), d, tc.nar, Media{Captions: "srt"}, 30, d.Frames(30), out, f)
			if err != nil {
				t.Fatal(err)
			}
			defer m.close()
			var starts []time.Duration
			for _, c := range m.sound.Clips {
				starts = append(starts, c.Start)
				if c.Path != clip {
					t.Errorf("clip %s, want the narration's", c.Path)
				}
			}
			if len(starts) != len(tc.clips) || (len(starts) > 0 && (starts[0] != tc.clips[0] || starts[1] != tc.clips[1])) {
				t.Errorf("clips start at %v, want %v", starts, tc.clips)
			}
			b, err := os.ReadFile(m.sidecars[0].tmp)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.ReplaceAll(string(b), "\r\n", "\n"); got != tc.srt {
				t.Errorf("captions:\n%s\nwant:\n%s", got, tc.srt)
			}
		})
	}
}

// TestNarrationErrors: an engine that cannot speak is bad input (exit 2);
// a cache that cannot be written is not, and says how to put it elsewhere.
func TestNarrationErrors(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "talk.md"), []byte("# One\n\nNote: Hello.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := deck.Load(filepath.Join(dir, "talk.md"), deck.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	readOnly := filepath.Join(dir, "ro")
	if err := os.WriteFile(readOnly, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var ie *InputError
	_, err = narrateRequest(context.Background(), Request{Deck: d, Narrate: &narrate.Settings{Command: "/no/such/tts", CacheDir: dir}}, "")
	if !errors.As(err, &ie) {
		t.Errorf("missing engine: %v, want an *InputError", err)
	}
	// A file where the cache's directory should be: it cannot be made.
	_, err = narrateRequest(context.Background(), Request{Deck: d, Narrate: &narrate.Settings{Command: "true", CacheDir: filepath.Join(readOnly, "tts")}}, "")
	if err == nil || errors.As(err, &ie) || !strings.Contains(err.Error(), "--tts-cache") {
		t.Errorf("unwritable cache: %v, want a plain error naming --tts-cache", err)
	}
	_, err = narrateRequest(context.Background(), Request{Input: "page.html", Narrate: &narrate.Settings{}}, "")
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "not a deck") {
		t.Errorf("a page: %v, want an *InputError", err)
	}
}
