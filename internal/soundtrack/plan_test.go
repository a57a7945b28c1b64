package soundtrack

import (
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

const s = time.Second

// graph returns the -filter_complex of the command that puts p's stream
// into out.mp4, and the whole command.
func graph(t *testing.T, p Plan) (string, []string) {
	t.Helper()
	audio, err := p.Stream()
	if err != nil {
		t.Fatal(err)
	}
	args := ffmpeg.Output([]*ffmpeg.Stream{audio}, "out.mp4").GetArgs()
	i := slices.Index(args, "-filter_complex")
	if i < 0 {
		t.Fatalf("no -filter_complex in %q", args)
	}
	return args[i+1], args
}

func TestStreamGraph(t *testing.T) {
	dir := t.TempDir()
	a, b, m := filepath.Join(dir, "a.wav"), filepath.Join(dir, "b: x.mp3"), filepath.Join(dir, "m.ogg")
	for _, tc := range []struct {
		name   string
		plan   Plan
		inputs []string
		graph  string
	}{
		{
			name:   "one clip: delayed in samples, padded to the end",
			plan:   Plan{Duration: 10 * s, Clips: []Clip{{Path: a, Start: 1500 * time.Millisecond, Length: 2 * s}}},
			inputs: []string{"-i", "file:" + a},
			graph: "[0:a:0]aresample=48000[s0];[s0]aformat=channel_layouts=stereo:sample_fmts=fltp[s1];[s1]asetpts=N/SR/TB[s2];" +
				"[s2]atrim=end_sample=96000[s3];[s3]adelay=all=1:delays=72000S[s4];[s4]apad=whole_len=480000[s5];" +
				"[s5]atrim=end_sample=480000[s6];[s6]apad=whole_len=480000[s7]",
		},
		{
			name: "clips in a row share a lane; a file used twice is split; the last clip is cut at the video's end",
			plan: Plan{Duration: 10 * s, Clips: []Clip{
				{Path: a, Start: 0, Length: 2 * s}, {Path: b, Start: 3 * s, Length: 4 * s}, {Path: a, Start: 7 * s, Length: 5 * s},
			}},
			inputs: []string{"-i", "file:" + a, "-i", "file:" + b},
			graph: "[0:a:0]aresample=48000[s0];[s0]aformat=channel_layouts=stereo:sample_fmts=fltp[s1];[s1]asetpts=N/SR/TB[s2];" +
				"[s2]asplit=2[s3][s4];" +
				"[s3]atrim=end_sample=96000[s5];[s5]apad=whole_len=144000[s6];" +
				"[1:a:0]aresample=48000[s7];[s7]aformat=channel_layouts=stereo:sample_fmts=fltp[s8];[s8]asetpts=N/SR/TB[s9];" +
				"[s9]atrim=end_sample=192000[s10];[s10]apad=whole_len=192000[s11];" +
				"[s4]atrim=end_sample=144000[s12];[s12]apad=whole_len=144000[s13];" +
				"[s6][s11][s13]concat=a=1:n=3:v=0[s14];" +
				"[s14]atrim=end_sample=480000[s15];[s15]apad=whole_len=480000[s16]",
		},
		{
			name: "overlapping clips go into a second lane, mixed",
			plan: Plan{Duration: 4 * s, Clips: []Clip{{Path: a, Start: 0, Length: 2 * s}, {Path: b, Start: 1 * s, Length: 2 * s}}},
			graph: "[0:a:0]aresample=48000[s0];[s0]aformat=channel_layouts=stereo:sample_fmts=fltp[s1];[s1]asetpts=N/SR/TB[s2];" +
				"[s2]atrim=end_sample=96000[s3];[s3]apad=whole_len=192000[s4];" +
				"[1:a:0]aresample=48000[s5];[s5]aformat=channel_layouts=stereo:sample_fmts=fltp[s6];[s6]asetpts=N/SR/TB[s7];" +
				"[s7]atrim=end_sample=96000[s8];[s8]adelay=all=1:delays=48000S[s9];[s9]apad=whole_len=192000[s10];" +
				"[s4][s10]amix=dropout_transition=0:duration=longest:inputs=2:normalize=0[s11];" +
				"[s11]atrim=end_sample=192000[s12];[s12]apad=whole_len=192000[s13]",
		},
		{
			name: "a page's looping element: from its offset, at its rate (pitch kept, below 0.5 in halvings) and volume",
			plan: Plan{Duration: 10 * s, Clips: []Clip{
				{Path: a, Start: s, Length: 4 * s, Offset: 500 * time.Millisecond, Rate: 0.3, Gain: 0.5, Loop: true}}},
			inputs: []string{"-stream_loop", "-1", "-i", "file:" + a},
			graph: "[0:a:0]aresample=48000[s0];[s0]aformat=channel_layouts=stereo:sample_fmts=fltp[s1];[s1]asetpts=N/SR/TB[s2];" +
				"[s2]atrim=start_sample=24000[s3];[s3]asetpts=N/SR/TB[s4];[s4]atempo=0.5[s5];[s5]atempo=0.6[s6];[s6]volume=volume=0.5[s7];" +
				"[s7]atrim=end_sample=192000[s8];[s8]adelay=all=1:delays=48000S[s9];[s9]apad=whole_len=480000[s10];" +
				"[s10]atrim=end_sample=480000[s11];[s11]apad=whole_len=480000[s12]",
		},
		{
			name: "looping music and a page's element looping the same file share one looping input",
			plan: Plan{Duration: 4 * s, Clips: []Clip{{Path: m, Start: s, Length: s, Loop: true}},
				Music: &Music{Path: m, Loop: true, Duck: 1, FadeOut: -1}},
			inputs: []string{"-stream_loop", "-1", "-i", "file:" + m},
			graph: "[0:a:0]aresample=48000[s0];[s0]aformat=channel_layouts=stereo:sample_fmts=fltp[s1];[s1]asetpts=N/SR/TB[s2];" +
				"[s2]asplit=2[s3][s4];" +
				"[s3]atrim=end_sample=48000[s5];[s5]adelay=all=1:delays=48000S[s6];[s6]apad=whole_len=192000[s7];" +
				"[s4]atrim=end_sample=192000[s8];[s8]volume=volume=0.3[s9];" +
				"[s7][s9]amix=dropout_transition=0:duration=longest:inputs=2:normalize=0[s10];" +
				"[s10]atrim=end_sample=192000[s11];[s11]apad=whole_len=192000[s12]",
		},
		{
			name:   "music alone: played once, no ducking, default fade",
			plan:   Plan{Duration: 10 * s, Music: &Music{Path: m, Volume: 0.5}},
			inputs: []string{"-stream_loop", "0", "-i", "file:" + m},
			graph: "[0:a:0]aresample=48000[s0];[s0]aformat=channel_layouts=stereo:sample_fmts=fltp[s1];[s1]asetpts=N/SR/TB[s2];" +
				"[s2]atrim=end_sample=480000[s3];[s3]volume=volume=0.5[s4];[s4]afade=duration=3:start_time=7:type=out[s5];" +
				"[s5]atrim=end_sample=480000[s6];[s6]apad=whole_len=480000[s7]",
		},
		{
			name: "music looped and ducked under the same file used as narration",
			plan: Plan{Duration: 10 * s, Clips: []Clip{{Path: m, Start: 0, Length: 2 * s}},
				Music: &Music{Path: m, Loop: true, FadeOut: -1}},
			inputs: []string{"-i", "file:" + m, "-stream_loop", "-1", "-i", "file:" + m},
			graph: "[0:a:0]aresample=48000[s0];[s0]aformat=channel_layouts=stereo:sample_fmts=fltp[s1];[s1]asetpts=N/SR/TB[s2];" +
				"[s2]atrim=end_sample=96000[s3];[s3]apad=whole_len=480000[s4];" +
				"[1:a:0]aresample=48000[s5];[s5]aformat=channel_layouts=stereo:sample_fmts=fltp[s6];[s6]asetpts=N/SR/TB[s7];" +
				"[s7]atrim=end_sample=480000[s8];[s8]asetnsamples=n=480:p=0[s9];" +
				`[s9]volume=eval=frame:volume=0.3*(1-0.75*(min(clip((t+0.3)/0.3\,0\,1)\,clip((2.3-t)/0.3\,0\,1))))[s10];` +
				"[s4][s10]amix=dropout_transition=0:duration=longest:inputs=2:normalize=0[s11];" +
				"[s11]atrim=end_sample=480000[s12];[s12]apad=whole_len=480000[s13]",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, args := graph(t, tc.plan)
			if got != tc.graph {
				t.Errorf("graph =\n%s\nwant\n%s", strings.ReplaceAll(got, ";", ";\n"), strings.ReplaceAll(tc.graph, ";", ";\n"))
			}
			if tc.inputs != nil {
				if in := args[:slices.Index(args, "-filter_complex")]; !slices.Equal(in, tc.inputs) {
					t.Errorf("inputs = %q, want %q", in, tc.inputs)
				}
			}
		})
	}
}

