// Package merge joins the chunk videos of a job into one MP4 without
// re-encoding, with ffmpeg's concat demuxer and stream copy.
//
// That is lossless and exact only for chunks that were made to be joined:
// each an H.264 stream of its own encode (so it starts with an IDR frame and
// at timestamp 0), with the same codec parameters (the SPS and PPS in the
// stream's extradata), size, pixel format and frame rate, and lasting a
// whole number of microseconds, the unit in which the concat demuxer adds
// up where each chunk starts. [Check] verifies all of that with ffprobe
// before [Join] writes anything; the joined file then decodes to exactly
// the chunks' frames, one after the other, with evenly spaced timestamps.
package merge
