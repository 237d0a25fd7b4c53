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

  function isHoneypot(el, label) {
    return HONEYPOT_WORDS.test([el.getAttribute('name'), el.id, el.className, el.getAttribute('autocomplete'), label].join(' '));
  }

  // How an element shows, measured for the planner's visibility rule (shared/src/forms/sight.rs
  // decides): laid out or not, the size overflow clipping and the page's edges leave it, its
  // opacity with its ancestors', aria-hidden or inert, and whether a click on it, scrolled to,
  // reaches it (which `clip` and `clip-path` stop as they cut it away).
  const SAMPLES = [[0.5, 0.5], [0.2, 0.2], [0.8, 0.2], [0.2, 0.8], [0.8, 0.8]];
  const MAX_STAND_INS = 6;
  const WIDGETS = '[role="combobox"], [aria-haspopup]:not([aria-haspopup="false"])';
  const parentOf = (node) => node.parentElement ?? node.getRootNode().host ?? null;
  const style = (node) => getComputedStyle(node);
  const box = (r) => ({ left: r.left, top: r.top, right: r.right, bottom: r.bottom });
  const cut = (a, b) => ({ left: Math.max(a.left, b.left), top: Math.max(a.top, b.top), right: Math.min(a.right, b.right), bottom: Math.min(a.bottom, b.bottom) });
  const makesFixedContainer = (s) => s.transform !== 'none' || s.perspective !== 'none' || s.filter !== 'none' || /paint|layout|strict|content/.test(s.contain);

  /** What `node`'s overflow lets its content show: a scroller all it holds, hidden or clip its padding box. */
  function overflowOf(node, s) {
    const r = node.getBoundingClientRect();
    const axis = (overflow, start, client, scroll, offset) => {
      if (overflow === 'visible' || /^(inline|contents)$/.test(s.display)) return [-Infinity, Infinity];
      return /auto|scroll/.test(overflow) ? [start - offset, start - offset + scroll] : [start, start + client];
    };
    const [left, right] = axis(s.overflowX, r.left + node.clientLeft, node.clientWidth, node.scrollWidth, node.scrollLeft);
    const [top, bottom] = axis(s.overflowY, r.top + node.clientTop, node.clientHeight, node.scrollHeight, node.scrollTop);
    return { left, top, right, bottom };
  }

  /** The page as far as scrolling reaches (nothing left of or above its origin), in view px. */
  function pageArea() {
    const page = document.scrollingElement || document.documentElement;
    const [root, body] = [style(document.documentElement), document.body && style(document.body)];
    const scrolls = (axis) => !/hidden|clip/.test(root[axis] === 'visible' && body ? body[axis] : root[axis]);
    return { left: -scrollX, top: -scrollY, right: -scrollX + (scrolls('overflowX') ? page.scrollWidth : innerWidth), bottom: -scrollY + (scrolls('overflowY') ? page.scrollHeight : innerHeight) };
  }

  /** The part of `el` that overflowing ancestors (those its box is laid out in) and the page leave. */
  function shownRect(el) {
    let rect = box(el.getBoundingClientRect());
    let { position } = style(el);
    for (let node = parentOf(el); node && node !== document.body && node !== document.documentElement; node = parentOf(node)) {
      const s = style(node);
      const contains = position === 'fixed' ? makesFixedContainer(s) : position !== 'absolute' || s.position !== 'static' || makesFixedContainer(s);
      if (!contains) continue;
      position = s.position;
      rect = cut(rect, overflowOf(node, s));
    }
    return cut(rect, position === 'fixed' ? { left: 0, top: 0, right: innerWidth, bottom: innerHeight } : pageArea());
  }

  /** The fixed or sticky box `node` moves with: scrolling takes a field from under another one. */
  function layerOf(node) {
    for (let n = node; n; n = parentOf(n)) if (/fixed|sticky/.test(style(n).position)) return n;
    return null;
  }

  /** Runs `measure` with `el` scrolled to the middle of the view, then puts every scroll back. */
  function scrolledTo(el, measure) {
    const scrolled = [];
    for (let node = parentOf(el); node; node = parentOf(node)) scrolled.push([node, node.scrollLeft, node.scrollTop]);
    const [x, y] = [scrollX, scrollY];
    el.scrollIntoView({ block: 'center', inline: 'center', behavior: 'instant' });
    try {
      return measure();
    } finally {
      for (const [node, left, top] of scrolled) if (node.scrollLeft !== left || node.scrollTop !== top) node.scrollTo({ left, top, behavior: 'instant' });
      window.scrollTo({ left: x, top: y, behavior: 'instant' });
    }
  }

  /** No click on `el` lands on it or on `mine` (its label, the control it stands for). */
  function isCovered(el, mine) {
    const through = style(el).pointerEvents === 'none';
    const own = layerOf(el);
    const reached = (rect) => {
      let tried = false;
      for (const [fx, fy] of SAMPLES) {
        const [x, y] = [rect.left + (rect.right - rect.left) * fx, rect.top + (rect.bottom - rect.top) * fy];
        if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
        tried = true;
        const hit = rootOf(el).elementsFromPoint(x, y).find((h) => layerOf(h) === own);
        if (hit && (mine.some((m) => m.contains(hit)) || (through && hit.contains(el)))) return true;
      }
      return !tried;
    };
    const rect = shownRect(el);
    const inView = rect.left >= 0 && rect.top >= 0 && rect.right <= innerWidth && rect.bottom <= innerHeight;
    return !(inView ? reached(rect) : scrolledTo(el, () => reached(shownRect(el))));
  }

  function lookOf(el, mine) {
    const rendered = el.getClientRects().length > 0 && style(el).visibility === 'visible' && (el.checkVisibility?.() ?? true);
    const rect = shownRect(el);
    const [width, height] = [Math.max(0, rect.right - rect.left), Math.max(0, rect.bottom - rect.top)];
    let opacity = 1;
    let ariaHidden = false;
    for (let node = el; node; node = parentOf(node)) {
      opacity *= Number(style(node).opacity);
      ariaHidden ||= node.getAttribute('aria-hidden') === 'true' || node.hasAttribute('inert');
    }
    // Only what could show is hit-tested: the rest is hidden whatever lies over it.
    const measured = rendered && width >= 1 && height >= 1 && opacity > 0 && !ariaHidden;
    return { rendered, width: Math.round(width), height: Math.round(height), opacity: Math.round(opacity * 100) / 100, ariaHidden, covered: measured && isCovered(el, mine) };
  }

  const labelsAround = (el) => {
    const labels = forLabels(el);
    const wrapping = el.closest('label');
    return wrapping && !labels.includes(wrapping) ? [...labels, wrapping] : labels;
  };

  /** What a person sees and uses for a control the page hid behind its own widget. */
  function standInsOf(el, kind) {
    if (kind === 'checkbox' || kind === 'radio') return labelsAround(el);
    if (kind === 'file') return [...labelsAround(el), el.closest('a, button, [role="button"]'), ...ownBlock(el).querySelectorAll('button, [role="button"]')];
    if (kind === 'select' || kind === 'combobox') return [...ownBlock(el).querySelectorAll(WIDGETS)];
    return [];
  }

  const standInLooks = (members, candidates) => [...new Set(candidates)].filter((c) => c && !members.includes(c))
    .slice(0, MAX_STAND_INS).map((c) => lookOf(c, [c, ...members]));

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
    const labels = labelsAround(input);
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
      look: lookOf(el, [el, ...labelsAround(el)]),
      standIns: standInLooks([el], standInsOf(el, kind)),
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
  function optionButtons(el) {
    const buttons = [...(el.parentElement?.children ?? [])]
      .filter((c) => (c.tagName === 'BUTTON' || c.getAttribute('role') === 'button' || c.getAttribute('role') === 'radio') && /^.{1,60}$/.test(readableText(c)));
    return buttons.length >= 2 ? buttons : [];
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
      const buttons = forLabels(first).length || first.closest('label') ? [] : optionButtons(first);
      if (buttons.length) {
        const labels = groupLabels([first.parentElement]);
        const field = baseField(first, 'button_group', labels);
        field.required = required(first, labels.label);
        field.options = buttons.map((b) => ({ value: readableText(b), text: readableText(b) }));
        field.standIns = standInLooks([first], buttons);
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
    field.standIns = standInLooks(inputs, [...inputs, ...inputs.flatMap(labelsAround)]);
    field.options = options;
    return field;
  }

  const pageText = () => clean(document.body ? document.body.innerText || document.body.textContent : '');

  // Each captcha vendor: its slug, the frames and scripts it loads, its widget's container and
  // the traces an invisible one leaves (a badge, a response field).
  const CAPTCHAS = [
    ['recaptcha', /recaptcha|google\.com\/recaptcha/i, '.g-recaptcha', '.grecaptcha-badge, [name^="g-recaptcha-response"]'],
    ['hcaptcha', /hcaptcha/i, '.h-captcha', '[name^="h-captcha-response"]'],
    ['turnstile', /challenges\.cloudflare\.com|turnstile/i, '.cf-turnstile', '[name^="cf-turnstile-response"]'],
  ];
  // reCAPTCHA v3's badge shows on the page but asks nothing.
  const CAPTCHA_BADGE = '.grecaptcha-badge';

  /** Whether a person sees `el` on the page: laid out with an area, not hidden or transparent, not parked off the page. */
  function inSight(el) {
    const rect = el.getBoundingClientRect();
    if (!el.getClientRects().length || rect.width < 1 || rect.height < 1) return false;
    if (rect.right + scrollX <= 0 || rect.bottom + scrollY <= 0 || style(el).visibility !== 'visible') return false;
    for (let node = el; node; node = parentOf(node)) if (Number(style(node).opacity) === 0) return false;
    return true;
  }

  /**
   * Captchas by what they ask of a person: `invisible` when nothing shows to solve (a badge, an
   * empty container, `data-size="invisible"`, a response field only), else a widget or a
   * challenge in sight (a container that takes up space, a vendor's frame).
   */
  function captchaBlockers() {
    const blockers = [];
    const frames = [...document.querySelectorAll('iframe[src]')].filter((f) => !f.closest(CAPTCHA_BADGE));
    const scripts = [...document.querySelectorAll('script[src]')].map((e) => e.getAttribute('src'));
    for (const [vendor, src, widget, traces] of CAPTCHAS) {
      const containers = [...document.querySelectorAll(widget)].filter((c) => !c.closest(CAPTCHA_BADGE));
      const vendorFrames = frames.filter((f) => src.test(f.getAttribute('src')));
      const present = containers.length || vendorFrames.length || document.querySelector(traces) || scripts.some((s) => src.test(s));
      if (!present) continue;
      const framed = (c) => [...c.querySelectorAll('iframe')].some((f) => !f.closest(CAPTCHA_BADGE) && inSight(f));
      const shown = vendorFrames.some(inSight)
        || containers.some((c) => (c.getAttribute('data-size') !== 'invisible' && inSight(c)) || framed(c));
      blockers.push({ kind: 'captcha', detail: vendor, invisible: !shown });
    }
    return blockers;
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
  // Honeypots are named by the planner, which alone tells which fields are out of sight.
  const blockers = [...captchaBlockers(), ...accessBlockers(fields), ...wizardBlockers()];
  return { version: 1, url: location.href, title: clean(document.title), fields, blockers };
})();