func TestStreamDistinguishesPathsByFile(t *testing.T) {
	// Two spellings of one file are one input (ffmpeg-go would otherwise
	// merge them and panic for want of a split).
	dir := t.TempDir()
	t.Chdir(dir)
	g, args := graph(t, Plan{Duration: 10 * s, Clips: []Clip{{Path: "a.wav", Start: 0, Length: s}, {Path: filepath.Join(dir, "a.wav"), Start: 5 * s, Length: s}}})
	if n := strings.Count(strings.Join(args, " "), " -i "); n != 0 || args[0] != "-i" || !strings.Contains(g, "asplit=2") {
		t.Errorf("want one input, split in two: %q", args)
	}
}

func TestLanes(t *testing.T) {
	c := func(start, length float64) Clip {
		return Clip{Start: time.Duration(start * float64(s)), Length: time.Duration(length * float64(s))}
	}
	for _, tc := range []struct {
		clips []Clip
		want  [][]int
	}{
		{nil, nil},
		{[]Clip{c(0, 1), c(1, 1), c(2, 1)}, [][]int{{0, 1, 2}}},
		{[]Clip{c(5, 1), c(0, 1), c(2, 1)}, [][]int{{1, 2, 0}}},
		{[]Clip{c(0, 3), c(1, 1), c(2, 1), c(3, 1)}, [][]int{{0, 3}, {1, 2}}},
		{[]Clip{c(0, 1), c(0, 1), c(0, 1)}, [][]int{{0}, {1}, {2}}},
		// Ends and starts are compared in samples: a clip that ends a
		// fraction of a sample after the next starts does not overlap it.
		{[]Clip{{Start: 0, Length: s + 10*time.Nanosecond}, c(1, 1)}, [][]int{{0, 1}}},
	} {
		if got := lanes(tc.clips); !slices.EqualFunc(got, tc.want, slices.Equal) {
			t.Errorf("lanes(%v) = %v, want %v", tc.clips, got, tc.want)
		}
	}
}

