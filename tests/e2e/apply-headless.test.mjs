// The headless apply through the companion's real API and binary, against the ATS fixture
// (lib/ats-site.mjs) under the vendors' host names: the user's sessions sealed in the WASM
// core and stored the way the extension stores them, a request proposed and planned by the
// plan job, approved, and run by the apply job's own Chromium behind its egress proxy.
// The plan job fetches the page with the user's vaulted session, as the run does, so each
// request is planned through the fixture's wall.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import {
  approve, artifactsOf, assertOneSubmission, connectAccount, postsTo as sitePosts, proposePlanned, seedUser, settled, startCompanion, subscribe,
} from './lib/ats-apply.mjs';
import { AtsSite, EXTRA, EXTRA_HOST } from './lib/ats-site.mjs';
import { artifacts as artifactDir } from './lib/paths.mjs';
import { waitFor } from './lib/wait.mjs';

const PASSWORD = 'correct horse battery staple';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

describe('headless apply against the ATS fixture', () => {
  let site;
  let companion;
  let ada;
  let events;
  let browser;
  let dashboard;
  const seen = [];

  before(async () => {
    site = await AtsSite.start();
    companion = await startCompanion(site);
    await companion.addUser('ada', PASSWORD);
    ada = await seedUser(companion, 'ada');
    ada.jar = site.issueCookies('greenhouse');
    await connectAccount(ada, ada.jar);
    events = await subscribe(companion, ada.token, (event) => seen.push(event));
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
    dashboard = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await dashboard.goto(`${companion.url}/login`);
    await dashboard.fill('input[name=username]', 'ada');
    await dashboard.fill('input[name=password]', PASSWORD);
    await Promise.all([dashboard.waitForURL(/\/dashboard/), dashboard.click('form [type=submit], form button')]);
    await mkdir(artifactDir, { recursive: true });
  });

  /**
   * The request's page in the dashboard at the request's current version, its screenshots
   * loaded, saved as `name`.png to look at. The page reloads itself when an event brings a newer
   * version (static/agent-request.js), which may cut a navigation short.
   */
  async function requestPage(id, name) {
    const { version } = await ada.call('GET', `/api/v1/agent-requests/${id}`);
    await dashboard.goto(`${companion.url}/dashboard/agent-requests/${id}`).catch((error) => {
      if (!/interrupted by another navigation/.test(error.message)) throw error;
    });
    await dashboard.locator(`#request[data-version="${version}"]`).waitFor();
    await dashboard.locator('#live-status[data-state=live]').waitFor();
    for (const img of await dashboard.locator('img.thumb').all()) {
      await img.scrollIntoViewIfNeeded();
      await waitFor(() => img.evaluate((el) => el.complete && el.naturalWidth > 0), { what: 'the screenshot to show' });
    }
    await dashboard.screenshot({ path: join(artifactDir, `${name}.png`), fullPage: true });
    return dashboard;
  }

  after(async () => {
    await browser?.close();
    events?.close();
    await companion?.stop();
    await site?.stop();
  });

  const postsTo = (url) => sitePosts(site, url);

  test('a dry run (the default) submits nothing and ends ready to submit with screenshots; Submit now submits once', async () => {
    const url = site.jobUrl('plain', 1);
    const card = await proposePlanned(ada, url);
    assert.equal(card.form.blocked, false, JSON.stringify(card.form.blockers));
    const approved = await approve(ada, card);
    assert.equal(approved.dryRun, true, 'dry run is the default');
    const ready = await settled(ada, card.id);
    assert.equal(ready.state, 'needs_you', JSON.stringify(ready.reason));
    assert.equal(ready.reason.code, 'ready_to_submit');
    assert.equal(postsTo(url).length, 0, 'a dry run submits nothing');
    assert.ok(site.requests.some((r) => `https://${r.host}${r.path}` === url && r.signedIn), 'the run opened the page with the session');
    const artifacts = await artifactsOf(ada, card.id);
    const shots = artifacts.filter((a) => a.kind === 'screenshot');
    assert.ok(shots.length >= 1, `screenshots among ${artifacts.map((a) => a.name)}`);
    for (const shot of shots) assert.ok(shot.bytes.subarray(0, 4).equals(PNG), `${shot.name} is a PNG`);
    assert.ok(artifacts.some((a) => a.kind === 'log'), 'a step log');

    const page = await requestPage(card.id, 'apply-request-ready-to-submit');
    assert.equal(await page.locator('#reason').getAttribute('data-code'), 'ready_to_submit');
    await Promise.all([page.waitForLoadState(), page.click('button.submit-now')]);
    const applied = await settled(ada, card.id, ['applied', 'needs_you', 'declined']);
    assert.equal(applied.state, 'applied', JSON.stringify(applied.reason));
    assertOneSubmission(site, url, card, ada.jar);
    assert.equal(applied.dryRun, false);
    await assert.rejects(ada.call('POST', `/api/v1/agent-requests/${card.id}/submit`, { version: applied.version }), /HTTP 409/);
    assert.equal(postsTo(url).length, 1, 'still one');
    await requestPage(card.id, 'apply-request-applied');
  });

  test('a captcha stops the run in needs_you, with the magic link to finish in your tab', async () => {
    const url = site.jobUrl('captcha');
    const card = await proposePlanned(ada, url);
    await approve(ada, card, { dryRun: false });
    const stopped = await settled(ada, card.id);
    assert.equal(stopped.state, 'needs_you');
    assert.equal(stopped.reason.code, 'captcha', stopped.reason.text);
    assert.equal(postsTo(url).length, 0);
    assert.ok((await artifactsOf(ada, card.id)).some((a) => a.kind === 'screenshot'), 'the screenshot of the stop');

    const page = await requestPage(card.id, 'apply-request-captcha');
    assert.equal(await page.locator('#reason').getAttribute('data-code'), 'captcha');
    await Promise.all([page.waitForURL(/magic-link/), page.click('a.magic-link')]);
    assert.equal(await page.locator('#open-job').getAttribute('href'), url);
  });

  test('an expired session ends in needs_you and flags the connected account for a refresh', async () => {
    await companion.addUser('grace', PASSWORD);
    const grace = await seedUser(companion, 'grace');
    const jar = site.issueCookies('greenhouse', { expired: true });
    await connectAccount(grace, jar);
    const graceEvents = [];
    const stream = await subscribe(companion, grace.token, (event) => graceEvents.push(event));
    try {
      const url = site.jobUrl('plain', 2);
      const card = await proposePlanned(grace, url);
      await approve(grace, card, { dryRun: false });
      const stopped = await settled(grace, card.id);
      assert.equal(stopped.state, 'needs_you');
      assert.equal(stopped.reason.code, 'session_expired', stopped.reason.text);
      assert.equal(postsTo(url).length, 0);
      const [account] = (await grace.call('GET', '/api/v1/credentials')).filter((c) => c.platform === jar.platform);
      assert.ok(account?.refreshNeededAt, 'the account needs a refresh');
      await waitFor(() => graceEvents.some((e) => e.type === 'credentials.refresh_needed' && e.payload.platform === jar.platform),
        { what: 'the refresh-needed event' });
    } finally {
      stream.close();
    }
  });

  test('a page reaching for the metadata service and a loopback port mid-run is refused', async () => {
    const beacons = [];
    const onBeacon = (beacon) => beacons.push(beacon.phase);
    site.on('beacon', onBeacon);
    try {
      const url = site.jobUrl('exfiltration');
      const card = await proposePlanned(ada, url);
      await approve(ada, card, { dryRun: false });
      await settled(ada, card.id);
      // The page's script ran at load and again once the run typed: the attempts were made.
      assert.ok(beacons.includes('load') && beacons.includes('input'), `beacons: ${beacons}`);
      assert.deepEqual(site.probe.requests, [], 'nothing reached the loopback port');
      const log = (await artifactsOf(ada, card.id)).filter((a) => a.kind === 'log').map((a) => a.bytes.toString()).join('\n');
      assert.match(log, /refused (127\.0\.0\.1|localhost):\d+/);
      assert.match(log, /refused 169\.254\.169\.254:80/);
    } finally {
      site.off('beacon', onBeacon);
    }
  });

  test('a labelled input nobody can see gets no value', async () => {
    const url = site.jobUrl('hidden');
    const card = await proposePlanned(ada, url);
    await approve(ada, card, { dryRun: false });
    const done = await settled(ada, card.id);
    assert.equal(done.state, 'applied', JSON.stringify(done.reason));
    const [post] = site.submissions.filter((s) => s.host === EXTRA_HOST && s.path === '/apply'
      && s.cookies[ada.jar.cookies[0].name] === ada.jar.session);
    assert.ok(post, `the form was posted from ${EXTRA.hidden}`);
    for (const name of ['phone', 'salary', 'city', 'gender', 'linkedin', 'postal', 'github', 'company', 'address', 'twitter', 'school']) {
      assert.equal(post.fields[name] ?? '', '', `${name} stays empty`);
    }
    assert.equal(post.fields.first_name, 'Ada');
    assert.equal(post.fields.email, 'ada@example.org');
  });

  test('each step of the run is an agent_request.updated event with its progress', () => {
    const steps = seen.filter((e) => e.type === 'agent_request.updated' && e.payload.progress).map((e) => e.payload.progress.step);
    for (const step of ['open', 'fill', 'filled', 'submit']) assert.ok(steps.includes(step), `${step} in ${[...new Set(steps)]}`);
  });
});
