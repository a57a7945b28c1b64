package narrate

import (
	"slices"
	"testing"
)

func TestSentences(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"One sentence", []string{"One sentence"}},
		{"Hello there. How are you? Fine!", []string{"Hello there.", "How are you?", "Fine!"}},
		{"Ask J. Smith, e.g. by mail. Then wait…  Done.", []string{"Ask J. Smith, e.g. by mail.", "Then wait…", "Done."}},
		{"A line\nthat wraps.\n\nA new paragraph", []string{"A line that wraps.", "A new paragraph"}},
		{`He said "stop." Then left.`, []string{`He said "stop."`, "Then left."}},
		{"... -- !", nil},
	} {
		if got := sentences(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("sentences(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestScriptAndPlain(t *testing.T) {
	for _, tc := range []struct {
		notes string
		parts [][]string
		plain string
	}{
		{"No cues here.", [][]string{{"No cues here."}}, "No cues here."},
		{"First. [next] Second. [NEXT]Third.", [][]string{{"First."}, {"Second."}, {"Third."}}, "First. Second. Third."},
		{"[next] Starts with a cue.", [][]string{nil, {"Starts with a cue."}}, "Starts with a cue."},
		{"Two [ next ] [next] cues in a row.", [][]string{{"Two"}, nil, {"cues in a row."}}, "Two cues in a row."},
		{"Line one [next]\nline two.", [][]string{{"Line one"}, {"line two."}}, "Line one\nline two."},
	} {
		var got [][]string
		for _, p := range script(tc.notes) {
			got = append(got, p.sentences)
		}
		if !slices.EqualFunc(got, tc.parts, func(a, b []string) bool { return slices.Equal(a, b) }) {
			t.Errorf("script(%q) = %q, want %q", tc.notes, got, tc.parts)
		}
		if got := Plain(tc.notes); got != tc.plain {
			t.Errorf("Plain(%q) = %q, want %q", tc.notes, got, tc.plain)
		}
	}
}

func TestSpoken(t *testing.T) {
	if got := spoken("Use **bold** and `code`, *really*."); got != "Use bold and code, really." {
		t.Errorf("spoken = %q", got)
	}
}

func TestSplitWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		bad  bool
	}{
		{"piper --model m.onnx --output_file {out}", []string{"piper", "--model", "m.onnx", "--output_file", "{out}"}, false},
		{`say -v 'Daniel Jones' "a \"b\" c" x\ y`, []string{"say", "-v", "Daniel Jones", `a "b" c`, "x y"}, false},
		{"  spaced\t out  ", []string{"spaced", "out"}, false},
		{"''", []string{""}, false},
		{"unclosed 'quote", nil, true},
		{`unclosed "quote`, nil, true},
	} {
		got, err := splitWords(tc.in)
		if (err != nil) != tc.bad || !slices.Equal(got, tc.want) {
			t.Errorf("splitWords(%q) = %q, %v; want %q (error: %v)", tc.in, got, err, tc.want, tc.bad)
		}
	}
}
