package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/deckreel/deckreel/internal/job"
	"github.com/deckreel/deckreel/internal/render"
)

// jobFlags are the flags that make a render keep its state in a job
// directory: render --job DIR [--frames LIST] [--shard K/N | --shards N].
type jobFlags struct {
	dir    string
	frames string
	shard  string
	shards int
	chunk  time.Duration
}

func (o *jobFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&o.dir, "job", "", "keep the render's state in this directory: an interrupted or partly failed render can be resumed ('deckreel resume DIR'), and shards can share it")
	fs.StringVar(&o.frames, "frames", "", "with --job: render these frames again, e.g. 120-239,600-659 (rounded out to whole chunks), even if done; a changed input is accepted")
	fs.StringVar(&o.shard, "shard", "", "with --job: render only shard K of N (K from 1, e.g. 2/8); 'deckreel merge' joins the shards")
	fs.IntVar(&o.shards, "shards", 0, "with --job: render one of N shards, the 0-based index taken from JOB_COMPLETION_INDEX (Kubernetes) or AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch)")
	fs.DurationVar(&o.chunk, "chunk", 0, fmt.Sprintf("with --job, for a new job: length of a chunk, the unit of saved work, in whole seconds (0: %ds; an existing job keeps its own)", job.DefaultChunkSeconds))
}

// options checks the flags and returns the job options; ok is false when
// --job was not given (a plain render).
func (o *jobFlags) options(fps int, getenv func(string) string) (opts render.JobOptions, ok bool, err error) {
	if o.dir == "" {
		if o.frames != "" || o.shard != "" || o.shards != 0 {
			return opts, false, usagef("--frames, --shard and --shards need --job DIR")
		}
		return opts, false, nil
	}
	opts = render.JobOptions{Dir: o.dir, Frames: o.frames}
	if opts.Shard, err = o.parseShard(getenv); err != nil {
		return opts, false, err
	}
	if o.frames != "" && opts.Shard.Count > 0 {
		return opts, false, usagef("--frames cannot be combined with --shard or --shards: rerun frames in one process")
	}
	if o.chunk < 0 || o.chunk%time.Second != 0 {
		return opts, false, usagef("--chunk %s: must be a whole number of seconds", o.chunk)
	}
	opts.ChunkFrames = int(o.chunk/time.Second) * fps
	return opts, true, nil
}

func (o *jobFlags) parseShard(getenv func(string) string) (job.Shard, error) {
	switch {
	case o.shard != "" && o.shards != 0:
		return job.Shard{}, usagef("give either --shard K/N or --shards N, not both")
	case o.shard != "":
		s, err := job.ParseShard(o.shard)
		if err != nil {
			return job.Shard{}, usagef("%v", err)
		}
		return s, nil
	case o.shards != 0:
		s, err := job.ShardFromEnv(o.shards, getenv)
		if err != nil {
			return job.Shard{}, usagef("%v", err)
		}
		return s, nil
	}
	return job.Shard{}, nil
}

// runJobRender runs a render with a job directory and reports it.
func runJobRender(ctx context.Context, req render.Request, o render.JobOptions, stdout io.Writer) error {
	res, err := render.RunJob(ctx, req, o)
	if err != nil {
		return err
	}
	switch {
	case res.Output != "":
		fmt.Fprintf(stdout, "wrote %s (job %s): %d frames rendered in this run, %d of %d chunks reused, in %s\n",
			res.Output, o.Dir, res.Frames, res.Reused, res.Chunks, res.Elapsed.Round(time.Millisecond))
	default:
		fmt.Fprintf(stdout, "shard %s of job %s done: %d frames rendered in this run, in %s; join the shards with 'deckreel merge %s'\n",
			o.Shard, o.Dir, res.Frames, res.Elapsed.Round(time.Millisecond), o.Dir)
	}
	return nil
}
