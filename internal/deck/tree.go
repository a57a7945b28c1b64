package deck

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// node is a YAML or JSON value with its position, so that a bad value in a
// manifest or front matter can be reported at its line and column. Both
// formats are read into it; the deck code never sees which one it was.
type node struct {
	kind      nodeKind
	text      string // scalars
	block     bool   // a YAML block scalar (| or >): its text starts on the next line
	items     []*node
	keys      []*node // mappings, in document order
	vals      []*node
	line, col int
}

type nodeKind int

const (
	nullNode nodeKind = iota
	scalarNode
	seqNode
	mapNode
)

func (n *node) kindName() string {
	switch n.kind {
	case scalarNode:
		return "a value"
	case seqNode:
		return "a list"
	case mapNode:
		return "a mapping"
	}
	return "empty"
}

// syntaxError is a parse error at a line and column.
type syntaxError struct {
	line, col int
	msg       string
}

func (e *syntaxError) Error() string { return e.msg }

// parseYAML reads one YAML document. lineOffset is added to every line (for
// front matter that starts below line 1). It refuses more than MaxYAMLSize
// bytes and lists and mappings nested more than MaxNesting deep, before the
// parser builds its tree (see yamlDepth).
func parseYAML(ctx context.Context, src []byte, lineOffset int) (*node, error) {
	if len(src) > MaxYAMLSize {
		return nil, &syntaxError{line: 1 + lineOffset, msg: fmt.Sprintf("YAML is too large: at most %s (write a longer deck as deck.json, or move inline Markdown to .md files)", formatBytes(MaxYAMLSize))}
	}
	tokens := lexer.Tokenize(string(src))
	if err := yamlDepth(tokens, lineOffset); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := parser.Parse(tokens, 0)
	if err != nil {
		var ye interface {
			GetToken() *token.Token
			GetMessage() string
		}
		if errors.As(err, &ye) && ye.GetToken() != nil {
			p := ye.GetToken().Position
			return nil, &syntaxError{line: p.Line + lineOffset, col: p.Column, msg: "invalid YAML: " + ye.GetMessage()}
		}
		return nil, &syntaxError{msg: "invalid YAML: " + err.Error()}
	}
	if len(f.Docs) == 0 || f.Docs[0].Body == nil {
		return &node{kind: nullNode, line: 1 + lineOffset, col: 1}, nil
	}
	if len(f.Docs) > 1 {
		// A second document may be empty ("0\n---"): it has its "---"
		// but no body, and DocumentNode.GetToken would dereference the
		// missing body (found by FuzzManifest).
		var t *token.Token
		switch doc := f.Docs[1]; {
		case doc.Start != nil:
			t = doc.Start
		case doc.Body != nil:
			t = doc.Body.GetToken()
		}
		line := 0
		if t != nil && t.Position != nil {
			line = t.Position.Line
		}
		return nil, &syntaxError{line: line + lineOffset, col: 1, msg: "invalid YAML: more than one document"}
	}
	c := yamlConverter{anchors: map[string]*node{}, lineOffset: lineOffset}
	return c.convert(f.Docs[0].Body)
}

// yamlDepth fails when the YAML of tokens nests lists and mappings more than
// MaxNesting deep. goccy/go-yaml has no such limit, and its parser takes
// seconds and gigabytes on a document nested 50,000 deep; its lexer is
// linear. Flow collections ([ and {) count one level each until they
// close; block collections count by indentation: the first token of each
// line, and each "- " or "? " (which may nest on one line: "- - - x"),
// opens a level at its column, and a token at a column left of a level
// closes it. That counts a block sequence written at its key's column
// ("key:\n- a") as no level, so it never counts more than the parser
// would nest.
func yamlDepth(tokens token.Tokens, lineOffset int) error {
	var block []int // columns of the open block levels
	flow, line := 0, 0
	for _, tk := range tokens {
		if tk.Position == nil {
			continue
		}
		inBlock := flow == 0 // where the token starts
		switch tk.Type {
		case token.CommentType, token.DocumentHeaderType, token.DocumentEndType:
			continue
		case token.SequenceStartType, token.MappingStartType:
			flow++
		case token.SequenceEndType, token.MappingEndType:
			flow = max(flow-1, 0)
			inBlock = false
		}
		first := tk.Position.Line != line
		line = tk.Position.Line
		if inBlock {
			if first || tk.Type == token.SequenceEntryType || tk.Type == token.MappingKeyType {
				col := tk.Position.Column
				for len(block) > 0 && block[len(block)-1] > col {
					block = block[:len(block)-1]
				}
				if len(block) == 0 || block[len(block)-1] < col {
					block = append(block, col)
				}
			}
		}
		if len(block)+flow > MaxNesting {
			return &syntaxError{line: tk.Position.Line + lineOffset, col: tk.Position.Column,
				msg: fmt.Sprintf("invalid YAML: lists and mappings nest more than %d deep", MaxNesting)}
		}
	}
	return nil
}

