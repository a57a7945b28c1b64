// deckreel deck driver, for HTML decks run by a framework other than
// reveal.js (which has reveal-driver.js): Marp's HTML export (bespoke),
// impress.js, WebSlides, and any deck stepped with the keyboard. deckreel serves the
// deck with this script and a schedule, window.__deckreelDeck =
// {framework, fps, frames, keys, keepControls, record, maxSteps}, at the top of
// <head>.
//
// Playing, it waits for the framework to be ready, goes to the first step
// and advances one step at the time of each step's first frame, with the
// framework's own API where it has one and the keyboard (ArrowRight)
// otherwise. Under deckreel's virtual time those timers run exactly on
// their frames. Recording (record set), it steps through the whole deck
// the same way, waiting a little page time after each step, and leaves
// what each step shows in window.__deckreelRecord, which is how deckreel
// learns the deck's steps before it times them. Either way the framework's
// own controls (toolbars, progress bars) are hidden unless keepControls.
(() => {
  'use strict';
  const S = window.__deckreelDeck;
  if (!S || window.__deckreelDeckDriver) return;
  window.__deckreelDeckDriver = true;

  function vnow() { return window.__deckreel ? window.__deckreel.now() : performance.now(); }
  function sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }
  function fail(msg) {
    queueMicrotask(() => { throw new Error('deckreel deck driver: ' + msg); });
  }

  function text(el) {
    if (!el) return '';
    const c = el.cloneNode(true);
    c.querySelectorAll('.notes, aside, script, style, template').forEach((n) => n.remove());
    return (c.textContent || '').replace(/\s+/g, ' ').trim();
  }
  function heading(el) {
    if (!el) return '';
    const h = el.querySelector('h1, h2, h3, h4, h5, h6');
    return text(h || el);
  }
  const keyCodes = { ArrowRight: 39, ' ': 32, ArrowDown: 40, PageDown: 34 };
  function press(key) {
    const init = { key, code: key === ' ' ? 'Space' : key, bubbles: true, cancelable: true };
    const target = document.activeElement || document.body || document.documentElement;
    for (const type of ['keydown', 'keyup']) {
      const ev = new KeyboardEvent(type, init);
      // Chrome ignores the legacy keyCode and which in the init dict,
      // and older decks read nothing else.
      Object.defineProperty(ev, 'keyCode', { get: () => keyCodes[key] });
      Object.defineProperty(ev, 'which', { get: () => keyCodes[key] });
      target.dispatchEvent(ev);
    }
  }
  function hide(selectors) {
    if (S.keepControls || !selectors) return;
    const style = document.createElement('style');
    style.textContent = selectors + ' { display: none !important; }';
    (document.head || document.documentElement).appendChild(style);
  }

  // The first heading inside the viewport: the title of whatever a
  // keyboard-stepped deck shows.
  function visibleHeading() {
    for (const h of document.querySelectorAll('h1, h2, h3')) {
      const r = h.getBoundingClientRect();
      if (r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth &&
          getComputedStyle(h).visibility !== 'hidden') return text(h);
    }
    return '';
  }

  // A digest of what a keyboard-stepped deck shows: the address, the
  // scroll position and every element's classes and hidden state (not
  // inline styles, which running animations change every frame).
  function fingerprint() {
    let h = 0x811c9dc5;
    const add = (s) => {
      for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
    };
    add(location.href + '|' + scrollX + ',' + scrollY);
    const all = document.body ? document.body.getElementsByTagName('*') : [];
    for (let i = 0; i < all.length && i < 200000; i++) {
      const el = all[i];
      const cls = typeof el.className === 'string' ? el.className : (el.getAttribute('class') || '');
      add('|' + cls + (el.hidden ? ' [hidden]' : '') + (el.getAttribute('aria-hidden') || '') + (el.scrollTop || ''));
    }
    return h.toString(16);
  }

  // Each framework: the controls to hide, when it is ready, how to go to
  // the first step and the next one, and what the current step is (h: the
  // slide, f: the fragment or substep shown, -1 for none, el: the slide's
  // element). settle is how long, in ms of page time, a step takes to be
  // told from the next while recording.
  const frameworks = {
    marp: {
      controls: '.bespoke-marp-osc, .bespoke-progress-parent',
      ready: () => !!document.querySelector('svg[data-marpit-svg].bespoke-marp-active'),
      first() {},
      next: () => press('ArrowRight'),
      state() {
        const slides = [...document.querySelectorAll('svg[data-marpit-svg]')];
        const h = slides.findIndex((s) => s.classList.contains('bespoke-marp-active'));
        const svg = slides[h];
        const shown = svg ? svg.querySelectorAll('[data-bespoke-marp-fragment="active"]').length : 0;
        const note = document.querySelector('.bespoke-marp-note[data-index="' + h + '"]');
        return { h, f: shown - 1, el: svg && (svg.querySelector('section') || svg), notes: note ? note.innerText || note.textContent : '' };
      },
      settle: 50,
    },
    impress: {
      controls: '#impress-toolbar, .impress-progressbar, .impress-progress, #impress-help, .impress-console, #impress-console-button',
      ready: () => typeof window.impress === 'function' && !!document.querySelector('.impress-enabled .step.active'),
      first() {
        // deckreel times the steps (by their data-autoplay): the
        // autoplay plugin must not advance them too.
        document.dispatchEvent(new CustomEvent('impress:autoplay:pause', { bubbles: true, detail: {} }));
        const root = document.querySelector('.step.active').closest('[id]');
        if (root && root.dispatchEvent) root.dispatchEvent(new CustomEvent('impress:autoplay:pause', { bubbles: true, detail: {} }));
        window.impress().goto(0);
      },
      next: () => window.impress().next(),
      state() {
        const el = document.querySelector('.step.active');
        const steps = [...document.querySelectorAll('.step')];
        const root = el && el.parentElement && el.parentElement.closest('[data-autoplay], #impress');
        const secs = parseFloat((el && el.getAttribute('data-autoplay')) || (root && root.getAttribute('data-autoplay')) || '');
        const notes = el && el.querySelector('.notes');
        const speed = parseFloat((el && el.getAttribute('data-transition-duration')) ||
          (document.querySelector('[data-transition-duration]') || { getAttribute: () => '' }).getAttribute('data-transition-duration') || '1000');
        return {
          h: steps.indexOf(el), f: el ? el.querySelectorAll('.substep-visible').length - 1 : -1, el,
          notes: notes ? notes.textContent : '', autoslide: secs > 0 ? secs * 1000 : -1, transition: 'impress', speed,
        };
      },
      settle: 50,
    },
    shower: {
      controls: '.shower .progress',
      ready: () => !!window.shower && !!window.shower.slides && window.shower.slides.length > 0 && !!document.querySelector('.shower .slide'),
      first() {
        // Shower opens as a list of slides: a video is the full view.
        if (!window.shower.isFullMode) window.shower.enterFullMode();
        window.shower.first();
      },
      next: () => window.shower.next(),
      state() {
        const sh = window.shower;
        const slide = sh.activeSlide;
        const el = slide && slide.element;
        const steps = el ? [...el.querySelectorAll(sh.options.stepSelector || '.next')] : [];
        const shown = steps.filter((e) => e.classList.contains(sh.options.activeSlideClass || 'active') ||
          e.classList.contains(sh.options.visitedSlideClass || 'visited')).length;
        return { h: sh.activeSlideIndex, f: shown - 1, el };
      },
      settle: 50,
    },
    keyboard: {
      controls: '',
      ready: () => document.readyState === 'complete',
      first() {},
      // The keys that move a deck on, tried in turn while recording
      // until one changes the page (a vertical deck ignores ArrowRight);
      // the schedule holds the one that did for each step.
      keys: ['ArrowRight', ' ', 'ArrowDown', 'PageDown'],
      next: (key) => press(key || 'ArrowRight'),
      // A deck whose address changes with its slide (most do: #slide=3,
      // /3) is told apart by its address, which also finds where a looping
      // deck comes round again; any other by a fingerprint of its DOM.
      seen: new Map(),
      state() {
        if (this.start === undefined) this.start = location.href;
        if (!this.byURL && location.href !== this.start) {
          this.byURL = true;
          this.seen = new Map([[this.start, 0]]);
        }
        const k = this.byURL ? location.href : fingerprint();
        if (!this.seen.has(k)) this.seen.set(k, this.seen.size);
        return { h: this.seen.get(k), f: -1, el: null, title: visibleHeading(), text: visibleHeading() };
      },
      settle: 700,
    },
  };
  // WebSlides moves with the keys (a vertical deck with Space) and draws
  // its own navigation and counter.
  frameworks.webslides = Object.assign({}, frameworks.keyboard, {
    controls: '#navigation, #counter',
    ready: () => !!window.ws || !!document.querySelector('#webslides .current'),
  });
  const F = frameworks[S.framework];
  if (!F) {
    fail('unknown deck framework ' + S.framework);
    return;
  }
  hide(F.controls);

  function describe(st) {
    return {
      h: st.h, v: 0, f: st.f,
      title: st.title !== undefined ? st.title : heading(st.el),
      text: st.text !== undefined ? st.text : text(st.el),
      notes: (st.notes || '').trim(),
      autoslide: st.autoslide !== undefined ? st.autoslide : -1,
      transition: st.transition || 'page',
      speed: st.speed || 0,
    };
  }

  async function record() {
    const out = { framework: S.framework, steps: [], done: false };
    try {
      F.first();
      const seen = new Set();
      await sleep(F.settle);
      let st = F.state();
      let via = '';
      for (let n = 0; n < S.maxSteps && st.h >= 0; n++) {
        seen.add(st.h + '/' + st.f);
        out.steps.push(Object.assign(describe(st), { key: via }));
        let moved = false;
        for (const key of F.keys || ['']) {
          F.next(key);
          await sleep(F.settle);
          st = F.state();
          if (!seen.has(st.h + '/' + st.f)) {
            moved = true;
            via = key;
            break;
          }
        }
        if (!moved) break;
      }
    } catch (e) {
      out.error = String(e && e.message || e);
    }
    out.done = true;
    window.__deckreelRecord = out;
  }

  function at(frame, fn) {
    const t = frame * 1000 / S.fps;
    const now = vnow();
    if (t <= now) return false;
    let d = t - now;
    while (now + d > t) d -= Math.max(t, 1) * Number.EPSILON;
    setTimeout(fn, d);
    return true;
  }

  function play() {
    F.first();
    let late = 0;
    for (let i = 1; i < S.frames.length; i++) {
      const key = S.keys ? S.keys[i] : '';
      if (!at(S.frames[i], () => F.next(key))) {
        F.next(key);
        late++;
      }
    }
    if (late > 0) fail(S.framework + ' became ready at ' + vnow().toFixed(1) + ' ms, after ' + late + ' step(s) should have started; they were shown at once');
  }

  // Wait for the framework, looking every 20 ms of page time for up to 5 s.
  const until = vnow() + 5000;
  function poll() {
    let ok = false;
    try { ok = F.ready(); } catch (e) { /* not yet */ }
    if (ok) {
      if (S.record) record(); else play();
      return;
    }
    if (vnow() >= until) {
      const msg = S.framework + ' did not become ready within 5 s of page time';
      if (S.record) window.__deckreelRecord = { framework: S.framework, steps: [], done: true, error: msg };
      else fail(msg);
      return;
    }
    setTimeout(poll, 20);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', poll);
  else poll();
})();
