// The one thing the fixture adds to the saved real forms: a small submit script per vendor
// shape, injected before </body>. The saved pages are static DOM (their vendor scripts, which
// post the application to the vendor's API, cannot load here), so without it no submit button
// of theirs would send anything. The script does what those vendor scripts do on submit and
// no more: it reads the form's controls as the page holds them after the fill and posts them
// (multipart, files included, with the page's own cookies) to the page's own address, then
// follows the answer to the confirmation page.

/**
 * Runs in the page (serialised, so it closes over nothing). `scope`: the element holding the
 * controls; `trigger`: the selector of the button whose click the vendor's script answers by
 * posting. A click, not the form's submit event: the React form's react-select widgets leave
 * hidden `required` inputs that only their script clears once an option is picked, and on
 * this static copy they would stop the browser's own validation (the vendor's script validates
 * by itself). The React `method="get"` form's own GET is stopped as its script stops it.
 */
export function submitShim({ scope, trigger }) {
  // Yes/no switches (Ashby): the vendor's script keeps the clicked button's text as the answer
  // of the checkbox beside it; so does this.
  const switches = new Map();
  document.addEventListener('click', (event) => {
    const button = event.target.closest?.('button');
    const box = button?.parentElement?.querySelector(':scope > input[type=checkbox][name]');
    if (box) switches.set(box.name, button.textContent.trim());
  }, true);

  const keyOf = (el) => el.name || el.id || el.closest('[data-field-path]')?.getAttribute('data-field-path');
  // Nothing a person fills: the vendor's own hidden inputs (tokens, captcha responses its
  // script would set) and buttons.
  const SKIPPED = new Set(['hidden', 'submit', 'button', 'reset', 'image']);

  async function send(event) {
    event.preventDefault();
    const body = new FormData();
    for (const el of document.querySelector(scope).querySelectorAll('input, select, textarea')) {
      const key = keyOf(el);
      if (!key || SKIPPED.has(el.type) || switches.has(key)) continue;
      if (el.type === 'file') {
        for (const file of el.files) body.append(key, file);
      } else if (el.type !== 'checkbox' && el.type !== 'radio') {
        body.append(key, el.value);
      } else if (el.checked) {
        body.append(key, el.value);
      }
    }
    for (const [key, text] of switches) body.append(key, text);
    const response = await fetch(location.pathname, { method: 'POST', body, credentials: 'same-origin' });
    location.replace(response.url);
  }

  document.addEventListener('click', (event) => {
    if (event.target.closest?.(trigger)) send(event);
  });
  document.querySelector(scope).addEventListener('submit', (event) => event.preventDefault());
}

/** The `<script>` element that installs the shim with `config`. */
export function shimTag(config) {
  return `<script>/* autoresume test fixture: submit shim (tests/e2e/lib/ats-shim.mjs) */(${submitShim})(${JSON.stringify(config)});</script>`;
}
