// The form fill: types the planned answers into the page's form the way a person would (so
// React, Vue and plain forms all take them) and never submits: no click on a submit button, no
// form.submit(), and a submit set off by a click it makes is stopped. It only fills what it is
// handed; the caller leaves out the fields the planner marked never to fill (honeypots,
// passwords, fields nobody can see). One self-contained script that installs
// `globalThis.autoresumeFill = { fill }`, so the same file serves
// chrome.scripting.executeScript({files}) before the in-tab assist's panel (extension/assist.js)
// and CDP Runtime.evaluate in headless Chromium.
(() => {
  'use strict';

  if (globalThis.autoresumeFill) return;

  // A list that opened may take a while to fill (options fetched as you type); one that never
  // opens (a static page, a widget that wants real key presses) is given up on quickly.
  const OPTION_WAIT_MS = 1500;
  const UNOPENED_WAIT_MS = 200;
  // The in-tab assist's panel: its rows name the fields and must never be taken for them.
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

  /** The list a combobox controls, else any list on the page, when one shows. */
  function shownList(el) {
    const owned = el.getAttribute('aria-controls') || el.getAttribute('aria-owns');
    const lists = owned ? [document.getElementById(owned)].filter(Boolean) : [...document.querySelectorAll('[role="listbox"]')];
    return lists.some((l) => l.getClientRects().length > 0 && !l.closest(`[${HOST_ATTRIBUTE}]`));
  }

  /**
   * `{match, seen, listed}`: the option for `text`, whether options showed, and whether the
   * page offered a list at all (options, an expanded combobox, a list shown).
   */
  async function waitForOption(el, text) {
    const started = Date.now();
    let seen = false;
    let listed = false;
    for (;;) {
      await tick();
      const options = visibleOptions(el);
      seen ||= options.length > 0;
      listed ||= seen || el.getAttribute('aria-expanded') === 'true' || shownList(el);
      const match = bestMatch(options, text, (o) => o.textContent);
      if (match) return { match, seen, listed };
      if (Date.now() - started >= (listed ? OPTION_WAIT_MS : UNOPENED_WAIT_MS)) return { match: null, seen, listed };
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
    const { match, seen, listed } = await waitForOption(el, text);
    if (match) {
      match.scrollIntoView?.({ block: 'nearest' });
      match.click();
      return [FILLED];
    }
    if (!typed) {
      press(el, 'Escape');
      return [NEEDS_YOU, `pick "${text}" from the list`];
    }
    // Nothing to check the typed answer against: the answer as typed is the field's value.
    if (!listed) return el.value === text ? [FILLED, 'typed; the page offers no list'] : [NEEDS_YOU, 'the page did not take the value'];
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

  globalThis.autoresumeFill = { fill };
})();
