package deck

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// bigManifest writes a deck.json of n inline Markdown slides in dir.
func bigManifest(tb testing.TB, dir string, n int) string {
	tb.Helper()
	var b strings.Builder
	b.WriteString("{\n \"title\": \"big\",\n \"slides\": [\n")
	for i := range n {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, "  {\"markdown\": \"# Slide %d\\n\\nhello\"}", i)
	}
	b.WriteString("\n ]\n}\n")
	p := filepath.Join(dir, "deck.json")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

// BenchmarkLoadManifest loads a deck.json of 1,000 and of 10,000 inline
// Markdown slides: loading is linear in slides when the second takes about
// ten times the first (before the fix it was about 30 times: every value's
// line was counted from the start of the file).
func BenchmarkLoadManifest(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			p := bigManifest(b, b.TempDir(), n)
			for b.Loop() {
				d, err := Load(p, Options{})
				if err != nil {
					b.Fatal(err)
				}
				d.Close()
			}
		})
	}
}
