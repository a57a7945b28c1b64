package merge

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// Stream describes the first video stream of a chunk, as ffprobe sees it
// without decoding.
type Stream struct {
	Codec      string // e.g. "h264"
	Profile    string // e.g. "High"
	PixFmt     string
	Width      int
	Height     int
	FrameRate  string        // r_frame_rate, e.g. "30/1"
	TimeBase   string        // of the timestamps, e.g. "1/1200000"
	Packets    int           // one per frame for H.264 in MP4
	Extradata  string        // hash of the codec's extradata (SPS and PPS)
	KeyFirst   bool          // the first packet is a keyframe
	FirstPTS   int64         // in time-base units; 0 for a chunk of its own encode
	Duration   time.Duration // of the stream, as its timestamps say
	Colorspace string
}

// params returns what must be equal between two chunks for their packets
// to be decodable as one stream, for messages.
func (s Stream) params() string {
	return fmt.Sprintf("%s %s %s %dx%d at %s, colour %s, extradata %s", s.Codec, s.Profile, s.PixFmt, s.Width, s.Height, s.FrameRate, s.Colorspace, shortHash(s.Extradata))
}

func shortHash(h string) string {
	if _, rest, ok := strings.Cut(h, ":"); ok {
		h = rest
	}
	return h[:min(len(h), 12)]
}

// Probe reads path's first video stream with ffprobe (the executable in
// ffprobe, or "ffprobe" from PATH if empty). It reads every packet to count
// them but decodes nothing, so it costs about one read of the file.
func Probe(ctx context.Context, ffprobe, path string) (Stream, error) {
	if ffprobe == "" {
		ffprobe = "ffprobe"
	}
	// One run lists the stream and every packet's pts and flags (a few
	// bytes a frame): the count, and the first packet in decode order,
	// which must be a keyframe presenting at 0 (a chunk is its own encode).
	// One process a part matters: a job of many short chunks probes them
	// all at every join.
	out, err := run(ctx, ffprobe, "-v", "error", "-select_streams", "v:0",
		"-show_data_hash", "sha256",
		"-show_entries", "stream=codec_name,profile,pix_fmt,width,height,r_frame_rate,time_base,extradata_hash,color_space,duration:packet=pts,flags",
		"-of", "json", "file:"+path)
	if err != nil {
		return Stream{}, fmt.Errorf("probe %s: %w", path, err)
	}
	var probe struct {
		Streams []struct {
			Codec     string `json:"codec_name"`
			Profile   string `json:"profile"`
			PixFmt    string `json:"pix_fmt"`
			Width     int    `json:"width"`
			Height    int    `json:"height"`
			FrameRate string `json:"r_frame_rate"`
			TimeBase  string `json:"time_base"`
			Extradata string `json:"extradata_hash"`
			Color     string `json:"color_space"`
			Duration  string `json:"duration"`
		} `json:"streams"`
		Packets []struct {
			PTS   *int64 `json:"pts"`
			Flags string `json:"flags"`
		} `json:"packets"`
	}
	if err := json.Unmarshal(out, &probe); err != nil {
		return Stream{}, fmt.Errorf("probe %s: parse ffprobe output: %w", path, err)
	}
	if len(probe.Streams) == 0 {
		return Stream{}, fmt.Errorf("probe %s: no video stream", path)
	}
	p := probe.Streams[0]
	s := Stream{Codec: p.Codec, Profile: p.Profile, PixFmt: p.PixFmt, Width: p.Width, Height: p.Height,
		FrameRate: p.FrameRate, TimeBase: p.TimeBase, Extradata: p.Extradata, Colorspace: p.Color,
		Packets: len(probe.Packets)}
	if secs, err := strconv.ParseFloat(p.Duration, 64); err == nil {
		s.Duration = time.Duration(secs * float64(time.Second))
	}
	if len(probe.Packets) == 0 || probe.Packets[0].PTS == nil {
		return Stream{}, fmt.Errorf("probe %s: no packets with timestamps", path)
	}
	s.KeyFirst = strings.HasPrefix(probe.Packets[0].Flags, "K")
	s.FirstPTS = *probe.Packets[0].PTS
	return s, nil
}

// run runs a tool to completion and returns its stdout, or an error quoting
// its stderr.
func run(ctx context.Context, name string, args ...string) ([]byte, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s: %w: %s", name, err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}
