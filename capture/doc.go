// Package capture takes frames of a web page from headless Chrome under
// virtual time.
//
// Every document gets the time-control script (assets.TimeControlScript)
// before its own scripts run, so Date, performance.now, timers,
// requestAnimationFrame and all CSS and Web Animations follow a clock that
// moves only when a Tab is stepped: frame N shows the page exactly at N/fps
// seconds, however slow the capture. Frames are taken with
// HeadlessExperimental.beginFrame in chromium-headless-shell's deterministic
// mode, or with Page.captureScreenshot on a full Chromium, which lacks
// beginFrame (and where beginFrame's deterministic mode makes
// captureScreenshot hang, so the two are never mixed).
//
// Run drives a set of tabs, each taking frame-range batches from a Scheduler
// (internal/pool), and sends the shots, unordered, to the frames stage.
package capture
