package deck

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strings"
)

// zipParts reads the parts of an office file's zip, each bounded by
// MaxZipPart and all together by MaxSourceBytes: the sizes a zip states
// can lie.
type zipParts struct {
	z     *zip.Reader
	file  string // in messages
	read  int64
	names map[string]*zip.File
}

// part returns the bytes of the part name; nil, nil when there is none.
func (p *zipParts) part(name string) ([]byte, error) {
	if p.names == nil {
		p.names = map[string]*zip.File{}
		for _, f := range p.z.File {
			p.names[f.Name] = f
		}
	}
	f, ok := p.names[name]
	if !ok {
		return nil, nil
	}
	rc, err := f.Open()
	if err != nil {
		return nil, &Error{File: p.file, Msg: fmt.Sprintf("read %s: %v", name, err)}
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, MaxZipPart+1))
	if err != nil {
		return nil, &Error{File: p.file, Msg: fmt.Sprintf("read %s: %v", name, err)}
	}
	if len(b) > MaxZipPart {
		return nil, &Error{File: p.file, Msg: fmt.Sprintf("%s is larger than %s, deckreel's limit for one part of an office file", name, formatBytes(MaxZipPart))}
	}
	p.read += int64(len(b))
	if p.read > MaxSourceBytes {
		return nil, &Error{File: p.file, Msg: fmt.Sprintf("its slides and notes come to more than %s, deckreel's limit for one deck", formatBytes(MaxSourceBytes))}
	}
	return b, nil
}

// rels reads the relationships of the part name: target paths (inside
// the zip) by relationship id, and by type for the last path segment of
// the type's URI.
func (p *zipParts) rels(name string) (byID, byType map[string]string, err error) {
	relsName := path.Join(path.Dir(name), "_rels", path.Base(name)+".rels")
	b, err := p.part(relsName)
	if err != nil || b == nil {
		return nil, nil, err
	}
	var x struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
			Mode   string `xml:"TargetMode,attr"`
		} `xml:"Relationship"`
	}
	if err := xml.Unmarshal(b, &x); err != nil {
		return nil, nil, &Error{File: p.file, Msg: fmt.Sprintf("read %s: %v", relsName, err)}
	}
	byID, byType = map[string]string{}, map[string]string{}
	for _, r := range x.Rels {
		if r.Mode == "External" {
			continue
		}
		t := strings.TrimPrefix(r.Target, "/")
		if !strings.HasPrefix(r.Target, "/") {
			t = path.Join(path.Dir(name), r.Target)
		}
		byID[r.ID] = t
		byType[path.Base(r.Type)] = t
	}
	return byID, byType, nil
}

// pptxSlides reads a .pptx's slides in presentation order (ppt/
// presentation.xml's list), leaving out hidden ones (show="0"), as
// LibreOffice's PDF export does: each one's title (its title or ctrTitle
// placeholder) and notes (the body placeholder of its notes slide).
func pptxSlides(pk *zipParts) ([]docSlide, error) {
	const pres = "ppt/presentation.xml"
	b, err := pk.part(pres)
	if err != nil {
		return nil, err
	}
	if b == nil {
		return nil, &Error{File: pk.file, Msg: "not a PowerPoint file: it has no " + pres}
	}
	var x struct {
		IDs []struct {
			Rel string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sldIdLst>sldId"`
	}
	if err := xml.Unmarshal(b, &x); err != nil {
		return nil, &Error{File: pk.file, Msg: fmt.Sprintf("read %s: %v", pres, err)}
	}
	if len(x.IDs) > MaxSlides {
		return nil, &Error{File: pk.file, Msg: fmt.Sprintf("more than %d slides, deckreel's limit for one deck", MaxSlides)}
	}
	byID, _, err := pk.rels(pres)
	if err != nil {
		return nil, err
	}
	var slides []docSlide
	for _, id := range x.IDs {
		name, ok := byID[id.Rel]
		if !ok {
			continue
		}
		s, shown, err := pptxSlide(pk, name)
		if err != nil {
			return nil, err
		}
		if shown {
			slides = append(slides, s)
		}
	}
	return slides, nil
}

// pptxSlide reads one slide part and its notes.
func pptxSlide(pk *zipParts, name string) (docSlide, bool, error) {
	b, err := pk.part(name)
	if err != nil || b == nil {
		return docSlide{}, b != nil, err
	}
	shapes, show, err := ooxmlShapes(b)
	if err != nil {
		return docSlide{}, false, &Error{File: pk.file, Msg: fmt.Sprintf("read %s: %v", name, err)}
	}
	var s docSlide
	for _, sh := range shapes {
		if s.title == "" && (sh.ph == "title" || sh.ph == "ctrTitle") {
			s.title = strings.Join(strings.Fields(strings.Join(sh.paras, " ")), " ")
		}
	}
	_, byType, err := pk.rels(name)
	if err != nil || byType["notesSlide"] == "" {
		return s, show, err
	}
	nb, err := pk.part(byType["notesSlide"])
	if err != nil || nb == nil {
		return s, show, err
	}
	notes, _, err := ooxmlShapes(nb)
	if err != nil {
		return s, show, &Error{File: pk.file, Msg: fmt.Sprintf("read %s: %v", byType["notesSlide"], err)}
	}
	for _, sh := range notes {
		if sh.ph == "body" {
			s.notes = strings.TrimSpace(strings.Join(sh.paras, "\n"))
			break
		}
	}
	return s, show, nil
}

// ooxmlShape is a shape's placeholder type and its paragraphs' text.
type ooxmlShape struct {
	ph    string
	paras []string
}

const drawingML = "http://schemas.openxmlformats.org/drawingml/2006/main"

// ooxmlShapes reads the shapes (p:sp) of a slide or notes part, and
// whether the slide is shown (its root has no show="0").
func ooxmlShapes(b []byte) ([]ooxmlShape, bool, error) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	var (
		shapes []ooxmlShape
		cur    *ooxmlShape
		para   *strings.Builder
		inText bool
		show   = true
		root   = true
	)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return shapes, show, nil
		}
		if err != nil {
			return nil, false, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root {
				root, show = false, xmlAttr(t, "show") != "0" && xmlAttr(t, "show") != "false"
			}
			switch {
			case t.Name.Local == "sp":
				cur = &ooxmlShape{}
			case t.Name.Local == "ph" && cur != nil:
				cur.ph = xmlAttr(t, "type")
				if cur.ph == "" {
					cur.ph = "body" // a placeholder without a type is the body
				}
			case t.Name.Local == "p" && t.Name.Space == drawingML && cur != nil:
				para = &strings.Builder{}
			case t.Name.Local == "t":
				inText = true
			case t.Name.Local == "br" && para != nil:
				para.WriteString("\n")
			}
		case xml.EndElement:
			switch {
			case t.Name.Local == "t":
				inText = false
			case t.Name.Local == "p" && t.Name.Space == drawingML && para != nil && cur != nil:
				cur.paras = append(cur.paras, para.String())
				para = nil
			case t.Name.Local == "sp" && cur != nil:
				shapes = append(shapes, *cur)
				cur = nil
			}
		case xml.CharData:
			if inText && para != nil {
				para.Write(t)
			}
		}
	}
}

