// The in-tab assist in headless Firefox ESR, as assist-chromium.test.mjs covers it in Chromium:
// "Autofill this page" fills the live React form (React's own state is asserted: the
// react-select combobox, the radios, the checkbox, the resume file), leaves the honeypot
// empty and does not submit; a saved page with a captcha is reported blocked and left alone;
// the React wizard is filled step by step as the test clicks Next and posts only on its Submit;
// the form embedded from another origin is filled in its iframe from the top page's Autofill,
// and one on a site the extension may not script (127.0.0.2) is named as the reason.
// As in requests-firefox.test.mjs, the popup is a tab that makes the form's tab the active
// one (tabs.update) and is clicked by script while it stays in the background; the forms are on
// loopback, which the extension's host permission lets it script.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  EMBEDDED, HIDDEN_FIELDS, RESUME_NAME, WIZARD, controlStates, seedProfile, startFormServer, valuesOf, wizardApplication, wizardStepFilled,
} from './lib/assist.mjs';
import { Companion } from './lib/companion.mjs';
import { openPopup, pairPopup, startFirefox } from './lib/firefox.mjs';
import { artifacts } from './lib/paths.mjs';
import { waitFor } from './lib/wait.mjs';

const USER = 'ada';
const PASSWORD = 'correct horse battery staple';

