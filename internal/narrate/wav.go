package narrate

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"time"
)

// SampleRate is the rate of the speech ffmpeg converts (an engine's output
// that is not already 16-bit mono PCM WAV, such as an HTTP server's MP3).
// An engine's own 16-bit mono WAV keeps its rate (festival's HTS voice
// speaks at 32 kHz, espeak-ng at 22.05 kHz): a slide's clip is one engine's,
// and the soundtrack's mixer resamples each clip.
const SampleRate = 24000

// pcm is 16-bit mono samples at a rate.
type pcm struct {
	rate int
	data []byte // little-endian int16 samples
}

func (p pcm) duration() time.Duration { return samplesDuration(len(p.data)/2, p.rate) }

func samplesDuration(n, rate int) time.Duration {
	return time.Duration(int64(n) * int64(time.Second) / int64(rate))
}

// errNotPCM is a WAV file deckreel does not read itself: ffmpeg converts
// it.
var errNotPCM = errors.New("not a 16-bit mono PCM WAV file")

// readWAV returns the samples of a 16-bit mono PCM WAV file. The chunks
// are walked, so a LIST chunk before the data (ffmpeg writes one) is
// skipped; a stream's unknown data length (0xFFFFFFFF, as espeak-ng writes
// to a pipe) runs to the end of the file.
func readWAV(path string) (pcm, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return pcm{}, err
	}
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return pcm{}, errNotPCM
	}
	rate := 0
	for p := 12; p+8 <= len(b); {
		id, size := string(b[p:p+4]), int64(binary.LittleEndian.Uint32(b[p+4:p+8]))
		body := b[p+8:]
		if size > int64(len(body)) {
			size = int64(len(body))
		}
		switch id {
		case "fmt ":
			if size < 16 {
				return pcm{}, errNotPCM
			}
			format, channels := binary.LittleEndian.Uint16(body[0:2]), binary.LittleEndian.Uint16(body[2:4])
			r, bits := binary.LittleEndian.Uint32(body[4:8]), binary.LittleEndian.Uint16(body[14:16])
			if format != 1 || channels != 1 || bits != 16 || r < 8000 || r > 192000 {
				return pcm{}, fmt.Errorf("%w (format %d, %d channel(s), %d Hz, %d bits)", errNotPCM, format, channels, r, bits)
			}
			rate = int(r)
		case "data":
			if rate == 0 {
				return pcm{}, errNotPCM
			}
			return pcm{rate: rate, data: body[:size&^1]}, nil
		}
		p += 8 + int(size) + int(size&1)
	}
	return pcm{}, errNotPCM
}

// wavFile is a WAV file holding p.
func wavFile(p pcm) []byte {
	var b bytes.Buffer
	b.Grow(44 + len(p.data))
	put := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	put(uint32(36 + len(p.data)))
	b.WriteString("WAVEfmt ")
	put(uint32(16))
	put(uint16(1)) // PCM
	put(uint16(1)) // mono
	put(uint32(p.rate))
	put(uint32(2 * p.rate))
	put(uint16(2))  // block align
	put(uint16(16)) // bits
	b.WriteString("data")
	put(uint32(len(p.data)))
	b.Write(p.data)
	return b.Bytes()
}

// silence is d of silent samples at rate.
func silence(d time.Duration, rate int) []byte {
	return make([]byte, 2*int(int64(d)*int64(rate)/int64(time.Second)))
}

// Trimming keeps 20 ms before the first 10 ms window louder than -50
// dBFS (RMS) and 50 ms after the last, as ffmpeg's silenceremove does for
// converted speech (see trimFilter): the lead-in and pauses are then
// deckreel's own, the same for every engine (festival leads with a quarter
// second of faint noise).
const (
	trimThreshold = 104 // -50 dBFS of int16
	trimWindow    = 10 * time.Millisecond
	trimBefore    = 20 * time.Millisecond
	trimAfter     = 50 * time.Millisecond
)

// trim returns p without its leading and trailing silence; empty when p
// is all silence.
func trim(p pcm) pcm {
	n := len(p.data) / 2
	samples := func(d time.Duration) int { return int(int64(d) * int64(p.rate) / int64(time.Second)) }
	w := max(1, samples(trimWindow))
	loud := func(from int) bool {
		sum := 0.0
		to := min(n, from+w)
		for i := from; i < to; i++ {
			v := float64(int16(binary.LittleEndian.Uint16(p.data[2*i:])))
			sum += v * v
		}
		return sum > trimThreshold*trimThreshold*float64(to-from)
	}
	first, last := -1, -1
	for i := 0; i < n; i += w {
		if loud(i) {
			first = i
			break
		}
	}
	if first < 0 {
		return pcm{rate: p.rate}
	}
	for i := (n - 1) / w * w; i >= first; i -= w {
		if loud(i) {
			last = min(n, i+w)
			break
		}
	}
	from := max(0, first-samples(trimBefore))
	to := min(n, last+samples(trimAfter))
	return pcm{rate: p.rate, data: p.data[2*from : 2*to]}
}
