package narrate

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// BenchmarkEngines measures each engine's synthesis time per minute of
// speech, on one core (Workers: 1), from a cold cache, conversion by ffmpeg
// included: testdata/minute.txt is about a minute of English speech.
//
//	go test -run '^$' -bench Engines -benchtime 3x ./internal/narrate
func BenchmarkEngines(b *testing.B) {
	text, err := os.ReadFile("testdata/minute.txt")
	if err != nil {
		b.Fatal(err)
	}
	for _, engine := range []string{EngineEspeak, EngineFestival} {
		b.Run(engine, func(b *testing.B) {
			var speech, spent time.Duration
			for b.Loop() {
				d := loadTalk(b, "# Minute\n\nNote: "+string(text)+"\n")
				start := time.Now()
				n, err := Narrate(context.Background(), d, Settings{Engine: engine, CacheDir: b.TempDir(), Workers: 1})
				if err != nil {
					b.Skip(err)
				}
				spent += time.Since(start)
				speech += n.Slides[0].Length
			}
			b.ReportMetric(spent.Seconds()/speech.Minutes(), "s/min-of-speech")
		})
	}
}

// TestIntelligibility is the ear this project does not have: it speaks
// testdata/minute.txt with each engine, has pocketsphinx (a speech
// recognizer that knows nothing of either voice) write down what it hears,
// and reports the word error rate against the text. It needs
// pocketsphinx_continuous and pocketsphinx-en-us (apt-get install
// pocketsphinx pocketsphinx-en-us), which CI does not install, and takes
// a minute or two: it runs only when asked.
//
//	DECKREEL_INTELLIGIBILITY=1 go test -run Intelligibility -v ./internal/narrate
func TestIntelligibility(t *testing.T) {
	if os.Getenv("DECKREEL_INTELLIGIBILITY") == "" {
		t.Skip("a measurement, run when asked: DECKREEL_INTELLIGIBILITY=1")
	}
	requireEngine(t, "espeak-ng", "text2wave")
	if _, err := exec.LookPath("pocketsphinx_continuous"); err != nil {
		t.Skip("pocketsphinx_continuous is not installed (an optional measurement)")
	}
	text, err := os.ReadFile("testdata/minute.txt")
	if err != nil {
		t.Fatal(err)
	}
	ref := words(string(text))
	rates := map[string]float64{}
	for _, engine := range []string{EngineEspeak, EngineFestival} {
		d := loadTalk(t, "# Minute\n\nNote: "+string(text)+"\n")
		n, err := Narrate(context.Background(), d, Settings{Engine: engine, CacheDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		wav := filepath.Join(t.TempDir(), "16k.wav")
		if out, err := exec.Command("ffmpeg", "-v", "error", "-i", n.Slides[0].Clip, "-ac", "1", "-ar", "16000", "-y", wav).CombinedOutput(); err != nil {
			t.Fatalf("ffmpeg: %v %s", err, out)
		}
		heard, err := exec.Command("pocketsphinx_continuous", "-infile", wav, "-logfn", os.DevNull).Output()
		if err != nil {
			t.Fatalf("pocketsphinx: %v", err)
		}
		rates[engine] = float64(editDistance(ref, words(string(heard)))) / float64(len(ref))
		t.Logf("%s: word error rate %.0f%% (%d words)\n  heard: %s", engine, 100*rates[engine], len(ref), strings.TrimSpace(string(heard)))
	}
	if rates[EngineFestival] >= rates[EngineEspeak] {
		t.Errorf("festival's voice is understood no better than espeak-ng's: %v", rates)
	}
}

// words are the lower-case words of s, as a recognizer writes them.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(strings.ReplaceAll(s, ".js", " js")), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r == '\'')
	})
}

// editDistance is the number of words to insert, delete or change to
// turn a into b.
func editDistance(a, b []string) int {
	row := make([]int, len(b)+1)
	for j := range row {
		row[j] = j
	}
	for i := 1; i <= len(a); i++ {
		prev := row[0]
		row[0] = i
		for j := 1; j <= len(b); j++ {
			cur := row[j]
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			row[j] = min(row[j]+1, row[j-1]+1, prev+cost)
			prev = cur
		}
	}
	return row[len(b)]
}