func TestDuckExpr(t *testing.T) {
	clips := []Clip{{Start: 10 * s, Length: 2 * s}, {Start: 1 * s, Length: 2 * s}, {Start: 3200 * time.Millisecond, Length: s}}
	for _, tc := range []struct {
		volume, duck float64
		ramp         time.Duration
		clips        []Clip
		want         string
	}{
		{0.3, 1, DefaultDuckRamp, clips, "0.3"},
		{0.3, 0.25, DefaultDuckRamp, nil, "0.3"},
		// 1-3 s and 3.2-4.2 s are closer than two ramps: one stretch.
		{0.3, 0.25, 300 * time.Millisecond, clips,
			"0.3*(1-0.75*(min(clip((t-0.7)/0.3,0,1),clip((4.5-t)/0.3,0,1))+min(clip((t-9.7)/0.3,0,1),clip((12.3-t)/0.3,0,1))))"},
		{1, 0, 0, clips, "1*(1-1*(between(t,1,3)+between(t,3.2,4.2)+between(t,10,12)))"},
	} {
		if got := duckExpr(tc.volume, tc.duck, tc.ramp, tc.clips); got != tc.want {
			t.Errorf("duckExpr(%g, %g, %s) =\n%s\nwant\n%s", tc.volume, tc.duck, tc.ramp, got, tc.want)
		}
	}
}

func TestParseGain(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"0.3", 0.3, true},
		{" 1 ", 1, true},
		{"30%", 0.3, true},
		{"0dB", 1, true},
		{"-12 dB", math.Pow(10, -12.0/20), true},
		{"+6db", math.Pow(10, 6.0/20), true},
		{"-inf dB", 0, true},
		{"0", 0, true},
		{"24dB", math.Pow(10, 24.0/20), true},
		{"25dB", 0, false},
		{"17", 0, false},
		{"-0.1", 0, false},
		{"loud", 0, false},
		{"NaN", 0, false},
		{"", 0, false},
	} {
		got, err := ParseGain(tc.in)
		if tc.ok != (err == nil) || (tc.ok && math.Abs(got-tc.want) > 1e-12) {
			t.Errorf("ParseGain(%q) = %g, %v; want %g, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "-10dB") {
			t.Errorf("ParseGain(%q) error %q does not say how to write a volume", tc.in, err)
		}
	}
}

