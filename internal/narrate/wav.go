package narrate

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"time"
)

// SampleRate is the rate of every cached utterance and slide clip: 16-bit
// mono PCM. 24 kHz keeps the voices' whole band (festival's HTS voice
// speaks at 32 kHz, espeak-ng at 22.05 kHz) at half the size of 48 kHz.
const SampleRate = 24000

const bytesPerSecond = SampleRate * 2

// readPCM returns the samples of a WAV file in the cached form (16-bit
// mono at SampleRate), as ffmpeg writes it: the chunks are walked, so a
// LIST chunk before the data is skipped.
func readPCM(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return nil, errors.New("not a WAV file")
	}
	var fmtOK bool
	for p := 12; p+8 <= len(b); {
		id, size := string(b[p:p+4]), int(binary.LittleEndian.Uint32(b[p+4:p+8]))
		body := b[p+8:]
		if size > len(body) || size < 0 {
			size = len(body) // a stream's unknown length (0xFFFFFFFF): to the end
		}
		switch id {
		case "fmt ":
			if size < 16 {
				return nil, errors.New("short fmt chunk")
			}
			format, channels := binary.LittleEndian.Uint16(body[0:2]), binary.LittleEndian.Uint16(body[2:4])
			rate, bits := binary.LittleEndian.Uint32(body[4:8]), binary.LittleEndian.Uint16(body[14:16])
			if format != 1 || channels != 1 || rate != SampleRate || bits != 16 {
				return nil, fmt.Errorf("WAV is format %d, %d channel(s), %d Hz, %d bits; want PCM mono %d Hz 16 bits", format, channels, rate, bits, SampleRate)
			}
			fmtOK = true
		case "data":
			if !fmtOK {
				return nil, errors.New("WAV data before its format")
			}
			return body[:size&^1], nil
		}
		p += 8 + size + size&1
	}
	return nil, errors.New("WAV has no data")
}

// wavFile is a WAV file of the cached form holding pcm.
func wavFile(pcm []byte) []byte {
	var b bytes.Buffer
	b.Grow(44 + len(pcm))
	put := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	put(uint32(36 + len(pcm)))
	b.WriteString("WAVEfmt ")
	put(uint32(16))
	put(uint16(1)) // PCM
	put(uint16(1)) // mono
	put(uint32(SampleRate))
	put(uint32(bytesPerSecond))
	put(uint16(2))  // block align
	put(uint16(16)) // bits
	b.WriteString("data")
	put(uint32(len(pcm)))
	b.Write(pcm)
	return b.Bytes()
}

// pcmDuration is the length of pcm samples.
func pcmDuration(n int) time.Duration {
	return time.Duration(int64(n/2) * int64(time.Second) / SampleRate)
}

// silence is d of silent samples, whole samples.
func silence(d time.Duration) []byte {
	return make([]byte, 2*int(int64(d)*SampleRate/int64(time.Second)))
}
