// Package captions turns a deck's speaker notes into captions and its slide
// titles into chapters. Split breaks each slide's notes into short cues
// (at most two lines of 42 characters by default, the common broadcast
// limit) timed within the slide; WriteSRT and WriteVTT write them as
// sidecar files or as the input of a soft subtitle track; WriteChapterList
// writes the "0:00 Title" list video sites read from a description; and
// WriteFFMetadata writes the chapters in ffmpeg's FFMETADATA1 format, for
// ffmpeg to put into the video (-map_metadata, -map_chapters).
//
// Nothing here runs ffmpeg or touches files: every function works on
// values and an io.Writer, so callers decide where the text goes.
package captions
