// The approval queue in headless Chromium: a request appears live in the dashboard and in the
// popup with the badge count, a hostile title runs no script anywhere, Approve in the popup
// changes the dashboard's card, and a desktop notification tells of a new request when the
// option is on. The test build is loaded: it holds the optional notifications permission from
// the start, since a test cannot click the browser's prompt.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { Companion } from './lib/companion.mjs';
import { startJobSite } from './lib/job-site.mjs';
import { artifacts, distTest } from './lib/paths.mjs';
import { waitFor } from './lib/wait.mjs';

const USER = 'grace';
const PASSWORD = 'correct horse battery staple';
const HOSTILE = '<img src=x onerror="window.__pwned = 1">';

describe('Chromium: agent requests in the dashboard and the popup', () => {
  let companion;
  let context;
  let profile;
  let worker;
  let extensionId;
  let popup;
  let board;
  let form;

  async function login(page) {
    await page.goto(`${companion.url}/login`);
    await page.fill('input[name=username]', USER);
    await page.fill('input[name=password]', PASSWORD);
    await Promise.all([page.waitForURL(/\/dashboard/), page.click('form [type=submit], form button')]);
  }

  async function propose(company, title, url) {
    await form.goto(`${companion.url}/dashboard/agent-requests`);
    await form.fill('#propose-form input[name=job_url]', url);
    await form.fill('#propose-form input[name=company]', company);
    await form.fill('#propose-form input[name=title]', title);
    await Promise.all([form.waitForLoadState(), form.click('#propose')]);
  }

  // As the extension's "Save job" sends it: a JobPosting through intake, which matches it
  // (no filters set) and proposes it, so the title reaches the pages over the event stream.
  async function saveJobPosting(company, title, url) {
    await form.goto(`${companion.url}/dashboard/postings`);
    const status = await form.evaluate(async (posting) => {
      const csrf = document.querySelector('input[name=csrf_token]').value;
      const response = await fetch('/api/v1/postings', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
        body: JSON.stringify(posting),
      });
      return response.status;
    }, {
      '@context': 'https://schema.org', '@type': 'JobPosting', title, url,
      hiringOrganization: { '@type': 'Organization', name: company },
      description: `<p>${title}</p>`,
    });
    assert.equal(status, 201);
  }

  const badge = () => worker.evaluate(() => chrome.action.getBadgeText({}));

  before(async () => {
    companion = await Companion.start();
    await companion.addUser(USER, PASSWORD);
    profile = await mkdtemp(join(tmpdir(), 'autoresume-requests-'));
    const ext = join(distTest, 'chrome');
    context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
      headless: true,
      viewport: { width: 1100, height: 800 },
      ignoreDefaultArgs: ['--disable-extensions'],
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        `--disable-extensions-except=${ext}`, `--load-extension=${ext}`],
    });
    worker = context.serviceWorkers()[0] ?? await context.waitForEvent('serviceworker');
    extensionId = new URL(worker.url()).host;
    popup = await context.newPage();
    await popup.setViewportSize({ width: 360, height: 600 });
    await popup.goto(`chrome-extension://${extensionId}/popup.html`);
    await popup.fill('#companion-url', companion.url);
    await popup.fill('#pairing-code', await companion.pairingCode(USER));
    await popup.click('#pair-button');
    await popup.locator('#status-text', { hasText: 'Connected' }).waitFor();
    board = await context.newPage();
    await login(board);
    // Shares the session cookie: a second tab of the same dashboard user.
    form = await context.newPage();
    for (const page of [board, popup]) {
      page.on('dialog', (dialog) => dialog.dismiss());
    }
    await mkdir(artifacts, { recursive: true });
  });

  after(async () => {
    await context?.close();
    await companion?.stop();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  test('a new request appears live in the dashboard and the popup, scripts stay inert', async () => {
    await board.goto(`${companion.url}/dashboard/agent-requests`);
    await board.locator('#live-status[data-state=live]').waitFor();
    await propose('Globex', 'Senior Engineer', 'https://jobs.example.com/globex/1');
    await saveJobPosting('Initech', HOSTILE, 'https://jobs.example.com/initech/2');

    const hostileCard = board.locator('#requests li.request', { hasText: 'Initech' });
    await hostileCard.waitFor();
    assert.equal(await hostileCard.locator('.posting').textContent(), `Initech - ${HOSTILE}`);
    await board.locator('#requests li.request', { hasText: 'Globex - Senior Engineer' }).waitFor();
    assert.equal(await board.locator('#requests img').count(), 0, 'the title is text, not markup');
    assert.match(await hostileCard.textContent(), /Confidence \d+%/);

    const popupCard = popup.locator('#requests li.request', { hasText: 'Initech' });
    await popupCard.waitFor();
    assert.equal(await popupCard.locator('.posting').textContent(), `Initech - ${HOSTILE}`);
    assert.equal(await popup.locator('#requests img').count(), 0);
    await popup.locator('#requests li.request', { hasText: 'Globex' }).waitFor();
    await waitFor(async () => (await badge()) === '2', { what: 'badge 2' });

    for (const page of [board, popup]) {
      assert.equal(await page.evaluate(() => window.__pwned), undefined, 'no script ran');
    }
    await board.screenshot({ path: join(artifacts, 'dashboard-agent-requests.png'), fullPage: true });
    await popup.locator('body').screenshot({ path: join(artifacts, 'popup-requests.png') });
  });

  test('Approve in the popup changes the card in the dashboard and the badge', async () => {
    const popupCard = popup.locator('#requests li.request', { hasText: 'Globex' });
    await popupCard.locator('button.approve').click();
    await popupCard.waitFor({ state: 'detached' });
    await waitFor(async () => (await badge()) === '1', { what: 'badge 1' });
    const boardCard = board.locator('#requests li.request', { hasText: 'Globex' });
    await boardCard.locator('.badge', { hasText: /Approved|Needs you/ }).waitFor();
    assert.equal(await boardCard.locator('button.approve').count(), 0);

    await popup.locator('#requests li.request', { hasText: 'Initech' }).locator('button.decline').click();
    await waitFor(async () => (await badge()) === '', { what: 'empty badge' });
    await popup.locator('#requests-empty').waitFor();
    await board.locator('#requests li.request', { hasText: 'Initech' }).locator('.badge', { hasText: 'Rejected' }).waitFor();
    await board.screenshot({ path: join(artifacts, 'dashboard-agent-requests-decided.png'), fullPage: true });
  });

  test('the dashboard forms work without the popup', async () => {
    await propose('Umbrella', 'Staff Engineer', 'https://jobs.example.com/umbrella/3');
    const id = await form.locator('#requests li.request', { hasText: 'Umbrella' }).getAttribute('data-id');
    await form.goto(`${companion.url}/dashboard/agent-requests/${id}/edit`);
    await form.fill('input[name=new_label]', 'Notice period');
    await form.fill('textarea[name=new_value]', 'Two weeks');
    await form.screenshot({ path: join(artifacts, 'dashboard-edit-request.png'), fullPage: true });
    await Promise.all([form.waitForURL(/\/dashboard\/agent-requests$/), form.click('#save-edit')]);
    const card = form.locator('#requests li.request', { hasText: 'Umbrella' });
    await card.locator('.meta', { hasText: '1 planned answer' }).waitFor();
    await Promise.all([form.waitForLoadState(), card.locator('button.approve').click()]);
    await form.locator('#requests li.request', { hasText: 'Umbrella' }).locator('.badge', { hasText: /Approved|Needs you/ }).waitFor();
    await form.goto(`${companion.url}/dashboard/agent-requests/${id}/magic-link`);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: companion.url });
    const copy = form.locator('#answers li', { hasText: 'Notice period' }).locator('button.copy');
    await copy.click();
    await form.locator('button.copy', { hasText: 'Copied' }).waitFor();
    assert.equal(await form.evaluate(() => navigator.clipboard.readText()), 'Two weeks');
    const open = form.locator('#open-job');
    assert.equal(await open.getAttribute('target'), '_blank');
    assert.match(await open.getAttribute('rel'), /noopener/);
    await form.screenshot({ path: join(artifacts, 'dashboard-magic-link.png'), fullPage: true });
    await Promise.all([form.waitForURL(/\/dashboard\/applications\/\d+/), form.click('#mark-submitted')]);
    await form.selectOption('#status-form select[name=status]', 'interviewing');
    await form.fill('#status-form input[name=note]', 'Onsite on Thursday');
    await Promise.all([form.waitForLoadState(), form.click('#status-form button')]);
    await form.locator('#timeline li', { hasText: 'Onsite on Thursday' }).waitFor();
    await form.screenshot({ path: join(artifacts, 'dashboard-application.png'), fullPage: true });
    await form.goto(`${companion.url}/dashboard/applications`);
    await form.locator('.column[data-status=interviewing] .application', { hasText: 'Umbrella' }).waitFor();
    await form.screenshot({ path: join(artifacts, 'dashboard-applications.png'), fullPage: true });
    await propose('Acme', 'Engineer', 'javascript:alert(1)');
    await form.locator('#notice').waitFor();
    await form.goto(`${companion.url}/dashboard`);
    await form.screenshot({ path: join(artifacts, 'dashboard-home.png'), fullPage: true });
  });

  test('"Save this job" reads the tab\'s JobPosting and asks for approval', async () => {
    const site = await startJobSite();
    const jobPage = await context.newPage();
    try {
      await jobPage.goto(site.url);
      await jobPage.bringToFront();
      await popup.click('#save-job');
      const status = popup.locator('#save-job-status:not([data-state=busy])');
      await status.waitFor();
      assert.match(await status.textContent(), /^Saved Hooli - Platform Engineer: .*approval requested/);
      await popup.locator('#requests li.request', { hasText: 'Hooli - Platform Engineer' }).waitFor();
      await popup.click('#save-job');
      await popup.locator('#save-job-status', { hasText: 'Already saved' }).waitFor();
      await popup.locator('body').screenshot({ path: join(artifacts, 'popup-save-job.png') });
    } finally {
      await jobPage.close();
      site.close();
    }
  });

  test('a new request shows a desktop notification only while the option is on', async () => {
    const shown = async () => Object.keys(await worker.evaluate(() => chrome.notifications.getAll())).sort();
    const option = () => worker.evaluate(() => chrome.storage.local.get('notifyNewRequests').then((s) => s.notifyNewRequests));
    const requestId = (company) => form.locator('#requests li.request', { hasText: company }).getAttribute('data-id');
    assert.deepEqual(await shown(), [], 'off by default');
    const options = await context.newPage();
    try {
      await options.goto(`chrome-extension://${extensionId}/options.html`);
      const box = options.locator('#notify-requests');
      await box.check();
      await waitFor(async () => (await option()) === true, { what: 'the option on' });
      await propose('Stark', 'Platform Lead', 'https://jobs.example.com/stark/4');
      // The id names the request whose card reads "Stark - Platform Lead" (getAll gives ids).
      const loud = `agent-request-${await requestId('Stark - Platform Lead')}`;
      await waitFor(async () => (await shown()).includes(loud), { what: 'the Stark notification' });

      await box.uncheck();
      await waitFor(async () => (await option()) === false, { what: 'the option off' });
      await propose('Wayne', 'Security Engineer', 'https://jobs.example.com/wayne/5');
      const quiet = `agent-request-${await requestId('Wayne - Security Engineer')}`;
      await popup.locator('#requests li.request', { hasText: 'Wayne' }).waitFor();
      // On again: once a later request has notified, the quiet one was handled before it.
      await box.check();
      await waitFor(async () => (await option()) === true, { what: 'the option on again' });
      await propose('Tyrell', 'Staff Engineer', 'https://jobs.example.com/tyrell/6');
      const later = `agent-request-${await requestId('Tyrell - Staff Engineer')}`;
      await waitFor(async () => (await shown()).includes(later), { what: 'the Tyrell notification' });
      assert.deepEqual(await shown(), [loud, later].sort(), `no notification ${quiet} while off`);
    } finally {
      await options.close();
    }
  });
});