// xmlAttr is the value of the attribute local of t, whatever its namespace.
func xmlAttr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// odpSlides reads an .odp's pages (content.xml) in order, leaving out
// hidden ones (a page style with presentation:visibility="hidden"): each
// one's title frame and the text of its notes.
func odpSlides(pk *zipParts) ([]docSlide, error) {
	b, err := pk.part("content.xml")
	if err != nil {
		return nil, err
	}
	if b == nil {
		return nil, &Error{File: pk.file, Msg: "not an OpenDocument presentation: it has no content.xml"}
	}
	slides, err := odpContent(b)
	if err != nil {
		return nil, &Error{File: pk.file, Msg: fmt.Sprintf("read content.xml: %v", err)}
	}
	if len(slides) > MaxSlides {
		return nil, &Error{File: pk.file, Msg: fmt.Sprintf("more than %d slides, deckreel's limit for one deck", MaxSlides)}
	}
	return slides, nil
}

// odpContent walks content.xml: page styles, then pages with their frames.
func odpContent(b []byte) ([]docSlide, error) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	w := &odpWalk{hidden: map[string]bool{}}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return w.slides, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			w.start(t)
		case xml.EndElement:
			w.end(t)
		case xml.CharData:
			if w.para != nil {
				w.para.Write(t)
			}
		}
	}
}

// odpWalk is where odpContent is in content.xml.
type odpWalk struct {
	slides []docSlide
	hidden map[string]bool // drawing-page styles that hide their pages
	style  string          // the drawing-page style being read
	page   *docSlide       // the page being read, nil outside one
	hide   bool            // it is hidden
	notes  bool            // inside its presentation:notes
	frame  bool            // inside a draw:frame
	class  string          // the frame's presentation:class
	paras  []string        // the frame's paragraphs so far
	para   *strings.Builder
}

func (w *odpWalk) start(t xml.StartElement) {
	switch t.Name.Local {
	case "style":
		w.style = ""
		if xmlAttr(t, "family") == "drawing-page" {
			w.style = xmlAttr(t, "name")
		}
	case "drawing-page-properties":
		if w.style != "" && xmlAttr(t, "visibility") == "hidden" {
			w.hidden[w.style] = true
		}
	case "page":
		if t.Name.Space == odfDraw {
			w.page, w.hide = &docSlide{}, w.hidden[xmlAttr(t, "style-name")]
		}
	case "notes":
		w.notes = true
	case "frame":
		w.frame, w.class, w.paras = true, xmlAttr(t, "class"), nil
	case "p", "h":
		if w.frame {
			w.para = &strings.Builder{}
		}
	case "line-break":
		if w.para != nil {
			w.para.WriteString("\n")
		}
	case "s", "tab":
		if w.para != nil {
			w.para.WriteString(" ")
		}
	}
}

func (w *odpWalk) end(t xml.EndElement) {
	switch t.Name.Local {
	case "p", "h":
		if w.para != nil {
			w.paras = append(w.paras, w.para.String())
			w.para = nil
		}
	case "frame":
		switch {
		case w.page == nil:
		case w.class == "title" && !w.notes && w.page.title == "":
			w.page.title = strings.Join(strings.Fields(strings.Join(w.paras, " ")), " ")
		case w.class == "notes" && w.notes:
			w.page.notes = strings.TrimSpace(strings.Join(w.paras, "\n"))
		}
		w.frame, w.class = false, ""
	case "notes":
		w.notes = false
	case "page":
		if t.Name.Space == odfDraw && w.page != nil {
			if !w.hide {
				w.slides = append(w.slides, *w.page)
			}
			w.page = nil
		}
	}
}

const odfDraw = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
