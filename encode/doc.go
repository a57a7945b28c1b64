// Package encode turns a stream of frames (raw pixels, or JPEG files that
// ffmpeg decodes itself) into a video file by piping them into an ffmpeg
// child process.
//
// An Encoder writes to a hidden temporary file next to the requested output
// and only renames it into place once ffmpeg has exited cleanly, so a
// failed, aborted or cancelled encode never leaves a truncated MP4 (or
// clobbers a good one) at the output path. Stopping is always graceful
// first: ffmpeg's stdin is closed and it is sent SIGINT, and it is killed
// only if it is still running after a grace period, because a SIGKILLed
// ffmpeg leaves an MP4 without its index. The ffmpeg command line is built
// with github.com/u2takey/ffmpeg-go; starting, feeding and stopping the
// process is done here with os/exec.
package encode
