package job

import (
	"strings"
	"testing"
)

func TestShardSpan(t *testing.T) {
	tests := []struct {
		chunks, count int
		want          []Span
	}{
		{10, 1, []Span{{0, 10}}},
		{10, 3, []Span{{0, 4}, {4, 7}, {7, 10}}},
		{10, 5, []Span{{0, 2}, {2, 4}, {4, 6}, {6, 8}, {8, 10}}},
		{8, 8, []Span{{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5}, {5, 6}, {6, 7}, {7, 8}}},
		{2, 5, []Span{{0, 1}, {1, 2}, {2, 2}, {2, 2}, {2, 2}}},
		{61, 8, []Span{{0, 8}, {8, 16}, {16, 24}, {24, 32}, {32, 40}, {40, 47}, {47, 54}, {54, 61}}},
	}
	for _, tt := range tests {
		for i, want := range tt.want {
			if got := (Shard{Index: i, Count: tt.count}).Span(tt.chunks); got != want {
				t.Errorf("%d chunks, shard %d of %d: %v, want %v", tt.chunks, i, tt.count, got, want)
			}
		}
	}
	// Every split covers every chunk exactly once, in order.
	for chunks := range 40 {
		for count := 1; count < 12; count++ {
			next := 0
			for i := range count {
				s := (Shard{Index: i, Count: count}).Span(chunks)
				if s.Start != next || s.End < s.Start {
					t.Fatalf("%d chunks in %d shards: shard %d is %v, want a start of %d", chunks, count, i, s, next)
				}
				next = s.End
			}
			if next != chunks {
				t.Fatalf("%d chunks in %d shards end at %d", chunks, count, next)
			}
		}
	}
}

func TestParseShard(t *testing.T) {
	tests := []struct {
		in      string
		want    Shard
		wantErr string
	}{
		{in: "2/8", want: Shard{1, 8}},
		{in: "1/1", want: Shard{0, 1}},
		{in: " 8 / 8 ", want: Shard{7, 8}},
		{in: "0/8", wantErr: "K counts from 1 to 8"},
		{in: "9/8", wantErr: "K counts from 1 to 8"},
		{in: "1/0", wantErr: "at least 1"},
		{in: "2", wantErr: "want K/N"},
		{in: "a/b", wantErr: "want K/N"},
	}
	for _, tt := range tests {
		got, err := ParseShard(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseShard(%q) = %v, %v; want an error containing %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseShard(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if got.String() != strings.ReplaceAll(tt.in, " ", "") {
			t.Errorf("String() = %q, want %q", got.String(), tt.in)
		}
	}
}

func TestShardFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		count   int
		want    Shard
		wantErr string
	}{
		{"kubernetes", map[string]string{"JOB_COMPLETION_INDEX": "0"}, 3, Shard{0, 3}, ""},
		{"aws", map[string]string{"AWS_BATCH_JOB_ARRAY_INDEX": "2"}, 3, Shard{2, 3}, ""},
		{"kubernetes first", map[string]string{"JOB_COMPLETION_INDEX": "1", "AWS_BATCH_JOB_ARRAY_INDEX": "2"}, 3, Shard{1, 3}, ""},
		{"out of range", map[string]string{"JOB_COMPLETION_INDEX": "3"}, 3, Shard{}, `JOB_COMPLETION_INDEX="3" is not an index from 0 to 2`},
		{"not a number", map[string]string{"JOB_COMPLETION_INDEX": "x"}, 3, Shard{}, "not an index"},
		{"unset", nil, 3, Shard{}, "none of JOB_COMPLETION_INDEX"},
		{"no shards", map[string]string{"JOB_COMPLETION_INDEX": "0"}, 0, Shard{}, "at least 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ShardFromEnv(tt.count, func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, %v; want an error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}
