// Package job keeps a render's state in a job directory, so that a render
// that was interrupted, failed in part or was split over several machines
// loses no finished work.
//
// A job cuts the output timeline into fixed chunks of [Settings.ChunkFrames]
// frames. Each chunk is encoded as its own MP4 (chunks/NNNNN.mp4) that starts
// with an IDR frame and at timestamp 0, so the chunks join without
// re-encoding (see package merge). The chunk files themselves are the record
// of what is done: a chunk is done when its file exists, and it only exists
// once it is complete, synced and renamed into place. job.json holds what
// never changes during a job (the settings that shape pixels, their hash and
// the hash of the input) and is written once, atomically; a failed chunk
// leaves a small chunks/NNNNN.failed.json beside it, and a chunk chosen for a
// rerun a chunks/NNNNN.rerun marker. No file is written by two processes, so
// shards of one job can share the directory over a network volume, and a
// crash at any instant leaves a directory that [Open] reads and a resume
// finishes.
//
// Writers take a [Lock] on the chunks they render; [ChunkWriter] is the
// frame sink that encodes frames into chunk files and records the outcome.
package job
