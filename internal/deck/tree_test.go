package deck

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

// dump prints a node tree with positions, for comparing.
func dump(n *node) string {
	switch n.kind {
	case scalarNode:
		return fmt.Sprintf("%q@%d:%d", n.text, n.line, n.col)
	case nullNode:
		return fmt.Sprintf("null@%d:%d", n.line, n.col)
	case seqNode:
		var s []string
		for _, it := range n.items {
			s = append(s, dump(it))
		}
		return fmt.Sprintf("[%s]@%d:%d", strings.Join(s, " "), n.line, n.col)
	}
	var s []string
	for i, k := range n.keys {
		s = append(s, dump(k)+"="+dump(n.vals[i]))
	}
	return fmt.Sprintf("{%s}@%d:%d", strings.Join(s, " "), n.line, n.col)
}

func TestParseJSONPositions(t *testing.T) {
	src := "{\n  \"fps\": 30,\n  \"slides\": [\n    {\"file\": \"a.md\", \"x\": null},\n    \"b\"\n  ]\n}\n"
	n, err := parseJSON(context.Background(), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"fps"@2:3="30"@2:10 "slides"@3:3=[{"file"@4:6="a.md"@4:14 "x"@4:22=null@4:27}@4:5 "b"@5:5]@3:13}@1:1`
	if got := dump(n); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestParseJSONErrors(t *testing.T) {
	tests := []struct {
		src       string
		line, col int
		msg       string
	}{
		{"{\"slides\": [}\n", 1, 13, "invalid JSON: invalid character '}' looking for beginning of value"},
		{"{\n  \"a\": 1,\n  \"b\": tru\n}", 3, 11, "invalid JSON: invalid character '\\n' in literal true (expecting 'e')"},
		{"{\"a\": 1", 1, 8, "invalid JSON: unexpected end of JSON input"},
		{"{\"a\": 1} {}", 1, 10, "invalid JSON: invalid character '{' after top-level value"},
	}
	for _, tt := range tests {
		_, err := parseJSON(context.Background(), []byte(tt.src))
		se, ok := err.(*syntaxError)
		if !ok {
			t.Errorf("parseJSON(%q): error %v, want a syntax error", tt.src, err)
			continue
		}
		if se.line != tt.line || se.col != tt.col || se.msg != tt.msg {
			t.Errorf("parseJSON(%q): %d:%d %s, want %d:%d %s", tt.src, se.line, se.col, se.msg, tt.line, tt.col, tt.msg)
		}
	}
}

func TestParseYAMLPositions(t *testing.T) {
	src := "fps: 30\nslides:\n  - file: a.md\n    duration: 2s\n  - markdown: |\n      # Hi\n"
	n, err := parseYAML(context.Background(), []byte(src), 10)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"fps"@11:1="30"@11:6 "slides"@12:1=[{"file"@13:5="a.md"@13:11 "duration"@14:5="2s"@14:15}@13:5 {"markdown"@15:5="# Hi\n"@15:15}@15:5]@13:3}@11:1`
	if got := dump(n); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if !n.vals[1].items[1].vals[0].block {
		t.Error("a | scalar is a block scalar")
	}
}

func TestParseYAMLErrors(t *testing.T) {
	tests := []struct {
		src       string
		line, col int
	}{
		{"slides: [a, b\n", 1, 9},
		{"slides:\n  - file: a.md\n   duration: 2s\n", 3, 4},
		{"a: *nope\n", 1, 4},
	}
	for _, tt := range tests {
		_, err := parseYAML(context.Background(), []byte(tt.src), 0)
		se, ok := err.(*syntaxError)
		if !ok {
			t.Errorf("parseYAML(%q): error %v, want a syntax error", tt.src, err)
			continue
		}
		if se.line != tt.line || se.col != tt.col || !strings.HasPrefix(se.msg, "invalid YAML: ") {
			t.Errorf("parseYAML(%q): %d:%d %s, want %d:%d", tt.src, se.line, se.col, se.msg, tt.line, tt.col)
		}
	}
}

func TestOverlayFS(t *testing.T) {
	base := fstest.MapFS{
		"index.html":     {Data: []byte("base")},
		"img/a.png":      {Data: []byte("png")},
		"talk/deck.html": {Data: []byte("original")},
	}
	o := (&overlay{base: base}).with(map[string][]byte{
		"_deckreel/1.html": []byte("generated"),
		"talk/deck.html":   []byte("shadowed"),
	})
	for name, want := range map[string]string{"index.html": "base", "_deckreel/1.html": "generated", "talk/deck.html": "shadowed"} {
		b, err := fs.ReadFile(o, name)
		if err != nil || string(b) != want {
			t.Errorf("%s: %q, %v; want %q", name, b, err, want)
		}
	}
	o2 := o.with(map[string][]byte{"_deckreel/1.schedule.js": []byte("s")})
	if _, err := fs.ReadFile(o, "_deckreel/1.schedule.js"); err == nil {
		t.Error("with must not change the overlay it is called on")
	}
	if b, _ := fs.ReadFile(o2, "_deckreel/1.schedule.js"); string(b) != "s" {
		t.Error("with must add the files")
	}
	if _, err := o.Open("../x"); err == nil {
		t.Error("invalid paths must fail")
	}
	// A directory of generated files only still opens, for the file server.
	if st, err := fs.Stat(o, "_deckreel"); err != nil || !st.IsDir() {
		t.Errorf("_deckreel: %v, %v; want a directory", st, err)
	}
	if _, err := fs.Stat(o, "missing.html"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing.html: %v, want not exist", err)
	}
}
