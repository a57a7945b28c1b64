package job

import (
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deckreel/deckreel/internal/pool"
)

// writeChunk puts a finished chunk video in place, as the encoder does.
func writeChunk(t *testing.T, j *Job, i int) {
	t.Helper()
	if err := os.WriteFile(j.ChunkPath(i), []byte("video"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := j.MarkDone(i, nil); err != nil {
		t.Fatal(err)
	}
}

func states(t *testing.T, j *Job) string {
	t.Helper()
	st, err := j.Status()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, c := range st.Chunks {
		b.WriteByte(map[ChunkState]byte{StateDone: 'D', StateFailed: 'F', StatePending: '.'}[c.State])
	}
	return b.String()
}

func TestChunkStates(t *testing.T) {
	s := testSettings()
	s.Frames = 3000 // 10 chunks of 300
	j := newJob(t, s)
	if got := states(t, j); got != ".........." {
		t.Fatalf("new job: %s", got)
	}
	for _, c := range []int{0, 1, 2, 5, 9} {
		writeChunk(t, j, c)
	}
	if err := j.MarkFailed(3, errors.New("page error: boom")); err != nil {
		t.Fatal(err)
	}
	if err := j.MarkFailed(3, errors.New("page error: boom again")); err != nil {
		t.Fatal(err)
	}
	if got := states(t, j); got != "DDDF.D...D" {
		t.Fatalf("states: %s, want DDDF.D...D", got)
	}
	st, _ := j.Status()
	if f := st.Chunks[3].Failure; f == nil || f.Attempts != 2 || f.Error != "page error: boom again" {
		t.Errorf("chunk 3 failure: %+v, want 2 attempts and the last error", f)
	}
	if st.Done != 5 || st.Failed != 1 || st.Pending != 4 || st.DoneFrames != 1500 {
		t.Errorf("counts: %+v", st)
	}

	todo, err := j.Todo(j.All())
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{3, 4, 6, 7, 8}; !slices.Equal(todo, want) {
		t.Errorf("Todo = %v, want %v", todo, want)
	}
	if want := []pool.Range{{Start: 900, End: 1500}, {Start: 1800, End: 2700}}; !slices.Equal(j.Ranges(todo), want) {
		t.Errorf("Ranges(todo) = %v, want %v", j.Ranges(todo), want)
	}
	if todo, _ := j.Todo(Span{4, 7}); !slices.Equal(todo, []int{4, 6}) {
		t.Errorf("Todo(4-6) = %v, want [4 6]", todo)
	}

	// A rerun makes done chunks not done, and keeps their videos until
	// they are replaced.
	if err := j.MarkRerun([]int{1, 9}); err != nil {
		t.Fatal(err)
	}
	if got := states(t, j); got != "D.DF.D...." {
		t.Fatalf("after MarkRerun: %s, want D.DF.D....", got)
	}
	if _, err := os.Stat(j.ChunkPath(1)); err != nil {
		t.Errorf("rerun removed the old video: %v", err)
	}
	// A rerun that fails is failed; one that succeeds is done again.
	if err := j.MarkFailed(1, errors.New("tab crashed")); err != nil {
		t.Fatal(err)
	}
	writeChunk(t, j, 9)
	writeChunk(t, j, 3)
	if got := states(t, j); got != "DFDD.D...D" {
		t.Fatalf("after rerun: %s, want DFDD.D...D", got)
	}
	if err := j.MarkRerun([]int{10}); err == nil {
		t.Error("MarkRerun of chunk 10 of 10: no error")
	}
	if err := j.MarkDone(4, nil); err == nil {
		t.Error("MarkDone without a video: no error")
	}
}

func TestStatusRuns(t *testing.T) {
	s := testSettings()
	s.Frames = 2000 // 7 chunks, the last of 200 frames
	j := newJob(t, s)
	writeChunk(t, j, 0)
	writeChunk(t, j, 1)
	_ = j.MarkFailed(2, errors.New("e1"))
	_ = j.MarkFailed(3, errors.New("e1"))
	_ = j.MarkFailed(4, errors.New("e2"))
	writeChunk(t, j, 6)
	st, _ := j.Status()
	var got []string
	for _, r := range st.Runs() {
		got = append(got, string(r.State)+" "+r.Chunks.String()+" "+r.Frames.String())
	}
	want := []string{
		"done chunks 0-1 [0,600)",
		"failed chunks 2-3 [600,1200)",
		"failed chunk 4 [1200,1500)",
		"pending chunk 5 [1500,1800)",
		"done chunk 6 [1800,2000)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Runs:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestFrameList(t *testing.T) {
	if got := FrameList([]pool.Range{{Start: 0, End: 1}, {Start: 120, End: 240}}); got != "0,120-239" {
		t.Errorf("FrameList = %q", got)
	}
}

// TestDoneProbe: what probing a chunk found when it was finished is given
// back while the file is unchanged, and not once it was rewritten.
func TestDoneProbe(t *testing.T) {
	j := newJob(t, testSettings())
	if err := os.WriteFile(j.ChunkPath(0), []byte("a chunk"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := j.MarkDone(0, json.RawMessage(`{"Packets":300}`)); err != nil {
		t.Fatal(err)
	}
	if got, ok := j.DoneProbe(0); !ok || string(got) != `{"Packets":300}` {
		t.Fatalf("DoneProbe = %s, %v", got, ok)
	}
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(j.ChunkPath(0), later, later); err != nil {
		t.Fatal(err)
	}
	if _, ok := j.DoneProbe(0); ok {
		t.Error("DoneProbe trusts a file modified after it was finished")
	}
	if _, ok := j.DoneProbe(1); ok {
		t.Error("DoneProbe of a chunk that is not done")
	}
}
