package job

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/deckreel/deckreel/internal/pool"
)

func TestParseFrames(t *testing.T) {
	tests := []struct {
		in      string
		want    []pool.Range
		wantErr string
	}{
		{in: "120-239,600-659", want: []pool.Range{{Start: 120, End: 240}, {Start: 600, End: 660}}},
		{in: "5", want: []pool.Range{{Start: 5, End: 6}}},
		{in: " 990- ", want: []pool.Range{{Start: 990, End: 1000}}},
		{in: "0-999", want: []pool.Range{{Start: 0, End: 1000}}},
		{in: "600-659,120-239", want: []pool.Range{{Start: 120, End: 240}, {Start: 600, End: 660}}},
		{in: "0-10,5-20,21-30", want: []pool.Range{{Start: 0, End: 31}}},
		{in: "", wantErr: "empty list"},
		{in: "1,,2", wantErr: "empty range between commas"},
		{in: "a-b", wantErr: `"a" is not a frame number`},
		{in: "-5", wantErr: `"" is not a frame number`},
		{in: "+5", wantErr: `"+5" is not a frame number`},
		{in: "10-5", wantErr: "ends before it starts"},
		{in: "1000", wantErr: "the video has frames 0-999"},
		{in: "900-1000", wantErr: "use 900- for"},
		{in: "1.5", wantErr: "not a frame number"},
		{in: "1-2-3", wantErr: `"2-3" is not a frame number`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseFrames(tt.in, 1000)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseFrames(%q) = %v, %v; want an error containing %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("ParseFrames(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestSelect(t *testing.T) {
	s := testSettings()
	s.Frames = 3000
	j := newJob(t, s)
	for c := range 10 {
		writeChunk(t, j, c)
	}
	sel, err := j.Select("120-239,600-659,2999")
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{0, 2, 9}; !slices.Equal(sel.Chunks, want) {
		t.Errorf("Chunks = %v, want %v", sel.Chunks, want)
	}
	if !sel.Rounded() {
		t.Error("Rounded = false")
	}
	wantNote := "rendering frames 120-239,600-659,2999 again as frames 0-299,600-899,2700-2999: a job re-renders whole chunks"
	if got := sel.Note(); got != wantNote {
		t.Errorf("Note = %q\nwant   %q", got, wantNote)
	}
	if got := states(t, j); got != ".D.DDDDDD." {
		t.Errorf("states after Select: %s", got)
	}

	exact, err := j.Select("300-599")
	if err != nil || exact.Rounded() || exact.Note() != "rendering frames 300-599 again" {
		t.Errorf("Select(300-599) = %+v, %v", exact, err)
	}

	// A bad list marks nothing.
	before, _ := os.ReadDir(j.dir + "/chunks")
	if _, err := j.Select("120-239,x"); err == nil {
		t.Error("Select with a bad range: no error")
	}
	after, _ := os.ReadDir(j.dir + "/chunks")
	if len(before) != len(after) {
		t.Errorf("a bad --frames list changed the job: %d files, then %d", len(before), len(after))
	}
}
