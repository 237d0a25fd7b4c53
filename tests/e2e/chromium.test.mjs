// The production Chrome build in headless Chromium against a real companion.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { Companion } from './lib/companion.mjs';
import { artifacts, dist } from './lib/paths.mjs';

const USER = 'ada';
const PASSWORD = 'correct horse battery staple';
// Any other valid 32-byte key: what the popup pinned is replaced to simulate an impostor.
const OTHER_KEY = Buffer.alloc(32, 7).toString('base64url');

describe('Chromium: popup, offscreen stream, revocation and identity pinning', () => {
  let companion;
  let context;
  let profile;
  let worker;
  let popup;
  let dashboard;

  before(async () => {
    companion = await Companion.start();
    await companion.addUser(USER, PASSWORD);
    profile = await mkdtemp(join(tmpdir(), 'autoresume-chromium-'));
    const ext = join(dist, 'chrome');
    context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
      headless: true,
      viewport: { width: 360, height: 560 },
      // Playwright disables extensions by default; --load-extension needs that flag gone.
      ignoreDefaultArgs: ['--disable-extensions'],
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        `--disable-extensions-except=${ext}`, `--load-extension=${ext}`],
    });
    worker = context.serviceWorkers()[0] ?? await context.waitForEvent('serviceworker');
    const extensionId = new URL(worker.url()).host;
    popup = await context.newPage();
    await popup.goto(`chrome-extension://${extensionId}/popup.html`);
    dashboard = await context.newPage();
    await dashboard.goto(`${companion.url}/login`);
    await dashboard.fill('input[name=username]', USER);
    await dashboard.fill('input[name=password]', PASSWORD);
    await Promise.all([
      dashboard.waitForURL(/\/dashboard/),
      dashboard.click('form [type=submit], form button'),
    ]);
  });

  after(async () => {
    await context?.close();
    await companion?.stop();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  async function sendTestEvent(message) {
    await dashboard.goto(`${companion.url}/dashboard/activity`);
    await dashboard.fill('input[name=message]', message);
    await Promise.all([dashboard.waitForLoadState(), dashboard.click('#send-test-event')]);
  }

  test('a wrong code is refused with a readable error', async () => {
    await popup.fill('#companion-url', companion.url);
    await popup.fill('#pairing-code', 'ZZZZ-ZZZZZ-ZZZZZ');
    await popup.click('#pair-button');
    await popup.locator('#pair-error').waitFor({ state: 'visible' });
    assert.notEqual((await popup.textContent('#pair-error')).trim(), '');
    await popup.fill('#companion-url', 'http://example.org:8787');
    await popup.click('#pair-button');
    await popup.locator('#pair-error', { hasText: 'https://' }).waitFor();
  });

  test('pairs, connects and shows live events from the dashboard', async () => {
    await popup.fill('#companion-url', companion.url);
    await popup.fill('#pairing-code', (await companion.pairingCode(USER)).toLowerCase());
    await popup.click('#pair-button');
    await popup.locator('#user:visible, #pair-error:visible').first().waitFor();
    assert.equal(await popup.locator('#pair-error:visible').count(), 0, await popup.textContent('#pair-error'));
    await popup.locator('#user', { hasText: USER }).waitFor();
    await popup.locator('#status-text', { hasText: 'Connected' }).waitFor();
    await popup.locator('#activity li', { hasText: 'Device paired' }).first().waitFor();

    const message = `Hello from the dashboard ${Date.now()} <b>not bold</b>`;
    await sendTestEvent(message);
    const item = popup.locator('#activity li', { hasText: message });
    await item.waitFor();
    assert.equal(await popup.locator('#activity b').count(), 0, 'event text is never parsed as HTML');
    assert.match(await item.locator('time').textContent(), /just now/);
    assert.equal(
      await popup.locator('#activity li').first().getAttribute('data-event-id'),
      await item.getAttribute('data-event-id'),
      'newest first',
    );
    await mkdir(artifacts, { recursive: true });
    await popup.locator('body').screenshot({ path: join(artifacts, 'popup-chromium.png') });
  });

  test('the stream lives in the offscreen document', async () => {
    const contexts = await worker.evaluate(() => chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] }));
    assert.equal(contexts.length, 1);
  });

  test('a companion presenting another identity key is refused', async () => {
    const pinned = await worker.evaluate(async (key) => {
      const { pairing } = await chrome.storage.local.get('pairing');
      await chrome.storage.local.set({ pairing: { ...pairing, identityKey: key } });
      return pairing.identityKey;
    }, OTHER_KEY);
    await popup.reload();
    await popup.locator('#status-text', { hasText: 'Identity changed' }).waitFor();
    const shownPinned = await popup.textContent('#pinned-fingerprint');
    const shownPresented = await popup.textContent('#presented-fingerprint');
    assert.match(shownPinned, /^([0-9A-F]{4} ){7}[0-9A-F]{4}$/);
    assert.notEqual(shownPinned, shownPresented);
    await popup.locator('#repair').waitFor();
    assert.equal(
      (await worker.evaluate(() => chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] }))).length,
      0,
      'no stream to an impostor',
    );
    await popup.locator('body').screenshot({ path: join(artifacts, 'popup-chromium-identity.png') });

    // The genuine key again: the popup reconnects on its own.
    await worker.evaluate(async (key) => {
      const { pairing } = await chrome.storage.local.get('pairing');
      await chrome.storage.local.set({ pairing: { ...pairing, identityKey: key } });
    }, pinned);
    await popup.reload();
    await popup.locator('#status-text', { hasText: 'Connected' }).waitFor();
  });

  test('the options page shows the pinned fingerprint and validates the address', async () => {
    const options = await context.newPage();
    await options.goto(popup.url().replace('popup.html', 'options.html'));
    const pinned = await worker.evaluate(() => chrome.storage.local.get('pairing').then((s) => s.pairing.identityFingerprint));
    await options.locator('#fingerprint', { hasText: pinned }).waitFor();
    await options.fill('#companion-url', 'http://example.org:8787');
    await options.click('#save-url');
    await options.locator('#url-error', { hasText: 'https://' }).waitFor();
    await options.fill('#companion-url', `${companion.url}/dashboard`);
    await options.click('#save-url');
    await options.locator('#url-saved').waitFor();
    assert.equal(await options.inputValue('#companion-url'), companion.url, 'stored as an origin');
    await options.close();
    await popup.locator('#status-text', { hasText: 'Connected' }).waitFor();
  });

  test('revoking the device in the dashboard shows the token-revoked state', async () => {
    await dashboard.goto(`${companion.url}/dashboard/devices`);
    await Promise.all([dashboard.waitForLoadState(), dashboard.locator('.revoke-device').first().click()]);
    await popup.locator('#status-text', { hasText: 'Token revoked' }).waitFor();
    await popup.locator('#repair', { hasText: 'Pair again' }).waitFor();
    await popup.locator('body').screenshot({ path: join(artifacts, 'popup-chromium-revoked.png') });
    await popup.click('#repair');
    await popup.locator('#pair-form').waitFor();
    assert.equal(await popup.inputValue('#companion-url'), companion.url);
  });
});
