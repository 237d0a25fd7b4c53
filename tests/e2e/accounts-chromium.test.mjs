// Connected accounts in headless Chromium: a local HTTPS www.linkedin.com sets session cookies,
// the popup's Connect seals them in the extension's WASM and the companion opens them natively.
// Loads the test build, where the LinkedIn host permission is granted at install (a test
// cannot click the permission prompt; the popup's permissions.request then resolves at once).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { Companion } from './lib/companion.mjs';
import { FakeSite, HOSTS } from './lib/fake-site.mjs';
import { artifacts, distTest } from './lib/paths.mjs';
import { waitFor } from './lib/wait.mjs';

const USER = 'alice';
const PASSWORD = 'correct horse battery staple';
const OTHER_KEY = Buffer.alloc(32, 7).toString('base64url');
const IN_30_DAYS = Math.floor(Date.now() / 1000) + 30 * 86400;
const COOKIES_TXT = [
  '# Netscape HTTP Cookie File',
  `.linkedin.com\tTRUE\t/\tTRUE\t${IN_30_DAYS}\tli_at\tpasted-secret`,
  `.linkedin.com\tTRUE\t/\tFALSE\t${IN_30_DAYS}\ttracking\tnot-kept`,
].join('\n');

describe('Chromium: Connected accounts', () => {
  let companion;
  let site;
  let context;
  let profile;
  let worker;
  let popup;

  before(async () => {
    companion = await Companion.start();
    await companion.addUser(USER, PASSWORD);
    site = await FakeSite.start();
    profile = await mkdtemp(join(tmpdir(), 'autoresume-accounts-'));
    const ext = join(distTest, 'chrome');
    const rules = HOSTS.map((host) => `MAP ${host} 127.0.0.1:${site.port}`).join(',');
    context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
      headless: true,
      viewport: { width: 360, height: 640 },
      ignoreDefaultArgs: ['--disable-extensions'],
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        // Test only: the site's certificate is self-signed.
        `--host-resolver-rules=${rules}`, '--ignore-certificate-errors',
        `--disable-extensions-except=${ext}`, `--load-extension=${ext}`],
    });
    worker = context.serviceWorkers()[0] ?? await context.waitForEvent('serviceworker');
    const extensionId = new URL(worker.url()).host;
    const page = await context.newPage();
    await page.goto('https://www.linkedin.com/');
    await page.close();
    popup = await context.newPage();
    await popup.goto(`chrome-extension://${extensionId}/popup.html`);
    await popup.fill('#companion-url', companion.url);
    await popup.fill('#pairing-code', await companion.pairingCode(USER));
    await popup.click('#pair-button');
    await popup.locator('#status-text', { hasText: 'Connected' }).waitFor();
    await mkdir(artifacts, { recursive: true });
  });

  after(async () => {
    await context?.close();
    await site?.stop();
    await companion?.stop();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  const linkedin = () => popup.locator('#accounts li[data-platform=linkedin]');

  /** LinkedIn in `wanted` state ('connected' or 'disconnected'), whatever an earlier test left. */
  async function linkedinIs(wanted) {
    await linkedin().waitFor();
    if (await linkedin().getAttribute('data-state') !== wanted) {
      await linkedin().locator('button', { hasText: wanted === 'connected' ? 'Connect' : 'Disconnect' }).click();
    }
    await popup.locator(`#accounts li[data-platform=linkedin][data-state=${wanted}]`).waitFor();
  }

  test('Connect uploads the LinkedIn session cookies, which the companion opens', async () => {
    await linkedinIs('disconnected');
    await linkedin().locator('button', { hasText: 'Connect' }).click();
    await popup.locator('#accounts li[data-platform=linkedin][data-state=connected]').waitFor();
    const detail = await linkedin().locator('.account-detail').textContent();
    assert.match(detail, /2 cookies/);
    assert.match(detail, /LinkedIn session expires in 2 days/);
    assert.equal(await popup.locator('#accounts-error:visible').count(), 0);
    await popup.locator('body').screenshot({ path: join(artifacts, 'popup-chromium-accounts.png') });

    const out = await companion.vaultCheck(USER, 'linkedin');
    assert.match(out, /linkedin: 2 cookies/);
    assert.match(out, /^\s+li_at$/m);
    assert.match(out, /^\s+JSESSIONID$/m);
    assert.doesNotMatch(out, /lang|e2e-li-at-value/);
  });

  test('after a key rotation, Refresh seals to the new signed key', async () => {
    await linkedinIs('connected');
    const syncedAt = () => worker.evaluate(
      () => chrome.storage.local.get('accountSyncs').then((s) => s.accountSyncs?.linkedin?.syncedAt ?? 0),
    );
    const before = await syncedAt();
    assert.match(await companion.cli(['vault', 'rotate', '--user', USER]), /New vault key/);
    await linkedin().locator('button', { hasText: 'Refresh' }).click();
    await waitFor(
      async () => (await popup.locator('#accounts-error:visible').count()) > 0 || (await syncedAt()) > before,
      { what: 'the refresh to finish' },
    );
    assert.equal(await popup.locator('#accounts-error:visible').count(), 0, await popup.textContent('#accounts-error'));
    assert.match(await companion.vaultCheck(USER, 'linkedin'), /linkedin: 2 cookies/);
  });

  test('with auto-refresh on, a session cookie change re-seals and uploads', async () => {
    await linkedinIs('connected');
    const syncedAt = () => worker.evaluate(
      () => chrome.storage.local.get('accountSyncs').then((s) => s.accountSyncs?.linkedin?.syncedAt ?? 0),
    );
    const before = await syncedAt();
    const options = await context.newPage();
    await options.goto(popup.url().replace('popup.html', 'options.html'));
    await options.check('#auto-refresh');
    await waitFor(() => worker.evaluate(() => chrome.storage.local.get('autoRefreshAccounts')
      .then((s) => s.autoRefreshAccounts)), { what: 'the setting to be stored' });
    await options.close();
    // The site sets li_at again: a changed session cookie.
    const page = await context.newPage();
    await page.goto('https://www.linkedin.com/');
    await page.close();
    await waitFor(async () => (await syncedAt()) > before, { timeout: 20000, what: 'an automatic upload' });
    await worker.evaluate(() => chrome.storage.local.set({ autoRefreshAccounts: false }));
  });

  test('a vault key not signed by the pinned identity is refused, showing its fingerprint', async () => {
    await linkedinIs('connected');
    const pinned = await worker.evaluate(async (key) => {
      const { pairing } = await chrome.storage.local.get('pairing');
      await chrome.storage.local.set({ pairing: { ...pairing, identityKey: key } });
      return pairing;
    }, OTHER_KEY);
    await linkedin().locator('button', { hasText: 'Refresh' }).click();
    const error = popup.locator('#accounts-error', { hasText: 'not signed by the paired companion' });
    await error.waitFor();
    assert.match(await error.textContent(), new RegExp(pinned.identityFingerprint));
    await popup.locator('body').screenshot({ path: join(artifacts, 'popup-chromium-accounts-refused.png') });
    await worker.evaluate(async (saved) => chrome.storage.local.set({ pairing: saved }), pinned);
  });

  test('Disconnect forgets the stored jar', async () => {
    await linkedinIs('connected');
    await linkedin().locator('button', { hasText: 'Disconnect' }).click();
    await popup.locator('#accounts li[data-platform=linkedin][data-state=disconnected]').waitFor();
    await assert.rejects(companion.vaultCheck(USER, 'linkedin'));
  });

  test('the dashboard seals a pasted cookies.txt in the page', async () => {
    const dashboard = await context.newPage();
    await dashboard.setViewportSize({ width: 1100, height: 900 });
    await dashboard.goto(`${companion.url}/login`);
    await dashboard.fill('input[name=username]', USER);
    await dashboard.fill('input[name=password]', PASSWORD);
    await Promise.all([dashboard.waitForURL(/\/dashboard/), dashboard.click('form [type=submit], form button')]);
    await dashboard.goto(`${companion.url}/dashboard/accounts`);
    await dashboard.locator('#seal-upload:enabled').waitFor();
    await dashboard.selectOption('#paste-platform', 'linkedin');
    await dashboard.fill('#paste-cookies', COOKIES_TXT);
    await dashboard.click('#seal-upload');
    await dashboard.locator('#accounts tr[data-platform=linkedin]').waitFor();
    await dashboard.screenshot({ path: join(artifacts, 'dashboard-accounts.png'), fullPage: true });
    const out = await companion.vaultCheck(USER, 'linkedin');
    assert.match(out, /linkedin: 1 cookies/);
    assert.match(out, /^\s+li_at$/m);
    await dashboard.close();
  });
});
