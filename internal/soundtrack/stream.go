package soundtrack

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

// duckBlock is the number of samples (10 ms) per block in which the music's
// ducking gain is evaluated. The volume filter evaluates its expression
// once per block, so this sets the step size of the ramps: 30 steps over
// DefaultDuckRamp, too fine to hear.
const duckBlock = SampleRate / 100

// Stream returns the mixed soundtrack as an ffmpeg-go stream: 48 kHz
// stereo, float samples, exactly Duration long. Give it to ffmpeg.Output
// with the video stream and the audio codec options of the output format,
// and ffmpeg-go adds the inputs, the -filter_complex graph and the -map:
//
//	audio, err := plan.Stream()
//	...
//	ffmpeg.Output([]*ffmpeg.Stream{video, audio}, "file:"+tmp, outArgs)
//
// Every file in the plan becomes one input (a file used by several clips
// is read once and split), converted by
//
//	aresample=48000, aformat=fltp/stereo, asetpts=N/SR/TB
//
// so that all sources are alike and their samples are numbered from the
// first one decoded (whatever the container's start time or codec delay).
//
// Narration is laid out in lanes: clips that do not overlap (the usual
// case, one clip per slide) share one lane, which is a concat of one
// segment per clip, cut (atrim) and padded (apad) to exactly the samples
// from its start to the next clip's start, the first also delayed (adelay,
// in whole samples) to its start. A clip therefore starts on the exact
// sample of Clip.Start, however long its file decodes to, and the cost is
// proportional to the video's length, not to the number of clips times
// that. Overlapping clips go into further lanes.
//
// Music is cut to the video's length and scaled by a gain envelope that
// ducks it under narration (evaluated every 10 ms), then faded. Lanes and
// music are summed with amix (normalize=0, so nothing is rescaled when an
// input ends), and the sum cut and padded to exactly Duration.
//
// Ducking uses an envelope computed from the clips' intervals rather than
// sidechaincompress: the narration's timing is known exactly, so the music
// can start going down before a clip starts (a compressor reacts after its
// attack time, over the first syllable) and stays down through a clip's
// pauses (a compressor lets it swell between sentences and pump). The
// envelope does not depend on how loud the narration is, and the graph
// needs no split of the narration.
//
// The mix is not limited: a clip already at full scale, plus music, can
// clip. Keep music volumes moderate (the default is 0.3).
//
// Stream validates p first and returns Validate's error; it does not open
// the files (see CheckFiles).
func (p Plan) Stream() (*ffmpeg.Stream, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if !p.HasAudio() {
		return nil, fmt.Errorf("soundtrack: nothing to play (no narration, no music)")
	}
	total := samples(p.Duration)
	src := p.sources()
	var branches []*ffmpeg.Stream
	for _, lane := range lanes(p.Clips) {
		segs := make([]*ffmpeg.Stream, len(lane))
		for k, i := range lane {
			c := p.Clips[i]
			start, end := samples(c.Start), total
			if k+1 < len(lane) {
				end = samples(p.Clips[lane[k+1]].Start)
			}
			s := played(src.next(c), c).Filter("atrim", nil, ffmpeg.KwArgs{"end_sample": min(samples(c.Length), end-start)})
			if k == 0 && start > 0 {
				// The S suffix gives the delay in samples: exact, where
				// milliseconds would round by up to half of one.
				s = s.Filter("adelay", nil, ffmpeg.KwArgs{"delays": fmt.Sprintf("%dS", start), "all": 1})
				start = 0
			}
			segs[k] = s.Filter("apad", nil, ffmpeg.KwArgs{"whole_len": end - start})
		}
		if len(segs) == 1 {
			branches = append(branches, segs[0])
			continue
		}
		branches = append(branches, ffmpeg.Filter(segs, "concat", nil, ffmpeg.KwArgs{"n": len(segs), "v": 0, "a": 1}))
	}

	if p.Music != nil {
		m := p.Music.withDefaults()
		// With -stream_loop -1 the demuxer starts again at the end of the
		// file; asetpts (in normalized) makes the repeats one continuous
		// stream. "-stream_loop 0" (play once, ffmpeg's default) is given
		// too, so that music that is also a narration file is a separate
		// input: ffmpeg-go would merge two identical inputs.
		var s *ffmpeg.Stream
		if m.Loop {
			// A looping input of the file, shared with the page's
			// elements that loop it (see sources).
			s = src.nextOf(sourceKey{inputPath(m.Path), true})
		} else {
			s = normalized(ffmpeg.Input(inputPath(m.Path), ffmpeg.KwArgs{"stream_loop": 0}).Get("a:0"))
		}
		s = s.Filter("atrim", nil, ffmpeg.KwArgs{"end_sample": total})
		if m.Duck != 1 && len(p.Clips) > 0 {
			s = s.Filter("asetnsamples", nil, ffmpeg.KwArgs{"n": duckBlock, "p": 0}).
				Filter("volume", nil, ffmpeg.KwArgs{"volume": duckExpr(m.Volume, m.Duck, m.DuckRamp, p.Clips), "eval": "frame"})
		} else {
			s = s.Filter("volume", nil, ffmpeg.KwArgs{"volume": strconv.FormatFloat(m.Volume, 'f', -1, 64)})
		}
		if m.FadeOut > 0 {
			fade := min(m.FadeOut, p.Duration)
			s = s.Filter("afade", nil, ffmpeg.KwArgs{"type": "out", "start_time": seconds(p.Duration - fade), "duration": seconds(fade)})
		}
		branches = append(branches, s)
	}

	mix := branches[0]
	if len(branches) > 1 {
		mix = ffmpeg.Filter(branches, "amix", nil, ffmpeg.KwArgs{
			"inputs": len(branches), "normalize": 0, "duration": "longest", "dropout_transition": 0,
		})
	}
	return mix.
		Filter("atrim", nil, ffmpeg.KwArgs{"end_sample": total}).
		Filter("apad", nil, ffmpeg.KwArgs{"whole_len": total}), nil
}

