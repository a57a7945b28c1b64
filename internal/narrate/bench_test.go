package narrate

import (
	"context"
	"os"
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
