// Package soundtrack plans the sound of a deck video: each slide's
// narration starting exactly on the slide's first frame, and an optional
// background music track, looped or cut to the video's length, faded out at
// the end and lowered ("ducked") while narration plays. A Plan becomes part
// of the encoder's ffmpeg command as an ffmpeg-go stream (Plan.Stream):
// ffmpeg decodes, mixes and encodes the audio alongside the video, so no
// intermediate audio file is written.
//
// Timing is exact to the audio sample. Every input is resampled to 48 kHz
// and renumbered from its first decoded sample, and each clip is placed by
// counting samples (cut and padded to exactly the samples before the next
// clip, the first delayed by adelay in samples), so its first sample lands
// on Clip.Start rounded to 1/48000 s whatever the source's rate, container
// start time, codec delay or decoded length; the mix is padded or cut to
// exactly the video's length, so sound never drifts from the frames over a
// long deck. The cost grows with the video's length, not with the number
// of clips.
//
// Probe reads an audio file's length with ffprobe, for slides whose
// duration follows their narration, and reports a file that cannot be read
// as a *FileError naming it.
package soundtrack
