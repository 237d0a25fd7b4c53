// The headless apply on the real saved forms (Greenhouse's React form, Lever's type="button"
// submit, Ashby's form-less page) under their real host names, with the user's vaulted
// session: the run gets through the fixture's login wall, then stops before submit for what
// only a person can do on these copies, and submits nothing. The saved pages are static (their
// vendors' scripts cannot load here): Greenhouse's react-select lists never open, so its
// required comboboxes can only be typed into, never confirmed; Lever's and Ashby's pages carry
// their invisible hCaptcha and reCAPTCHA. The plan job fetches the page without the user's
// cookies (planning comes before any approval), so each posting is planned while the wall is
// down; the required questions the profile does not answer are answered by the user on the
// card before approving, as the Edit page does (userAnswers). What a submission through each
// vendor's shape carries is checked by apply-fixture.test.mjs (a browser submitting the same
// pages) and, for the run's own submit, by apply-headless.test.mjs on a plain form.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  approve, connectAccount, postsTo, proposePlanned, seedUser, settled, startCompanion, userAnswers,
} from './lib/ats-apply.mjs';
import { AtsSite } from './lib/ats-site.mjs';
import { corpusDir } from './lib/corpus.mjs';

describe('headless apply on the real saved forms', { skip: corpusDir() === null }, () => {
  let site;
  let companion;
  let ada;
  const jars = {};

  before(async () => {
    site = await AtsSite.start();
    companion = await startCompanion(site);
    await companion.addUser('ada', 'correct horse battery staple');
    ada = await seedUser(companion, 'ada');
    for (const vendor of ['greenhouse', 'lever', 'ashby']) {
      jars[vendor] = site.issueCookies(vendor);
      await connectAccount(ada, jars[vendor]);
    }
  });

  after(async () => {
    await companion?.stop();
    await site?.stop();
  });

  const STOPS = [
    ['greenhouse', 'unanswered', /could not be filled: typed "[^"]+"; check it against the list/],
    ['lever', 'captcha', /: hCaptcha on the page\.$/],
    ['ashby', 'captcha', /: reCAPTCHA on the page\.$/],
  ];
  for (const [vendor, code, why] of STOPS) {
    test(`${vendor}: through the wall with the vaulted session, then stopped before submit (${code})`, async () => {
      const card = await proposePlanned(ada, site.jobUrl(vendor), { site });
      await approve(ada, card, { values: userAnswers(card), dryRun: false });
      const done = await settled(ada, card.id);
      assert.equal(done.state, 'needs_you');
      assert.equal(done.reason.code, code, done.reason.text);
      assert.match(done.reason.text, why);
      const page = site.pageUrl(vendor);
      const { name } = jars[vendor].cookies[0];
      assert.ok(site.requests.some((r) => `https://${r.host}${r.path}` === page && r.cookies[name] === jars[vendor].session),
        'the run opened the application page with the vaulted session');
      assert.equal(postsTo(site, page).length, 0, 'nothing submitted');
      const artifacts = await ada.call('GET', `/api/v1/agent-requests/${card.id}/artifacts`);
      assert.ok(artifacts.some((a) => a.kind === 'screenshot' && a.name === 'stopped'), 'a screenshot of the stop');
    });
  }
});
