// deckreel reveal.js driver. deckreel serves a reveal.js deck with this
// script (and a schedule, window.__deckreelReveal = {fps, frames,
// keepControls}) added at the top of <head>. It turns reveal's own UI and
// auto-sliding off, and once reveal.js is ready calls next() at the time of
// each step's first frame. Under deckreel's virtual time those timers run
// exactly on their frames and reveal's CSS transitions, fragments and
// auto-animate start there, so every step lands on the frame `deckreel
// inspect` prints.
//
// With record set in the schedule, the driver instead steps through the
// whole deck at once with next() and leaves what each step shows in
// window.__deckreelRecord: that is how deckreel learns the steps of a deck
// from reveal.js itself before it times them.
//
// Works with reveal.js 4, 5 and 6, as a classic script (window.Reveal) or an
// ES module: without window.Reveal the driver talks to reveal through its
// postMessage API by dispatching message events synchronously.
(() => {
  'use strict';
  const S = window.__deckreelReveal;
  if (!S || window.__deckreelRevealDriver) return;
  window.__deckreelRevealDriver = true;

  const overrides = {
    hash: false, history: false, fragmentInURL: false, respondToHashChanges: false,
    autoSlide: false, loop: false, keyboard: false, touch: false, mouseWheel: false,
    help: false, jumpToSlide: false, previewLinks: false, postMessage: true,
    // reveal.js 5+ turns into its scroll view (a scrolling page with a
    // scrollbar that fades on wall-clock time) in a viewport narrower than
    // 435 px; a video is always the presentation view.
    scrollActivationWidth: null,
  };
  if (!S.keepControls) Object.assign(overrides, { controls: false, progress: false, slideNumber: false });

  // Hide reveal's UI from the very first frame, before reveal is ready.
  if (!S.keepControls) {
    const style = document.createElement('style');
    style.textContent = '.reveal .controls, .reveal .progress, .reveal .slide-number, .reveal .playback, .reveal .pause-overlay { display: none !important; }';
    (document.head || document.documentElement).appendChild(style);
  }

  // A classic reveal.js assigns window.Reveal: wrap its initialize so the
  // deck starts with the overrides merged into its own options.
  let reveal;
  let wrapped = false;
  // The deck's own options, which the record reads its timing from.
  let own = {};
  function wrap(R) {
    if (R && typeof R.initialize === 'function' && !R.__deckreel) {
      const init = R.initialize;
      R.initialize = function (options) {
        wrapped = true;
        own = Object.assign({}, options || {});
        return init.call(this, Object.assign({}, options || {}, overrides));
      };
      try { Object.defineProperty(R, '__deckreel', { value: true }); } catch (e) { /* frozen */ }
    }
    return R;
  }
  try {
    Object.defineProperty(window, 'Reveal', {
      configurable: true, enumerable: true,
      get() { return reveal; },
      set(v) { reveal = wrap(v); },
    });
  } catch (e) { /* the page defined Reveal first; fall back to messages */ }

  function api() {
    const R = window.Reveal;
    return R && typeof R.next === 'function' && typeof R.isReady === 'function' && R.isReady() ? R : null;
  }
  function call(method, ...args) {
    const R = api();
    if (R) return R[method](...args);
    // reveal.js listens for postMessage calls on window; a synthetic
    // message event is delivered synchronously, unlike postMessage.
    window.dispatchEvent(new MessageEvent('message', { data: JSON.stringify({ method, args }) }));
    return undefined;
  }

  function fail(msg) {
    // An uncaught error: deckreel reports it as a page error.
    queueMicrotask(() => { throw new Error('deckreel reveal.js driver: ' + msg); });
  }

  // vnow is deckreel's virtual time in ms, 0 at frame 0 (performance.now()
  // starts a little after 0, as in a browser).
  function vnow() { return window.__deckreel ? window.__deckreel.now() : performance.now(); }

  function at(frame, fn) {
    const t = frame * 1000 / S.fps;
    const now = vnow();
    if (t <= now) return false;
    let d = t - now;
    // now + d must not round above t, or the timer would run a frame late.
    while (now + d > t) d -= Math.max(t, 1) * Number.EPSILON;
    setTimeout(fn, d);
    return true;
  }

  // record steps through the whole deck with next(), as a presenter
  // would, and leaves what each step shows in window.__deckreelRecord for
  // deckreel to read: the steps come from reveal.js itself (fragments,
  // plugins' fragments such as code line highlights, Markdown slides,
  // slides scripts add), not from counting markup.
  function heading(el) {
    const h = el.querySelector('h1, h2, h3, h4, h5, h6');
    return text(h || el);
  }
  function text(el) {
    if (!el) return '';
    const c = el.cloneNode(true);
    c.querySelectorAll('aside.notes, script, style, template').forEach((n) => n.remove());
    return (c.textContent || '').replace(/\s+/g, ' ').trim();
  }
  function ms(v) {
    if (v === null || v === undefined || v === '') return -1;
    const n = parseInt(v, 10);
    return Number.isFinite(n) ? n : -1;
  }
  function speed(v) {
    return ({ fast: 400, slow: 1200, default: 800 })[v] || 0;
  }
  // messageAPI is reveal.js's API for a deck that does not assign
  // window.Reveal (an ES module): calls go in as message events, and
  // reveal.js answers a call by posting a callback to window.parent. Not
  // in a frame, reveal.js posts nothing, so the recording tab stands in
  // for a parent (window.parent is replaceable) and reads the answers,
  // which arrive at once. Elements do not survive the trip: the current
  // slide is found in the DOM.
  function messageAPI() {
    let answer;
    try {
      window.parent = { postMessage(m) {
        try {
          const d = JSON.parse(m);
          if (d && d.eventName === 'callback') answer = d;
        } catch (e) { /* not reveal's */ }
      } };
    } catch (e) { return null; }
    if (window.parent === window) return null;
    call('configure', { postMessageEvents: true });
    const ask = (method, ...args) => {
      answer = undefined;
      call(method, ...args);
      return answer && answer.method === method ? answer.result : undefined;
    };
    if (!ask('getIndices')) return null;
    return {
      getIndices: () => ask('getIndices'),
      getConfig: () => ask('getConfig') || {},
      isLastSlide: () => ask('isLastSlide'),
      availableFragments: () => ask('availableFragments') || {},
      slide: (h, v, f) => call('slide', h, v, f),
      next: () => call('next'),
      getCurrentSlide: () => document.querySelector('.reveal .slides > section.present > section.present') ||
        document.querySelector('.reveal .slides > section.present'),
      getSlideNotes: (slide) => {
        if (slide.hasAttribute('data-notes')) return slide.getAttribute('data-notes');
        const n = slide.querySelector('aside.notes');
        return n ? n.textContent : '';
      },
    };
  }

  function record() {
    const R = api() || messageAPI();
    const out = { framework: 'reveal', steps: [], done: true };
    if (!R || typeof R.getIndices !== 'function') {
      out.error = 'reveal.js answers neither as window.Reveal nor through its postMessage API';
      window.__deckreelRecord = out;
      return;
    }
    const cfg = Object.assign({}, typeof R.getConfig === 'function' ? R.getConfig() : {}, own);
    out.autoSlide = typeof cfg.autoSlide === 'number' && cfg.autoSlide > 0 ? cfg.autoSlide : 0;
    R.slide(0, 0, -1);
    const seen = new Set();
    let prev = null;
    for (let n = 0; n < S.maxSteps; n++) {
      const i = R.getIndices();
      const f = typeof i.f === 'number' ? i.f : -1;
      const key = i.h + '/' + (i.v || 0) + '/' + f;
      if (seen.has(key)) break;
      seen.add(key);
      const slide = R.getCurrentSlide();
      const stack = slide && slide.parentNode && slide.parentNode.tagName === 'SECTION' ? slide.parentNode : null;
      let auto = -1;
      if (f >= 0) {
        const cur = slide.querySelector('.fragment.current-fragment[data-autoslide]');
        if (cur) auto = ms(cur.getAttribute('data-autoslide'));
      }
      if (auto < 0) auto = ms(slide.getAttribute('data-autoslide'));
      if (auto < 0 && stack) auto = ms(stack.getAttribute('data-autoslide'));
      const aa = slide.hasAttribute('data-auto-animate');
      out.steps.push({
        h: i.h, v: i.v || 0, f,
        stacked: !!stack,
        title: heading(slide),
        text: text(slide),
        notes: typeof R.getSlideNotes === 'function' ? (R.getSlideNotes(slide) || '') : '',
        autoslide: auto,
        transition: (slide.getAttribute('data-transition') || cfg.transition || 'slide').trim().split(/\s+/)[0],
        speed: speed(slide.getAttribute('data-transition-speed')) || speed(cfg.transitionSpeed) || 800,
        autoAnimate: aa && !!prev && prev.aa,
        autoAnimateDuration: 1000 * (parseFloat(slide.getAttribute('data-auto-animate-duration')) || cfg.autoAnimateDuration || 1),
        background: slide.getAttribute('data-background-color') || slide.getAttribute('data-background-image') ||
          slide.getAttribute('data-background') || slide.getAttribute('data-background-gradient') || '',
      });
      if (!prev || prev.slide !== slide) prev = { slide, aa };
      if (typeof R.isLastSlide === 'function' && R.isLastSlide() &&
          !(typeof R.availableFragments === 'function' && R.availableFragments().next)) break;
      R.next();
    }
    window.__deckreelRecord = out;
  }

  let started = false;
  function start() {
    if (started) return;
    started = true;
    if (!wrapped) call('configure', overrides);
    if (S.record) {
      record();
      return;
    }
    const R = api();
    if (R) {
      const i = R.getIndices();
      if (i.h !== 0 || i.v !== 0 || (i.f !== undefined && i.f >= 0)) R.slide(0, 0, -1);
    }
    let late = 0;
    for (let i = 1; i < S.frames.length; i++) {
      if (!at(S.frames[i], () => call('next'))) {
        call('next');
        late++;
      }
    }
    if (late > 0) fail('reveal.js became ready at ' + vnow().toFixed(1) + ' ms, after ' + late + ' step(s) should have started; they were shown at once');
  }

  document.addEventListener('ready', (e) => {
    const el = e.target;
    if (el && el.classList && el.classList.contains('reveal')) start();
  }, true);
  // Ready already (the driver was added late)?
  document.addEventListener('DOMContentLoaded', () => { if (api()) start(); });
  setTimeout(() => {
    if (!started && S.record) window.__deckreelRecord = { framework: 'reveal', done: true, steps: [], error: 'reveal.js did not become ready within 5 s of virtual time' };
    if (!started) fail('reveal.js did not become ready within 5 s of virtual time; is reveal.js loaded and Reveal.initialize called?');
  }, 5000);
})();
