// Package job keeps a render's state in a job directory, so that a render
// that was interrupted, failed in part or was split over several machines
// loses no finished work, and an edited deck re-renders only what changed.
//
// A job's plan cuts the output timeline into chunks (see [Chunk]): the
// caller cuts at slide boundaries and keys each chunk by a hash of what
// decides its pixels. Each chunk is encoded as its own MP4,
// chunks/<key>.mp4, that starts with an IDR frame and at timestamp 0, so the
// chunks join without re-encoding (see package merge). The chunk files are
// the record of what is done: a chunk is done when its file exists (it only
// exists once it is complete, synced and renamed into place) and matches its
// done record (<key>.done.json, its size and frames), so a video cut short
// later is noticed. Because chunks are named by content, a new revision of
// the input ([Job.Revise]) keeps every chunk whose key did not change.
//
// job.json holds the settings that decide the video, their hash, the input's
// hash, the snapshot of the input the revision renders ([Snapshot],
// sources/<hash>) and the plan; it is written atomically, when the job is
// created and when the input changes. A failed chunk leaves a small
// <key>.failed.json beside it, and a chunk chosen for a rerun a <key>.rerun
// marker. No file is written by two processes with different content, so
// shards of one job can share the directory over a network volume, and a
// crash at any instant leaves a directory that [Open] reads and a resume
// finishes.
//
// Writers take a [Lock] on the chunks they render; [ChunkWriter] is the
// frame sink that encodes frames into chunk files and records the outcome.
package job
