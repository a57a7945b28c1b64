// Package frames turns the encoded screenshots that the capture workers send,
// out of order, into frames for the encoder, in order: raw pixels, or, when
// nothing needs the pixels, the JPEG shots themselves.
//
// [Run] decodes each PNG or JPEG [Shot] on a bounded set of worker
// goroutines, fits it to the output size (letterboxed, never stretched),
// converts it to the output pixel layout (RGBA, or YUV 4:2:0 so that ffmpeg
// has nothing left to convert; with JPEG output a JPEG shot of the output
// size is not decoded at all), and restores frame order in exactly one
// place: a reorder buffer keyed by frame index, drained by a single goroutine
// that is the only caller of the [FrameSink]. Consecutive identical shots are
// merged into one WriteFrame call with their counts summed, so a still slide
// costs one decode per shot and one sink call per run of identical shots.
//
// A multi-page render (a deck manifest) gives Run a [Timeline]: the shots
// are then the pages' capture frames, one page after the other, and the
// reorder step feeds them, in order, to a composer that maps them to output
// frames. It passes a page's own frames through (runs stay runs) and blends
// the transition frames between pages with imaging, holding only the
// previous page's tail frames, which the workers keep in RGBA for it.
//
// Memory is bounded by the upstream window, not by the deck: the reorder
// buffer only holds shots that capture produced ahead of the encoder, and
// capture only produces shots inside the window that [Config.OnAdvance]
// moves. Pixel buffers are recycled through a small free list owned by the
// Run call, so a long render does not allocate a frame's worth of memory
// per frame on its output side.
package frames
