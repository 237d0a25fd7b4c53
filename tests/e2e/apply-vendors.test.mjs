// One headless apply per vendor shape, on the real saved forms (Greenhouse's React form,
// Lever's type="button" submit, Ashby's form-less page) under their real host names: the
// run gets through the fixture's login wall with the vaulted session only, and the recorded
// POST holds exactly the approved answers and the profile's resume PDF. The plan job fetches
// the page without the user's cookies (planning comes before any approval), so each posting
// is planned while the wall is down; the required questions the profile does not answer are
// answered by the user on the card before approving, as the Edit page does.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RESUME_NAME, RESUME_PDF } from './lib/assist.mjs';
import {
  approve, approvedFields, connectAccount, proposePlanned, seedUser, settled, startCompanion,
} from './lib/ats-apply.mjs';
import { AtsSite, answered } from './lib/ats-site.mjs';
import { corpusDir } from './lib/corpus.mjs';

/** The user's own answers to each form's required questions the profile leaves open, by label start. */
const USER_ANSWERS = {
  greenhouse: {
    'Are you subject to any employment agreements': 'No',
    'Have you previously worked at or consulted for GitLab?': 'No',
  },
  lever: {
    'This position requires you to start working from the Seattle office': 'Yes',
  },
  ashby: {
    'Are you currently based in the San Francisco Bay Area?': 'No',
    'This role requires deep relationships within the AI ecosystem.': 'I led partnerships with two AI research labs.',
  },
};

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
      site.wall = false;
      let card;
      try {
        card = await proposePlanned(ada, site.jobUrl(vendor));
      } finally {
        site.wall = true;
      }
      const values = {};
      for (const answer of card.answers.filter((a) => a.required && !a.value)) {
        const [, value] = Object.entries(USER_ANSWERS[vendor]).find(([start]) => answer.label.startsWith(start)) ?? [];
        assert.ok(value, `an answer for the required "${answer.label}"`);
        values[answer.field] = value;
      }
      await approve(ada, card, { values, dryRun: false });
      const done = await settled(ada, card.id);
      assert.equal(done.state, 'applied', JSON.stringify(done.reason));

      const posts = site.submissions.filter((s) => `https://${s.host}${s.path}` === site.pageUrl(vendor));
      assert.equal(posts.length, 1, 'one submission');
      const [post] = posts;
      assert.equal(post.cookies[jars[vendor].cookies[0].name], jars[vendor].session, 'the vaulted session was sent');
      assert.deepEqual(answered(post), approvedFields(done), 'exactly the approved answers');
      assert.ok(post.files.length >= 1, 'the resume is attached');
      for (const file of post.files) {
        assert.equal(file.name, RESUME_NAME);
        assert.ok(file.bytes.equals(RESUME_PDF), 'the profile\'s PDF, byte for byte');
      }
    });
  }
});
