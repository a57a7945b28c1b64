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
  function at(frame, fn) {
    const t = frame * 1000 / S.fps;
    const now = performance.now();
    if (t <= now) { fn(); return; }
    let d = t - now;
    // now + d must not round above t, or the timer would run a frame late.
    while (now + d > t) d -= Math.max(t, 1) * Number.EPSILON;
    setTimeout(fn, d);
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
    if (!prev) return;
    const d = step.frames * 1000 / S.fps;
    if (step.kind === 'cut' || d <= 0) {
      prev.classList.remove('on');
      return;
    }
    const opts = { duration: d, easing: EASE[step.kind] || 'linear', fill: 'both' };
    switch (step.kind) {
      case 'wipe-left':
        next.animate([{ clipPath: 'inset(0 0 0 100%)' }, { clipPath: 'inset(0 0 0 0)' }], opts);
        break;
      case 'slide-left':
        next.animate([{ transform: 'translateX(100%)' }, { transform: 'translateX(0)' }], opts);
        prev.animate([{ transform: 'translateX(0)' }, { transform: 'translateX(-100%)' }], opts);
        break;
      default:
        next.animate([{ opacity: 0 }, { opacity: 1 }], opts);
    }
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
        if (el && el !== current) el.classList.remove('on');
      });
    }
  });
})();
