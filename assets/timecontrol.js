// deckreel time control. Injected into every document before any page script
// runs (Page.addScriptToEvaluateOnNewDocument), it replaces the page's clocks
// with a virtual clock that only moves when deckreel steps it, so frame N shows
// the page exactly at N/fps seconds however slow the capture is.
//
// Virtualised: Date (constructor, Date.now), performance.now,
// requestAnimationFrame, setTimeout/setInterval, CSS animations, CSS
// transitions and Web Animations (paused and seeked every step), SVG SMIL
// timelines. The Go side drives it through window.__deckreel.
//
// The placeholder __DECKREEL_EPOCH__ is replaced by the wall-clock epoch in
// milliseconds that virtual time 0 corresponds to, so every tab (and every
// shard of a distributed render) sees the same Date values.
(() => {
  'use strict';
  if (window.__deckreel) return;
  const EPOCH = __DECKREEL_EPOCH__;

  const RealDate = window.Date;
  const realSetTimeout = window.setTimeout.bind(window);
  const realPerfNow = performance.now.bind(performance);
  const channel = new MessageChannel();
  const pendingYields = [];
  channel.port1.onmessage = () => { const r = pendingYields.shift(); if (r) r(); };

  let now = 0;          // virtual milliseconds since virtual time 0
  let seq = 0;          // timer insertion order, to break ties like a browser
  let nextId = 1;
  const timers = new Map();   // id -> {due, seq, fn, args, interval}
  let rafs = new Map();       // id -> callback, for the next frame
  let rafId = 1;
  let errors = [];            // errors thrown by callbacks we ran, this step
  let activity = 0;           // count of callbacks run during the last step
  let mutations = 0;          // DOM mutations seen since the last step

  // ---- Date -------------------------------------------------------------
  class VirtualDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(EPOCH + now);
      else super(...args);
    }
    static now() { return Math.floor(EPOCH + now); }
  }
  const DateProxy = new Proxy(VirtualDate, {
    apply() { return new RealDate(EPOCH + now).toString(); },
  });
  window.Date = DateProxy;

  // ---- performance.now --------------------------------------------------
  try {
    Object.defineProperty(performance, 'now', { value: () => now, configurable: true, writable: true });
  } catch (e) { /* keep the real one */ }

  // ---- timers -----------------------------------------------------------
  function addTimer(fn, delay, args, repeat) {
    delay = Number(delay) || 0;
    if (delay < 0) delay = 0;
    const id = nextId++;
    timers.set(id, { due: now + delay, seq: seq++, fn, args, interval: repeat ? Math.max(delay, 4) : -1 });
    return id;
  }
  window.setTimeout = function (fn, delay, ...args) { return addTimer(fn, delay, args, false); };
  window.setInterval = function (fn, delay, ...args) { return addTimer(fn, delay, args, true); };
  window.clearTimeout = window.clearInterval = function (id) { timers.delete(id); };

  // ---- requestAnimationFrame ---------------------------------------------
  window.requestAnimationFrame = function (cb) { const id = rafId++; rafs.set(id, cb); return id; };
  window.cancelAnimationFrame = function (id) { rafs.delete(id); };

  // report hands an exception thrown by a callback we ran to the browser as
  // uncaught, as if the browser had run the callback: window.onerror and
  // DevTools see it with its own source location.
  const realReportError = typeof window.reportError === 'function' ? window.reportError.bind(window) : null;
  function report(e) {
    errors.push(e && e.message !== undefined ? String(e.name || 'Error') + ': ' + String(e.message) : String(e));
    if (realReportError) realReportError(e);
    else realSetTimeout(() => { throw e; }, 0);
  }

  function call(fn, thisArg, args) {
    activity++;
    try {
      if (typeof fn === 'function') fn.apply(thisArg, args);
      else (0, eval)(String(fn));
    } catch (e) { report(e); }
  }

  // A real task boundary, so promise reactions and other microtasks queued by
  // a callback run before the next virtual event, as in a real event loop.
  function yieldTask() {
    return new Promise((resolve) => { pendingYields.push(resolve); channel.port2.postMessage(0); });
  }

  function nextDueTimer(limit) {
    let best = null;
    for (const [id, t] of timers) {
      if (t.due > limit) continue;
      if (!best || t.due < best.t.due || (t.due === best.t.due && t.seq < best.t.seq)) best = { id, t };
    }
    return best;
  }

  // ---- animations -------------------------------------------------------
  // Each animation is adopted the first time a step sees it: it is paused and
  // from then on its currentTime is set from the virtual clock. An animation
  // created by a callback at virtual time T is seen in the same step, so its
  // start time is T exactly. Animations the page paused itself are left alone.
  const adopted = new WeakMap();
  function syncAnimations() {
    let running = false;
    const list = document.getAnimations ? document.getAnimations() : [];
    for (const a of list) {
      let s = adopted.get(a);
      if (!s) {
        if (a.playState === 'paused' || a.playState === 'idle') continue;
        s = { start: now, rate: a.playbackRate || 1, base: 0 };
        adopted.set(a, s);
        a.pause();
      } else if (a.playState !== 'paused' && a.playState !== 'finished') {
        // The page called play() (or changed play state) after adoption:
        // restart our bookkeeping from its current position.
        s.base = a.currentTime || 0;
        s.start = now;
        s.rate = a.playbackRate || 1;
        a.pause();
      }
      const t = s.base + (now - s.start) * s.rate;
      a.currentTime = t;
      if (!running) {
        const ct = a.effect && a.effect.getComputedTiming ? a.effect.getComputedTiming() : null;
        if (!ct || !(t >= ct.endTime)) running = true;
      }
    }
    const svgs = document.querySelectorAll('svg');
    for (const svg of svgs) {
      if (svg.ownerSVGElement || typeof svg.setCurrentTime !== 'function') continue;
      if (!svg.querySelector('animate,animateTransform,animateMotion,set')) continue;
      svg.pauseAnimations();
      svg.setCurrentTime(now / 1000);
      running = true;
    }
    return running;
  }

  // ---- stepping ---------------------------------------------------------
  // step(t, draw) advances virtual time to t (ms): it runs every timer due by
  // t in order, then, if draw is set, the frame's rAF callbacks with
  // timestamp t, then seeks every animation to t. It returns what the next
  // step may change, for change detection.
  async function step(t, draw) {
    activity = 0;
    errors = [];
    for (let guard = 0; guard < 100000; guard++) {
      const next = nextDueTimer(t);
      if (!next) break;
      const { id, t: timer } = next;
      if (timer.due > now) now = timer.due;
      if (timer.interval >= 0) {
        timer.due += timer.interval;
        timer.seq = seq++;
      } else {
        timers.delete(id);
      }
      call(timer.fn, window, timer.args);
      await yieldTask();
    }
    if (t > now) now = t;
    if (draw) {
      const cbs = rafs;
      rafs = new Map();
      for (const cb of cbs.values()) call(cb, window, [now]);
      if (cbs.size) await yieldTask();
    }
    const animating = syncAnimations();
    // The picture can differ from the previous frame's only if a callback
    // ran, the DOM was changed from outside our callbacks (network, events),
    // or an animation was live at either end of the interval.
    const changed = activity > 0 || mutations > 0 || animating || lastAnimating;
    lastAnimating = animating;
    mutations = 0;
    return { now, changed, animating, rafPending: rafs.size > 0, nextTimer: nextTimerDue(), errors };
  }
  let lastAnimating = true;

  function nextTimerDue() {
    let min = -1;
    for (const t of timers.values()) if (min < 0 || t.due < min) min = t.due;
    return min;
  }

  // seek(frame, fps) steps frame by frame from the current frame up to frame.
  // Every intermediate frame runs its rAF callbacks too, so pages that move
  // things by a fixed amount per callback come out the same in every tab.
  let frameNo = -1;
  // Its status's changed is true if any frame it stepped changed, so a tab
  // that seeks over a still stretch knows its last picture is still good.
  async function seek(frame, fps) {
    let st = null;
    let any = false;
    while (frameNo < frame) {
      frameNo++;
      st = await step(frameNo * 1000 / fps, true);
      any = any || st.changed;
    }
    st.frame = frameNo;
    st.changed = any;
    return st;
  }

  // advance(limit, fps) steps at least one frame and goes on while the frames
  // it steps are unchanged, up to frame limit. It returns the last frame it
  // stepped, whether that frame changed, and how many unchanged frames came
  // before it: a still stretch costs one call, not one per frame.
  async function advance(limit, fps) {
    let same = 0;
    const errs = [];
    while (frameNo < limit) {
      frameNo++;
      const st = await step(frameNo * 1000 / fps, true);
      for (const e of st.errors) errs.push(e);
      if (st.changed) {
        st.frame = frameNo;
        st.same = same;
        st.errors = errs;
        return st;
      }
      same++;
    }
    return { frame: frameNo, changed: false, same, now, errors: errs };
  }

  // ready waits until fonts and images are loaded and decoded.
  async function ready() {
    if (document.readyState !== 'complete') {
      await new Promise((r) => window.addEventListener('load', r, { once: true }));
    }
    if (document.fonts && document.fonts.ready) await document.fonts.ready;
    const imgs = Array.from(document.images || []);
    const broken = [];
    await Promise.all(imgs.map((img) => img.decode().catch(() => { if (img.src) broken.push(img.currentSrc || img.src); })));
    return { broken, title: document.title || '' };
  }

  const observer = new MutationObserver(() => { mutations++; });
  function observe() {
    observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  }
  if (document.documentElement) observe();
  else document.addEventListener('DOMContentLoaded', observe, { once: true });

  Object.defineProperty(window, '__deckreel', {
    value: Object.freeze({
      step,
      seek,
      advance,
      ready,
      now: () => now,
      realNow: realPerfNow,
      frame: () => frameNo,
    }),
    enumerable: false,
  });
})();