type yamlConverter struct {
	anchors    map[string]*node
	lineOffset int
}

func (c *yamlConverter) convert(n ast.Node) (*node, error) {
	out := &node{}
	if t := n.GetToken(); t != nil {
		out.line, out.col = t.Position.Line+c.lineOffset, t.Position.Column
	}
	switch v := n.(type) {
	case *ast.DocumentNode:
		return c.convert(v.Body)
	case *ast.TagNode:
		return c.convert(v.Value)
	case *ast.AnchorNode:
		val, err := c.convert(v.Value)
		if err != nil {
			return nil, err
		}
		c.anchors[v.Name.String()] = val
		return val, nil
	case *ast.AliasNode:
		val, ok := c.anchors[v.Value.String()]
		if !ok {
			return nil, &syntaxError{line: out.line, col: out.col, msg: fmt.Sprintf("invalid YAML: unknown alias %q", v.Value.String())}
		}
		return val, nil
	case *ast.NullNode:
		out.kind = nullNode
	case *ast.StringNode:
		out.kind, out.text = scalarNode, v.Value
	case *ast.LiteralNode:
		out.kind, out.text, out.block = scalarNode, v.Value.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		out.kind, out.text = scalarNode, n.GetToken().Value
	case *ast.MappingNode:
		out.kind = mapNode
		if len(v.Values) > 0 {
			if t := v.Values[0].Key.GetToken(); t != nil {
				out.line, out.col = t.Position.Line+c.lineOffset, t.Position.Column
			}
		}
		for _, mv := range v.Values {
			if err := c.pair(out, mv); err != nil {
				return nil, err
			}
		}
	case *ast.MappingValueNode:
		out.kind = mapNode
		if t := v.Key.GetToken(); t != nil {
			out.line, out.col = t.Position.Line+c.lineOffset, t.Position.Column
		}
		if err := c.pair(out, v); err != nil {
			return nil, err
		}
	case *ast.SequenceNode:
		out.kind = seqNode
		for _, it := range v.Values {
			cv, err := c.convert(it)
			if err != nil {
				return nil, err
			}
			out.items = append(out.items, cv)
		}
	default:
		return nil, &syntaxError{line: out.line, col: out.col, msg: fmt.Sprintf("unsupported YAML (%s)", n.Type())}
	}
	return out, nil
}

func (c *yamlConverter) pair(m *node, mv *ast.MappingValueNode) error {
	if _, ok := mv.Key.(*ast.MergeKeyNode); ok {
		t := mv.Key.GetToken()
		return &syntaxError{line: t.Position.Line + c.lineOffset, col: t.Position.Column, msg: "invalid YAML: merge keys (<<) are not supported"}
	}
	k, err := c.convert(mv.Key)
	if err != nil {
		return err
	}
	var v *node
	if mv.Value == nil {
		v = &node{kind: nullNode, line: k.line, col: k.col}
	} else if v, err = c.convert(mv.Value); err != nil {
		return err
	}
	m.keys = append(m.keys, k)
	m.vals = append(m.vals, v)
	return nil
}

