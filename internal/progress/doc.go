// Package progress reports how far a render has got: frames done out of the
// total, the frame rate so far and the time left.
//
// A [Reporter] writes in one of four forms chosen by a [Mode]: a redrawn bar
// (github.com/cheggaaa/pb/v3) when its writer is a terminal, plain text lines
// every few seconds when it is not (a CI log or a file: pb would write one
// endless line there), one JSON object per line for programs, or nothing.
// Warnings go through [Reporter.Logf] so that they neither break the bar nor
// the one-object-per-line JSON stream. Time comes from an injectable [Clock],
// so output is testable without sleeping.
package progress
