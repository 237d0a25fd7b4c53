// The popup's Connected accounts follow the account events while it stays open: a session
// stored from elsewhere appears, an apply that finds it expired marks it "Needs a refresh",
// and storing a fresh session clears that, all without reopening the popup. The expired
// session is found the real way: a headless apply against the ATS fixture (lib/ats-site.mjs)
// with the vaulted jar.
import assert from 'node:assert/strict';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { launchWithExtension, pairedPopup } from './lib/assist.mjs';
import { approve, connectAccount, proposePlanned, seedUser, settled, startCompanion } from './lib/ats-apply.mjs';
import { AtsSite } from './lib/ats-site.mjs';
import { artifacts, distTest } from './lib/paths.mjs';

const USER = 'grace';
const PASSWORD = 'correct horse battery staple';

describe('Chromium: the popup\'s accounts follow account events', () => {
  let site;
  let companion;
  let grace;
  let profile;
  let context;
  let popup;

  before(async () => {
    site = await AtsSite.start();
    companion = await startCompanion(site);
    await companion.addUser(USER, PASSWORD);
    grace = await seedUser(companion, USER);
    let extensionId;
    ({ context, extensionId, profile } = await launchWithExtension(join(distTest, 'chrome')));
    popup = await pairedPopup(context, extensionId, companion, USER);
    await mkdir(artifacts, { recursive: true });
  });

  after(async () => {
    await context?.close();
    await companion?.stop();
    await site?.stop();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  test('an expired session found by an apply shows "Needs a refresh" in the open popup, a new one clears it', async () => {
    // Marks this opening of the popup: a reload would lose it.
    await popup.evaluate(() => { window.sameOpening = true; });
    const expired = site.issueCookies('greenhouse', { expired: true });
    const row = popup.locator(`#accounts li[data-platform="${expired.platform}"]`);
    assert.equal(await row.count(), 0, 'not connected yet');

    await connectAccount(grace, expired);
    await popup.locator(`#accounts li[data-platform="${expired.platform}"][data-state=connected]`).waitFor();

    const card = await proposePlanned(grace, site.jobUrl('plain', 3), { site });
    await approve(grace, card, { dryRun: false });
    const stopped = await settled(grace, card.id);
    assert.equal(stopped.reason?.code, 'session_expired', JSON.stringify(stopped.reason));
    await popup.locator(`#accounts li[data-platform="${expired.platform}"][data-state=refresh-needed]`).waitFor();
    assert.match(await row.locator('.account-detail').textContent(), /^Needs a refresh: sign in there, then Refresh/);
    await popup.locator('body').screenshot({ path: join(artifacts, 'popup-chromium-account-refresh-needed.png') });

    await connectAccount(grace, site.issueCookies('greenhouse'));
    await popup.locator(`#accounts li[data-platform="${expired.platform}"][data-state=connected]`).waitFor();
    assert.doesNotMatch(await row.locator('.account-detail').textContent(), /Needs a refresh/);
    assert.equal(await popup.evaluate(() => window.sameOpening), true, 'the popup was never reopened');
  });
});
