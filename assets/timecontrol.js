// deckreel time control. Injected into every document before any page script
// runs (Page.addScriptToEvaluateOnNewDocument, which also reaches every
// iframe), it replaces the page's clocks with a virtual clock that only moves
// when deckreel steps it, so frame N shows the page exactly at N/fps seconds
// however slow the capture is.
//
// Virtualised: Date (constructor, Date.now), performance.now,
// requestAnimationFrame, setTimeout/setInterval, CSS animations, CSS
// transitions and Web Animations (paused and seeked every step), SVG SMIL
// timelines, <video> and <audio> playback (kept paused by the browser and
// seeked to their virtual position every step), and same-origin iframes
// (each registers with its parent and is stepped with it, on the same
// clock). Virtual time does not move while the page waits for I/O it started
// (fetch, XHR, scripts, stylesheets, images, fonts, iframes, media), so
// content that arrives late lands on the same frame in every run. The Go side
// drives it through window.__deckreel.
//
// The placeholders __DECKREEL_EPOCH__ and __DECKREEL_IO_TIMEOUT__ are
// replaced by the wall-clock epoch in milliseconds that virtual time 0
// corresponds to (so every tab, and every shard of a distributed render,
// sees the same Date values) and by how long, in real milliseconds, one load
// may hold virtual time before time goes on without it.
(() => {
  'use strict';
  if (Object.prototype.hasOwnProperty.call(window, '__deckreel')) return;
  const EPOCH = __DECKREEL_EPOCH__;
  const IO_TIMEOUT = __DECKREEL_IO_TIMEOUT__;
  // performance.now() and the first requestAnimationFrame timestamp of a
  // document are this many milliseconds when it starts, as in a browser
  // (where they count from the navigation), never 0: `if (!start) start =
  // ts` must see its first frame.
  const TIME_ORIGIN = 100;

  // The binding through which the top document tells deckreel which frame
  // it is stepping, so that a page that hangs can be told where.
  const stepBinding = typeof window.__deckreelStep === 'function' ? window.__deckreelStep : null;
  try { delete window.__deckreelStep; } catch (e) { /* stays */ }
  const reportStep = (n) => { if (stepBinding && !parentCtl) { try { stepBinding(String(n)); } catch (e) { /* gone */ } } };

  const RealDate = window.Date;
  const realSetTimeout = window.setTimeout.bind(window);
  const realClearTimeout = window.clearTimeout.bind(window);
  const realPerfNow = performance.now.bind(performance);
  const channel = new MessageChannel();
  const pendingYields = [];
  channel.port1.onmessage = () => { const r = pendingYields.shift(); if (r) r(); };

  // A same-origin iframe follows its parent's clock: it starts at the
  // parent's current virtual time and is stepped by it.
  let parentCtl = null;
  try {
    if (window.parent !== window && window.parent.__deckreel) parentCtl = window.parent.__deckreel;
  } catch (e) { /* cross-origin parent: this document keeps its own, unstepped clock */ }

  let now = parentCtl ? parentCtl.now() : 0; // virtual ms since virtual time 0
  const origin = now; // the virtual time this document started at
  const perfNow = () => TIME_ORIGIN + now - origin;
  let seq = 0;          // timer insertion order, to break ties like a browser
  let nextId = 1;
  const timers = new Map();   // id -> {due, seq, fn, args, interval}
  let rafs = new Map();       // id -> callback, for the next frame
  let rafId = 1;
  let errors = [];            // errors thrown by callbacks we ran, this step
  let activity = 0;           // count of callbacks run during the last step
  let mutations = 0;          // DOM mutations seen since the last step
  const notices = [];         // dialogs and loads given up on, for the Go side
  const children = new Set(); // controllers of same-origin iframes
  let childSeq = 0;

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
    Object.defineProperty(performance, 'now', { value: perfNow, configurable: true, writable: true });
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

  // ---- dialogs ------------------------------------------------------------
  // Nobody is there to answer a dialog, and an open one blocks the page:
  // each is dismissed at once, as a user pressing Escape would, and
  // reported.
  function dialog(kind, result) {
    return function (message) {
      notices.push({ kind: 'dialog', text: kind + '(' + JSON.stringify(String(message === undefined ? '' : message)) + ')' });
      return result;
    };
  }
  window.alert = dialog('alert', undefined);
  window.confirm = dialog('confirm', false);
  window.prompt = dialog('prompt', null);
  window.print = dialog('print', undefined);

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

  // ---- I/O ----------------------------------------------------------------
  // Every load the page starts is counted until it ends; settle() waits
  // (in real time) until none is left, so virtual time never moves past a
  // load and its handlers run at the virtual time it started at. A load
  // that takes longer than IO_TIMEOUT is given up on (and reported): time
  // goes on without it.
  let inflight = 0;
  let idleWaiters = [];
  let settled = false; // settle() waited for something this step
  function begin(what, onStall) {
    inflight++;
    let done = false;
    const timer = realSetTimeout(() => {
      if (done) return;
      notices.push({ kind: 'stalled', text: String(what) });
      if (onStall) onStall();
      end();
    }, IO_TIMEOUT);
    function end() {
      if (done) return;
      done = true;
      realClearTimeout(timer);
      inflight--;
      if (inflight === 0) { const w = idleWaiters; idleWaiters = []; for (const r of w) r(); }
    }
    return end;
  }
  function idle() {
    if (inflight === 0) return Promise.resolve();
    return new Promise((r) => idleWaiters.push(r));
  }

  // promised calls real, which returns a promise, as a load that lasts
  // until the promise settles.
  function promised(what, real, thisArg, args) {
    const end = begin(what);
    let p;
    try { p = real.apply(thisArg, args); } catch (e) { end(); throw e; }
    p.then(end, end);
    return p;
  }
  const realFetch = window.fetch;
  if (typeof realFetch === 'function') {
    window.fetch = function (input, init) {
      return promised(input && input.url ? input.url : input, realFetch, this, [input, init]);
    };
    // A response's body arrives after its headers: reading it is a load too.
    if (window.Response) {
      for (const m of ['arrayBuffer', 'blob', 'bytes', 'formData', 'json', 'text']) {
        const real = Response.prototype[m];
        if (typeof real !== 'function') continue;
        Response.prototype[m] = function () { return promised(this.url, real, this, []); };
      }
    }
  }
  const realSend = window.XMLHttpRequest ? XMLHttpRequest.prototype.send : null;
  const realOpen = window.XMLHttpRequest ? XMLHttpRequest.prototype.open : null;
  if (window.XMLHttpRequest) {
    const urls = new WeakMap();
    XMLHttpRequest.prototype.open = function (method, url, ...rest) {
      urls.set(this, url);
      return realOpen.call(this, method, url, ...rest);
    };
    XMLHttpRequest.prototype.send = function (body) {
      const end = begin(urls.get(this));
      this.addEventListener('loadend', end, { once: true });
      try { return realSend.call(this, body); } catch (e) { end(); throw e; }
    };
  }

  // A message posted to a worker is a load too, until the worker answers:
  // lottie-web, PDF.js and others fetch and parse in a worker. A worker
  // that once did not answer within IO_TIMEOUT is taken not to answer and
  // no longer waited for.
  if (window.Worker) {
    const RealWorker = window.Worker;
    window.Worker = new Proxy(RealWorker, {
      construct(target, args, newTarget) {
        const w = Reflect.construct(target, args, newTarget);
        const pending = [];
        let answers = true;
        const realPost = w.postMessage;
        w.postMessage = function (...a) {
          if (answers) pending.push(begin('worker ' + String(args[0]), () => { answers = false; }));
          return realPost.apply(this, a);
        };
        w.addEventListener('message', () => { const end = pending.shift(); if (end) end(); });
        w.addEventListener('error', () => { while (pending.length) pending.shift()(); });
        return w;
      },
    });
  }

  // Elements that load something are followed from the moment they get
  // their source: images (also those never put in the document), scripts,
  // stylesheets, iframes and media.
  const tracked = new WeakMap(); // element -> the source being followed
  function trackLoad(el) {
    if (!(el instanceof Element)) return;
    const tag = el.localName;
    let src = '';
    let pending = false;
    let events = ['load', 'error'];
    if (tag === 'img') {
      src = el.currentSrc || el.src;
      // A lazy image out of view does not load until it is scrolled to.
      pending = !!src && !el.complete && el.loading !== 'lazy';
    } else if (tag === 'video' || tag === 'audio') {
      adoptMedia(el);
      src = el.currentSrc || el.src || (el.querySelector('source') ? 'source' : '');
      // preload="none" (or "metadata") fetches nothing (or no picture)
      // until the element plays; "suspend" says the browser stopped.
      pending = !!src && el.readyState < 2 && el.networkState !== 3 && el.preload !== 'none';
      src += '#' + el.preload;
      events = ['loadeddata', 'error', 'suspend', 'deckreel-sourceerror'];
      const s = el.querySelector('source:last-of-type');
      if (s) s.addEventListener('error', () => el.dispatchEvent(new Event('deckreel-sourceerror')), { once: true });
    } else if (!loaded) {
      // Until the load event, which ready() waits for, the document's own
      // load covers its scripts, stylesheets and frames.
    } else if (tag === 'script') {
      src = el.src;
      pending = !!src && el.isConnected && !scriptsSeen.has(el) && !el.noModule;
      scriptsSeen.add(el);
    } else if (tag === 'link') {
      src = el.href;
      pending = !!src && el.isConnected && /(^|\s)stylesheet(\s|$)/i.test(el.rel || '') && !el.sheet;
    } else if (tag === 'iframe' || tag === 'frame') {
      src = el.src || (el.hasAttribute('srcdoc') ? 'srcdoc' : '');
      pending = !!src && el.isConnected && el.loading !== 'lazy';
    }
    if (!pending || tracked.get(el) === src) return;
    tracked.set(el, src);
    const end = begin(src);
    const done = () => {
      for (const ev of events) el.removeEventListener(ev, done);
      if (tag === 'img' && typeof el.decode === 'function') el.decode().then(end, end);
      else end();
    };
    for (const ev of events) el.addEventListener(ev, done);
  }
  const scriptsSeen = new WeakSet();
  let loaded = false;
  window.addEventListener('load', () => { loaded = true; }, { once: true });
  // trackTree takes a node added to the document. A media element in it
  // was in the document, even if it left again before this ran: its
  // removal pauses it (see syncMedia).
  function trackTree(node) {
    if (!(node instanceof Element)) return;
    const added = (el) => {
      trackLoad(el);
      const s = mstate.get(el);
      if (s) s.inDoc = true;
    };
    added(node);
    if (node.firstElementChild) for (const el of node.querySelectorAll('img,script[src],link[href],iframe,frame,video,audio')) added(el);
  }
  if (window.HTMLImageElement) {
    for (const prop of ['src', 'srcset']) {
      const d = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, prop);
      if (!d || !d.set) continue;
      Object.defineProperty(HTMLImageElement.prototype, prop, {
        configurable: true, enumerable: d.enumerable, get: d.get,
        set(v) { d.set.call(this, v); trackLoad(this); },
      });
    }
  }

  // The DOM and its loads: a layout is forced so that fonts and images the
  // new content needs start loading now, then every load is waited for.
  // Without layout (nothing ran that could need a font or an image), it
  // spares a style recalculation.
  async function settle(layout = true) {
    settled = false;
    for (let guard = 0; guard < 1000; guard++) {
      await yieldTask(); // mutation records are delivered, handlers run
      if ((layout || guard > 0) && document.documentElement) document.documentElement.getBoundingClientRect();
      if (document.fonts && document.fonts.status === 'loading') {
        settled = true;
        await new Promise((resolve) => {
          const end = begin('fonts', resolve);
          document.fonts.ready.then(() => { end(); resolve(); });
        });
        continue;
      }
      if (inflight === 0) return;
      settled = true;
      await idle();
    }
  }

  // ---- media elements ---------------------------------------------------
  // The browser never plays a <video> or <audio> itself: its decoder runs
  // on real time and per tab. Each element keeps a virtual play state
  // instead (play, pause, rate, loop, seeks by the page), and every step
  // seeks it to the position that state gives at the step's virtual time,
  // then waits for the seek. The page sees the element as playing:
  // paused, currentTime, play() and pause() behave as in a browser.
  const MP = window.HTMLMediaElement ? HTMLMediaElement.prototype : null;
  const mstate = new WeakMap(); // element -> {id, playing, start, base, rate, ...}
  const media = new Set();
  let mediaSeq = 0;
  const realMedia = {};
  if (MP) {
    realMedia.play = MP.play;
    realMedia.pause = MP.pause;
    realMedia.paused = Object.getOwnPropertyDescriptor(MP, 'paused');
    realMedia.currentTime = Object.getOwnPropertyDescriptor(MP, 'currentTime');
    realMedia.playbackRate = Object.getOwnPropertyDescriptor(MP, 'playbackRate');
  }
  function adoptMedia(el) {
    let s = mstate.get(el);
    if (s) { media.add(el); return s; } // dropped from media when it left the document
    // stopAt is the virtual time it last stopped playing (a pause, its
    // end), for the soundtrack: see sounds().
    s = { id: ++mediaSeq, playing: !!el.autoplay, start: now, base: 0, rate: realMedia.playbackRate.get.call(el) || 1, ended: false, stopAt: -1 };
    mstate.set(el, s);
    media.add(el);
    // The browser's own autoplay would run in real time until the pause
    // below: the attribute goes, and the element still reads as autoplay.
    if (el.hasAttribute('autoplay')) {
      el.removeAttribute('autoplay');
      let autoplay = true;
      Object.defineProperty(el, 'autoplay', { configurable: true, get: () => autoplay, set: (v) => { autoplay = !!v; } });
    }
    if (s.playing) wantData(el);
    if (!realMedia.paused.get.call(el)) { s.hush = true; realMedia.pause.call(el); }
    // What the browser plays on its own (autoplay) is paused again at once,
    // without the page seeing that pause.
    el.addEventListener('playing', () => { if (!realMedia.paused.get.call(el)) { s.hush = true; realMedia.pause.call(el); } });
    // A new source (src changed, load()) starts from its beginning, and
    // plays only if the element is autoplay, as a browser's load does.
    el.addEventListener('emptied', () => {
      if (s.playing && !el.autoplay) { s.playing = false; s.stopAt = now; }
      s.base = 0; s.start = now; s.ended = false; s.dirty = true;
    });
    return s;
  }
  // The frame rate of a media source, from deckreel's server (which asks
  // ffprobe), to seek to the source frame nearest each virtual time; 0
  // when unknown (a remote page), and then the frame shown at that time.
  const mediaInfo = new Map(); // url -> {fps}
  function sourceFPS(el) {
    const url = el.currentSrc;
    if (!url) return 0;
    let info = mediaInfo.get(url);
    if (!info) {
      info = { fps: 0 };
      try {
        const u = new URL(url, location.href);
        if (u.origin === location.origin && realOpen) {
          const x = new XMLHttpRequest();
          realOpen.call(x, 'GET', '/__deckreel/media?src=' + encodeURIComponent(u.pathname), false);
          realSend.call(x);
          if (x.status === 200) info = JSON.parse(x.responseText);
        }
      } catch (e) { /* unknown */ }
      mediaInfo.set(url, info);
    }
    return info.fps || 0;
  }
  function mediaPosition(el, s) {
    if (!s.playing) return s.base;
    let pos = s.base + (now - s.start) / 1000 * s.rate;
    const d = el.duration;
    if (Number.isFinite(d) && d > 0) {
      if (el.loop) pos = ((pos % d) + d) % d;
      else pos = Math.min(Math.max(pos, 0), d);
    }
    return pos;
  }
  // wantData makes an element that plays fetch its data, as playing does
  // in a browser, whatever its preload said.
  function wantData(el) {
    if (el.preload !== 'auto') el.preload = 'auto';
    if (el.networkState === 0 && (el.src || el.querySelector('source'))) el.load();
  }
  function rebase(el, s) {
    s.base = mediaPosition(el, s);
    s.start = now;
  }
  function fire(el, type) { el.dispatchEvent(new Event(type)); }
  if (MP) {
    // An element the browser started playing before this script saw it is
    // adopted (and so paused) at once.
    window.addEventListener('play', (e) => { if (e.isTrusted && e.target instanceof HTMLMediaElement) adoptMedia(e.target); }, true);
    window.addEventListener('pause', (e) => {
      const s = mstate.get(e.target);
      if (s && s.hush) { s.hush = false; e.stopImmediatePropagation(); }
    }, true);
    MP.play = function () {
      const s = adoptMedia(this);
      if (!s.playing) {
        if (s.ended || (Number.isFinite(this.duration) && s.base >= this.duration)) s.base = 0;
        s.playing = true; s.ended = false; s.start = now;
        wantData(this);
        trackLoad(this);
        fire(this, 'play');
        fire(this, 'playing');
      }
      return Promise.resolve();
    };
    MP.pause = function () {
      const s = adoptMedia(this);
      if (s.playing) {
        rebase(this, s);
        s.playing = false;
        s.stopAt = now;
        s.dirty = true; // the frame it was paused on is seeked at the step's end
        fire(this, 'pause');
      }
    };
    Object.defineProperty(MP, 'paused', {
      configurable: true, enumerable: true,
      get() { const s = mstate.get(this); return s ? !s.playing : realMedia.paused.get.call(this); },
    });
    Object.defineProperty(MP, 'currentTime', {
      configurable: true, enumerable: true,
      get() { const s = mstate.get(this); return s ? mediaPosition(this, s) : realMedia.currentTime.get.call(this); },
      set(v) {
        const s = adoptMedia(this);
        // The seek itself is made at the end of the step, once: see seek().
        s.base = Number(v) || 0; s.start = now; s.ended = false; s.dirty = true;
      },
    });
    Object.defineProperty(MP, 'playbackRate', {
      configurable: true, enumerable: true,
      get() { return realMedia.playbackRate.get.call(this); },
      set(v) {
        const s = adoptMedia(this);
        rebase(this, s);
        realMedia.playbackRate.set.call(this, v);
        s.rate = Number(v) || 0;
      },
    });
  }

  // seekTarget is where to seek to show the source frame nearest pos:
  // the middle of that frame, as seeking to its start could land on
  // either side of it after rounding.
  function seekTarget(el, pos) {
    const fps = sourceFPS(el);
    const d = el.duration;
    if (fps > 0) {
      let k = Math.round(pos * fps + 1e-6);
      if (Number.isFinite(d)) k = Math.min(k, Math.max(0, Math.ceil(d * fps - 1e-6) - 1));
      return (k + 0.5) / fps;
    }
    return Math.min(pos + 0.0005, Number.isFinite(d) ? d : Infinity);
  }
  function seekedOrTimeout(el) {
    return new Promise((resolve) => {
      const evs = ['seeked', 'error', 'abort', 'emptied'];
      const done = () => { for (const ev of evs) el.removeEventListener(ev, done); end(); resolve(); };
      const end = begin('seek ' + (el.currentSrc || el.src), done);
      for (const ev of evs) el.addEventListener(ev, done);
    });
  }
  function syncMedia(seekNow) {
    let changed = false;
    const waits = [];
    for (const el of media) {
      const s = mstate.get(el);
      if (!el.isConnected) {
        // An element removed from its document pauses, as in a browser;
        // one never inserted (new Audio()) plays on.
        if (s.playing && s.inDoc) {
          rebase(el, s);
          s.playing = false; s.stopAt = now;
          waits.push(Promise.resolve().then(() => fire(el, 'pause')));
        }
        if (!s.playing) { media.delete(el); s.inDoc = false; }
        continue;
      }
      s.inDoc = true;
      if (!s.playing && !s.dirty) continue;
      const d = el.duration;
      const pos = mediaPosition(el, s); // clamped to d unless it loops
      if (s.playing && !el.loop && Number.isFinite(d) && d > 0 && pos >= d) {
        s.stopAt = s.rate > 0 ? s.start + (d - s.base) / s.rate * 1000 : now;
        s.playing = false; s.base = d; s.ended = true;
        waits.push(Promise.resolve().then(() => { fire(el, 'pause'); fire(el, 'ended'); }));
      }
      if (el.readyState < 1) continue; // settle waits for its data
      const target = seekTarget(el, pos);
      if (Math.abs(realMedia.currentTime.get.call(el) - target) < 1e-6) { s.dirty = false; continue; }
      changed = true;
      if (!seekNow) { s.dirty = true; continue; }
      s.dirty = false;
      realMedia.currentTime.set.call(el, target);
      waits.push(seekedOrTimeout(el));
    }
    return { changed, wait: Promise.all(waits) };
  }

  // sounds describes every media element of this document and its iframes
  // as the soundtrack needs it: whether it is heard now (playing, not
  // muted, volume above 0, connected), from which virtual time and media
  // position it has played since (start, base), at which rate and volume.
  // The record of an element that plays on stays the same from frame to
  // frame; it changes only when the page changes something.
  function sounds() {
    const out = [];
    for (const el of media) {
      const s = mstate.get(el);
      const d = el.duration;
      out.push({
        key: String(s.id), src: el.currentSrc || '',
        on: s.playing && !el.muted && el.volume > 0,
        start: s.start, base: s.base, rate: s.rate, volume: el.volume, loop: !!el.loop,
        duration: Number.isFinite(d) ? d : -1, stop: s.stopAt,
      });
    }
    for (const c of children) {
      if (!c.sounds) continue;
      for (const r of c.sounds()) { r.key = c.key + '/' + r.key; out.push(r); }
    }
    return out;
  }

  // scan(to, fps) steps frame by frame up to frame to, as seek does but
  // seeking no media (nothing is drawn), and returns the frames at which
  // what sounds() says changed, with its new records: the soundtrack's
  // pre-pass, one call for many frames.
  let scanSig = '';
  async function scan(to, fps) {
    const changes = [];
    const all = [];
    while (frameNo < to) {
      frameNo++;
      reportStep(frameNo);
      const st = await step(frameNo * 1000 / fps, true, false, true);
      for (const n of st.notices) all.push(n);
      const list = sounds();
      const sig = JSON.stringify(list);
      if (sig !== scanSig) {
        scanSig = sig;
        changes.push({ frame: frameNo, sounds: list });
      }
    }
    return { frame: frameNo, changes, notices: all };
  }

  // ---- animations -------------------------------------------------------
  // Each animation is adopted the first time a step sees it: it is paused and
  // from then on its currentTime is set from the virtual clock. An animation
  // created by a callback at virtual time T is seen in the same step, so its
  // start time is T exactly. Animations the page paused itself are left alone.
  //
  // Every state is read before any time is written: a write invalidates
  // style, and a read after it (playState, computed timing) would
  // recalculate the style of the whole document once per animation.
  //
  // document.getAnimations() recalculates style too. A step in which no
  // page code ran and the DOM did not change cannot have made or restarted
  // an animation, so it seeks the list the step before found.
  const adopted = new WeakMap();
  let animList = null;
  let animFresh = true; // something may have made or restarted an animation
  if (window.Element && Element.prototype.animate) {
    const realAnimate = Element.prototype.animate;
    Element.prototype.animate = function (...a) { animFresh = true; return realAnimate.apply(this, a); };
  }
  if (window.Animation) {
    for (const m of ['play', 'reverse', 'updatePlaybackRate']) {
      const real = Animation.prototype[m];
      if (typeof real === 'function') Animation.prototype[m] = function (...a) { animFresh = true; return real.apply(this, a); };
    }
  }
  function endTime(a) {
    const ct = a.effect && a.effect.getComputedTiming ? a.effect.getComputedTiming() : null;
    return ct ? ct.endTime : Infinity;
  }
  function syncAnimations(fresh) {
    let running = false;
    if (fresh || animFresh || !animList) { animFresh = false; animList = syncAnimationStates(); }
    const writes = animList;
    for (let i = 0; i < writes.length; i += 2) {
      const a = writes[i];
      const s = writes[i + 1];
      if (s.pause) a.pause();
      s.pause = false;
      const t = s.base + (now - s.start) * s.rate;
      if (s.t !== t) a.currentTime = t;
      s.t = t;
      if (!running && !(t >= s.end)) running = true;
    }
    const svgs = document.getElementsByTagName('svg');
    for (const svg of svgs) {
      if (svg.ownerSVGElement || typeof svg.setCurrentTime !== 'function') continue;
      if (!svg.querySelector('animate,animateTransform,animateMotion,set')) continue;
      svg.pauseAnimations();
      svg.setCurrentTime((now - origin) / 1000);
      running = true;
    }
    return running;
  }

  // syncAnimationStates reads the state of every animation of the document,
  // adopting new ones, and returns the ones to seek as pairs (animation,
  // state).
  function syncAnimationStates() {
    const list = document.getAnimations ? document.getAnimations() : [];
    const writes = [];
    for (const a of list) {
      let s = adopted.get(a);
      const ps = a.playState;
      if (!s) {
        if (ps === 'paused' || ps === 'idle') continue;
        s = { start: now, rate: a.playbackRate || 1, base: 0, end: endTime(a), pause: true, t: NaN };
        adopted.set(a, s);
        writes.push(a, s);
        continue;
      }
      if (ps !== 'paused' && ps !== 'finished') {
        // The page called play() (or changed play state) after adoption:
        // restart our bookkeeping from its current position.
        s.base = a.currentTime || 0;
        s.start = now;
        s.rate = a.playbackRate || 1;
        s.end = endTime(a);
        s.pause = true;
        s.t = NaN;
      } else if (a.currentTime !== s.t) {
        s.t = NaN; // the page seeked it: seek it back to virtual time
      }
      writes.push(a, s);
    }
    return writes;
  }

  // ---- stepping ---------------------------------------------------------
  // step(t, draw) advances virtual time to t (ms): it runs every timer due by
  // t in order, then, if draw is set, the frame's rAF callbacks with
  // timestamp t, then steps the iframes, seeks every animation and media
  // element to t and waits for the loads all that started. It returns what
  // the next step may change, for change detection.
  //
  // A step forces a layout before it moves time on, so that what the last
  // one changed (the animations it seeked included) starts its loads, fonts
  // and images, and time waits for them. A step of the sound pass (lazy)
  // draws nothing: it forces one only when page code ran or the DOM
  // changed, as the style of many animations costs more than the step.
  async function step(t, draw, seekMedia = true, lazy = false) {
    activity = 0;
    errors = [];
    let any = false;
    const layoutFirst = () => !lazy || activity > 0 || mutations > 0;
    for (let guard = 0; guard < 100000; guard++) {
      const next = nextDueTimer(t);
      if (!next) break;
      const { id, t: timer } = next;
      if (timer.due > now) {
        await settle(layoutFirst());
        any = any || settled;
        now = timer.due;
      }
      if (timer.interval >= 0) {
        timer.due += timer.interval;
        timer.seq = seq++;
      } else {
        timers.delete(id);
      }
      call(timer.fn, window, timer.args);
      await yieldTask();
    }
    if (t > now) {
      await settle(layoutFirst());
      any = any || settled;
      now = t;
    }
    if (draw) {
      const cbs = rafs;
      rafs = new Map();
      const ts = perfNow();
      for (const cb of cbs.values()) call(cb, window, [ts]);
      if (cbs.size) await yieldTask();
    }
    for (const c of children) {
      if (!c.alive()) { children.delete(c); any = true; continue; }
      let st;
      // A frame removed in the middle of its step never finishes it.
      try { st = await Promise.race([c.step(t, draw, seekMedia, lazy), c.gone]); } catch (e) { st = null; }
      if (!st) { children.delete(c); any = true; continue; }
      any = any || st.changed;
      for (const e of st.errors) errors.push(e);
      for (const n of st.notices) notices.push(n);
    }
    const ran = any || activity > 0 || mutations > 0;
    const m = syncMedia(seekMedia);
    const animating = syncAnimations(ran);
    await m.wait;
    await settle(ran || m.changed);
    any = any || settled;
    // The picture can differ from the previous frame's only if a callback
    // ran, the DOM was changed from outside our callbacks (network, events),
    // a load finished, an iframe changed, a media element played, or an
    // animation was live at either end of the interval.
    const changed = any || activity > 0 || mutations > 0 || animating || lastAnimating || m.changed;
    lastAnimating = animating || m.changed;
    // What load handlers did during the last settle counts for the next
    // step's animation list.
    if (mutations > 0 || settled) animFresh = true;
    mutations = 0;
    return { now, changed, animating, rafPending: rafs.size > 0, nextTimer: nextTimerDue(), errors, notices: notices.splice(0) };
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
  // Media elements are seeked on the last frame only, and not at all when
  // media is false: the frames before it are not drawn, and a video seeked
  // twice between two drawn frames shows the first seek (see
  // capture.Tab.SeekOver).
  async function seek(frame, fps, media = true) {
    let st = null;
    let any = false;
    const all = [];
    while (frameNo < frame) {
      frameNo++;
      reportStep(frameNo);
      st = await step(frameNo * 1000 / fps, true, media && frameNo === frame);
      any = any || st.changed;
      for (const n of st.notices) all.push(n);
    }
    st.frame = frameNo;
    st.changed = any;
    st.notices = all;
    return st;
  }

  // advance(limit, fps) steps at least one frame and goes on while the frames
  // it steps are unchanged, up to frame limit. It returns the last frame it
  // stepped, whether that frame changed, and how many unchanged frames came
  // before it: a still stretch costs one call, not one per frame.
  async function advance(limit, fps) {
    let same = 0;
    const errs = [];
    const all = [];
    while (frameNo < limit) {
      frameNo++;
      reportStep(frameNo);
      const st = await step(frameNo * 1000 / fps, true);
      for (const e of st.errors) errs.push(e);
      for (const n of st.notices) all.push(n);
      if (st.changed) {
        st.frame = frameNo;
        st.same = same;
        st.errors = errs;
        st.notices = all;
        return st;
      }
      same++;
    }
    return { frame: frameNo, changed: false, same, now, errors: errs, notices: all };
  }

  // ready waits until the document is loaded, its fonts and images are
  // decoded and its media have their first frame.
  async function ready() {
    if (document.readyState !== 'complete') {
      await new Promise((r) => window.addEventListener('load', r, { once: true }));
    }
    if (document.fonts && document.fonts.ready) await document.fonts.ready;
    for (const el of document.querySelectorAll('video,audio')) trackLoad(el);
    await settle();
    const imgs = Array.from(document.images || []);
    const broken = [];
    await Promise.all(imgs.map((img) => img.decode().catch(() => { if (img.src) broken.push(img.currentSrc || img.src); })));
    for (const el of media) {
      if (el.error) broken.push(el.currentSrc || el.src || '<' + el.localName + '>');
    }
    return { broken, title: document.title || '', notices: notices.splice(0) };
  }

  const observer = new MutationObserver((records) => {
    mutations += records.length;
    for (const r of records) {
      if (r.type === 'childList') for (const n of r.addedNodes) trackTree(n);
      else if (r.type === 'attributes' && /^(src|srcset|href|data)$/.test(r.attributeName)) trackLoad(r.target);
    }
  });
  function observe() {
    observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  }
  observe(); // the document node exists before its first element

  const ctl = Object.freeze({
    step,
    seek,
    scan,
    advance,
    ready,
    now: () => now,
    realNow: realPerfNow,
    frame: () => frameNo,
    // attach registers a child document's controller, which this document
    // steps from then on.
    attach(c) { c.key = 'f' + (++childSeq); children.add(c); },
  });
  Object.defineProperty(window, '__deckreel', { value: ctl, enumerable: false });
  if (parentCtl) {
    let gone = false;
    let markGone;
    const gonePromise = new Promise((r) => { markGone = r; });
    window.addEventListener('pagehide', () => { gone = true; markGone(null); });
    parentCtl.attach({ step, sounds, alive: () => !gone && !window.closed, gone: gonePromise });
  }
})();
