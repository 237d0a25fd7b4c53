// The approval queue in headless Firefox ESR, as requests-chromium.test.mjs covers it in
// Chromium: pending cards in the popup with the badge, a hostile title that stays text,
// Approve / Reject reaching the dashboard, and "Save this job" on the current tab.
//
// Where Firefox differs:
// * The background is an event page (background.scripts), not a service worker; the stream
//   runs in it while it is awake. Its suspension is firefox.test.mjs's subject, so here it is
//   kept awake for the whole file.
// * The popup is a tab (WebDriver cannot open the toolbar popup), and WebDriver selects the
//   tab it drives. "Save this job" reads the active tab of the popup's window, so the popup
//   makes the job page the active tab (tabs.update) and is clicked by script while it stays
//   in the background, as a real popup floats over the page it reads.
// * activeTab is granted by a click on the toolbar button, which WebDriver cannot make;
//   the job page is on loopback, which the extension's host permission (granted at install
//   to a temporary add-on) lets it script, in both browsers.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Companion } from './lib/companion.mjs';
import { login, openPopup, pairPopup, startFirefox } from './lib/firefox.mjs';
import { startJobSite } from './lib/job-site.mjs';
import { artifacts } from './lib/paths.mjs';
import { waitFor } from './lib/wait.mjs';

const USER = 'grace';
const PASSWORD = 'correct horse battery staple';
const HOSTILE = '<img src=x onerror="window.__pwned = 1">';

describe('Firefox: agent requests in the popup', () => {
  let companion;
  let firefox;
  let popupTab;
  let dashboardTab;

  before(async () => {
    companion = await Companion.start();
    await companion.addUser(USER, PASSWORD);
    firefox = await startFirefox({ prefs: { 'extensions.background.idle.timeout': 600000 } });
    popupTab = await firefox.currentTab();
    await openPopup(firefox, companion.url);
    await pairPopup(firefox, companion, USER);
    dashboardTab = await firefox.newTab();
    await firefox.switchTo(dashboardTab);
    await login(firefox, companion.url, USER, PASSWORD);
    await mkdir(artifacts, { recursive: true });
  });

  after(async () => {
    await firefox?.quit();
    await companion?.stop();
  });

  /** Runs `script` in the popup's tab. */
  async function inPopup(script, ...args) {
    // Switching selects the tab, which would take "active" from a job page: only when needed.
    if ((await firefox.currentTab()) !== popupTab) await firefox.switchTo(popupTab);
    return firefox.execute(script, ...args);
  }

  async function inDashboard(path) {
    await firefox.switchTo(dashboardTab);
    const url = `${companion.url}${path}`;
    if ((await firefox.command('GET', '/url')) !== url) await firefox.navigate(url);
  }

  const card = (company) => `Array.from(document.querySelectorAll('#requests li.request'))
    .find((li) => li.textContent.includes(${JSON.stringify(company)}))`;

  const popupPosting = (company) => inPopup(`return ${card(company)}?.querySelector('.posting').textContent ?? null`);

  const badge = () => inPopup('return browser.action.getBadgeText({})');

  async function propose(company, title, url) {
    await inDashboard('/dashboard/agent-requests');
    await firefox.type('#propose-form input[name=job_url]', url);
    await firefox.type('#propose-form input[name=company]', company);
    await firefox.type('#propose-form input[name=title]', title);
    await firefox.click('#propose');
    await firefox.waitForText('#requests', company);
  }

  // As the extension's "Save job" sends it; intake matches and proposes it.
  async function saveJobPosting(company, title, url) {
    await inDashboard('/dashboard/postings');
    const status = await firefox.execute(`
      const csrf = document.querySelector('input[name=csrf_token]').value;
      return fetch('/api/v1/postings', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
        body: JSON.stringify(arguments[0]),
      }).then((response) => response.status);`, {
      '@context': 'https://schema.org', '@type': 'JobPosting', title, url,
      hiringOrganization: { '@type': 'Organization', name: company },
      description: `<p>${title}</p>`,
    });
    assert.equal(status, 201);
  }

  test('new requests appear in the popup with the badge, scripts stay inert', async () => {
    await propose('Globex', 'Senior Engineer', 'https://jobs.example.com/globex/1');
    await saveJobPosting('Initech', HOSTILE, 'https://jobs.example.com/initech/2');

    assert.equal(
      await waitFor(() => popupPosting('Initech'), { what: 'the Initech card in the popup' }),
      `Initech - ${HOSTILE}`,
    );
    await waitFor(() => popupPosting('Globex'), { what: 'the Globex card in the popup' });
    await waitFor(async () => (await badge()) === '2', { what: 'badge 2' });
    assert.equal(await inPopup("return document.querySelectorAll('#requests img').length"), 0);
    assert.match(await inPopup(`return ${card('Initech')}.textContent`), /Confidence \d+%/);
    assert.equal(await inPopup('return window.__pwned ?? null'), null, 'no script ran in the popup');
    await writeFile(join(artifacts, 'popup-firefox-requests.png'), await firefox.screenshot('body'));
  });

  test('Approve and Reject in the popup reach the dashboard and the badge', async () => {
    await inPopup(`${card('Globex')}.querySelector('button.approve').click()`);
    await waitFor(async () => (await popupPosting('Globex')) === null, { what: 'the Globex card to leave' });
    await waitFor(async () => (await badge()) === '1', { what: 'badge 1' });
    await inPopup(`${card('Initech')}.querySelector('button.decline').click()`);
    await waitFor(async () => (await badge()) === '', { what: 'empty badge' });
    await waitFor(() => inPopup("return !document.getElementById('requests-empty').hidden"), { what: 'the empty list' });

    await inDashboard('/dashboard/agent-requests');
    const stateOf = (company) => firefox.execute(`return ${card(company)}?.querySelector('.badge')?.textContent ?? ''`);
    // The approval started the apply job: any state after approved says it arrived.
    assert.match(await stateOf('Globex'), /Approved|Applying|Needs you/);
    assert.match(await stateOf('Initech'), /Rejected/);
    assert.equal(await firefox.execute('return window.__pwned ?? null'), null, 'no script ran in the dashboard');
  });

  test('"Save this job" reads the active tab\'s JobPosting and asks for approval', async () => {
    const site = await startJobSite();
    const jobTab = await firefox.newTab();
    try {
      await firefox.switchTo(jobTab);
      await firefox.navigate(site.url);
      const save = () => inPopup(`return (async () => {
        const job = (await browser.tabs.query({ currentWindow: true })).find((tab) => tab.url === arguments[0]);
        await browser.tabs.update(job.id, { active: true });
        document.getElementById('save-job').click();
      })()`, site.url);
      const status = () => inPopup(`
        const status = document.getElementById('save-job-status');
        return status.dataset.state === 'busy' || status.hidden ? null : status.textContent;`);
      await save();
      assert.match(
        await waitFor(status, { what: 'the save to finish' }),
        /^Saved Hooli - Platform Engineer: .*approval requested/,
      );
      await waitFor(() => popupPosting('Hooli'), { what: 'the Hooli card' });
      await save();
      await waitFor(async () => /^Already saved/.test(await status()), { what: 'Already saved' });
      await writeFile(join(artifacts, 'popup-firefox-save-job.png'), await firefox.screenshot('body'));
    } finally {
      await firefox.switchTo(jobTab);
      await firefox.command('DELETE', '/window');
      site.close();
    }
  });
});
