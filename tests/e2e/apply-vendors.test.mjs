// One headless apply per vendor shape, on the real saved forms (Greenhouse's React form,
// Lever's type="button" submit, Ashby's form-less page) under their real host names: the
// run gets through the fixture's login wall with the vaulted session only, and the recorded
// POST holds exactly the approved answers and the profile's resume PDF. The plan job fetches
// the page without the user's cookies (planning comes before any approval), so each posting
// is planned while the wall is down; the required questions the profile does not answer are
// answered by the user on the card before approving, as the Edit page does (userAnswers).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  approve, assertOneSubmission, connectAccount, proposePlanned, seedUser, settled, startCompanion, userAnswers,
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

  for (const vendor of ['greenhouse', 'lever', 'ashby']) {
    test(`${vendor}: one submission with the session, exactly the approved answers and the resume`, async () => {
      const card = await proposePlanned(ada, site.jobUrl(vendor), { site });
      await approve(ada, card, { values: userAnswers(card), dryRun: false });
      const done = await settled(ada, card.id);
      assert.equal(done.state, 'applied', JSON.stringify(done.reason));

      assertOneSubmission(site, site.pageUrl(vendor), done, jars[vendor]);
    });
  }
});