// parseJSON reads one JSON value, tracking each value's line and column. It
// refuses arrays and objects nested more than MaxNesting deep, and stops
// when ctx is done.
func parseJSON(ctx context.Context, src []byte) (*node, error) {
	d := json.NewDecoder(bytes.NewReader(src))
	d.UseNumber()
	lc := newLineIndex(src).at
	// encoding/json reports syntax errors at exact offsets only when it
	// reads the whole input at once.
	var v any
	if err := json.Unmarshal(src, &v); err != nil {
		var se *json.SyntaxError
		// Past its own depth limit (10,000), encoding/json stops; the
		// reader below names ours.
		if errors.As(err, &se) && !strings.Contains(se.Error(), "exceeded max depth") {
			off := se.Offset - 1
			if strings.Contains(se.Error(), "end of JSON input") {
				off = int64(len(src))
			}
			l, c := lc(off)
			return nil, &syntaxError{line: l, col: c, msg: "invalid JSON: " + strings.TrimPrefix(se.Error(), "json: ")}
		}
	}
	fail := func(err error) error {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		off := d.InputOffset()
		switch {
		case errors.As(err, &se):
			off = se.Offset
		case errors.As(err, &te):
			off = te.Offset
		case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
			off = int64(len(src))
			err = errors.New("unexpected end of input")
		}
		l, c := lc(off)
		return &syntaxError{line: l, col: c, msg: "invalid JSON: " + strings.TrimPrefix(err.Error(), "json: ")}
	}
	// valueStart finds where the token just read began: after the
	// whitespace, commas and colons that follow the previous offset.
	valueStart := func(prev int64) int64 {
		for prev < int64(len(src)) && strings.IndexByte(" \t\r\n,:", src[prev]) >= 0 {
			prev++
		}
		return prev
	}
	values := 0
	var read func(depth int) (*node, error)
	read = func(depth int) (*node, error) {
		values++
		if err := checkContext(ctx, values); err != nil {
			return nil, err
		}
		start := valueStart(d.InputOffset())
		tok, err := d.Token()
		if err != nil {
			return nil, fail(err)
		}
		n := &node{}
		n.line, n.col = lc(start)
		if _, ok := tok.(json.Delim); ok && depth >= MaxNesting {
			return nil, &syntaxError{line: n.line, col: n.col, msg: fmt.Sprintf("invalid JSON: arrays and objects nest more than %d deep", MaxNesting)}
		}
		switch v := tok.(type) {
		case nil:
			n.kind = nullNode
		case string:
			n.kind, n.text = scalarNode, v
		case json.Number:
			n.kind, n.text = scalarNode, v.String()
		case bool:
			n.kind, n.text = scalarNode, strconv.FormatBool(v)
		case json.Delim:
			switch v {
			case '[':
				n.kind = seqNode
				for d.More() {
					it, err := read(depth + 1)
					if err != nil {
						return nil, err
					}
					n.items = append(n.items, it)
				}
			case '{':
				n.kind = mapNode
				for d.More() {
					k, err := read(depth + 1)
					if err != nil {
						return nil, err
					}
					val, err := read(depth + 1)
					if err != nil {
						return nil, err
					}
					n.keys = append(n.keys, k)
					n.vals = append(n.vals, val)
				}
			}
			if _, err := d.Token(); err != nil { // the closing delimiter
				return nil, fail(err)
			}
		}
		return n, nil
	}
	n, err := read(0)
	if err != nil {
		return nil, err
	}
	if tok, err := d.Token(); err != io.EOF {
		if err != nil {
			return nil, fail(err)
		}
		l, c := lc(d.InputOffset())
		return nil, &syntaxError{line: l, col: c, msg: fmt.Sprintf("invalid JSON: unexpected %v after the top-level value", tok)}
	}
	return n, nil
}

// lineIndex turns byte offsets into lines and columns. It finds the newlines
// once: counting them from the start for every value made a deck.json of
// 20,000 slides take seconds (quadratic in its length).
type lineIndex struct {
	size   int64
	starts []int64 // offset of the first byte of each line
}

func newLineIndex(src []byte) lineIndex {
	starts := []int64{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, int64(i)+1)
		}
	}
	return lineIndex{size: int64(len(src)), starts: starts}
}

// at returns the 1-based line and column of offset off (clamped to the
// source).
func (x lineIndex) at(off int64) (line, col int) {
	off = min(max(off, 0), x.size)
	// The last line that starts at or before off.
	i := sort.Search(len(x.starts), func(i int) bool { return x.starts[i] > off }) - 1
	return i + 1, int(off-x.starts[i]) + 1
}
