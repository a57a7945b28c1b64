package deck

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
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
// front matter that starts below line 1).
func parseYAML(src []byte, lineOffset int) (*node, error) {
	f, err := parser.ParseBytes(src, 0)
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
		t := f.Docs[1].GetToken()
		line := 0
		if t != nil {
			line = t.Position.Line
		}
		return nil, &syntaxError{line: line + lineOffset, col: 1, msg: "invalid YAML: more than one document"}
	}
	c := yamlConverter{anchors: map[string]*node{}, lineOffset: lineOffset}
	return c.convert(f.Docs[0].Body)
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

// parseJSON reads one JSON value, tracking each value's line and column.
func parseJSON(src []byte) (*node, error) {
	d := json.NewDecoder(bytes.NewReader(src))
	d.UseNumber()
	lc := newLineIndex(src).at
	// encoding/json reports syntax errors at exact offsets only when it
	// reads the whole input at once.
	var v any
	if err := json.Unmarshal(src, &v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
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
	var read func() (*node, error)
	read = func() (*node, error) {
		start := valueStart(d.InputOffset())
		tok, err := d.Token()
		if err != nil {
			return nil, fail(err)
		}
		n := &node{}
		n.line, n.col = lc(start)
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
					it, err := read()
					if err != nil {
						return nil, err
					}
					n.items = append(n.items, it)
				}
			case '{':
				n.kind = mapNode
				for d.More() {
					k, err := read()
					if err != nil {
						return nil, err
					}
					val, err := read()
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
	n, err := read()
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