// lanes assigns the clips to lanes in which none overlaps the next, filling
// the first lane first, and returns each lane's clip indices in order of
// start.
func lanes(clips []Clip) [][]int {
	order := make([]int, len(clips))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(clips[a].Start, clips[b].Start) })
	var lanes [][]int
	var ends []int64 // the sample each lane's last clip ends at
	for _, i := range order {
		start := samples(clips[i].Start)
		l := slices.IndexFunc(ends, func(end int64) bool { return end <= start })
		if l < 0 {
			lanes, ends = append(lanes, nil), append(ends, 0)
			l = len(lanes) - 1
		}
		lanes[l] = append(lanes[l], i)
		ends[l] = start + samples(clips[i].Length)
	}
	return lanes
}

// played is a clip's sound as it plays on the timeline, from its first
// sample: from its offset, at its rate and gain.
func played(s *ffmpeg.Stream, c Clip) *ffmpeg.Stream {
	if c.Offset > 0 {
		s = s.Filter("atrim", nil, ffmpeg.KwArgs{"start_sample": samples(c.Offset)}).
			Filter("asetpts", ffmpeg.Args{"N/SR/TB"})
	}
	if r := c.Rate; r != 0 && r != 1 {
		// atempo keeps the pitch, as browsers do, and takes 0.5 to 100 in
		// one filter: slower rates are a chain of halvings.
		for ; r < 0.5; r /= 0.5 {
			s = s.Filter("atempo", ffmpeg.Args{"0.5"})
		}
		s = s.Filter("atempo", ffmpeg.Args{strconv.FormatFloat(r, 'f', -1, 64)})
	}
	g := c.Gain
	if g == 0 {
		g = 1
	}
	if len(c.Gains) > 0 {
		// A step function of t, the clip's time: its gain, plus each
		// change from its time on. Flat, so that a long fade makes a
		// long sum, not a deep nesting.
		var b strings.Builder
		b.WriteString(strconv.FormatFloat(g, 'f', -1, 64))
		last := g
		for _, p := range c.Gains {
			fmt.Fprintf(&b, "+%s*gte(t,%s)", strconv.FormatFloat(p.Gain-last, 'f', -1, 64), seconds(p.At))
			last = p.Gain
		}
		return s.Filter("volume", nil, ffmpeg.KwArgs{"volume": b.String(), "eval": "frame"})
	}
	if g != 1 {
		s = s.Filter("volume", nil, ffmpeg.KwArgs{"volume": strconv.FormatFloat(g, 'f', -1, 64)})
	}
	return s
}

// sources hands out the clips' inputs: each file is one input, split into
// as many streams as clips use it. Files are told apart by their absolute
// path, as ffmpeg-go would merge two inputs of the same name and then fail
// for want of a split. A looping clip reads its file through an input of
// its own kind (-stream_loop -1), shared by the looping clips of that file.
type sources map[sourceKey][]*ffmpeg.Stream

type sourceKey struct {
	path string
	loop bool
}

func keyOf(c Clip) sourceKey { return sourceKey{inputPath(c.Path), c.Loop} }

func (p Plan) sources() sources {
	uses := map[sourceKey]int{}
	var order []sourceKey
	use := func(k sourceKey) {
		if uses[k] == 0 {
			order = append(order, k)
		}
		uses[k]++
	}
	for _, c := range p.Clips {
		use(keyOf(c))
	}
	if m := p.Music; m != nil && m.Loop {
		// Looping music reads the file as looping clips do: two inputs of
		// one name and options would be merged by ffmpeg-go, unsplit.
		use(sourceKey{inputPath(m.Path), true})
	}
	src := sources{}
	for _, k := range order {
		in := ffmpeg.Input(k.path)
		if k.loop {
			// With -stream_loop -1 the demuxer starts again at the end of
			// the file; normalized's asetpts makes the repeats one stream.
			in = ffmpeg.Input(k.path, ffmpeg.KwArgs{"stream_loop": -1})
		}
		s := normalized(in.Get("a:0"))
		if uses[k] == 1 {
			src[k] = []*ffmpeg.Stream{s}
			continue
		}
		split := s.ASplit()
		for i := range uses[k] {
			src[k] = append(src[k], split.Get(strconv.Itoa(i)))
		}
	}
	return src
}

// next returns an unused stream of c's input.
func (s sources) next(c Clip) *ffmpeg.Stream { return s.nextOf(keyOf(c)) }

// nextOf returns an unused stream of input k.
func (s sources) nextOf(k sourceKey) *ffmpeg.Stream {
	st := s[k][0]
	s[k] = s[k][1:]
	return st
}

// normalized converts an input's audio to 48 kHz float stereo and numbers
// its samples from 0, whatever its first timestamp was.
func normalized(s *ffmpeg.Stream) *ffmpeg.Stream {
	return s.Filter("aresample", ffmpeg.Args{strconv.Itoa(SampleRate)}).
		Filter("aformat", nil, ffmpeg.KwArgs{"sample_fmts": "fltp", "channel_layouts": "stereo"}).
		Filter("asetpts", ffmpeg.Args{"N/SR/TB"})
}
