package merge

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

func TestClockFor(t *testing.T) {
	tests := []struct {
		fps                 int
		timescale, perFrame int64
	}{
		{1, 16384, 16384},
		{7, 14336, 2048},
		{10, 10240, 1024},
		{25, 12800, 512},
		{30, 15360, 512},
		{60, 15360, 256},
		{240, 15360, 64},
	}
	for _, tt := range tests {
		if c := clockFor(tt.fps); c.timescale != tt.timescale || c.perFrame != tt.perFrame {
			t.Errorf("clockFor(%d) = %+v, want %d ticks a second, %d a frame", tt.fps, c, tt.timescale, tt.perFrame)
		}
	}
}

// TestConcatList: each part starts at its first frame's time rounded to
// the microsecond, so the rounding of many short parts does not add up.
func TestConcatList(t *testing.T) {
	tests := []struct {
		name  string
		fps   int
		sizes []int
		want  []string // the durations
	}{
		{"whole microseconds", 7, []int{14, 3}, []string{"2.000000"}},
		// 13/7 s = 1.857142857: the second starts at 1.857143, the
		// third at 3.714286, 1.857143 later.
		{"odd rate", 7, []int{13, 13, 7}, []string{"1.857143", "1.857143"}},
		// 1/240 s = 4166.67 µs: starts 0, 4167, 8333, 12500.
		{"one frame each", 240, []int{1, 1, 1, 1}, []string{"0.004167", "0.004166", "0.004167"}},
		{"one part", 30, []int{41}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var parts []Part
			want := "ffconcat version 1.0\n"
			for i, n := range tt.sizes {
				p := "/a/" + string(rune('0'+i)) + ".mp4"
				parts = append(parts, Part{Path: p, Frames: n})
				want += "file 'file:" + p + "'\n"
				if i < len(tt.want) {
					want += "duration " + tt.want[i] + "\n"
				}
			}
			if got := concatList(parts, tt.fps); got != want {
				t.Errorf("concatList =\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// TestConcatListLong: however many parts, the declared durations add up
// to each part's exact start, rounded once.
func TestConcatListLong(t *testing.T) {
	var parts []Part
	frames := 0
	for i := range 10000 {
		parts = append(parts, Part{Path: "/p.mp4", Frames: 1 + i%11})
		frames += 1 + i%11
	}
	var sum int64
	for _, line := range strings.Split(concatList(parts, 23), "\n") {
		if d, ok := strings.CutPrefix(line, "duration "); ok {
			sec, frac, _ := strings.Cut(d, ".")
			s, err1 := strconv.ParseInt(sec, 10, 64)
			us, err2 := strconv.ParseInt(frac, 10, 64)
			if err1 != nil || err2 != nil || len(frac) != 6 {
				t.Fatalf("duration %q", d)
			}
			sum += s*1_000_000 + us
		}
	}
	last := frames - parts[len(parts)-1].Frames
	if want := int64(math.Round(float64(last) * 1e6 / 23)); sum != want {
		t.Errorf("the last part starts at %d µs, want %d", sum, want)
	}
}

func TestTimeBaseProblem(t *testing.T) {
	tests := []struct {
		timeBase string
		fps      int
		ok       bool
	}{
		{"1/1200000", 30, true}, // 40000 ticks a frame
		{"1/1200000", 7, true},  // 171428.57 a frame, but fine enough
		{"1/15360", 30, true},   // what the join writes
		{"1/7", 7, true},        // one tick a frame
		{"1/1000", 7, false},    // milliseconds: neither
		{"1/1001", 10, false},
		{"1001/30000", 30, false}, // NTSC ticks
		{"1/0", 30, false},
		{"", 30, false},
	}
	for _, tt := range tests {
		why := clockFor(tt.fps).timeBaseProblem(tt.timeBase, tt.fps)
		if (why == "") != tt.ok {
			t.Errorf("timeBaseProblem(%q, %d fps) = %q, want ok %v", tt.timeBase, tt.fps, why, tt.ok)
		}
	}
}

func TestCheckPacket(t *testing.T) {
	c := clockFor(7) // 2048 ticks a frame
	tests := []struct {
		n    int64
		line string
		want string // in the error; "" for none
	}{
		{0, "packet|pts=0|dts=0|duration=2048", ""},
		{3, "packet|pts=6144|dts=6144|duration=2048", ""},
		{3, "packet|pts=6145|dts=6145|duration=2048", "frame 3 has pts 6145, dts 6145 and lasts 2048; want 6144, 6144 and 2048"},
		{3, "packet|pts=6144|dts=6144|duration=2049", "lasts 2049"},
		{3, "packet|pts=N/A|dts=6144|duration=2048", "unreadable"},
	}
	for _, tt := range tests {
		err := c.checkPacket(tt.n, tt.line)
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("checkPacket(%d, %q) = %v, want %q", tt.n, tt.line, err, tt.want)
		}
	}
}
