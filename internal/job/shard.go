package job

import (
	"fmt"
	"strconv"
	"strings"
)

// Shard is one of Count parts of a job, numbered from 0. Shards split the
// chunks into Count contiguous spans of nearly equal length, so a shard's
// chunks join with its neighbours' without re-encoding.
type Shard struct {
	Index, Count int
}

// String formats s the way --shard reads it: 1-based, "2/8" for Index 1.
func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index+1, s.Count) }

// Span returns the chunks of shard s of a job of n chunks. The first n%Count
// shards get one chunk more than the others; a shard past the last chunk
// gets an empty span.
func (s Shard) Span(n int) Span {
	per, extra := n/s.Count, n%s.Count
	start := s.Index*per + min(s.Index, extra)
	size := per
	if s.Index < extra {
		size++
	}
	return Span{start, start + size}
}

// ParseShard parses --shard K/N: the K-th of N shards, K counted from 1
// ("2/8" is the second of eight), as people count and as the issue and the
// docs write it. Machines that number from 0 use --shards N with the index
// in an environment variable instead (see [ShardFromEnv]).
func ParseShard(s string) (Shard, error) {
	ks, ns, ok := strings.Cut(s, "/")
	k, err1 := strconv.Atoi(strings.TrimSpace(ks))
	n, err2 := strconv.Atoi(strings.TrimSpace(ns))
	switch {
	case !ok || err1 != nil || err2 != nil:
		return Shard{}, fmt.Errorf("--shard %q: want K/N, e.g. 2/8 for the second of eight shards", s)
	case n < 1:
		return Shard{}, fmt.Errorf("--shard %s: the number of shards must be at least 1", s)
	case k < 1 || k > n:
		return Shard{}, fmt.Errorf("--shard %s: K counts from 1 to %d (for a 0-based index use --shards %d with JOB_COMPLETION_INDEX)", s, n, n)
	}
	return Shard{Index: k - 1, Count: n}, nil
}

// IndexVars returns the environment variables that batch engines set to a
// 0-based task index, in the order [ShardFromEnv] reads them.
func IndexVars() []string {
	return []string{
		"JOB_COMPLETION_INDEX",      // Kubernetes Indexed Job
		"AWS_BATCH_JOB_ARRAY_INDEX", // AWS Batch array job
		"CLOUD_RUN_TASK_INDEX",      // Google Cloud Run job
	}
}

// ShardFromEnv returns shard Index of count, Index being the 0-based task
// index that the batch engine put in the first of [IndexVars] that is set;
// getenv is os.Getenv (a parameter for tests).
func ShardFromEnv(count int, getenv func(string) string) (Shard, error) {
	if count < 1 {
		return Shard{}, fmt.Errorf("--shards %d: must be at least 1", count)
	}
	for _, name := range IndexVars() {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			continue
		}
		i, err := strconv.Atoi(v)
		if err != nil || i < 0 || i >= count {
			return Shard{}, fmt.Errorf("--shards %d: %s=%q is not an index from 0 to %d", count, name, v, count-1)
		}
		return Shard{Index: i, Count: count}, nil
	}
	return Shard{}, fmt.Errorf("--shards %d: none of %s is set; give the shard as --shard K/N (K from 1) instead",
		count, strings.Join(IndexVars(), ", "))
}
