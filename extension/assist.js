// The in-tab assist: fills the page's form with extension/form-fill.js (injected just before
// it; that file runs without the extension too) and shows what it did in a shadow-DOM panel. The
// service worker injects both into the isolated world only when the user asks, and hands them
// only this form's answers; they never see a token. In a wizard it then watches the frame that
// holds the form: when the user's Next brings new fields, it asks the worker to plan and fill
// them (the worker may have been stopped meanwhile; the message wakes it). It never clicks
// Next or Submit itself, and stops watching when the panel is closed, the user submits, or the
// page goes away (the script goes with it).
(() => {
  'use strict';

  if (globalThis.autoresumeAssist) return;

  const HOST_ATTRIBUTE = 'data-autoresume-assist';
  const FILLED = 'filled';
  const NEEDS_YOU = 'needs_you';
  const KEPT = 'kept';

  const PANEL_CSS = `
    :host { all: initial; }
    .panel { position: fixed; right: 16px; bottom: 16px; z-index: 2147483647; width: 340px; max-height: 70vh;
      display: flex; flex-direction: column; background: #fff; color: #1f2937; border: 1px solid #d1d5db;
      border-radius: 10px; box-shadow: 0 8px 30px rgba(0,0,0,.18); font: 13px/1.4 system-ui, sans-serif; }
    header { display: flex; align-items: center; justify-content: space-between; padding: 10px 12px;
      border-bottom: 1px solid #e5e7eb; font-weight: 600; }
    .summary { padding: 8px 12px; border-bottom: 1px solid #e5e7eb; }
    .summary[data-blocked] { background: #fef2f2; color: #991b1b; }
    ul { list-style: none; margin: 0; padding: 0; overflow-y: auto; }
    li { display: flex; gap: 8px; align-items: baseline; padding: 6px 12px; border-bottom: 1px solid #f3f4f6; cursor: pointer; }
    li:hover { background: #f9fafb; }
    .status { flex: none; font-size: 11px; font-weight: 600; padding: 1px 6px; border-radius: 999px; }
    .status[data-status=filled] { background: #dcfce7; color: #166534; }
    .status[data-status=kept] { background: #e0e7ff; color: #3730a3; }
    .status[data-status=needs_you] { background: #fef3c7; color: #92400e; }
    .label { font-weight: 500; overflow-wrap: anywhere; }
    .note { display: block; color: #6b7280; font-size: 12px; }
    button { font: inherit; border: 0; background: none; cursor: pointer; color: #6b7280; font-size: 16px; }
    footer { padding: 8px 12px; color: #6b7280; font-size: 12px; }
  `;
  const STATUS_TEXT = { [FILLED]: 'filled', [KEPT]: 'yours', [NEEDS_YOU]: 'needs you' };
  const FOLLOWING = 'Check every answer, then submit the form yourself. AutoResume fills each new step as you go; it never clicks Next or Submit.';
  const CHECK = 'Check every answer, then submit the form yourself.';
  // The page settles (a step renders in several passes) before its fields are counted.
  const SETTLE_MS = 300;
  const CONTROLS = 'input, select, textarea';
  const NOT_FIELDS = new Set(['hidden', 'submit', 'button', 'reset', 'image']);
  // A button that moves a wizard on: its submit event is a step, not the application's submit.
  const NEXT = /^(next|continue|save (and|&) continue|next step|proceed|review)\b/i;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function styled(root) {
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(PANEL_CSS);
      root.adoptedStyleSheets = [sheet];
    } catch {
      root.append(el('style', '', PANEL_CSS));
    }
  }

  function row(outcome) {
    const item = el('li');
    item.dataset.status = outcome.status;
    item.dataset.selector = outcome.selector;
    const status = el('span', 'status', STATUS_TEXT[outcome.status]);
    status.dataset.status = outcome.status;
    const text = el('span');
    const name = outcome.label || outcome.selector;
    const marked = outcome.required && !/[*✱]\s*$/.test(name);
    text.append(el('span', 'label', marked ? `${name} *` : name));
    if (outcome.note) text.append(el('span', 'note', outcome.note));
    item.append(status, text);
    item.addEventListener('click', () => {
      let target = null;
      try {
        target = document.querySelector(outcome.selector);
      } catch {
        // A selector this browser cannot parse throws: then there is nothing to scroll to.
      }
      target?.scrollIntoView({ block: 'center', behavior: 'smooth' });
      target?.focus({ preventScroll: true });
    });
    return item;
  }

  const runtime = () => (globalThis.browser ?? globalThis.chrome).runtime;

  /**
   * Shows (or replaces) the panel: `{blockers, outcomes, hidden, step, following}`, hidden: how
   * many fields nobody can see were skipped; step: the wizard's step (from 2 it is named);
   * following: whether new steps will be filled as they come.
   */
  function showPanel({ blockers, outcomes, hidden = 0, step = 1, following = false }) {
    document.querySelector(`[${HOST_ATTRIBUTE}]`)?.remove();
    const host = document.createElement('div');
    host.setAttribute(HOST_ATTRIBUTE, '');
    const root = host.attachShadow({ mode: 'open' });
    styled(root);
    const panel = el('section', 'panel');
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-label', 'AutoResume autofill');
    const header = el('header', '', 'AutoResume autofill');
    const close = el('button', 'close', '×');
    close.type = 'button';
    close.title = 'Close';
    close.addEventListener('click', () => {
      host.remove();
      // Closing the panel ends the assist in this tab: no more steps are filled.
      unwatch();
      runtime().sendMessage({ type: 'assist-stop' }).catch(() => {});
    });
    header.append(close);
    const filled = outcomes.filter((o) => o.status === FILLED).length;
    const waiting = outcomes.filter((o) => o.status === NEEDS_YOU).length;
    const summary = el('p', 'summary');
    if (blockers.length) {
      summary.dataset.blocked = '';
      summary.textContent = `Blocked: ${blockers.map((b) => b.text).join('; ')}. Nothing was filled.`;
    } else {
      // A page can plant inputs nobody sees to collect answers: they are never filled, only counted.
      const skipped = hidden ? ` Skipped ${hidden} hidden field${hidden === 1 ? '' : 's'}.` : '';
      const prefix = step > 1 ? `Step ${step}: filled` : 'Filled';
      summary.textContent = `${prefix} ${filled} of ${outcomes.length} fields; ${waiting} need${waiting === 1 ? 's' : ''} you.${skipped}`;
    }
    const list = el('ul');
    list.append(...outcomes.map(row));
    const footer = el('footer', '', following ? FOLLOWING : CHECK);
    panel.append(header, summary, list, footer);
    root.append(panel);
    document.documentElement.append(host);
  }

  /** Replaces the panel's footer: why the assist stopped following the form. */
  function stopped(text) {
    const footer = document.querySelector(`[${HOST_ATTRIBUTE}]`)?.shadowRoot.querySelector('footer');
    if (footer) footer.textContent = text;
  }

  function visible(control) {
    if (NOT_FIELDS.has(control.type) || control.closest(`[${HOST_ATTRIBUTE}]`)) return false;
    if (control.checkVisibility) return control.checkVisibility({ visibilityProperty: true });
    return control.getClientRects().length > 0 && getComputedStyle(control).visibility !== 'hidden';
  }

  // A control's identity across renders: a framework re-creates the elements of a step the
  // user goes Back to, which are not new fields.
  const keyOf = (control) => `${control.tagName}|${control.type}|${control.id}|${control.name}`;
  const shownKeys = () => new Set([...document.querySelectorAll(CONTROLS)].filter(visible).map(keyOf));

  let watcher = null;

  /** Starts (or refreshes) watching for new fields; the fields shown now count as handled. */
  function watch() {
    if (watcher) {
      watcher.last = shownKeys();
      for (const key of watcher.last) watcher.seen.add(key);
      return;
    }
    const seen = shownKeys();
    let timer = 0;
    const check = () => {
      const shown = shownKeys();
      const fresh = [...shown].filter((key) => !seen.has(key));
      // Fields that went away mean the page moved on (a new step), not that a question opened.
      const replaced = [...watcher.last].some((key) => !shown.has(key));
      watcher.last = shown;
      if (!fresh.length) return;
      for (const key of fresh) seen.add(key);
      runtime().sendMessage({ type: 'assist-step', replaced })
        .then((answer) => { if (!answer?.watching) unwatch(); }, unwatch);
    };
    const observer = new MutationObserver(() => {
      clearTimeout(timer);
      timer = setTimeout(check, SETTLE_MS);
    });
    observer.observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ['hidden', 'style', 'class', 'aria-hidden'] });
    // The user's submit ends it (a fill's own, if any, is stopped before it gets here).
    const onSubmit = (event) => {
      const by = event.submitter;
      if (by && NEXT.test((by.textContent || by.value || '').trim())) return;
      unwatch();
      runtime().sendMessage({ type: 'assist-done' }).catch(() => {});
    };
    document.addEventListener('submit', onSubmit, true);
    watcher = {
      seen,
      last: new Set(seen),
      stop: () => {
        clearTimeout(timer);
        observer.disconnect();
        document.removeEventListener('submit', onSubmit, true);
      },
    };
  }

  function unwatch() {
    watcher?.stop();
    watcher = null;
  }

  globalThis.autoresumeAssist = { fill: globalThis.autoresumeFill.fill, showPanel, stopped, watch, unwatch };
})();
