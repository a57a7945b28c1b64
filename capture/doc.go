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
// Pages are served by the Servers of one Network per render, on loopback.
// Every server is also Chrome's HTTP proxy, for loopback too, so each
// request a page makes is decided by the Network, by address and port: a
// page reaches the render's own servers and what its Access allows, and
// every other host, every other local service, is refused and reported.
//
// Run drives a set of tabs, each taking frame-range batches from a Scheduler
// (internal/pool), and sends the shots, unordered, to the frames stage.
package capture
