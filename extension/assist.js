// The in-tab assist: types the planned answers into the page's form the way a person would (so
// React, Vue and plain forms all take them) and shows what it did in a shadow-DOM panel. The
// service worker injects it into the isolated world only when the user asks, and hands it only
// this form's answers; it never sees a token. It never submits: no click on a submit button, no
// form.submit(), and a submit set off by a click it makes is stopped.
(() => {
  'use strict';

  if (globalThis.autoresumeAssist) return;

  // A list that opened may take a while to fill (options fetched as you type); one that never
  // opens (a static page, a widget that wants real key presses) is given up on quickly.
  const OPTION_WAIT_MS = 1500;
  const UNOPENED_WAIT_MS = 200;
  const HOST_ATTRIBUTE = 'data-autoresume-assist';
  const FILLED = 'filled';
  const NEEDS_YOU = 'needs_you';
  const KEPT = 'kept';

  const clean = (s) => (s || '').replace(/\s+/g, ' ').trim().toLowerCase();
  const tick = () => new Promise((resolve) => setTimeout(resolve, 30));

  function find(selector) {
    try {
      return [...document.querySelectorAll(selector)];
    } catch {
      return [];
    }
  }

  // The prototype's own setter: a framework that wraps `value` on the element (React's value
  // tracker) then sees a real change when the input event arrives.
  function setValue(el, value) {
    const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype
      : el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
    Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, value);
  }

  function announce(el, ...types) {
    for (const type of types) el.dispatchEvent(new Event(type, { bubbles: true }));
  }

  function typeInto(el, text) {
    el.focus();
    setValue(el, text);
    announce(el, 'input', 'change');
  }

  const wanted = (value) => (value.kind === 'choice' ? value.text : value.text ?? '');

  /** The best of `candidates` for `text`: same text, then one starting with it, then one containing it. */
  function bestMatch(candidates, text, textOf) {
    const goal = clean(text);
    if (!goal) return null;
    const scored = candidates.map((c) => [c, clean(textOf(c))]);
    return scored.find(([, t]) => t === goal)?.[0]
      ?? scored.find(([, t]) => t.startsWith(goal))?.[0]
      ?? scored.find(([, t]) => t && goal.startsWith(t))?.[0]
      ?? scored.find(([, t]) => t.includes(goal))?.[0]
      ?? null;
  }

  function labelText(input) {
    const labels = [...(input.labels ?? [])];
    const wrapping = input.closest('label');
    if (wrapping && !labels.includes(wrapping)) labels.push(wrapping);
    return labels.map((l) => l.textContent).join(' ') || input.getAttribute('aria-label') || input.value;
  }

  function fillText(el, value) {
    if (el.readOnly || el.disabled) return [NEEDS_YOU, 'the field is read-only'];
    const text = wanted(value);
    if (el.value === text) return [FILLED];
    if (el.value.trim() !== '') return [KEPT, 'kept what is already there'];
    typeInto(el, text);
    return el.value === text ? [FILLED] : [NEEDS_YOU, 'the page did not take the value'];
  }

  function fillSelect(el, value) {
    const options = [...el.options];
    const option = (value.kind === 'choice' && options.find((o) => o.value === value.value))
      || bestMatch(options.filter((o) => o.value !== ''), wanted(value), (o) => o.text);
    if (!option) return [NEEDS_YOU, `no option matches "${wanted(value)}"`];
    el.focus();
    setValue(el, option.value);
    announce(el, 'input', 'change');
    return [FILLED];
  }

  function fillChoices(inputs, value) {
    const input = (value.kind === 'choice' && inputs.find((i) => i.value === value.value))
      || bestMatch(inputs, wanted(value), labelText);
    if (!input) return [NEEDS_YOU, `no option matches "${wanted(value)}"`];
    if (!input.checked) input.click();
    return input.checked ? [FILLED] : [NEEDS_YOU, 'the page did not take the choice'];
  }

  function fillCheckbox(el, value) {
    if (value.kind !== 'checked') return fillChoices([el], value);
    if (el.checked !== value.checked) el.click();
    return el.checked === value.checked ? [FILLED] : [NEEDS_YOU, 'the page did not take the tick'];
  }

  // Option buttons beside the hidden control that stores a yes/no switch's answer.
  function fillButtons(el, value) {
    const buttons = [...(el.parentElement?.children ?? [])]
      .filter((c) => c.tagName === 'BUTTON' || c.getAttribute('role') === 'button' || c.getAttribute('role') === 'radio');
    const button = bestMatch(buttons, wanted(value), (b) => b.textContent);
    if (!button) return [NEEDS_YOU, `no button reads "${wanted(value)}"`];
    button.click();
    return [FILLED];
  }

  function fillFile(el, resume) {
    if (!resume) return [NEEDS_YOU, 'no resume PDF in your profile'];
    if (el.files?.length) return [KEPT, 'a file is already attached'];
    const bytes = Uint8Array.from(atob(resume.base64), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], resume.name, { type: 'application/pdf' }));
    el.files = transfer.files;
    announce(el, 'input', 'change');
    return el.files.length === 1 ? [FILLED] : [NEEDS_YOU, 'the page did not take the file'];
  }

  function fillEditable(el, value) {
    const text = wanted(value);
    if (el.textContent.trim() !== '') return el.textContent.trim() === text ? [FILLED] : [KEPT, 'kept what is already there'];
    el.focus();
    const range = document.createRange();
    range.selectNodeContents(el);
    const selection = getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    // Rich-text editors follow the editing commands (beforeinput / input) a person's typing makes.
    if (!document.execCommand('insertText', false, text) || el.textContent.trim() !== text) {
      el.textContent = text;
      announce(el, 'input');
    }
    return [FILLED];
  }

  /** Rendered options of the list a combobox opened: its own listbox first, else any on the page. */
  function visibleOptions(el) {
    const owned = el.getAttribute('aria-controls') || el.getAttribute('aria-owns');
    const listbox = owned ? document.getElementById(owned) : null;
    const options = [...(listbox ?? document).querySelectorAll('[role="option"], [id*="-option-"]')];
    return options.filter((o) => o.getClientRects().length > 0 && !o.closest(`[${HOST_ATTRIBUTE}]`));
  }

  async function waitForOption(el, text) {
    const started = Date.now();
    let seen = false;
    for (;;) {
      await tick();
      const options = visibleOptions(el);
      seen ||= options.length > 0;
      const match = bestMatch(options, text, (o) => o.textContent);
      if (match) return { match, seen };
      const opened = seen || el.getAttribute('aria-expanded') === 'true';
      if (Date.now() - started >= (opened ? OPTION_WAIT_MS : UNOPENED_WAIT_MS)) return { match: null, seen };
    }
  }

  function press(el, key) {
    el.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
  }

  // react-select and ARIA comboboxes: type the answer, then pick the option it brings up.
  async function fillCombobox(el, value) {
    const text = wanted(value);
    const typed = el instanceof HTMLInputElement;
    if (typed && el.value.trim() !== '' && el.value !== text) return [KEPT, 'kept what is already there'];
    el.focus();
    if (typed) {
      setValue(el, text);
      announce(el, 'input');
    } else {
      el.click();
    }
    const { match, seen } = await waitForOption(el, text);
    if (match) {
      match.scrollIntoView?.({ block: 'nearest' });
      match.click();
      return [FILLED];
    }
    if (!typed) {
      press(el, 'Escape');
      return [NEEDS_YOU, `pick "${text}" from the list`];
    }
    if (!seen) return [NEEDS_YOU, `typed "${text}"; check it against the list`];
    // A list came up without the answer: leave no half-typed search behind.
    setValue(el, '');
    announce(el, 'input');
    press(el, 'Escape');
    return [NEEDS_YOU, `no option matches "${text}"`];
  }

  async function fillField(field, resume) {
    const elements = find(field.selector).filter((el) => !el.closest(`[${HOST_ATTRIBUTE}]`));
    const [el] = elements;
    if (!el) return [NEEDS_YOU, 'not found on the page'];
    if (el.disabled) return [NEEDS_YOU, 'the field is disabled'];
    const { value } = field;
    switch (field.kind) {
      case 'file': return fillFile(el, resume);
      case 'select': return fillSelect(el, value);
      case 'combobox': return fillCombobox(el, value);
      case 'radio':
      case 'radio_group':
      case 'checkbox_group': return fillChoices(elements, value);
      case 'checkbox': return fillCheckbox(el, value);
      case 'button_group': return fillButtons(el, value);
      case 'contenteditable': return fillEditable(el, value);
      default: return el.isContentEditable ? fillEditable(el, value) : fillText(el, value);
    }
  }

  /**
   * Fills `fields` (`{selector, label, kind, required, value, reason}`; those without a value
   * are listed as needing the user). `resume` is `{name, base64}` or null. Nothing is filled
   * when `blockers` (captcha, sign-in) stop it. Returns each field's outcome.
   */
  async function fill({ fields, resume, blockers }) {
    const outcomes = [];
    const stopSubmit = (event) => {
      event.preventDefault();
      event.stopImmediatePropagation();
    };
    window.addEventListener('submit', stopSubmit, true);
    try {
      for (const field of fields) {
        let status = NEEDS_YOU;
        let note = field.reason ?? '';
        if (!blockers.length && field.value) {
          try {
            [status, note = ''] = await fillField(field, resume);
          } catch (error) {
            note = `could not fill: ${error.message}`;
          }
        } else if (blockers.length && field.value) {
          note = 'not filled: the page is blocked';
        }
        outcomes.push({ selector: field.selector, label: field.label, required: field.required, status, note });
      }
    } finally {
      // A submit set off by a click above is dispatched at once; later ones are the user's.
      window.removeEventListener('submit', stopSubmit, true);
    }
    document.activeElement?.blur?.();
    return outcomes;
  }

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
      const [target] = find(outcome.selector);
      target?.scrollIntoView({ block: 'center', behavior: 'smooth' });
      target?.focus({ preventScroll: true });
    });
    return item;
  }

  /** Shows (or replaces) the panel: `{blockers, outcomes, hidden}`, hidden: how many fields nobody can see were skipped. */
  function showPanel({ blockers, outcomes, hidden = 0 }) {
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
    close.addEventListener('click', () => host.remove());
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
      summary.textContent = `Filled ${filled} of ${outcomes.length} fields; ${waiting} need${waiting === 1 ? 's' : ''} you.${skipped}`;
    }
    const list = el('ul');
    list.append(...outcomes.map(row));
    const footer = el('footer', '', 'Check every answer, then submit the form yourself.');
    panel.append(header, summary, list, footer);
    root.append(panel);
    document.documentElement.append(host);
  }

  globalThis.autoresumeAssist = { fill, showPanel };
})();
