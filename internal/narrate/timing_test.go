package narrate

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

func TestSlideSteps(t *testing.T) {
	const lead, tail = 100 * time.Millisecond, 500 * time.Millisecond
	least := func(n int) []time.Duration {
		l := make([]time.Duration, n)
		for i := range l {
			l[i] = minStep
		}
		return l
	}
	for _, tc := range []struct {
		name   string
		orig   []time.Duration
		least  []time.Duration
		speech Speech
		want   []time.Duration
	}{
		{"no speech keeps the slide", []time.Duration{ms(1000), ms(1000)}, least(2), Speech{}, []time.Duration{ms(1000), ms(1000)}},
		{"speech longer than the slide", []time.Duration{ms(1000)}, least(1), Speech{Length: ms(3000)}, []time.Duration{ms(3600)}},
		{"slide longer than the speech", []time.Duration{ms(5000)}, least(1), Speech{Length: ms(1000)}, []time.Duration{ms(5000)}},
		{"cues start the steps", []time.Duration{ms(1000), ms(1000), ms(1000)}, least(3),
			Speech{Length: ms(4000), Cues: []time.Duration{ms(1500), ms(3000)}}, []time.Duration{ms(1600), ms(1500), ms(1500)}},
		{"uncued steps keep their time, the last takes the rest", []time.Duration{ms(1000), ms(1000), ms(1000)}, least(3),
			Speech{Length: ms(5000)}, []time.Duration{ms(1000), ms(1000), ms(3600)}},
		{"a cue, then an uncued step", []time.Duration{ms(2000), ms(2000), ms(2000)}, least(3),
			Speech{Length: ms(1000), Cues: []time.Duration{ms(400)}}, []time.Duration{ms(500), ms(2000), ms(3500)}},
		{"more cues than steps", []time.Duration{ms(1000), ms(1000)}, least(2),
			Speech{Length: ms(3000), Cues: []time.Duration{ms(1000), ms(2000)}}, []time.Duration{ms(1100), ms(2500)}},
		{"two cues at once still show each step", []time.Duration{ms(1000), ms(1000), ms(1000)}, least(3),
			Speech{Length: ms(2000), Cues: []time.Duration{ms(1000), ms(1000)}}, []time.Duration{ms(1100), minStep, ms(1800)}},
		{"a cue before the transition in ends waits for it", []time.Duration{ms(1000), ms(1000)}, []time.Duration{ms(800), minStep},
			Speech{Length: ms(2000), Cues: []time.Duration{0}}, []time.Duration{ms(800), ms(1800)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := slideSteps(tc.orig, tc.least, tc.speech, lead, tail)
			if !slices.Equal(got, tc.want) {
				t.Errorf("slideSteps = %v, want %v", got, tc.want)
			}
			var total time.Duration
			for _, d := range got {
				total += d
			}
			if tc.speech.Length > 0 && total < lead+tc.speech.Length+tail {
				t.Errorf("the slide lasts %s, less than its speech", total)
			}
		})
	}
}

func TestWAVAndTrim(t *testing.T) {
	const rate = 16000
	samples := make([]byte, 2*rate) // one second: silence, 0.25 s of tone, silence
	for i := rate / 2; i < rate/2+rate/4; i++ {
		v := int16(3000)
		if i%2 == 0 {
			v = -3000
		}
		binary.LittleEndian.PutUint16(samples[2*i:], uint16(v))
	}
	path := filepath.Join(t.TempDir(), "a.wav")
	if err := os.WriteFile(path, wavFile(pcm{rate: rate, data: samples}), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := readWAV(path)
	if err != nil || p.rate != rate || len(p.data) != len(samples) || p.duration() != time.Second {
		t.Fatalf("readWAV: %v, %d Hz, %d bytes", err, p.rate, len(p.data))
	}
	got := trim(p).duration()
	if want := 250*time.Millisecond + trimBefore + trimAfter; got < want-trimWindow || got > want+trimWindow {
		t.Errorf("trimmed to %s, want about %s", got, want)
	}
	if n := len(trim(pcm{rate: rate, data: make([]byte, 2*rate)}).data); n != 0 {
		t.Errorf("silence trimmed to %d bytes, want none", n)
	}
	if err := os.WriteFile(path, []byte("ID3 not a wav"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readWAV(path); err != errNotPCM {
		t.Errorf("readWAV of an MP3: %v, want errNotPCM", err)
	}
}
