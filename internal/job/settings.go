package job

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Settings are what shape the pixels of a render. Every chunk of a job is
// rendered with the same Settings, so that the chunks of a resumed or sharded
// job join into the video a single clean run makes. Settings that change only
// speed (workers, --no-dedup, timeouts) do not belong here: a resume may
// change them freely.
type Settings struct {
	// Input names the input as it was given: an absolute path (file or
	// directory), a URL or "embedded:<name>". A job renders its snapshot
	// of the input (see [Snapshot]), whose content the revision's input
	// hash covers.
	Input string `json:"input"`

	Width  int `json:"width"`
	Height int `json:"height"`
	FPS    int `json:"fps"`
	// Frames is the length of the video in frames.
	Frames int `json:"frames"`

	Codec  string `json:"codec"`   // ffmpeg encoder, e.g. libx264
	PixFmt string `json:"pix_fmt"` // pixel format handed to the encoder
	CRF    int    `json:"crf"`
	Preset string `json:"preset"`

	// Epoch is the wall-clock time virtual time 0 stands for: what the
	// page's Date shows. The zero value in a request to Create means now and
	// in a request to Check means "whatever the job has" (a resume or a
	// shard adopts the job's epoch, so Date is the same in every chunk).
	Epoch time.Time `json:"epoch"`

	// AllowNet lets the page load from other hosts, which changes what it
	// shows.
	AllowNet bool `json:"allow_net"`

	// Extra holds settings that shape pixels and have no field yet, as
	// name and value. They are compared like the fields.
	Extra map[string]string `json:"extra,omitempty"`

	// ChunkFrames is the longest a chunk may be, in frames; a plan cut at
	// slide boundaries has shorter chunks too. Zero in a request to Create
	// means [DefaultChunkSeconds] of video, and in a request to Check means
	// "whatever the job has".
	ChunkFrames int `json:"chunk_frames"`

	// Output is the video the job's merge writes by default. It does not
	// shape pixels: it is neither hashed nor compared.
	Output string `json:"output,omitempty"`
}

// DefaultChunkSeconds is the length of a chunk when Settings.ChunkFrames is
// zero. Ten seconds loses at most ten seconds of work to a crash, costs an
// IDR frame every ten seconds (x264 puts one every 250 frames anyway) and
// keeps a 24-hour render under ten thousand files.
const DefaultChunkSeconds = 10

// WithDefaults fills ChunkFrames and Epoch for a new job, as [Create]
// does: a caller that keys chunks by the settings needs them first.
func (s Settings) WithDefaults(now time.Time) Settings {
	if s.ChunkFrames == 0 && s.FPS > 0 {
		s.ChunkFrames = DefaultChunkSeconds * s.FPS
	}
	if s.Epoch.IsZero() {
		s.Epoch = now
	}
	s.Epoch = s.Epoch.UTC()
	return s
}

// validate reports the first problem that makes s unusable for a job.
func (s Settings) validate() error {
	switch {
	case s.Input == "":
		return fmt.Errorf("no input")
	case s.Width <= 0 || s.Height <= 0:
		return fmt.Errorf("frame size %dx%d is not positive", s.Width, s.Height)
	case s.FPS <= 0:
		return fmt.Errorf("fps %d is not positive", s.FPS)
	case s.Frames <= 0:
		return fmt.Errorf("%d frames: a job needs at least one", s.Frames)
	case s.ChunkFrames <= 0:
		return fmt.Errorf("chunk of %d frames: must be positive", s.ChunkFrames)
	}
	return nil
}

// Hash returns the SHA-256 of s's canonical JSON (Output excluded), in hex.
// encoding/json writes struct fields in declaration order and map keys
// sorted, so equal settings always hash alike.
func (s Settings) Hash() string {
	s.Output = ""
	s.Epoch = s.Epoch.UTC()
	b, err := json.Marshal(s)
	if err != nil {
		panic(fmt.Sprintf("job: marshal settings: %v", err)) // only plain fields: cannot fail
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// diff lists, in words, how want differs from have, the job's settings:
// "job was created for 1920x1080, this run asks 1280x720". Zero Epoch and
// ChunkFrames in want match anything; Output is not compared.
func diff(have, want Settings) []string {
	var d []string
	add := func(what, h, w string) {
		if h != w {
			d = append(d, fmt.Sprintf("%s: job was created for %s, this run asks %s", what, h, w))
		}
	}
	add("input", have.Input, want.Input)
	add("size", fmt.Sprintf("%dx%d", have.Width, have.Height), fmt.Sprintf("%dx%d", want.Width, want.Height))
	add("fps", fmt.Sprint(have.FPS), fmt.Sprint(want.FPS))
	add("length", frameCount(have.Frames, have.FPS), frameCount(want.Frames, want.FPS))
	add("codec", have.Codec, want.Codec)
	add("pixel format", have.PixFmt, want.PixFmt)
	add("crf", fmt.Sprint(have.CRF), fmt.Sprint(want.CRF))
	add("preset", have.Preset, want.Preset)
	if !want.Epoch.IsZero() && !want.Epoch.Equal(have.Epoch) {
		add("epoch", have.Epoch.UTC().Format(time.RFC3339Nano), want.Epoch.UTC().Format(time.RFC3339Nano))
	}
	add("allow-net", fmt.Sprint(have.AllowNet), fmt.Sprint(want.AllowNet))
	for _, k := range slices.Sorted(maps.Keys(joinKeys(have.Extra, want.Extra))) {
		h, hok := have.Extra[k]
		w, wok := want.Extra[k]
		if hok != wok || h != w {
			add(k, extra(h, hok), extra(w, wok))
		}
	}
	if want.ChunkFrames != 0 && want.ChunkFrames != have.ChunkFrames {
		add("chunk size", fmt.Sprintf("%d frames", have.ChunkFrames), fmt.Sprintf("%d frames", want.ChunkFrames))
	}
	return d
}

func frameCount(frames, fps int) string {
	if fps <= 0 {
		return fmt.Sprintf("%d frames", frames)
	}
	return fmt.Sprintf("%d frames (%s)", frames, time.Duration(float64(frames)/float64(fps)*float64(time.Second)).Round(time.Millisecond))
}

func extra(v string, ok bool) string {
	if !ok {
		return "unset"
	}
	return fmt.Sprintf("%q", v)
}

func joinKeys(a, b map[string]string) map[string]bool {
	m := make(map[string]bool, len(a)+len(b))
	for k := range a {
		m[k] = true
	}
	for k := range b {
		m[k] = true
	}
	return m
}

// MismatchError is returned by [Job.Check] when a run asks for something
// other than what the job was created for.
type MismatchError struct {
	Dir string
	// Settings lists the differences, one sentence each; the run cannot
	// continue the job with any of them.
	Settings []string
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("job %s does not match this run: %s (start a new job in another directory, or run the same command as the job's)", e.Dir, strings.Join(e.Settings, "; "))
}
