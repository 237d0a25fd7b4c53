// The in-tab assist in headless Chromium: "Autofill this page" fills a live React form (the
// asserted values are React's state, what the form would submit), fills the saved real and
// synthetic application pages as their labels say, reports captcha and sign-in pages as
// blocked without touching them, never fills a honeypot and never submits; "Open & autofill"
// from a request card and from a magic link just opened in the dashboard opens the job in a new
// tab and fills it with the request's edited answers. The forms are served on loopback, which
// the extension may script (its companion host permission), as a toolbar click's activeTab
// would allow on a job site. A React wizard is filled step by step as the user (the test)
// clicks Next, also after Chrome stopped the service worker, and only the user's Submit posts
// it; closing the panel ends that; "Open & autofill" follows a wizard with the card's edited
// answers; a form embedded from another origin (an iframe) is filled from the top page's
// Autofill, and one on a site the extension may not script is named as the reason.
import assert from 'node:assert/strict';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  EMBEDDED, HIDDEN_FIELDS, REACT_FILLED, RESUME_NAME, RESUME_PDF, WIZARD, controlStates, launchWithExtension, pairedPopup, readJson, savedPages,
  seedProfile, startFormServer, valuesOf, wizardApplication, wizardStepFilled,
} from './lib/assist.mjs';
import { Companion } from './lib/companion.mjs';
import { artifacts, dist } from './lib/paths.mjs';
import { waitFor } from './lib/wait.mjs';

const USER = 'ada';
const PASSWORD = 'correct horse battery staple';
const PANEL = '[data-autoresume-assist]';

/** React's state as the form shows it (#state): what it would submit. */
const reactState = (page) => page.locator('#state').textContent().then(JSON.parse);

// Reads a control as the planner's value display would read: text, chosen option value,
// checked, attached file name.
function readField([selector, kind]) {
  const elements = [...document.querySelectorAll(selector)];
  const [el] = elements;
  if (!el) return null;
  switch (kind) {
    case 'file': return el.files[0]?.name ?? '';
    case 'radio_group':
    case 'checkbox_group': return elements.filter((i) => i.checked).map((i) => i.value).join(',');
    case 'checkbox': return String(el.checked);
    case 'contenteditable': return el.textContent.trim();
    // One built on a button holds its answer only once the page's script shows the list.
    case 'combobox': return el instanceof HTMLInputElement ? el.value : null;
    default: return 'value' in el ? el.value : null;
  }
}

/** What a correctly filled control reads as for a planned value. */
function expected(field) {
  const { value } = field;
  if (value.kind === 'file') return RESUME_NAME;
  if (value.kind === 'choice') return value.value;
  if (value.kind === 'checked') return String(value.checked);
  return value.text;
}

