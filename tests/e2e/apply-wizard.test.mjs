// The headless apply on the live React fixtures of tests/react-form (apply-assist's), served
// by the ATS fixture under real-looking host names: a wizard (three steps, Review, Submit
// posting JSON) on a Workday-style tenant, and a company careers page that embeds the
// Greenhouse board's form in an iframe from job-boards.greenhouse.io. Both draw their forms
// with scripts, which the plan job (page scripts off) does not run: the run plans each live
// page itself, with structured profile values only (never free text).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RESUME_NAME, RESUME_PDF } from './lib/assist.mjs';
import { approve, proposePlanned, seedUser, settled, startCompanion } from './lib/ats-apply.mjs';
import { AtsSite, CAREERS_HOST, VENDORS, WIZARD_HOST } from './lib/ats-site.mjs';

describe('headless apply: a React wizard and an embedded board', () => {
  let site;
  let companion;
  let ada;

  before(async () => {
    site = await AtsSite.start();
    companion = await startCompanion(site);
    await companion.addUser('ada', 'correct horse battery staple');
    ada = await seedUser(companion, 'ada');
  });

  after(async () => {
    await companion?.stop();
    await site?.stop();
  });

  const postsFrom = (host) => site.submissions.filter((s) => s.host === host && s.path === '/applications');

  test('the wizard is followed step by step to its Review and submitted once', async () => {
    const card = await proposePlanned(ada, site.jobUrl('wizard'));
    await approve(ada, card, { dryRun: false });
    const done = await settled(ada, card.id);
    assert.equal(done.state, 'applied', JSON.stringify(done.reason));
    const posts = postsFrom(WIZARD_HOST);
    assert.equal(posts.length, 1, 'one submission');
    const { answers } = posts[0].fields;
    assert.equal(answers.firstName, 'Ada');
    assert.equal(answers.lastName, 'Lovelace');
    assert.equal(answers.email, 'ada@example.org');
    assert.ok(answers.phone, 'the phone of the profile');
    assert.ok(answers.country && answers.sponsorship && answers.authorized, JSON.stringify(answers));
  });

  test('the board embedded in a careers page from another origin is filled and submitted once', async () => {
    const card = await proposePlanned(ada, site.jobUrl('embedded'));
    await approve(ada, card, { dryRun: false });
    const done = await settled(ada, card.id);
    assert.equal(done.state, 'applied', JSON.stringify(done.reason));
    const posts = postsFrom(VENDORS.greenhouse.host);
    assert.equal(posts.length, 1, 'one submission, to the board');
    const [post] = posts;
    assert.equal(post.fields['job_application[first_name]'], 'Ada');
    assert.equal(post.fields['job_application[last_name]'], 'Lovelace');
    assert.equal(post.fields['job_application[email]'], 'ada@example.org');
    assert.equal(post.fields['job_application[website]'], '', 'the honeypot stays empty');
    const [file] = post.files;
    assert.equal(file?.name, RESUME_NAME);
    assert.ok(file.bytes.equals(RESUME_PDF));
    assert.equal(site.submissions.filter((s) => s.host === CAREERS_HOST).length, 0);
  });
});
