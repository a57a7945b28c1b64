package capture

import (
	"reflect"
	"testing"
	"time"
)

func TestSoundSpans(t *testing.T) {
	const ms = time.Millisecond
	// st is a heard element: playing since start (ms) from base (s).
	st := func(key string, start, base float64) SoundState {
		return SoundState{Key: key, Src: "http://h/" + key + ".mp3", On: true, Start: start, Base: base, Rate: 1, Volume: 1, Duration: -1, Stop: -1}
	}
	with := func(s SoundState, f func(*SoundState)) SoundState { f(&s); return s }
	span := func(key string, at, until, offset time.Duration) SoundSpan {
		return SoundSpan{Src: "http://h/" + key + ".mp3", At: at, Until: until, Offset: offset, Rate: 1, Volume: 1}
	}
	// 10 fps, 20 frames: the page lasts 2 s.
	for _, tc := range []struct {
		name    string
		changes []SoundChange
		want    []SoundSpan
	}{
		{"autoplay to the page's end",
			[]SoundChange{{0, []SoundState{st("a", 0, 0)}}},
			[]SoundSpan{span("a", 0, 2000*ms, 0)}},
		{"play() and pause() at the script's own times",
			[]SoundChange{
				{3, []SoundState{st("a", 250, 0)}},
				{8, []SoundState{with(st("a", 720, 0.47), func(s *SoundState) { s.On = false; s.Stop = 720 })}},
			},
			[]SoundSpan{span("a", 250*ms, 720*ms, 0)}},
		{"a source that ends before the change is seen",
			[]SoundChange{
				{0, []SoundState{with(st("a", 0, 0), func(s *SoundState) { s.Duration = 0.55 })}},
				{6, []SoundState{with(st("a", 0, 0), func(s *SoundState) { s.On = false; s.Duration = 0.55; s.Stop = 550 })}},
			},
			[]SoundSpan{span("a", 0, 550*ms, 0)}},
		{"a length learnt while playing cuts the span",
			[]SoundChange{
				{0, []SoundState{st("a", 0, 0)}},
				{2, []SoundState{with(st("a", 0, 0), func(s *SoundState) { s.Duration = 1.2 })}},
			},
			[]SoundSpan{span("a", 0, 1200*ms, 0)}},
		{"seeked while playing: two runs",
			[]SoundChange{
				{0, []SoundState{st("a", 0, 0)}},
				{5, []SoundState{st("a", 430, 2)}},
			},
			[]SoundSpan{span("a", 0, 430*ms, 0), span("a", 430*ms, 2000*ms, 2*time.Second)}},
		{"paused and played again between two frames: stops at the pause, plays on from there",
			[]SoundChange{
				{0, []SoundState{st("a", 0, 0)}},
				{4, []SoundState{with(st("a", 380, 0.32), func(s *SoundState) { s.Stop = 320 })}},
			},
			[]SoundSpan{span("a", 0, 320*ms, 0), span("a", 380*ms, 2000*ms, 320*ms)}},
		{"seeked every frame to where it already is: one span",
			[]SoundChange{
				{0, []SoundState{st("a", 0, 0)}},
				{1, []SoundState{st("a", 100, 0.1)}},
				{2, []SoundState{st("a", 200, 0.2)}},
				{3, []SoundState{st("a", 300, 0.3)}},
			},
			[]SoundSpan{span("a", 0, 2000*ms, 0)}},
		{"a volume change is a gain from the frame that saw it",
			[]SoundChange{
				{0, []SoundState{st("a", 0, 0)}},
				{4, []SoundState{with(st("a", 0, 0), func(s *SoundState) { s.Volume = 0.5 })}},
			},
			[]SoundSpan{with2(span("a", 0, 2000*ms, 0), func(s *SoundSpan) { s.Gains = []GainPoint{{400 * ms, 0.5}} })}},
		{"a fade of a change per frame keeps a point per half percent",
			[]SoundChange{
				{0, []SoundState{st("a", 0, 0)}},
				{1, []SoundState{with(st("a", 0, 0), func(s *SoundState) { s.Volume = 0.998 })}},
				{2, []SoundState{with(st("a", 0, 0), func(s *SoundState) { s.Volume = 0.996 })}},
				{3, []SoundState{with(st("a", 0, 0), func(s *SoundState) { s.Volume = 0.994 })}},
				{4, []SoundState{with(st("a", 0, 0), func(s *SoundState) { s.Volume = 0.992 })}},
			},
			[]SoundSpan{with2(span("a", 0, 2000*ms, 0), func(s *SoundSpan) { s.Gains = []GainPoint{{300 * ms, 0.994}} })}},
		{"muted, then unmuted at a frame: heard from that frame, at its position",
			[]SoundChange{
				{0, []SoundState{with(st("a", 0, 0), func(s *SoundState) { s.On = false })}},
				{7, []SoundState{st("a", 0, 0)}},
			},
			[]SoundSpan{span("a", 700*ms, 2000*ms, 700*ms)}},
		{"a loop's offset wraps; its span does not end with the source",
			[]SoundChange{{3, []SoundState{with(st("a", 100, 0.9), func(s *SoundState) { s.Loop = true; s.Duration = 0.5; s.Start = 300 })}}},
			[]SoundSpan{with2(span("a", 300*ms, 2000*ms, 400*ms), func(s *SoundSpan) { s.Loop = true })}},
		{"rate: twice as fast, and too slow to be heard",
			[]SoundChange{{0, []SoundState{
				with(st("a", 0, 1), func(s *SoundState) { s.Rate = 2 }),
				with(st("b", 0, 0), func(s *SoundState) { s.Rate = 0.05 }),
			}}},
			[]SoundSpan{with2(span("a", 0, 2000*ms, time.Second), func(s *SoundSpan) { s.Rate = 2 })}},
		{"an element removed without a pause: stops at the frame that saw it",
			[]SoundChange{{0, []SoundState{st("a", 0, 0), st("b", 0, 0)}}, {12, []SoundState{st("b", 0, 0)}}},
			[]SoundSpan{span("a", 0, 1200*ms, 0), span("b", 0, 2000*ms, 0)}},
		{"a source already played out is not heard",
			[]SoundChange{{0, []SoundState{with(st("a", 0, 3), func(s *SoundState) { s.Duration = 2 })}}},
			nil},
		{"changes past the page's end are not its",
			[]SoundChange{{25, []SoundState{st("a", 2500, 0)}}},
			nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := SoundSpans(tc.changes, 10, 20)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("SoundSpans =\n%+v\nwant\n%+v", got, tc.want)
			}
		})
	}
}

func with2(s SoundSpan, f func(*SoundSpan)) SoundSpan { f(&s); return s }