func TestValidate(t *testing.T) {
	ok := Plan{Duration: 10 * s, Clips: []Clip{{Path: "a.wav", Start: 0, Length: s}}, Music: &Music{Path: "m.mp3"}}
	for _, tc := range []struct {
		name   string
		modify func(*Plan)
		want   []string
	}{
		{"valid", func(*Plan) {}, nil},
		{"no length", func(p *Plan) { p.Duration = 0 }, []string{"soundtrack length 0s is out of range"}},
		{"clip without file", func(p *Plan) { p.Clips[0].Path = "" }, []string{"clip 1 has no file"}},
		{"clip after the end", func(p *Plan) { p.Clips[0].Start = 10 * s }, []string{"clip 1 (a.wav) starts at 10s, outside the video (0 to 10s)"}},
		{"clip before the start", func(p *Plan) { p.Clips[0].Start = -1 }, []string{"starts at -1ns, outside the video"}},
		{"clip without length", func(p *Plan) { p.Clips[0].Length = 0 }, []string{"clip 1 (a.wav): length 0s is out of range"}},
		{"negative offset", func(p *Plan) { p.Clips[0].Offset = -s }, []string{"clip 1 (a.wav): offset -1s is out of range"}},
		{"rate too slow", func(p *Plan) { p.Clips[0].Rate = 0.01 }, []string{"clip 1 (a.wav): rate 0.01 is out of range (0.0625 to 16)"}},
		{"rate NaN", func(p *Plan) { p.Clips[0].Rate = math.NaN() }, []string{"rate NaN is out of range"}},
		{"clip too loud", func(p *Plan) { p.Clips[0].Gain = 17 }, []string{"clip 1 (a.wav): gain 17 is out of range (0 to 16)"}},
		{"music without file", func(p *Plan) { p.Music.Path = "" }, []string{"music has no file"}},
		{"music too loud", func(p *Plan) { p.Music.Volume = 20 }, []string{"music volume 20 is out of range (0 to 16)"}},
		{"ducking up", func(p *Plan) { p.Music.Duck = 1.5 }, []string{"music ducking gain 1.5 is out of range (0 to 1; 1 turns ducking off)"}},
		{"negative ramp", func(p *Plan) { p.Music.DuckRamp = -s }, []string{"music duck ramp -1s is out of range"}},
		{"all at once", func(p *Plan) { p.Duration = -s; p.Clips = append(p.Clips, Clip{}) },
			[]string{"soundtrack length -1s", "clip 2 has no file"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := ok
			p.Clips = slices.Clone(ok.Clips)
			m := *ok.Music
			p.Music = &m
			tc.modify(&p)
			err := p.Validate()
			if tc.want == nil {
				if err != nil {
					t.Errorf("Validate() = %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %q, want it to contain %q", err, w)
				}
			}
			if _, serr := p.Stream(); serr == nil || serr.Error() != err.Error() {
				t.Errorf("Stream() error = %v, want Validate's", serr)
			}
		})
	}
	if _, err := (Plan{Duration: s}).Stream(); err == nil || !strings.Contains(err.Error(), "nothing to play") {
		t.Errorf("Stream of an empty plan: %v", err)
	}
	if (Plan{Duration: s}).HasAudio() || !ok.HasAudio() {
		t.Error("HasAudio is wrong")
	}
}

func TestSamples(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want int64
	}{
		{0, 0},
		{s, 48000},
		{frameTime(1, 30), 1600}, // 33.333333ms
		{frameTime(17999, 30), 28798400},
		{frameTime(1, 60), 800},
		{10 * time.Microsecond, 0}, // under half a sample
		{11 * time.Microsecond, 1}, // over half a sample
		{MaxDuration, 24 * 3600 * 48000},
	} {
		if got := samples(tc.d); got != tc.want {
			t.Errorf("samples(%s) = %d, want %d", tc.d, got, tc.want)
		}
	}
}
