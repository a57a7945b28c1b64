package captions

import (
	"bytes"
	"slices"
	"testing"
	"time"
)

func TestMergeChapters(t *testing.T) {
	in := []Chapter{
		{0, sec(5), ""},
		{sec(5), sec(9), "Intro"},
		{sec(9), sec(12), "Intro"},
		{sec(12), sec(20), " \n"},
		{sec(20), sec(30), "Results\n (2024)"},
		{sec(30), sec(31), "Intro"},
	}
	want := []Chapter{
		{0, sec(5), ""},
		{sec(5), sec(20), "Intro"},
		{sec(20), sec(30), "Results (2024)"},
		{sec(30), sec(31), "Intro"},
	}
	orig := slices.Clone(in)
	if got := MergeChapters(in); !slices.Equal(got, want) {
		t.Errorf("MergeChapters = %v, want %v", got, want)
	}
	if !slices.Equal(in, orig) {
		t.Errorf("MergeChapters modified its input: %v", in)
	}
}

func TestWriteChapterList(t *testing.T) {
	chs := []Chapter{
		{0, sec(9.99), "Welcome"},
		{sec(9.99), sec(65), "Why\nvideo?"},
		{sec(65), sec(3599.999), "Ten minutes, #1 = best"},
		{sec(3599.999), sec(3600), "Almost an hour"},
		{sec(3600), sec(3600 + 62), "An hour in"},
		{sec(3600 + 62), 11 * time.Hour, "Much later"},
	}
	want := "0:00 Welcome\n0:09 Why video?\n1:05 Ten minutes, #1 = best\n59:59 Almost an hour\n1:00:00 An hour in\n1:01:02 Much later\n"
	var b bytes.Buffer
	if err := WriteChapterList(&b, chs); err != nil {
		t.Fatal(err)
	}
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestWriteFFMetadata(t *testing.T) {
	chs := []Chapter{
		{0, 1500*time.Millisecond + 400*time.Microsecond, "a=b;c#d\\e"},
		{1500*time.Millisecond + 400*time.Microsecond, time.Hour, "two\nlines"},
	}
	want := ";FFMETADATA1\ntitle=My \\= talk\n" +
		"\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1500\ntitle=a\\=b\\;c\\#d\\\\e\n" +
		"\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=1500\nEND=3600000\ntitle=two\\\nlines\n"
	var b bytes.Buffer
	if err := WriteFFMetadata(&b, "My = talk", chs); err != nil {
		t.Fatal(err)
	}
	if b.String() != want {
		t.Errorf("got\n%q\nwant\n%q", b.String(), want)
	}
	b.Reset()
	if err := WriteFFMetadata(&b, "", chs[:1]); err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), ";FFMETADATA1\n\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1500\ntitle=a\\=b\\;c\\#d\\\\e\n"; got != want {
		t.Errorf("untitled: got %q, want %q", got, want)
	}
}

func TestChapterErrors(t *testing.T) {
	for _, tc := range []struct {
		chs          []Chapter
		list, ffmeta string
	}{
		{[]Chapter{{sec(1), sec(2), "a"}}, "write chapter list: the first chapter starts at 1s; it must start at 0:00", ""},
		{[]Chapter{{0, sec(2), " "}}, "write chapter list: chapter 1 (at 0s) has no title", "write chapter metadata: chapter 1 (at 0s) has no title"},
		{[]Chapter{{0, 0, "a"}}, "write chapter list: chapter 1 \"a\" ends at 0s, not after it starts at 0s",
			"write chapter metadata: chapter 1 \"a\" ends at 0s, not after it starts at 0s"},
		{[]Chapter{{0, sec(2), "a"}, {sec(1), sec(3), "b"}}, "write chapter list: chapter 2 \"b\" starts at 1s, before chapter 1 ends at 2s",
			"write chapter metadata: chapter 2 \"b\" starts at 1s, before chapter 1 ends at 2s"},
	} {
		if err := WriteChapterList(&bytes.Buffer{}, tc.chs); err == nil || err.Error() != tc.list {
			t.Errorf("WriteChapterList(%v) = %v, want %q", tc.chs, err, tc.list)
		}
		err := WriteFFMetadata(&bytes.Buffer{}, "", tc.chs)
		if tc.ffmeta == "" {
			if err != nil {
				t.Errorf("WriteFFMetadata(%v) = %v, want nil", tc.chs, err)
			}
		} else if err == nil || err.Error() != tc.ffmeta {
			t.Errorf("WriteFFMetadata(%v) = %v, want %q", tc.chs, err, tc.ffmeta)
		}
	}
}
