// The fill script without the extension, the way a headless run drives it: plain headless
// Chromium (through CDP, as Runtime.evaluate does) and Firefox ESR (through WebDriver) load the
// form, evaluate the text of extension/form-snapshot.js and extension/form-fill.js as page
// scripts, the WASM planner plans the snapshot in Node, and `autoresumeFill.fill` gets every
// planned field. The live React form's own state takes the answers (react-select, radios,
// checkbox, resume file), the labelled inputs nobody can see get nothing, and nothing is
// submitted. A combobox whose page offers no list keeps the typed answer; one whose list
// lacks it is left to the user. The React wizard is snapshotted, planned and filled one step
// at a time as the test clicks Next, and posts the answers only when the test clicks Submit.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import {
  HIDDEN_FIELDS, REACT_FILLED, RESUME_NAME, RESUME_PDF, WIZARD, readJson, startFormServer, valuesOf, wizardApplication, wizardStepFilled,
} from './lib/assist.mjs';
import { dist, root } from './lib/paths.mjs';
import { waitFor } from './lib/wait.mjs';
import { Gecko } from './lib/webdriver.mjs';

const [SNAPSHOT_SCRIPT, FILL_SCRIPT] = await Promise.all(
  ['form-snapshot.js', 'form-fill.js'].map((name) => readFile(join(root, 'extension', name), 'utf8')),
);
const pkg = join(dist, 'chrome', 'pkg');
const core = await import(join(pkg, 'extension_core.js'));
core.initSync({ module: await readFile(join(pkg, 'extension_core_bg.wasm')) });
const profile = await readJson('profile.json');
const RESUME = { name: RESUME_NAME, base64: RESUME_PDF.toString('base64') };

/** In the page: counts submit events from now on, ahead of any listener the fill adds. */
function countSubmits() {
  window.submits = 0;
  window.addEventListener('submit', () => { window.submits += 1; }, true);
}

const reactState = () => document.getElementById('state')?.textContent;

/**
 * The tests, given a browser's `open(path)`, which loads a page and resolves to a tab:
 * `{ run(fn, arg), snapshot(), fill(job), click(css) }`, snapshot and fill evaluating the scripts' text.
 */
function fillTests(open, posts, applications) {
  /** Snapshots and plans the tab's form, then fills it with every planned field. */
  async function planAndFill(tab, { honeypot = true } = {}) {
    const plan = core.planForm(await tab.snapshot(), profile);
    assert.equal(plan.blocked, false, JSON.stringify(plan.blockers));
    const outcomes = await tab.fill({ fields: plan.fields, resume: RESUME, blockers: [] });
    const byField = new Map(outcomes.map((o) => [o.selector, o]));
    // Fields the planner will not fill get no value, so the fill leaves them as they are.
    const neverFilled = plan.fields.filter((f) => f.source.kind === 'never_fill');
    if (honeypot) assert.ok(neverFilled.length > 0, 'the page has a field never to fill');
    for (const field of neverFilled) assert.equal(byField.get(field.selector).status, 'needs_you', field.selector);
    return outcomes;
  }

  test('the React form\'s state takes the planned answers; the hidden honeypot stays empty; no submit', async () => {
    const before = posts();
    const tab = await open('/react/index.html');
    await waitFor(() => tab.run(reactState), { what: 'the React form' });
    const outcomes = await planAndFill(tab);
    assert.deepEqual(JSON.parse(await tab.run(reactState)), REACT_FILLED);
    assert.equal(outcomes.find((o) => o.selector === '#why_us')?.status, 'needs_you');
    assert.equal(await tab.run(() => window.submits), 0, 'no submit event');
    assert.equal(posts(), before, 'nothing posted');
  });

  test('of a page that hides labelled inputs every way there is, only the visible fields are filled', async () => {
    const before = posts();
    const tab = await open(HIDDEN_FIELDS.path);
    await planAndFill(tab);
    assert.deepEqual(await tab.run(valuesOf, Object.keys(HIDDEN_FIELDS.expected)), HIDDEN_FIELDS.expected);
    assert.equal(await tab.run(() => window.submits), 0, 'no submit event');
    assert.equal(posts(), before, 'nothing posted');
  });

  const combobox = (selector, text) => ({ selector, label: selector, kind: 'combobox', required: true, value: { kind: 'text', text } });

  test('a combobox whose page offers no list keeps the typed answer as its value', async () => {
    const tab = await open('/fixtures/combobox-no-list.html');
    const outcomes = await tab.fill({ fields: [combobox('#located', 'No')], resume: null, blockers: [] });
    assert.deepEqual(outcomes.map((o) => [o.status, o.note]), [['filled', 'typed; the page offers no list']]);
    assert.deepEqual(await tab.run(valuesOf, ['#located']), { '#located': 'No' });
    assert.equal(await tab.run(() => window.submits), 0, 'no submit event');
  });

  test('a combobox whose list lacks the answer is left empty for the user', async () => {
    const tab = await open('/fixtures/combobox-list.html');
    const outcomes = await tab.fill({ fields: [combobox('#sponsorship', 'Maybe later')], resume: null, blockers: [] });
    assert.deepEqual(outcomes.map((o) => [o.status, o.note]), [['needs_you', 'no option matches "Maybe later"']]);
    assert.deepEqual(await tab.run(valuesOf, ['#sponsorship']), { '#sponsorship': '' });
  });

  test('the wizard is planned and filled one step at a time as the test clicks Next; it posts only on Submit', async () => {
    const before = posts();
    const tab = await open(WIZARD.path);
    await waitFor(() => tab.run(reactState), { what: 'the wizard' });
    for (const index of WIZARD.steps.keys()) {
      if (index > 0) await tab.click(WIZARD.next);
      await waitFor(async () => JSON.parse(await tab.run(reactState)).step === index, { what: `step ${index + 1}` });
      const outcomes = await planAndFill(tab, { honeypot: false });
      assert.deepEqual(outcomes.filter((o) => o.status !== 'filled'), [], `step ${index + 1}`);
      // The resume is read by the page before React's state has it.
      await waitFor(async () => wizardStepFilled(JSON.parse(await tab.run(reactState)), index), { what: `step ${index + 1} filled` });
    }
    await tab.click(WIZARD.next);
    await waitFor(async () => JSON.parse(await tab.run(reactState)).step === WIZARD.steps.length, { what: 'the review' });
    assert.equal(posts(), before, 'nothing posted before Submit');
    await tab.click(WIZARD.next);
    await waitFor(() => posts() > before, { what: 'the application' });
    assert.deepEqual(applications().at(-1).fields, wizardApplication());
  });
}

