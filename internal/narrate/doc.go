// Package narrate speaks a deck's speaker notes: it synthesizes each
// slide's notes with a text-to-speech engine, sentence by sentence, and
// times the deck by the speech.
//
// A narrated render resolves its narration once, before any frame is
// planned: [Narrate] synthesizes every sentence of every slide (each
// utterance once, kept in a [Cache] keyed by engine, version, voice and
// text, on a stage as wide as the machine's cores), concatenates a slide's
// sentences into its clip with a pause between them, and sets the deck's
// step durations so that a slide lasts at least its lead-in, speech and
// tail, and a "[next]" cue in the notes starts the slide's next build step
// where the voice reaches it. The render then plays each clip from its
// slide's start plus the lead-in, and makes captions from the sentences'
// own times. Sentences are synthesized one by one, not the whole notes at
// once, because that is what times them: no engine deckreel runs reports
// word timings in a form common to all of them, but every engine makes a
// clip whose length is exact.
//
// Engines are programs (espeak-ng, festival's text2wave, any command the
// user names) or an OpenAI-compatible HTTP server; see [Settings]. Their
// output, whatever its format, is converted by ffmpeg to one form (16-bit
// mono WAV at [SampleRate] Hz, leading and trailing silence trimmed) before
// it is cached, so that clips concatenate without re-encoding and their
// lengths are sample-exact.
package narrate
