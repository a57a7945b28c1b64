package job

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// FuzzParseFrames checks that a --frames list that parses is sorted,
// merged, inside the video and non-empty, and reads back the same from
// FrameList; and that a bad one says so with --frames in the message.
func FuzzParseFrames(f *testing.F) {
	for _, s := range []string{"0", "120-239,600-659", "5-", "3-1", "-", "", ",", "1,,2", "+1", "-1", "0-0,0-0",
		"99999999999999999999", "1-99999999999999999999", "1\x00", "\xff", "1 - 2", strings.Repeat("1,", 1000)} {
		f.Add(s, 1000)
	}
	f.Add("0-", 1)
	f.Add("0", 0)
	f.Fuzz(func(t *testing.T, s string, total int) {
		rs, err := ParseFrames(s, total)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "--frames") || strings.Contains(err.Error(), "\n") && !strings.Contains(s, "\n") {
				t.Fatalf("error %q does not name --frames in one line", err)
			}
			return
		}
		if len(rs) == 0 {
			t.Fatalf("%q: no ranges and no error", s)
		}
		for i, r := range rs {
			if r.Start < 0 || r.End > total || r.End <= r.Start {
				t.Fatalf("%q: range %v outside 0-%d or empty", s, r, total)
			}
			if i > 0 && r.Start <= rs[i-1].End {
				t.Fatalf("%q: ranges %v not sorted and merged", s, rs)
			}
		}
		back, err := ParseFrames(FrameList(rs), total)
		if err != nil || !reflect.DeepEqual(back, rs) {
			t.Fatalf("%q: FrameList %q reads back as %v, %v; want %v", s, FrameList(rs), back, err, rs)
		}
	})
}

// FuzzParseShard checks that a --shard that parses is in range and reads
// back the same from its String.
func FuzzParseShard(f *testing.F) {
	for _, s := range []string{"1/1", "2/8", "0/8", "9/8", "1/0", "-1/2", "a/b", "1/", "/", "", "1/99999999999999999999", " 2 / 8 ", "2/8/1", "\xff/1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sh, err := ParseShard(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "--shard") {
				t.Fatalf("error %q does not name --shard", err)
			}
			return
		}
		if sh.Count < 1 || sh.Index < 0 || sh.Index >= sh.Count {
			t.Fatalf("%q: shard %+v out of range", s, sh)
		}
		if back, err := ParseShard(sh.String()); err != nil || back != sh {
			t.Fatalf("%q: %q reads back as %+v, %v", s, sh.String(), back, err)
		}
	})
}

// FuzzJobFile feeds job.json contents to the reader: it must not panic,
// every refusal must match ErrDamaged, and a state it accepts must be
// usable (its plan tiles the video) and read back the same once written.
func FuzzJobFile(f *testing.F) {
	s := Settings{Input: "talk.md", Frames: 300, FPS: 30, Width: 640, Height: 360, Codec: "libx264", PixFmt: "yuv420p", CRF: 18, Preset: "veryfast"}.WithDefaults(time.Unix(1700000000, 0))
	good := state{Version: Version, Created: time.Unix(1700000000, 0).UTC(), Settings: s, SettingsHash: s.Hash(), InputHash: "abc",
		Plan: FixedPlan(300, 150, func(a, b int) string { return "k" + strings.Repeat("0", a/150+1) })}
	data, err := json.Marshal(good)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(strings.Replace(string(data), `"version":2`, `"version":1`, 1)))
	f.Add([]byte(strings.Replace(string(data), `"end":300`, `"end":301`, 1)))
	f.Add([]byte(strings.Replace(string(data), `"abc"`, `"../../etc"`, 1)))
	f.Add([]byte(`{"version":2,"plan":[` + strings.Repeat(`{"start":0,"end":1,"key":"a"},`, 100) + `{}]}`))
	f.Add([]byte(strings.Repeat("[", 20000)))
	f.Add([]byte("\xef\xbb\xbf{}"))
	f.Add([]byte("{\"version\":2,\x00}"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := decodeState(data)
		if err != nil {
			if !errors.Is(err, ErrDamaged) {
				t.Fatalf("error %v does not match ErrDamaged", err)
			}
			return
		}
		if err := checkPlan(st.Plan, st.Settings.Frames); err != nil {
			t.Fatalf("accepted a state whose plan is unusable: %v", err)
		}
		out, err := json.Marshal(st)
		if err != nil {
			t.Fatal(err)
		}
		back, err := decodeState(out)
		if err != nil {
			t.Fatalf("a state it accepted, written again, is refused: %v", err)
		}
		if !reflect.DeepEqual(back, st) {
			t.Fatalf("round trip changed the state:\n%+v\n%+v", st, back)
		}
	})
}
