// deckreel Markdown deck player. The schedule (window.__deckreelSchedule,
// written by deckreel for one frame rate) lists every step with the frame it
// starts on. Under deckreel's virtual time, a timer set for frame f's time
// runs exactly when frame f is stepped, and an animation created in it
// starts at that time: frame f shows the transition at progress 0 and frame
// f+n, for a transition of n frames, the new slide alone. Opened in a
// normal browser the deck plays in real time.
(() => {
  'use strict';
  const S = window.__deckreelSchedule || { fps: 30, steps: [{ frame: 0, slide: 0, step: 0, kind: 'cut', frames: 0 }] };
  const STAGE_WIDTH = 1920;
  const EASE = { 'fade': 'linear', 'wipe-left': 'cubic-bezier(0.42, 0, 0.58, 1)', 'slide-left': 'cubic-bezier(0.42, 0, 0.58, 1)', 'fragment': 'cubic-bezier(0, 0, 0.58, 1)' };
  const stage = document.getElementById('stage');
  const slides = Array.from(stage.querySelectorAll(':scope > .slide'));

  // The stage is laid out 1920 CSS pixels wide and zoomed to the frame.
  // CSS zoom, unlike a scale transform, lays out at the frame's own pixel
  // grid: no seams between table cells, text hinted at its real size.
  function fit() {
    const w = window.innerWidth || STAGE_WIDTH;
    const h = window.innerHeight || STAGE_WIDTH * 9 / 16;
    stage.style.height = (STAGE_WIDTH * h / w) + 'px';
    stage.style.zoom = String(w / STAGE_WIDTH);
  }
  fit();
  window.addEventListener('resize', fit);

  // at runs fn at the virtual time of frame. Timers are set while the page
  // loads, at virtual time 0, so the due time is the frame time exactly.
  // vnow is deckreel's virtual time in ms, 0 at frame 0 (performance.now()
  // starts a little after 0, as in a browser).
  function vnow() { return window.__deckreel ? window.__deckreel.now() : performance.now(); }

  function at(frame, fn) {
    const t = frame * 1000 / S.fps;
    const now = vnow();
    if (t <= now) { fn(); return; }
    let d = t - now;
    // now + d must not round above t, or the timer would run a frame late.
    while (now + d > t) d -= Math.max(t, 1) * Number.EPSILON;
    setTimeout(fn, d);
  }

  // Media in a slide play as in a presentation: an element marked
  // autoplay starts from its beginning when its slide comes on, and every
  // element of a slide stops when the slide is gone. All slides are in the
  // page from the start, so the browser's own autoplay would start them
  // all at once, hidden.
  const autoplay = new Set();
  for (const el of stage.querySelectorAll('.slide video, .slide audio')) {
    if (el.autoplay || el.hasAttribute('data-autoplay')) autoplay.add(el);
    el.autoplay = false;
    el.pause();
  }
  function media(slide) { return slide.querySelectorAll('video, audio'); }
  function hide(slide) {
    slide.classList.remove('on');
    for (const el of media(slide)) el.pause();
  }

  let current = null;
  let z = 1;
  function enter(step) {
    const next = slides[step.slide];
    const prev = current;
    if (!next || next === prev) return;
    next.style.zIndex = String(++z);
    next.classList.add('on');
    current = next;
    for (const el of media(next)) {
      if (!autoplay.has(el)) continue;
      el.currentTime = 0;
      const p = el.play();
      if (p && p.catch) p.catch(() => {}); // a browser may refuse sound without a click
    }
    if (!prev) return;
    const d = step.frames * 1000 / S.fps;
    if (step.kind === 'cut' || d <= 0) {
      hide(prev);
      return;
    }
    const opts = { duration: d, easing: EASE[step.kind] || 'linear', fill: 'both' };
    switch (step.kind) {
      case 'wipe-left':
        next.animate([{ clipPath: 'inset(0 0 0 100%)' }, { clipPath: 'inset(0 0 0 0)' }], opts);
        break;
      case 'slide-left':
        slideLeft(next, prev, step.frames, d);
        break;
      default:
        next.animate([{ opacity: 0 }, { opacity: 1 }], opts);
    }
  }

  // slideLeft moves next in from the right and prev out to the left over n
  // frames, by whole device pixels at every frame. A layer moved by a
  // fraction of a pixel is drawn from tiles that the compositor may or may
  // not have rastered again at that offset, and gradients dither by tile,
  // so such frames differed slightly from one render to the next (seen
  // under load: PSNR 53-62 dB). Each frame's offset is a keyframe held
  // (step-end) from half a frame before it to half a frame after, so
  // virtual time landing a hair off the frame still shows it.
  function slideLeft(next, prev, n, d) {
    const w = window.innerWidth || STAGE_WIDTH;
    const css = STAGE_WIDTH / w; // stage CSS pixels per device pixel
    const ease = bezier(0.42, 0, 0.58, 1);
    const kn = [], kp = [];
    for (let k = 0; k <= n; k++) {
      const x = Math.round(w * (1 - ease(k / n)));
      const offset = k === 0 ? 0 : (k - 0.5) / n;
      kn.push({ offset, transform: 'translateX(' + (x * css) + 'px)', easing: 'step-end' });
      kp.push({ offset, transform: 'translateX(' + ((x - w) * css) + 'px)', easing: 'step-end' });
    }
    kn.push({ offset: 1, transform: 'translateX(0px)' });
    kp.push({ offset: 1, transform: 'translateX(' + (-w * css) + 'px)' });
    next.animate(kn, { duration: d, fill: 'both' });
    prev.animate(kp, { duration: d, fill: 'both' });
  }

  // bezier is CSS's cubic-bezier(x1, y1, x2, y2) timing function: x is
  // solved for t by Newton's method, falling back to bisection.
  function bezier(x1, y1, x2, y2) {
    const poly = (t, p1, p2) => ((1 - 3 * p2 + 3 * p1) * t + (3 * p2 - 6 * p1)) * t * t + 3 * p1 * t;
    const slope = (t, p1, p2) => 3 * (1 - 3 * p2 + 3 * p1) * t * t + 2 * (3 * p2 - 6 * p1) * t + 3 * p1;
    return function (x) {
      if (x <= 0) return 0;
      if (x >= 1) return 1;
      let t = x;
      for (let i = 0; i < 8; i++) {
        const e = poly(t, x1, x2) - x;
        if (Math.abs(e) < 1e-9) return poly(t, y1, y2);
        const s = slope(t, x1, x2);
        if (Math.abs(s) < 1e-9) break;
        t -= e / s;
      }
      let lo = 0, hi = 1;
      t = x;
      for (let i = 0; i < 60; i++) {
        const v = poly(t, x1, x2);
        if (Math.abs(v - x) < 1e-12) break;
        if (v < x) lo = t; else hi = t;
        t = (lo + hi) / 2;
      }
      return poly(t, y1, y2);
    };
  }

  function reveal(step) {
    const slide = slides[step.slide];
    if (!slide) return;
    const d = step.frames * 1000 / S.fps;
    for (const el of slide.querySelectorAll('[data-step="' + step.step + '"]')) {
      if (d <= 0) { el.style.opacity = '1'; continue; }
      // Opacity only: an animated transform would make the element the
      // containing block of absolutely positioned content inside it.
      el.animate([{ opacity: 0 }, { opacity: 1 }],
        { duration: d, easing: EASE.fragment, fill: 'both' });
    }
  }

  S.steps.forEach((step, i) => {
    const run = () => (step.step === 0 ? enter(step) : reveal(step));
    if (i === 0) { run(); return; }
    at(step.frame, run);
    if (step.step === 0 && step.frames > 0) {
      // Hide the slide underneath once the new one covers it.
      const prev = S.steps.slice(0, i).reverse().find((s) => s.step === 0);
      at(step.frame + step.frames, () => {
        const el = prev && slides[prev.slide];
        if (el && el !== current) hide(el);
      });
    }
  });
})();
