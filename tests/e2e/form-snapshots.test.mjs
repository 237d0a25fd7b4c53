// The committed form snapshots (shared/tests/forms/snapshots), which the planner's quality
// test reads, must be what the extension's snapshot script reports today in real Chromium.
// After changing extension/form-snapshot.js: node tests/e2e/lib/form-snapshots.mjs --write
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fixtureDir, fixtureName, launch, pages, serialise, snapshot } from './lib/form-snapshots.mjs';

describe('form snapshots of the saved application pages', () => {
  let browser;

  before(async () => {
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
  });

  for (const page of pages) {
    test(`${fixtureName(page)} is current`, async () => {
      const committed = await readFile(join(fixtureDir, fixtureName(page)), 'utf8');
      const taken = serialise(await snapshot(browser, page));
      assert.equal(taken, committed, 'stale: run node tests/e2e/lib/form-snapshots.mjs --write');
    });
  }

  test('honeypots are reported and captchas and account walls block', async () => {
    const read = async (name) => JSON.parse(await readFile(join(fixtureDir, name), 'utf8'));
    const workable = await read('vendor_workable_like.json');
    assert.ok(workable.fields.some((f) => f.honeypot && f.name === 'hp_email_confirm'));
    assert.ok(workable.blockers.some((b) => b.kind === 'captcha' && b.detail === 'recaptcha'));
    const wizard = await read('vendor_wizard_like.json');
    assert.deepEqual(wizard.blockers.map((b) => b.kind).sort(), ['account_creation', 'multi_page']);
    const workday = await read('17nbist_workday.json');
    assert.deepEqual(workday.blockers.map((b) => b.kind), ['login_wall', 'no_form']);
  });
});
