// Package merge joins the chunk videos of a job into one MP4 without
// re-encoding, with ffmpeg's concat demuxer and stream copy.
//
// That is lossless and exact only for chunks that were made to be joined:
// each an H.264 stream of its own encode (so it starts with an IDR frame and
// at timestamp 0), with the same codec parameters (the SPS and PPS in the
// stream's extradata), size, pixel format and frame rate, and timed finely
// enough that its frames can be placed on the joined video's clock to the
// tick. A chunk may have any number of frames. [Check] verifies all of that
// with ffprobe before [Join] writes anything; the joined file then decodes
// to exactly the chunks' frames, one after the other, frame n at exactly n
// frame durations, which Join checks packet by packet before it replaces
// the output.
package merge
