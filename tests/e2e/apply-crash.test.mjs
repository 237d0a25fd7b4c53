// SIGKILL of the companion (its in-process workers with it) at each step of a headless apply,
// then a restart on the same data: the job is taken over once its short lease runs out, and
// the posting is never submitted twice. Killed before the fill (as the fixture serves the
// application page) or after it (on the "filled" progress event), the new run submits once;
// killed right after the click (the fixture holds the POST's answer), the request ends in
// needs_you "may have been submitted". No Chromium of the killed companion outlives it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  approve, browserProcesses, connectAccount, postsTo as sitePosts, proposePlanned, seedUser, settled, startCompanion, subscribe,
} from './lib/ats-apply.mjs';
import { AtsSite } from './lib/ats-site.mjs';
import { waitFor } from './lib/wait.mjs';

const LEASE_SECS = 3;

describe('SIGKILL during a headless apply', () => {
  let site;
  let companion;
  let ada;
  let events;
  let listeners = [];
  const killedPids = [];

  before(async () => {
    site = await AtsSite.start();
    companion = await startCompanion(site, { COMPANION_JOB_LEASE_SECS: String(LEASE_SECS) });
    await companion.addUser('ada', 'correct horse battery staple');
    ada = await seedUser(companion, 'ada');
    ada.jar = site.issueCookies('greenhouse');
    await connectAccount(ada, ada.jar);
  });

  after(async () => {
    events?.close();
    await companion?.stop();
    await site?.stop();
    // Whatever a failed check left behind of the killed companions' browsers, by pid.
    for (const pid of killedPids) {
      for (const left of await browserProcesses(pid)) {
        try {
          process.kill(left, 'SIGKILL');
        } catch {
          // Gone meanwhile.
        }
      }
    }
  });

  /**
   * Arms a kill of the companion (`arm` gets the kill function and installs what calls it),
   * runs `start`, and waits for the kill; returns the killed process's pid.
   */
  async function killWhen(arm, start) {
    const { pid } = companion.process;
    let kill;
    const killed = new Promise((resolve) => {
      kill = () => {
        if (companion.process.pid === pid && companion.process.exitCode === null) companion.process.kill('SIGKILL');
        resolve();
      };
    });
    await arm(kill);
    // The approval's answer may be cut off by the kill it sets off.
    await start().catch((error) => { if (companion.process.exitCode === null && !companion.process.killed) throw error; });
    let timer;
    const deadline = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the moment to kill never came: ${companion.log.join('').slice(-2000)}`)), 90000);
    });
    await Promise.race([killed, deadline]).finally(() => clearTimeout(timer));
    killedPids.push(pid);
    await companion.exited;
    for (const off of listeners) off();
    listeners = [];
    events?.close();
    return pid;
  }

  const postsTo = (url) => sitePosts(site, url);

  /** The n-th plain posting, planned. */
  async function approved(n) {
    const url = site.jobUrl('plain', n);
    return { url, card: await proposePlanned(ada, url) };
  }

  /** After the kill: restart, and the request's end. */
  async function restartAndSettle(id) {
    await companion.serve('127.0.0.1:0');
    // The lease of the killed run's job runs out; a worker of the new process takes it over.
    return settled(ada, id, ['applied', 'needs_you', 'declined'], 120000);
  }

  /** No process of the killed companion's browser is left (Chromium dies with its worker). */
  async function noBrowserLeft(pid) {
    let left = [];
    await waitFor(async () => (left = await browserProcesses(pid)).length === 0,
      { timeout: 10000, what: `no Chromium of the killed companion ${pid}` }).catch((error) => {
      throw new Error(`${error.message}: ${left.length} processes left (${left.join(', ')})`);
    });
  }

  test('killed as the application page is served: the new run submits once', async () => {
    const { url, card } = await approved(11);
    const pid = await killWhen((kill) => {
      const onPage = ({ host, path, cookies }) => {
        if (`https://${host}${path}` === url && cookies[ada.jar.cookies[0].name] === ada.jar.session) kill();
      };
      site.on('page', onPage);
      listeners.push(() => site.off('page', onPage));
    }, () => approve(ada, card, { dryRun: false }));
    assert.equal(postsTo(url).length, 0, 'nothing sent before the kill');
    const done = await restartAndSettle(card.id);
    assert.equal(done.state, 'applied', JSON.stringify(done.reason));
    assert.equal(postsTo(url).length, 1, 'one submission');
    await noBrowserLeft(pid);
  });

  test('killed once the form is filled: the new run submits once', async () => {
    const { url, card } = await approved(12);
    const pid = await killWhen(async (kill) => {
      events = await subscribe(companion, ada.token, (event) => {
        if (event.type === 'agent_request.updated' && event.payload.id === card.id && event.payload.progress?.step === 'filled') kill();
      });
    }, () => approve(ada, card, { dryRun: false }));
    const before = postsTo(url).length;
    assert.ok(before <= 1);
    const done = await restartAndSettle(card.id);
    assert.equal(postsTo(url).length, 1, 'one submission, whatever the kill caught');
    // The kill lands after "filled"; if it came after the click as well, the run says so.
    assert.equal(done.state, before === 0 ? 'applied' : 'needs_you', JSON.stringify(done.reason));
    await noBrowserLeft(pid);
  });

  test('killed right after the click: one submission, and the request says it may have been submitted', async () => {
    const { url, card } = await approved(13);
    const release = site.holdSubmissions();
    let pid;
    try {
      pid = await killWhen((kill) => {
        const onSubmission = (submission) => {
          if (`https://${submission.host}${submission.path}` === url) kill();
        };
        site.on('submission', onSubmission);
        listeners.push(() => site.off('submission', onSubmission));
      }, () => approve(ada, card, { dryRun: false }));
    } finally {
      release();
    }
    assert.equal(postsTo(url).length, 1);
    const done = await restartAndSettle(card.id);
    assert.equal(done.state, 'needs_you');
    assert.equal(done.reason.code, 'may_have_been_submitted', done.reason.text);
    assert.equal(postsTo(url).length, 1, 'not submitted again');
    await noBrowserLeft(pid);
  });
});