describe('Firefox: the in-tab assist', () => {
  let companion;
  let server;
  let firefox;
  let popupTab;

  before(async () => {
    companion = await Companion.start();
    await companion.addUser(USER, PASSWORD);
    await seedProfile(companion, USER);
    server = await startFormServer();
    firefox = await startFirefox({ prefs: { 'extensions.background.idle.timeout': 600000 } });
    popupTab = await firefox.currentTab();
    await openPopup(firefox, companion.url);
    await pairPopup(firefox, companion, USER);
    await mkdir(artifacts, { recursive: true });
  });

  after(async () => {
    await firefox?.quit();
    await server?.close();
    await companion?.stop();
  });

  /** Opens `path` in a new tab, which stays selected for WebDriver; returns its handle. */
  async function open(path) {
    const tab = await firefox.newTab();
    await firefox.switchTo(tab);
    await firefox.navigate(`${server.url}${path}`);
    await firefox.execute('window.submits = 0; window.addEventListener("submit", () => { window.submits += 1; }, true);');
    return tab;
  }

  /** "Autofill this page" for the tab at `url`; the popup's summary `{text, state}`. */
  async function autofill(url) {
    await firefox.switchTo(popupTab);
    await firefox.execute(`return (async () => {
      const tab = (await browser.tabs.query({ currentWindow: true })).find((t) => t.url === arguments[0]);
      await browser.tabs.update(tab.id, { active: true });
      document.getElementById('autofill').click();
    })()`, url);
    return waitFor(() => firefox.execute(`
      const status = document.getElementById('assist-status');
      return status.dataset.state === 'busy' || status.hidden ? null : { text: status.textContent, state: status.dataset.state };`),
    { what: 'the autofill to finish', timeout: 30000 });
  }

  test('"Autofill this page" puts the answers into a React form\'s state; the honeypot stays empty', async () => {
    const url = `${server.url}/react/index.html`;
    const tab = await open('/react/index.html');
    await waitFor(() => firefox.execute('return document.getElementById("state") !== null'), { what: 'the React form' });
    const { text, state } = await autofill(url);
    assert.equal(state, 'ok', text);
    await firefox.switchTo(tab);
    const filled = JSON.parse(await firefox.execute('return document.getElementById("state").textContent'));
    assert.equal(filled.firstName, 'Ada');
    assert.equal(filled.lastName, 'Lovelace');
    assert.equal(filled.email, 'ada@example.org');
    assert.equal(filled.phone, '+1 415 555 0100');
    assert.deepEqual(filled.country, { value: 'united-states', label: 'United States' });
    assert.equal(filled.sponsorship, 'no');
    assert.equal(filled.authorized, true);
    assert.equal(filled.resume?.name, RESUME_NAME);
    assert.equal(filled.whyUs, '');
    assert.equal(filled.website, '', 'the honeypot stays empty');
    assert.equal(filled.submitted, 0);
    assert.equal(await firefox.execute('return window.submits'), 0);
    const rows = await firefox.execute(`return [...document.querySelector('[data-autoresume-assist]').shadowRoot.querySelectorAll('li')]
      .map((li) => li.dataset.status)`);
    assert.ok(rows.includes('filled') && rows.includes('needs_you'), JSON.stringify(rows));
    await writeFile(join(artifacts, 'assist-firefox-react-form.png'), await firefox.screenshot('body'));
  });

  test('of a page that hides labelled inputs every way there is, only the visible fields are filled', async () => {
    const tab = await open(HIDDEN_FIELDS.path);
    const { text, state } = await autofill(`${server.url}${HIDDEN_FIELDS.path}`);
    assert.equal(state, 'ok', text);
    await firefox.switchTo(tab);
    assert.deepEqual(await firefox.execute(`return (${valuesOf})(arguments[0])`, Object.keys(HIDDEN_FIELDS.expected)), HIDDEN_FIELDS.expected);
    const summary = await firefox.execute('return document.querySelector("[data-autoresume-assist]").shadowRoot.querySelector(".summary").textContent');
    assert.ok(summary.endsWith(`Skipped ${HIDDEN_FIELDS.hidden.length} hidden fields.`), summary);
    assert.equal(await firefox.execute('return window.submits'), 0);
  });

  test('a page with a captcha is reported blocked and nothing is filled', async () => {
    const url = `${server.url}/forms/vendor_workable_like.html`;
    const tab = await open('/forms/vendor_workable_like.html');
    const before = await firefox.execute(`return (${controlStates})()`);
    const { text, state } = await autofill(url);
    assert.equal(state, 'blocked', text);
    assert.match(text, /captcha/);
    await firefox.switchTo(tab);
    assert.deepEqual(await firefox.execute(`return (${controlStates})()`), before);
    assert.equal(await firefox.execute('return window.submits'), 0);
  });

  const panelText = (css) => firefox.execute('return document.querySelector("[data-autoresume-assist]")?.shadowRoot.querySelector(arguments[0]).textContent', css);

  test('a wizard is filled step by step as the user clicks Next; only the user\'s Submit posts it', async () => {
    const submitted = server.applications.length;
    const tab = await open(WIZARD.path);
    await waitFor(() => firefox.execute('return document.getElementById("first_name") !== null'), { what: 'the wizard' });
    const { text, state } = await autofill(`${server.url}${WIZARD.path}`);
    assert.equal(state, 'ok', text);
    await firefox.switchTo(tab);
    const wizardState = async () => JSON.parse(await firefox.execute('return document.getElementById("state").textContent'));
    for (const [index, answers] of WIZARD.steps.entries()) {
      if (index > 0) await firefox.click(WIZARD.next);
      await waitFor(async () => wizardStepFilled(await wizardState(), index), { what: `step ${index + 1} filled`, timeout: 30000 });
      const count = Object.keys(answers).length;
      const summary = index ? `Step ${index + 1}: filled ${count} of ${count} fields; 0 need you.` : `Filled ${count} of ${count} fields; 0 need you.`;
      await waitFor(async () => (await panelText('.summary')) === summary, { what: summary });
    }
    await firefox.click(WIZARD.next);
    await firefox.waitForText('h2', 'Review');
    assert.equal(server.applications.length, submitted, 'nothing was submitted by the assist');
    assert.equal(await firefox.execute('return window.submits'), 0);
    await firefox.click(WIZARD.next);
    await firefox.waitForText('h1', 'Thank you for applying');
    assert.deepEqual(server.applications.at(-1).fields, wizardApplication());
    await waitFor(async () => /stopped following/.test(await panelText('footer')), { what: 'the assist to stop' });
  });

  test('a form embedded from another origin is filled from the top page\'s Autofill; its honeypot stays empty', async () => {
    const submitted = server.applications.length;
    const tab = await open(EMBEDDED.path);
    const inFrame = async (script, ...args) => {
      await firefox.switchToFrame(EMBEDDED.frame);
      try {
        return await firefox.execute(script, ...args);
      } finally {
        await firefox.switchToTop();
      }
    };
    await waitFor(() => inFrame('return document.getElementById("first_name") !== null'), { what: 'the embedded form' });
    assert.notEqual(await inFrame('return location.origin'), new URL(server.url).origin, 'the form is on another origin');
    const { text, state } = await autofill(`${server.url}${EMBEDDED.path}`);
    assert.equal(state, 'ok', text);
    await firefox.switchTo(tab);
    assert.deepEqual(await inFrame(`return (${valuesOf})(arguments[0])`, Object.keys(EMBEDDED.expected)), EMBEDDED.expected);
    assert.match(await panelText('.summary'), /^Filled 8 of 8 fields; 0 need you\. Skipped 1 hidden field\.$/);
    assert.equal(await inFrame('return document.querySelector("[data-autoresume-assist]")'), null, 'the panel is in the top page');
    assert.equal(server.applications.length, submitted, 'nothing was submitted');
    await writeFile(join(artifacts, 'assist-firefox-embedded.png'), await firefox.screenshot('body'));
  });

  test('a form embedded from a site the extension may not script is named as the reason, and nothing is filled', async () => {
    const board = await startFormServer({ host: '127.0.0.2' });
    try {
      const path = `${EMBEDDED.path}?board=${encodeURIComponent(`${board.url}/react/embed/job_app.html`)}`;
      const tab = await open(path);
      await firefox.switchToFrame(EMBEDDED.frame);
      await waitFor(() => firefox.execute('return document.getElementById("first_name") !== null'), { what: 'the embedded form' });
      await firefox.switchToTop();
      const { text, state } = await autofill(`${server.url}${path}`);
      assert.equal(state, 'blocked', text);
      assert.ok(text.includes(`the form is embedded from ${new URL(board.url).host}, where AutoResume may not fill forms yet`), text);
      await firefox.switchTo(tab);
      await firefox.switchToFrame(EMBEDDED.frame);
      const values = await firefox.execute(`return (${valuesOf})(arguments[0])`, Object.keys(EMBEDDED.expected));
      await firefox.switchToTop();
      assert.deepEqual(values, Object.fromEntries(Object.keys(EMBEDDED.expected).map((selector) => [selector, ''])));
    } finally {
      await board.close();
    }
  });
});