let server;
const posts = () => server.requests.filter((r) => r.method !== 'GET').length;
const applications = () => server.applications;

before(async () => {
  server = await startFormServer();
});

after(async () => {
  await server?.close();
});

describe('Chromium without the extension: the shared fill script', () => {
  let browser;

  before(async () => {
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  });

  after(async () => {
    await browser?.close();
  });

  async function open(path) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}${path}`);
    await page.evaluate(countSubmits);
    return {
      run: (fn, arg) => page.evaluate(fn, arg),
      click: (css) => page.click(css),
      snapshot: () => page.evaluate(SNAPSHOT_SCRIPT),
      async fill(job) {
        await page.evaluate(FILL_SCRIPT);
        // Injected again (a second autofill of the same tab), it keeps the first install.
        await page.evaluate(() => { window.firstFill = globalThis.autoresumeFill; });
        await page.evaluate(FILL_SCRIPT);
        assert.ok(await page.evaluate(() => globalThis.autoresumeFill === window.firstFill));
        return page.evaluate((planned) => globalThis.autoresumeFill.fill(planned), job);
      },
    };
  }

  fillTests(open, posts, applications);
});

describe('Firefox without the extension: the shared fill script', () => {
  let firefox;

  before(async () => {
    firefox = await Gecko.start({
      browserName: 'firefox',
      'moz:firefoxOptions': { binary: process.env.FIREFOX_BIN ?? '/usr/bin/firefox-esr', args: ['-headless'] },
    });
  });

  after(async () => {
    await firefox?.quit();
  });

  // WebDriver runs a function body: the snapshot's expression is returned from it, the fill
  // script runs as its first statement.
  const expression = (script) => `(${script.trim().replace(/;$/, '')}\n)`;

  async function open(path) {
    await firefox.navigate(`${server.url}${path}`);
    await firefox.execute(`(${countSubmits})()`);
    return {
      run: (fn, arg) => firefox.execute(`return (${fn})(arguments[0])`, arg),
      click: (css) => firefox.click(css),
      snapshot: () => firefox.execute(`return ${expression(SNAPSHOT_SCRIPT)}`),
      fill: (job) => firefox.execute(`${FILL_SCRIPT}\nreturn globalThis.autoresumeFill.fill(arguments[0]);`, job),
    };
  }

  fillTests(open, posts, applications);
});
