// The headless apply's look at the page, beside the shared snapshot and fill scripts: which
// button moves the form on (Next / Review) or sends it (Submit), what came back after a click
// (a confirmation, the form with errors) and which cross-origin iframe holds an embedded form.
// Run in an isolated world; installs `globalThis.autoresumeApply`. Headless only: the in-tab
// assist never submits.
(() => {
  'use strict';

  if (globalThis.autoresumeApply) return;

  const clean = (s) => (s || '').replace(/\s+/g, ' ').trim().toLowerCase();
  const SUBMIT = /\b(submit|apply|send)\b/;
  const NEXT = /\b(next|continue|review|proceed|save and continue|save & continue)\b/;
  // Buttons that read "apply" but start another way in (a job board, a profile import).
  const ELSEWHERE = /linkedin|indeed|google|seek|glassdoor|autofill|import|upload|attach|sign in|log in|login|cancel|back|previous|save for later/;
  const CONFIRMED = [
    'thank you for applying', 'thanks for applying', 'thank you for your application',
    'thanks for your application', 'application submitted', 'application received',
    'application has been submitted', 'application has been received', 'we have received your application',
    "we've received your application", 'your application was submitted', 'successfully submitted',
    'successfully applied', 'application is complete', 'application complete',
  ];
  const CONFIRMED_URL = /confirm|thank|success|submitted|complete/;

  function shows(el) {
    if (!el.getClientRects().length) return false;
    const style = getComputedStyle(el);
    return style.visibility !== 'hidden' && Number(style.opacity) > 0.1;
  }

  function textOf(el) {
    return clean(el.innerText || el.value || el.getAttribute('aria-label') || el.title);
  }

  const BUTTONS = 'button, input[type="submit"], input[type="button"], [role="button"], a[class*="button" i], a[class*="btn" i]';

  function candidates(root) {
    return [...root.querySelectorAll(BUTTONS)]
      .filter((b) => shows(b) && !b.disabled && b.getAttribute('aria-disabled') !== 'true')
      .map((b) => ({ el: b, text: textOf(b) }))
      .filter((b) => b.text && !ELSEWHERE.test(b.text));
  }

  /** The form that holds the fields filled, else the page. */
  function scope(selectors) {
    for (const selector of selectors) {
      let el = null;
      try { el = document.querySelector(selector); } catch { el = null; }
      const form = el?.closest('form');
      if (form) return form;
    }
    return document;
  }

  /**
   * The button that moves the form on: `{kind: 'next'|'submit', text, x, y}` at its centre
   * (scrolled into view), or null. In a form, its submit buttons come first.
   */
  function primary(selectors) {
    const root = scope(selectors);
    let found = candidates(root);
    if (root !== document) {
      const submits = found.filter(({ el }) => (el.tagName === 'BUTTON' && (el.type || 'submit') === 'submit') || el.type === 'submit');
      if (submits.length) found = submits;
    }
    const submit = found.find((b) => SUBMIT.test(b.text));
    const next = found.find((b) => NEXT.test(b.text));
    // A form's only submit button that reads neither way still sends it.
    const sends = root !== document && found.length === 1 ? found[0] : undefined;
    const chosen = submit ? { kind: 'submit', ...submit }
      : next ? { kind: 'next', ...next }
        : sends ? { kind: 'submit', ...sends } : null;
    if (!chosen) return null;
    chosen.el.scrollIntoView({ block: 'center', inline: 'center' });
    const box = chosen.el.getBoundingClientRect();
    return { kind: chosen.kind, text: chosen.text, x: box.left + box.width / 2, y: box.top + box.height / 2 };
  }

  /** After a click: a confirmation seen (its words or the URL), or the errors the form shows. */
  function outcome() {
    const text = clean(document.body?.innerText);
    const phrase = CONFIRMED.find((p) => text.includes(p));
    if (phrase) return { confirmation: phrase, errors: [] };
    const path = clean(location.pathname + location.search);
    if (CONFIRMED_URL.test(path)) return { confirmation: location.href, errors: [] };
    const errors = [
      ...[...document.querySelectorAll('[aria-invalid="true"]')].filter(shows).map((el) => `invalid: ${el.name || el.id || el.getAttribute('aria-label') || el.tagName.toLowerCase()}`),
      ...[...document.querySelectorAll('[role="alert"], .error, .field-error, .invalid-feedback, [class*="error-message" i]')]
        .filter((el) => shows(el) && clean(el.innerText)).map((el) => clean(el.innerText).slice(0, 200)),
    ];
    return { confirmation: null, errors: [...new Set(errors)].slice(0, 10) };
  }

  /** The address of the visible iframe from another origin that most likely holds the form. */
  function embedded() {
    const frames = [...document.querySelectorAll('iframe[src]')]
      .filter(shows)
      .map((f) => ({ url: new URL(f.src, location.href), area: f.getBoundingClientRect().width * f.getBoundingClientRect().height }))
      .filter(({ url }) => /^https?:$/.test(url.protocol) && url.origin !== location.origin)
      .sort((a, b) => b.area - a.area);
    return frames.length ? frames[0].url.href : null;
  }

  /** What tells one wizard step from the next: the address, the fields and the button. */
  function step() {
    const names = [...document.querySelectorAll('input, select, textarea')].filter(shows).map((el) => el.name || el.id).join(',');
    const heading = clean(document.querySelector('h1, h2, h3, legend')?.innerText);
    return `${location.href}|${heading}|${names}`;
  }

  globalThis.autoresumeApply = { primary, outcome, embedded, step };
})();