describe('Chromium: the in-tab assist', () => {
  let companion;
  let seeder;
  let server;
  let browser;
  let popup;

  before(async () => {
    companion = await Companion.start();
    await companion.addUser(USER, PASSWORD);
    seeder = await seedProfile(companion, USER);
    server = await startFormServer();
    browser = await launchWithExtension(join(dist, 'chrome'));
    popup = await pairedPopup(browser.context, browser.extensionId, companion, USER);
    await mkdir(artifacts, { recursive: true });
  });

  after(async () => {
    await browser?.context.close();
    if (browser) await rm(browser.profile, { recursive: true, force: true });
    await server?.close();
    await companion?.stop();
  });

  async function open(path) {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}${path}`);
    await page.evaluate(() => {
      window.submits = 0;
      window.addEventListener('submit', () => { window.submits += 1; }, true);
    });
    return page;
  }

  /** Clicks "Autofill this page" with `page` as the active tab; the popup's summary line. */
  async function autofill(page) {
    await page.bringToFront();
    await popup.click('#autofill');
    const status = popup.locator('#assist-status:not([data-state=busy])');
    await status.waitFor();
    return { text: await status.textContent(), state: await status.getAttribute('data-state') };
  }

  const panelRows = (page) => page.locator(`${PANEL} li`).evaluateAll((rows) => rows.map((row) => ({
    selector: row.dataset.selector, status: row.dataset.status, text: row.textContent,
  })));

  test('"Autofill this page" puts the answers into a React form\'s state; the honeypot stays empty', async () => {
    const page = await open('/react/index.html');
    await page.locator('#state').waitFor();
    const { text, state } = await autofill(page);
    assert.equal(state, 'ok', text);
    assert.deepEqual(await reactState(page), REACT_FILLED);
    const rows = await panelRows(page);
    assert.equal(rows.find((r) => r.selector === '#why_us')?.status, 'needs_you');
    assert.ok(!rows.some((r) => r.selector.includes('website')), 'the honeypot is not even listed');
    assert.equal(await page.evaluate(() => window.submits), 0);
    await page.screenshot({ path: join(artifacts, 'assist-react-form.png'), fullPage: true });
    await page.close();
  });

  test('of a page that hides labelled inputs every way there is, only the visible fields are filled', async () => {
    const page = await open(HIDDEN_FIELDS.path);
    const { text, state } = await autofill(page);
    assert.equal(state, 'ok', text);
    assert.deepEqual(await page.evaluate(valuesOf, Object.keys(HIDDEN_FIELDS.expected)), HIDDEN_FIELDS.expected);
    const summary = await page.locator(`${PANEL} .summary`).textContent();
    assert.ok(summary.endsWith(`Skipped ${HIDDEN_FIELDS.hidden.length} hidden fields.`), summary);
    assert.deepEqual((await panelRows(page)).filter((r) => HIDDEN_FIELDS.hidden.includes(r.selector)), [], 'not listed');
    assert.equal(await page.evaluate(() => window.submits), 0);
    await page.close();
  });

  for (const name of savedPages.keys()) {
    test(`the saved page ${name} is filled as labelled, or reported blocked and left alone`, async () => {
      const [plan, labels] = await Promise.all([readJson('plans', `${name}.json`), readJson('labels.json')]);
      const page = await open(`/forms/${name}.html`);
      const address = page.url();
      const before = await page.evaluate(controlStates);
      const posts = server.requests.filter((r) => r.method !== 'GET').length;
      const { text, state } = await autofill(page);

      if (plan.blocked) {
        assert.equal(state, 'blocked', text);
        assert.match(await page.locator(`${PANEL} .summary`).textContent(), /^Blocked: .*Nothing was filled\.$/);
        assert.deepEqual(await page.evaluate(controlStates), before, 'nothing was filled');
      } else {
        assert.equal(state, 'ok', text);
        const planned = new Map(plan.fields.map((f) => [f.selector, f]));
        let checked = 0;
        for (const label of labels[name] ?? []) {
          const field = planned.get(label.selector);
          if (!field) continue;
          const shown = await page.evaluate(readField, [label.selector, field.kind]);
          if (label.value === null) {
            // Nothing invented: a field without an answer keeps what the page had.
            assert.equal(field.value, null, `${label.selector} has no planned value`);
            continue;
          }
          const agrees = field.value && (field.value.kind === 'file' ? 'resume_pdf' : field.value.text ?? String(field.value.checked)) === label.value;
          if (!agrees || shown === null) continue;
          assert.equal(shown, expected(field), `${name}: ${label.selector}`);
          checked += 1;
        }
        assert.ok(checked > 0, `${name}: no labelled value was checked`);
        const rows = await panelRows(page);
        // Hidden fields are skipped (the summary counts them), not listed.
        assert.equal(rows.length, plan.fields.filter((f) => f.fieldType !== 'honeypot' && !f.hidden).length);
      }
      assert.equal(await page.evaluate(() => window.submits), 0, 'no submit event');
      assert.equal(page.url(), address, 'no navigation');
      assert.equal(server.requests.filter((r) => r.method !== 'GET').length, posts, 'nothing posted');
      if (name === '17nbist_greenhouse' || name === 'vendor_workable_like') {
        await page.screenshot({ path: join(artifacts, `assist-${name}.png`) });
      }
      await page.close();
    });
  }

  /**
   * Stops the extension's service worker as Chrome does when it idles (the Stop button of
   * chrome://serviceworker-internals); returns that page's entry for the worker.
   */
  async function stopServiceWorker() {
    const internals = await browser.context.newPage();
    await internals.goto('chrome://serviceworker-internals/');
    const entry = internals.locator('.serviceworker-registration', { hasText: browser.extensionId });
    await entry.getByRole('button', { name: 'Stop' }).click();
    await entry.getByText('Running Status: STOPPED').waitFor();
    return entry;
  }

  test('a wizard is filled step by step as the user clicks Next, even after the worker was stopped; only the user\'s Submit posts it', async () => {
    const page = await open(WIZARD.path);
    await page.locator('#first_name').waitFor();
    const { text, state } = await autofill(page);
    assert.equal(state, 'ok', text);
    const summary = page.locator(`${PANEL} .summary`);
    let stopped = null;
    for (const [index, answers] of WIZARD.steps.entries()) {
      if (index === 1) stopped = await stopServiceWorker();
      if (index > 0) await page.click(WIZARD.next);
      const filled = await waitFor(async () => {
        const current = await reactState(page);
        return wizardStepFilled(current, index) && current;
      }, { what: `step ${index + 1} filled` });
      assert.equal(filled.step, index, 'the assist never clicks Next');
      const count = Object.keys(answers).length;
      const expectedSummary = index ? `Step ${index + 1}: filled ${count} of ${count} fields; 0 need you.` : `Filled ${count} of ${count} fields; 0 need you.`;
      await waitFor(async () => (await summary.textContent()) === expectedSummary, { what: expectedSummary });
      // The page's message about the new step woke the stopped worker.
      if (index === 1) await stopped.getByText('Running Status: RUNNING').waitFor();
    }
    await stopped.page().close();
    // Back to a step already filled brings no new fields: it is left as the user has it.
    await page.click(WIZARD.back);
    await page.locator('#job_title').waitFor();
    await page.click(WIZARD.next);
    await page.click(WIZARD.next);
    await page.locator('h2', { hasText: 'Review' }).waitFor();
    assert.equal(await summary.textContent(), 'Step 3: filled 3 of 3 fields; 0 need you.');
    assert.deepEqual(server.applications, [], 'nothing was submitted by the assist');
    assert.equal(await page.evaluate(() => window.submits), 0);
    await page.screenshot({ path: join(artifacts, 'assist-wizard-review.png'), fullPage: true });

    await page.click(WIZARD.next);
    await page.getByText('Thank you for applying').waitFor();
    assert.deepEqual(server.applications.map((a) => a.fields), [wizardApplication()]);
    await waitFor(async () => /stopped following/.test(await page.locator(`${PANEL} footer`).textContent()), { what: 'the assist to stop' });
    await page.close();
  });

  test('a form embedded from another origin is filled from the top page\'s Autofill; its honeypot stays empty', async () => {
    const submitted = server.applications.length;
    const page = await open(EMBEDDED.path);
    const frame = await (await page.waitForSelector(EMBEDDED.frame)).contentFrame();
    await frame.waitForSelector('#first_name');
    assert.notEqual(new URL(frame.url()).origin, new URL(page.url()).origin, 'the form is on another origin');
    const { text, state } = await autofill(page);
    assert.equal(state, 'ok', text);
    assert.deepEqual(await frame.evaluate(valuesOf, Object.keys(EMBEDDED.expected)), EMBEDDED.expected);
    const rows = await panelRows(page);
    assert.equal(rows.filter((r) => r.status === 'filled').length, Object.keys(EMBEDDED.expected).length - 1);
    assert.ok(!rows.some((r) => r.selector === EMBEDDED.honeypot), 'the honeypot is not even listed');
    assert.match(await page.locator(`${PANEL} .summary`).textContent(), /Skipped 1 hidden field\.$/);
    assert.equal(page.frames().length, 2, 'the panel is in the top page, not in the frame');
    assert.equal(await frame.locator(PANEL).count(), 0);
    assert.equal(server.applications.length, submitted, 'nothing was submitted');
    await page.screenshot({ path: join(artifacts, 'assist-embedded.png'), fullPage: true });

    // The user's submit posts the frame's form to its own origin, answers and resume included.
    await frame.click('#submit_app');
    await waitFor(() => server.applications.length > submitted, { what: 'the application' });
    const { host, fields } = server.applications.at(-1);
    assert.equal(`http://${host}`, new URL(frame.url()).origin);
    assert.equal(fields['job_application[first_name]'], 'Ada');
    assert.equal(fields['job_application[answers][sponsorship]'], '0');
    assert.equal(fields['job_application[website]'], '');
    assert.deepEqual(fields['job_application[resume]'].bytes, RESUME_PDF);
    await page.close();
  });

  test('a form embedded from a site the extension may not script is named as the reason, and nothing is filled', async () => {
    const board = await startFormServer({ host: '127.0.0.2' });
    try {
      const page = await open(`${EMBEDDED.path}?board=${encodeURIComponent(`${board.url}/react/embed/job_app.html`)}`);
      const frame = await (await page.waitForSelector(EMBEDDED.frame)).contentFrame();
      await frame.waitForSelector('#first_name');
      const { text, state } = await autofill(page);
      assert.equal(state, 'blocked', text);
      const site = new URL(board.url).host;
      assert.ok(text.includes(`the form is embedded from ${site}, where AutoResume may not fill forms yet`), text);
      assert.ok((await page.locator(`${PANEL} .summary`).textContent()).includes(site));
      const empty = Object.fromEntries(Object.keys(EMBEDDED.expected).map((selector) => [selector, '']));
      assert.deepEqual(await frame.evaluate(valuesOf, Object.keys(EMBEDDED.expected)), empty);
      // Only https sites can be granted (optional_host_permissions): no button for this one.
      assert.equal(await popup.locator('#assist-allow').isHidden(), true);
      await page.close();
    } finally {
      await board.close();
    }
  });

  test('closing the panel ends the following: the tab is forgotten, the next step is left to the user', async () => {
    const page = await open(WIZARD.path);
    await page.locator('#first_name').waitFor();
    const { text, state } = await autofill(page);
    assert.equal(state, 'ok', text);
    const worker = browser.context.serviceWorkers().findLast((w) => w.url().startsWith(`chrome-extension://${browser.extensionId}/`));
    const followed = () => worker.evaluate(async (url) => {
      const [tab] = await chrome.tabs.query({ url });
      return `assist:${tab.id}` in await chrome.storage.session.get(null);
    }, page.url());
    assert.equal(await followed(), true);
    await page.locator(`${PANEL} button.close`).click();
    // The worker answers a page that asks for a step of a tab it no longer follows with nothing.
    await waitFor(async () => !await followed(), { what: 'the tab to be forgotten' });
    await page.click(WIZARD.next);
    await page.locator('#job_title').waitFor();
    const shown = await reactState(page);
    assert.deepEqual([shown.step, shown.title, shown.resume], [1, '', null]);
    await page.close();
  });

  /** Files a request for `jobUrl` whose card has the edited `answer`, and clicks its "Open & autofill": `{request, page}`. */
  async function openFromCard(jobUrl, company, title, answer) {
    const request = await seeder.call('POST', '/api/v1/agent-requests', { jobUrl, company, title });
    await seeder.call('PUT', `/api/v1/agent-requests/${request.id}`, { version: request.version, answers: [answer] });
    const card = popup.locator('#requests li.request', { hasText: `${company} - ${title}` });
    await card.waitFor();
    await popup.bringToFront();
    const [page] = await Promise.all([browser.context.waitForEvent('page'), card.locator('button.open-autofill').click()]);
    return { request, page };
  }

  test('"Open & autofill" on a card and for a magic link opens the job and fills it with the edited answers', async () => {
    const jobUrl = `${server.url}/react/index.html`;
    const { request, page: fromCard } = await openFromCard(jobUrl, 'Hooli', 'Platform Engineer',
      { field: 'why_us', label: 'Why do you want to work at Hooli?', value: 'Your platform team ships Rust.', source: 'you' });
    await popup.locator('#assist-status[data-state=ok]').waitFor();
    assert.equal(fromCard.url(), jobUrl);
    const filled = await reactState(fromCard);
    assert.equal(filled.whyUs, 'Your platform team ships Rust.');
    assert.equal(filled.country?.label, 'United States');
    assert.equal(filled.submitted, 0);
    await fromCard.close();

    // The dashboard's magic link tells the extension, whose popup offers to open it.
    const dashboard = await browser.context.newPage();
    await dashboard.goto(`${companion.url}/login`);
    await dashboard.fill('input[name=username]', USER);
    await dashboard.fill('input[name=password]', PASSWORD);
    await Promise.all([dashboard.waitForURL(/\/dashboard/), dashboard.click('form [type=submit], form button')]);
    await dashboard.goto(`${companion.url}/dashboard/agent-requests/${request.id}/magic-link`);
    await popup.bringToFront();
    await popup.locator('#magic-link:not([hidden])').waitFor();
    assert.equal(await popup.locator('#magic-link-posting').textContent(), 'Hooli - Platform Engineer');
    await popup.locator('body').screenshot({ path: join(artifacts, 'popup-assist.png') });
    const [fromLink] = await Promise.all([browser.context.waitForEvent('page'), popup.click('#magic-link-open')]);
    await fromLink.locator(`${PANEL} li`).first().waitFor();
    assert.equal((await reactState(fromLink)).firstName, 'Ada');
    await fromLink.close();
    await dashboard.close();
  });

  test('"Open & autofill" follows a wizard too: a later step takes the card\'s edited answer', async () => {
    const { page } = await openFromCard(`${server.url}${WIZARD.path}`, 'Initech', 'Site Reliability Engineer',
      { field: 'job_title', label: 'Current job title', value: 'Principal Engineer', source: 'you' });
    await waitFor(async () => wizardStepFilled(await reactState(page).catch(() => null), 0), { what: 'step 1 filled' });
    await page.click(WIZARD.next);
    const edited = { ...WIZARD.steps[1], title: 'Principal Engineer' };
    await waitFor(async () => wizardStepFilled(await reactState(page), 1, edited), { what: 'step 2 filled with the edited answer' });
    await page.close();
  });
});
