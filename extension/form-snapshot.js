// Form snapshot: every fillable control of the page with the label a person sees, plus what
// blocks an assisted apply (captcha, sign-in or account walls, wizards). One self-contained
// expression whose value is the snapshot, so the same file serves
// chrome.scripting.executeScript({files}) in the user's tab and CDP Runtime.evaluate in headless
// Chromium; the planner (shared/src/forms) reads its JSON. It only reads the DOM.
(() => {
  'use strict';

  const MAX_TEXT = 400;
  const MAX_OPTIONS = 300;
  const CONTROLS = 'input, select, textarea, [contenteditable=""], [contenteditable="true"], [role="combobox"], [role="textbox"]';
  const SKIPPED_INPUT_TYPES = new Set(['hidden', 'submit', 'button', 'reset', 'image']);
  const HONEYPOT_WORDS = /honey ?pot|\bhp[_-]|bot[_-]?(trap|check|field)|spam[_-]?trap|\btrap\b|leave (this )?(field )?(blank|empty)|do not (fill|enter|complete)|don'?t fill|must be (left )?empty/i;
  const CAPTCHA_RESPONSE_NAMES = /^(g-recaptcha-response|h-captcha-response|cf-turnstile-response)/;
  const GENERIC_LABEL = /^(attach|upload|browse|choose( a)? file|select( a)? file|enter manually|add file|drop files? here)\b/i;
  // Controls a browser extension put on the page (ours included): never part of the form.
  const FOREIGN_UI = '[data-autoresume-assist], [data-extension-owned], [id*="extension-panel" i], [id*="agent-panel" i]';
  const UNIQUE_ATTRIBUTES = ['data-automation-id', 'data-qa', 'data-testid', 'data-test', 'data-field-path', 'data-field', 'aria-labelledby'];

  const clean = (s) => (s || '').replace(/\s+/g, ' ').trim();
  const clip = (s) => (s.length > MAX_TEXT ? s.slice(0, MAX_TEXT) : s);

  /** Text a person reads inside `el`, without the controls' own text (a select's options). */
  function readableText(el, skip) {
    if (!el) return '';
    let out = '';
    const walk = (node) => {
      if (node.nodeType === Node.TEXT_NODE) {
        out += node.nodeValue + ' ';
        return;
      }
      if (node.nodeType !== Node.ELEMENT_NODE) return;
      const tag = node.tagName;
      if (tag === 'SCRIPT' || tag === 'STYLE' || tag === 'NOSCRIPT' || tag === 'TEMPLATE' || tag === 'SVG') return;
      if (node !== el && (tag === 'SELECT' || tag === 'TEXTAREA' || tag === 'OPTION' || tag === 'DATALIST')) return;
      if (skip && node !== el && skip(node)) return;
      if (node.shadowRoot) walk(node.shadowRoot);
      for (const child of node.childNodes) walk(child);
    };
    walk(el);
    return clip(clean(out));
  }

  const byId = (root, id) => (id ? root.getElementById?.(id) ?? document.getElementById(id) : null);
  const rootOf = (el) => el.getRootNode();

  function labelledByText(el) {
    const ids = clean(el.getAttribute('aria-labelledby')).split(' ').filter(Boolean);
    return clean(ids.map((id) => readableText(byId(rootOf(el), id))).join(' '));
  }

  function forLabels(el) {
    const root = rootOf(el);
    const labels = [];
    if (el.labels) labels.push(...el.labels);
    if (el.id && root.querySelectorAll) {
      for (const label of root.querySelectorAll('label[for]')) {
        if (label.htmlFor === el.id && !labels.includes(label)) labels.push(label);
      }
    }
    return labels;
  }

  const isControl = (node) => node.matches?.('input, select, textarea, button');

  /** The text just before `el` in reading order: an earlier sibling's, else its parent's. */
  function nearbyText(el, limit = 5) {
    let node = el;
    for (let depth = 0; depth < limit && node && node !== document.body; depth++) {
      for (let sibling = node.previousElementSibling; sibling; sibling = sibling.previousElementSibling) {
        if (sibling.matches('script, style, input[type=hidden]')) continue;
        if (sibling.querySelector?.('input:not([type=hidden]), select, textarea')) break;
        const text = readableText(sibling, isControl);
        if (text) return text;
      }
      node = node.parentElement;
    }
    return '';
  }

  function legendText(el) {
    const fieldset = el.closest('fieldset');
    const legend = fieldset?.querySelector(':scope > legend');
    return legend ? readableText(legend) : '';
  }

  function describedText(el) {
    const ids = clean(el.getAttribute('aria-describedby')).split(' ').filter(Boolean);
    return clean(ids.map((id) => readableText(byId(rootOf(el), id))).join(' '));
  }

  /** Every label source, first the ones people see next to the control. */
  function labelsOf(el) {
    const sources = {
      labelledBy: labelledByText(el),
      labelFor: clean(forLabels(el).map((l) => readableText(l, isControl)).join(' ')),
      ariaLabel: clean(el.getAttribute('aria-label')),
      legend: legendText(el),
      nearby: '',
      placeholder: clean(el.getAttribute('placeholder') || el.getAttribute('aria-placeholder')),
      title: clean(el.getAttribute('title')),
    };
    const direct = sources.labelledBy || sources.labelFor || sources.ariaLabel;
    // "Attach" names the button, not the question: the group around it says what to attach.
    const group = !direct || GENERIC_LABEL.test(direct) ? el.closest('[role="group"], [role="radiogroup"], fieldset') : null;
    const groupLabel = group ? labelledByText(group) || clean(group.getAttribute('aria-label')) : '';
    if (!groupLabel && (!direct || GENERIC_LABEL.test(direct))) sources.nearby = nearbyText(el);
    const label = groupLabel || (direct && !GENERIC_LABEL.test(direct) ? direct : '') || sources.nearby || sources.legend || direct || sources.placeholder || sources.title;
    return { label: clip(label), sources };
  }

  function cssEscape(value) {
    return globalThis.CSS?.escape ? CSS.escape(value) : value.replace(/[^a-zA-Z0-9_-]/g, (c) => `\\${c}`);
  }

  const attrSelector = (name, value) => `[${name}="${value.replace(/["\\]/g, '\\$&')}"]`;

  function unique(root, selector) {
    try {
      return root.querySelectorAll(selector).length === 1;
    } catch {
      return false;
    }
  }

  /** The shortest selector that finds `el` alone: id, name, a test attribute, else a path. */
  function selectorOf(el) {
    const root = rootOf(el);
    const tag = el.tagName.toLowerCase();
    const candidates = [];
    if (el.id) candidates.push(`#${cssEscape(el.id)}`);
    const name = el.getAttribute('name');
    if (name) candidates.push(`${tag}${attrSelector('name', name)}`);
    if (name && el.getAttribute('type')) candidates.push(`${tag}${attrSelector('type', el.getAttribute('type'))}${attrSelector('name', name)}`);
    for (const attribute of UNIQUE_ATTRIBUTES) {
      const value = el.getAttribute(attribute);
      if (value) candidates.push(`${tag}${attrSelector(attribute, value)}`);
    }
    for (const candidate of candidates) if (unique(root, candidate)) return candidate;
    const steps = [];
    let node = el;
    while (node && node.parentElement) {
      if (node !== el) {
        const anchor = [node.id ? `#${cssEscape(node.id)}` : null]
          .concat(UNIQUE_ATTRIBUTES.map((a) => (node.getAttribute(a) ? `${node.tagName.toLowerCase()}${attrSelector(a, node.getAttribute(a))}` : null)))
          .find((s) => s && unique(root, s));
        if (anchor) {
          steps.unshift(anchor);
          break;
        }
      }
      const sameTag = [...node.parentElement.children].filter((c) => c.tagName === node.tagName);
      const step = node.tagName.toLowerCase();
      steps.unshift(sameTag.length > 1 ? `${step}:nth-of-type(${sameTag.indexOf(node) + 1})` : step);
      node = node.parentElement;
    }
    return steps.join(' > ');
  }

  function isRendered(el) {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') return false;
    return el.getClientRects().length > 0;
  }

  function offScreen(el) {
    const rect = el.getBoundingClientRect();
    if (rect.right < -100 || rect.bottom < -100 || rect.left > 20000) return true;
    const style = getComputedStyle(el);
    return Number(style.opacity) === 0 && rect.width <= 1 && rect.height <= 1;
  }

  function isHoneypot(el, label) {
    const words = [el.getAttribute('name'), el.id, el.className, el.getAttribute('autocomplete'), label].join(' ');
    if (HONEYPOT_WORDS.test(words)) return true;
    const type = (el.getAttribute('type') || '').toLowerCase();
    if (type === 'file' || type === 'checkbox' || type === 'radio') return false;
    // A real field is never placed out of sight while the rest of the form is shown.
    return isRendered(el) && offScreen(el) && el.getAttribute('aria-hidden') !== 'true';
  }

  /** The largest ancestor that holds no other question's control: the field's own block. */
  function ownBlock(el) {
    let node = el;
    while (node.parentElement && node.parentElement !== document.body) {
      const others = [...node.parentElement.querySelectorAll('input:not([type=hidden]), select, textarea')]
        .some((c) => c !== el && !(el.name && c.name === el.name));
      if (others) break;
      node = node.parentElement;
    }
    return node;
  }

  function required(el, label) {
    if (el.required || el.getAttribute('aria-required') === 'true') return true;
    if (/[*✱]\s*$/.test(label || '')) return true;
    if (el.closest('[role="group"][aria-required="true"]')) return true;
    const markers = ownBlock(el).querySelectorAll('[class*="required"], abbr[title*="required" i]');
    return [...markers].some((m) => !m.matches('input, select, textarea'));
  }

  /** Options of a listbox the widget controls, when the page already rendered them. */
  function listboxOptions(el) {
    const id = el.getAttribute('aria-controls') || el.getAttribute('aria-owns');
    const listbox = id ? byId(rootOf(el), id) : null;
    if (!listbox) return [];
    return [...listbox.querySelectorAll('[role="option"]')].slice(0, MAX_OPTIONS).map((o) => ({
      value: o.getAttribute('data-value') || o.id || readableText(o),
      text: readableText(o),
    }));
  }

  function choiceLabel(input) {
    const labels = forLabels(input);
    const wrapping = input.closest('label');
    if (wrapping && !labels.includes(wrapping)) labels.push(wrapping);
    return clean(labels.map((l) => readableText(l, isControl)).join(' ')) || clean(input.getAttribute('aria-label')) || input.value;
  }

  /** The question of a radio or checkbox group: its legend, its labelling element or the text before it. */
  function groupLabels(inputs) {
    let container = inputs.length === 1 ? inputs[0] : inputs[0].parentElement;
    while (container && !inputs.every((i) => container.contains(i))) container = container.parentElement;
    const holder = container?.closest('[role="radiogroup"], [role="group"], fieldset') || container;
    const sources = {
      labelledBy: holder ? labelledByText(holder) : '',
      labelFor: '',
      ariaLabel: clean(holder?.getAttribute('aria-label')),
      legend: legendText(inputs[0]),
      nearby: holder ? nearbyText(holder) : '',
      placeholder: '',
      title: '',
    };
    const label = sources.legend || sources.labelledBy || sources.ariaLabel || sources.nearby;
    return { label: clip(label), sources };
  }

  function baseField(el, kind, labels) {
    return {
      selector: selectorOf(el),
      kind,
      tag: el.tagName.toLowerCase(),
      inputType: el.tagName === 'INPUT' ? (el.getAttribute('type') || 'text').toLowerCase() : null,
      name: el.getAttribute('name'),
      id: el.id || null,
      label: labels.label,
      labelSources: labels.sources,
      description: describedText(el) || null,
      autocomplete: clean(el.getAttribute('autocomplete')) || null,
      required: required(el, labels.label),
      multiple: Boolean(el.multiple || el.getAttribute('aria-multiselectable') === 'true'),
      accept: el.getAttribute('accept'),
      maxLength: el.maxLength > 0 ? el.maxLength : null,
      visible: isRendered(el),
      honeypot: false,
      options: [],
    };
  }

  function kindOf(el) {
    const tag = el.tagName;
    if (tag === 'SELECT') return 'select';
    if (tag === 'TEXTAREA') return 'textarea';
    if (el.getAttribute('role') === 'combobox' || el.getAttribute('aria-autocomplete') === 'list') return 'combobox';
    if (tag === 'INPUT') {
      const type = (el.getAttribute('type') || 'text').toLowerCase();
      if (['email', 'tel', 'url', 'number', 'date', 'month', 'password', 'file', 'checkbox', 'radio', 'search'].includes(type)) return type === 'search' ? 'text' : type;
      return 'text';
    }
    if (el.isContentEditable || el.getAttribute('role') === 'textbox') return 'contenteditable';
    return null;
  }

  /** Inputs that only serve a widget or a captcha: nobody types into them. */
  function isInternal(el) {
    if (CAPTCHA_RESPONSE_NAMES.test(el.getAttribute('name') || '')) return true;
    if (el.closest('.g-recaptcha, .h-captcha, .cf-turnstile, [data-sitekey]')) return true;
    if (el.closest(FOREIGN_UI)) return true;
    for (let node = el; node; node = node.parentElement) {
      if ([...node.attributes].some((a) => a.name.startsWith('data-') && a.name.endsWith('-owned'))) return true;
    }
    return el.getAttribute('aria-hidden') === 'true' && !el.getAttribute('name') && !el.id;
  }

  function allControls(root, out) {
    for (const el of root.querySelectorAll(`${CONTROLS}, *`)) {
      if (el.shadowRoot) allControls(el.shadowRoot, out);
      if (el.matches(CONTROLS)) out.push(el);
    }
    return out;
  }

  /** Option buttons beside an unlabelled checkbox or input (a yes/no switch built from buttons). */
  function buttonOptions(el) {
    const buttons = [...(el.parentElement?.children ?? [])].filter((c) => c.tagName === 'BUTTON' || c.getAttribute('role') === 'button' || c.getAttribute('role') === 'radio');
    const texts = buttons.map((b) => readableText(b)).filter((t) => t && t.length <= 60);
    return texts.length >= 2 ? texts.map((t) => ({ value: t, text: t })) : [];
  }

  function snapshotFields() {
    const fields = [];
    const groups = new Map();
    const seen = new Set();
    for (const el of allControls(document, [])) {
      if (seen.has(el)) continue;
      seen.add(el);
      if (el.tagName === 'INPUT' && SKIPPED_INPUT_TYPES.has((el.getAttribute('type') || '').toLowerCase())) continue;
      if (el.disabled || isInternal(el)) continue;
      if (el.isContentEditable && el.parentElement?.isContentEditable) continue;
      const kind = kindOf(el);
      if (!kind) continue;
      const name = el.getAttribute('name');
      if ((kind === 'radio' || kind === 'checkbox') && name) {
        const key = `${kind}\u0000${name}`;
        if (!groups.has(key)) {
          groups.set(key, []);
          fields.push({ group: key });
        }
        groups.get(key).push(el);
        continue;
      }
      const labels = labelsOf(el);
      const field = baseField(el, kind, labels);
      field.honeypot = isHoneypot(el, labels.label);
      if (kind === 'select') {
        field.options = [...el.options].slice(0, MAX_OPTIONS).map((o) => ({ value: o.value, text: clean(o.text) }));
      } else if (kind === 'combobox') {
        field.options = listboxOptions(el);
      }
      fields.push(field);
    }
    return fields.map((f) => (f.group ? groupField(groups.get(f.group)) : f));
  }

  function groupField(inputs) {
    const first = inputs[0];
    const radio = first.type === 'radio';
    const options = inputs.map((i) => ({ value: i.value, text: choiceLabel(i) }));
    // One checkbox that only wraps its own text is a statement to tick, not a group; one
    // beside option buttons is the value store of a yes/no switch built from buttons.
    if (!radio && inputs.length === 1) {
      const buttons = forLabels(first).length || first.closest('label') ? [] : buttonOptions(first);
      if (buttons.length) {
        const labels = groupLabels([first.parentElement]);
        const field = baseField(first, 'button_group', labels);
        field.required = required(first, labels.label);
        field.options = buttons;
        return field;
      }
      const labels = labelsOf(first);
      const field = baseField(first, 'checkbox', labels);
      field.honeypot = isHoneypot(first, labels.label);
      return field;
    }
    const labels = groupLabels(inputs);
    const field = baseField(first, radio ? 'radio_group' : 'checkbox_group', labels);
    field.selector = `input[type="${radio ? 'radio' : 'checkbox'}"]${attrSelector('name', first.getAttribute('name'))}`;
    field.id = null;
    field.required = inputs.some((i) => required(i, labels.label));
    field.multiple = !radio;
    field.visible = inputs.some(isRendered);
    field.options = options;
    return field;
  }

  const pageText = () => clean(document.body ? document.body.innerText || document.body.textContent : '');

  function captchaBlockers() {
    const found = new Map();
    const vendors = [
      ['recaptcha', /recaptcha|google\.com\/recaptcha/i, '.g-recaptcha, .grecaptcha-badge, [name^="g-recaptcha-response"]'],
      ['hcaptcha', /hcaptcha/i, '.h-captcha, [name^="h-captcha-response"]'],
      ['turnstile', /challenges\.cloudflare\.com|turnstile/i, '.cf-turnstile, [name^="cf-turnstile-response"]'],
    ];
    const sources = [...document.querySelectorAll('iframe[src], script[src]')].map((e) => e.getAttribute('src'));
    for (const [vendor, src, selector] of vendors) {
      if (document.querySelector(selector) || sources.some((s) => src.test(s))) found.set(vendor, true);
    }
    return [...found.keys()].map((vendor) => ({ kind: 'captcha', detail: vendor }));
  }

  const SIGN_IN = /^(sign in|log ?in|sign in to apply|log in to apply)$/i;
  const CREATE_ACCOUNT = /^(create (an )?account|sign up|register)$/i;

  function accessBlockers(fields) {
    const blockers = [];
    const passwords = fields.filter((f) => f.kind === 'password' && !f.honeypot);
    const confirm = passwords.some((f) => /confirm|re-?enter|repeat|again|verify/i.test(`${f.label} ${f.name ?? ''} ${f.id ?? ''}`));
    if (passwords.length >= 2 || confirm) {
      blockers.push({ kind: 'account_creation', detail: 'the page asks to create an account with a password' });
    } else if (passwords.length === 1) {
      blockers.push({ kind: 'login_wall', detail: 'the page asks for a password' });
    }
    const actions = [...document.querySelectorAll('a, button, [role="button"]')].map((e) => clean(e.textContent));
    const applicationFields = fields.filter((f) => !f.honeypot && f.kind !== 'password');
    if (applicationFields.length === 0) {
      if (actions.some((t) => SIGN_IN.test(t) || CREATE_ACCOUNT.test(t))) {
        blockers.push({ kind: 'login_wall', detail: 'no application form; the page offers only sign-in' });
      }
      blockers.push({ kind: 'no_form', detail: 'no fillable application field on this page' });
    }
    return blockers;
  }

  const STEP = /\b(step|page) (\d+) (of|\/) (\d+)\b/i;
  const NEXT = /^(next|continue|save (and|&) continue|next step|proceed)$/i;
  const SUBMIT = /submit|apply|send application/i;

  function wizardBlockers() {
    const actions = [...document.querySelectorAll('button, input[type=submit], input[type=button], a[role=button]')].map((e) => clean(e.textContent || e.value));
    const stepper = document.querySelector('[aria-current="step"], [data-automation-id*="progressBar" i], [class*="stepper" i], [class*="wizard" i]');
    const steps = STEP.exec(pageText());
    const stepText = steps && Number(steps[4]) > 1 ? steps : null;
    const nextOnly = actions.some((t) => NEXT.test(t)) && !actions.some((t) => SUBMIT.test(t));
    if (stepper || stepText || nextOnly) {
      const detail = stepText ? stepText[0] : nextOnly ? 'a Next button and no submit button' : 'a step indicator';
      return [{ kind: 'multi_page', detail }];
    }
    return [];
  }

  const fields = snapshotFields();
  const blockers = [...captchaBlockers(), ...accessBlockers(fields), ...wizardBlockers()];
  for (const field of fields.filter((f) => f.honeypot)) {
    blockers.push({ kind: 'honeypot', detail: field.selector });
  }
  return {
    version: 1,
    url: location.href,
    title: clean(document.title),
    fields,
    blockers,
  };
})();
