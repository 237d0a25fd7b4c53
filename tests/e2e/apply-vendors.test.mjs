// The headless apply on the real saved forms (Greenhouse's React form, Lever's type="button"
// submit, Ashby's form-less page) under their real host names, with the user's vaulted
// session: the run gets through the fixture's login wall, fills the approved answers and
// submits through each vendor's shape (lib/ats-shim.mjs). The saved pages are static (their
// vendors' scripts cannot load here): Greenhouse's react-select comboboxes offer no list, so
// the typed approved answer is their value; Lever's invisible hCaptcha and Ashby's reCAPTCHA
// v3 ask nothing of a person before Submit. The plan job fetches the page with the same vaulted
// session, through the wall; the required questions the profile does not answer are answered by the user on the
// card before approving, as the Edit page does (userAnswers). A page whose invisible captcha
// answers the submit with a challenge (lib/ats-pages.mjs) hands over to the user instead.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import {
  approve, artifactsOf, assertOneSubmission, connectAccount, postsTo, proposePlanned, seedUser, settled, startCompanion, userAnswers,
} from './lib/ats-apply.mjs';
import { AtsSite } from './lib/ats-site.mjs';
import { corpusDir } from './lib/corpus.mjs';

const PASSWORD = 'correct horse battery staple';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

describe('headless apply on the real saved forms', { skip: corpusDir() === null }, () => {
  let site;
  let companion;
  let ada;
  let browser;
  const jars = {};

  before(async () => {
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
    site = await AtsSite.start();
    companion = await startCompanion(site);
    await companion.addUser('ada', PASSWORD);
    ada = await seedUser(companion, 'ada');
    for (const vendor of ['greenhouse', 'lever', 'ashby']) {
      jars[vendor] = site.issueCookies(vendor);
      await connectAccount(ada, jars[vendor]);
    }
  });

  after(async () => {
    await browser?.close();
    await companion?.stop();
    await site?.stop();
  });

  /**
   * `selector → name` for `selectors` on `vendor`'s saved page as served, read in a browser
   * without scripts or network: the name the shim posts each control under (its name, else its
   * id, else its Ashby entry's field path).
   */
  async function postedNames(vendor, selectors) {
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      await context.route('**/*', (route) => route.abort());
      const page = await context.newPage();
      await page.setContent(site.pages.get(vendor), { waitUntil: 'domcontentloaded' });
      const names = await page.evaluate((all) => Object.fromEntries(all.map((selector) => {
        const el = document.querySelector(selector);
        return [selector, el?.name || el?.id || el?.closest('[data-field-path]')?.getAttribute('data-field-path') || selector];
      })), selectors);
      return (selector) => names[selector];
    } finally {
      await context.close();
    }
  }

  const NOTES = {
    greenhouse: /"Are you currently located in Canada\? \*": typed; the page offers no list/,
    lever: /invisible hCaptcha on the page: it asks nothing before Submit/,
    ashby: /invisible reCAPTCHA on the page: it asks nothing before Submit/,
  };
  for (const [vendor, note] of Object.entries(NOTES)) {
    test(`${vendor}: through the wall with the vaulted session, the approved answers and the resume are submitted`, async () => {
      const card = await proposePlanned(ada, site.jobUrl(vendor));
      assert.equal(card.form.blocked, false, JSON.stringify(card.form.blockers));
      await approve(ada, card, { values: userAnswers(card), dryRun: false });
      const done = await settled(ada, card.id);
      assert.equal(done.state, 'applied', JSON.stringify(done.reason));
      // The plan as approved, read back: what the run had to send, field by field.
      const approved = await ada.call('GET', `/api/v1/agent-requests/${card.id}`);
      const nameOf = await postedNames(vendor, approved.answers.map((a) => a.field));
      assertOneSubmission(site, site.pageUrl(vendor), approved, jars[vendor], nameOf);
      const artifacts = await artifactsOf(ada, card.id);
      const confirmation = artifacts.find((a) => a.kind === 'screenshot' && a.name === 'after-submit');
      assert.ok(confirmation?.bytes.subarray(0, 4).equals(PNG), `the confirmation's screenshot among ${artifacts.map((a) => a.name)}`);
      const log = artifacts.filter((a) => a.kind === 'log').map((a) => a.bytes.toString()).join('\n');
      assert.match(log, note);
      assert.match(log, /confirmation: /);
    });
  }

  test('an invisible captcha that answers the submit with a challenge hands over to the user; nothing is sent', async () => {
    const url = site.jobUrl('challenge');
    const card = await proposePlanned(ada, url);
    assert.equal(card.form.blocked, false, JSON.stringify(card.form.blockers));
    await approve(ada, card, { dryRun: false });
    const stopped = await settled(ada, card.id);
    assert.equal(stopped.state, 'needs_you');
    assert.equal(stopped.reason.code, 'captcha', stopped.reason.text);
    assert.match(stopped.reason.text, /^The site asked for a captcha after Submit, so nothing was sent; .*: reCAPTCHA on the page\.$/);
    assert.equal(postsTo(site, url).length, 0, 'nothing submitted');

    const page = await browser.newPage();
    try {
      await page.goto(`${companion.url}/login`);
      await page.fill('input[name=username]', 'ada');
      await page.fill('input[name=password]', PASSWORD);
      await Promise.all([page.waitForURL(/\/dashboard/), page.click('form [type=submit], form button')]);
      await page.goto(`${companion.url}/dashboard/agent-requests/${card.id}`);
      assert.equal(await page.locator('#reason').getAttribute('data-code'), 'captcha');
      await Promise.all([page.waitForURL(/magic-link/), page.click('a.magic-link')]);
      assert.equal(await page.locator('#open-job').getAttribute('href'), url);
    } finally {
      await page.close();
    }
  });
});
