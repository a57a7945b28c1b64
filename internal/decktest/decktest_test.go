package decktest

import (
	"context"
	"os"
	"testing"

	"github.com/deckreel/deckreel/capture"
)

// TestWrite writes a PDF and a .pptx where DECKTEST_OUT names a directory:
// a way to look at what the other packages' tests render.
func TestWrite(t *testing.T) {
	dir := os.Getenv("DECKTEST_OUT")
	if dir == "" {
		t.Skip("DECKTEST_OUT not set")
	}
	chrome, _, err := capture.FindBrowser("auto")
	if err != nil {
		t.Skip(err)
	}
	pages := []Page{
		{Color: "#ff0000", Title: "Red slide", Text: "one", Notes: "Notes of the red slide."},
		{Color: "#00ff00", Title: "Hidden slide", Hidden: true, Notes: "never"},
		{Color: "#0000ff", Title: "Blue slide", Text: "two", Notes: "Blue notes,\nsecond line."},
	}
	pdf, err := PDF(context.Background(), chrome, 320, 180, pages)
	if err != nil {
		t.Fatal(err)
	}
	pptx, err := PPTX(context.Background(), chrome, pages)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir+"/test.pdf", pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir+"/test.pptx", pptx, 0o644); err != nil {
		t.Fatal(err)
	}
}
