// What the headless apply's e2e tests share: a real companion configured to reach the ATS
// fixture (lib/ats-site.mjs) under the vendors' host names, a user with the test profile and
// resume PDF, cookies sealed with the extension's WASM core and stored the way the extension
// stores them, requests driven through the API, the event stream, and the companion's
// Chromium processes.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RESUME_NAME, RESUME_PDF, seedProfile } from './assist.mjs';
import { answered } from './ats-site.mjs';
import { Companion } from './companion.mjs';
import { dist } from './paths.mjs';
import { waitFor } from './wait.mjs';

/**
 * A companion whose fetcher and browser egress proxy dial the fixture for the vendors' host
 * names (`resolve`), trust its test CA (`trust_ca_file`) and may reach it although it is on
 * loopback (`fetch_allow_hosts`: the host names on 443, which `resolve` maps, and the address
 * itself). `env`: more `COMPANION_*` settings.
 */
export async function startCompanion(site, env = {}) {
  const companion = new Companion(await mkdtemp(join(tmpdir(), 'autoresume-apply-')));
  Object.assign(companion.env, {
    COMPANION_FETCH_ALLOW_HOSTS: [...site.hosts.map((host) => `${host}:443`), `127.0.0.1:${site.port}`].join(','),
    COMPANION_RESOLVE: site.hosts.map((host) => `${host}:443=127.0.0.1:${site.port}`).join(','),
    COMPANION_TRUST_CA_FILE: site.caFile,
    ...env,
  });
  await companion.serve('127.0.0.1:0');
  return companion;
}

let core;
async function wasmCore() {
  if (!core) {
    const pkg = join(dist, 'chrome', 'pkg');
    core = await import(join(pkg, 'extension_core.js'));
    core.initSync({ module: await readFile(join(pkg, 'extension_core_bg.wasm')) });
  }
  return core;
}

/** A device paired to `user` with the test profile and resume: `{token, call, paired, companion}`. */
export async function seedUser(companion, user) {
  const seeded = await seedProfile(companion, user);
  const paired = await companion.pairDevice(user, 'e2e apply');
  return { ...seeded, paired, companion };
}

/**
 * Seals `jar` (`{platform, cookies}` from `site.issueCookies`) in the WASM core against the
 * signed vault key, checked with the pinned identity key, and stores it: what the popup's
 * Connect does (extension/lib/accounts.js).
 */
export async function connectAccount(seeded, jar) {
  const { paired, call } = seeded;
  const signedKey = await call('GET', '/api/v1/vault/public-key');
  const { envelope } = (await wasmCore()).sealBrowserCookies({
    signedKey, pinnedIdentityKey: paired.identity.publicKey, userId: paired.user.id,
    platform: jar.platform, cookies: jar.cookies,
  });
  return call('PUT', `/api/v1/credentials/${encodeURIComponent(jar.platform)}`, { envelope });
}

/**
 * Proposes `url` and waits for the plan job's plan on the card. The plan job fetches the page
 * with the user's vaulted session for its site, so a page behind the fixture's wall is planned
 * as its form when the account is connected, and as a sign-in page when it is not.
 */
export async function proposePlanned(seeded, url, { company = 'Initech', title = 'Engineer' } = {}) {
  const card = await seeded.call('POST', '/api/v1/agent-requests', { jobUrl: url, company, title });
  return waitFor(async () => {
    const now = await seeded.call('GET', `/api/v1/agent-requests/${card.id}`);
    if (now.form?.plannedAt) return now;
    // Not yet: the plan job's last error, if it has one, is what a timeout reports.
    const jobs = await seeded.call('GET', '/api/v1/jobs');
    const failed = jobs.find((job) => job.kind === 'forms.plan' && job.lastError && job.state !== 'succeeded');
    if (failed) throw new Error(`the plan job: ${failed.lastError}`);
    return null;
  }, { timeout: 60000, what: `the plan of ${url}` });
}

/**
 * The user's own answers to the saved forms' required questions the test profile leaves open
 * (by the label's start), as given on the Edit page before approving.
 */
const USER_ANSWERS = [
  ['Are you subject to any employment agreements', 'No'],
  ['Have you previously worked at or consulted for GitLab?', 'No'],
  ['This position requires you to start working from the Seattle office', 'Yes'],
  ['Are you currently based in the San Francisco Bay Area?', 'No'],
  ['This role requires deep relationships within the AI ecosystem.', 'I led partnerships with two AI research labs.'],
];

/** `{selector: value}` for the card's required answers left empty; throws for one it has none for. */
export function userAnswers(card) {
  return Object.fromEntries(card.answers.filter((a) => a.required && !a.value).map((a) => {
    const found = USER_ANSWERS.find(([start]) => a.label.startsWith(start));
    if (!found) throw new Error(`no answer for the required "${a.label}"`);
    return [a.field, found[1]];
  }));
}

/** Sets `values` (`{label or selector: value}`) as the user's own answers, then approves. */
export async function approve(seeded, card, { values = {}, dryRun } = {}) {
  let current = card;
  if (Object.keys(values).length) {
    const answers = card.answers.map((a) => {
      const value = values[a.field] ?? values[a.label];
      return value === undefined ? a : { ...a, value, source: 'you' };
    });
    current = await seeded.call('PUT', `/api/v1/agent-requests/${card.id}`, { version: card.version, answers, resume: card.resume });
  }
  const body = { version: current.version, ...(dryRun === undefined ? {} : { dryRun }) };
  return seeded.call('POST', `/api/v1/agent-requests/${card.id}/approve`, body);
}

/** The request once its state is one of `states`; a timeout names its state and its jobs'. */
export async function settled(seeded, id, states = ['applied', 'needs_you', 'declined'], timeout = 90000) {
  let card;
  try {
    return await waitFor(async () => {
      card = await seeded.call('GET', `/api/v1/agent-requests/${id}`);
      return states.includes(card.state) ? card : null;
    }, { timeout, interval: 200, what: `request ${id} to be ${states.join(' or ')}` });
  } catch (error) {
    const jobs = await seeded.call('GET', '/api/v1/jobs').catch(() => []);
    const summary = jobs.map((j) => `${j.kind} ${j.state} attempt ${j.attempt} ${j.lastError ?? ''}`).join('; ');
    // eslint-disable-next-line no-control-regex
    const log = seeded.companion.log.join('').replace(/\x1b\[[0-9;]*m/g, '').split('\n').filter((l) => /WARN|ERROR|apply/.test(l)).slice(-15).join('\n');
    throw new Error(`${error.message}; the request: ${card?.state} ${JSON.stringify(card?.progress ?? null)}; jobs: ${summary}; log:\n${log}`);
  }
}

/**
 * The companion's event stream: calls `onEvent({type, payload})` for each event until
 * `close()`. Resolves once connected.
 */
export async function subscribe(companion, token, onEvent) {
  const controller = new AbortController();
  const response = await fetch(`${companion.url}/api/v1/events`, {
    headers: { authorization: `Bearer ${token}`, 'Last-Event-ID': '999999999' },
    signal: controller.signal,
  });
  if (!response.ok) throw new Error(`events: HTTP ${response.status}`);
  (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk, { stream: true });
        let at;
        while ((at = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
          if (data) onEvent(JSON.parse(data));
        }
      }
    } catch {
      // Closed (by close(), or the companion died).
    }
  })();
  return { close: () => controller.abort() };
}

/**
 * Pids of live processes whose command line names a browser folder of the companion process
 * `pid` (`companion-chromium-<pid>-…`, see companion/src/browser/sandbox.rs): its Chromium,
 * whichever user it runs as.
 */
export async function browserProcesses(pid) {
  const mark = `companion-chromium-${pid}-`;
  const found = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8');
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // A zombie is dead already; only its parent's wait is missing.
      if (cmdline.includes(mark) && !/^\d+ \(.*\) Z/.test(stat)) found.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/** CSS identifier escapes (`#\33 e84…`) undone. */
const unescapeCss = (s) => s.replace(/\\([0-9a-f]{1,6}) ?/gi, (_, hex) => String.fromCodePoint(parseInt(hex, 16)))
  .replace(/\\(.)/g, '$1');

/**
 * The name a planned field's control posts under, from its selector: its `name`, else the
 * field path of its Ashby entry, else its id (what the submit shims and plain forms use).
 */
export function postedName(selector) {
  const named = selector.match(/\[name="([^"]+)"\]/) ?? selector.match(/\[data-field-path="([^"]+)"\]/);
  if (named) return named[1];
  const id = selector.match(/^#((?:\\[0-9a-f]{1,6} ?|\\.|[^\s>[:.\\])+)$/i);
  return id ? unescapeCss(id[1]) : selector;
}

/**
 * What a run should post for the card's approved answers: `{name: value}` (files aside).
 * `nameOf(selector)`: the name the page posts that control under (guessed from the selector
 * unless the test read it from the page).
 */
export function approvedFields(card, nameOf = postedName) {
  return Object.fromEntries(card.answers
    .filter((a) => a.value !== '' && a.source !== 'resume_pdf' && a.fieldType !== 'resume' && a.fieldType !== 'cover_letter')
    .map((a) => [nameOf(a.field), a.value]));
}

/** The request's artifacts (screenshots, the step log), each with its bytes. */
export async function artifactsOf(seeded, id) {
  const list = await seeded.call('GET', `/api/v1/agent-requests/${id}/artifacts`);
  return Promise.all(list.map(async (artifact) => {
    const response = await fetch(`${seeded.companion.url}/api/v1/agent-requests/${id}/artifacts/${artifact.id}`, {
      headers: { authorization: `Bearer ${seeded.token}` },
    });
    assert.equal(response.status, 200);
    return { ...artifact, bytes: Buffer.from(await response.arrayBuffer()) };
  }));
}

/** The site's submissions to `url` (the application page). */
export const postsTo = (site, url) => site.submissions.filter((s) => `https://${s.host}${s.path}` === url);

/**
 * Asserts one submission to `url`: with the vaulted session of `jar`, exactly the approved
 * answers of `card` (posted under `nameOf(selector)`), and the profile's resume PDF byte for byte.
 */
export function assertOneSubmission(site, url, card, jar, nameOf = postedName) {
  const posts = postsTo(site, url);
  assert.equal(posts.length, 1, `exactly one submission to ${url}`);
  const [post] = posts;
  assert.equal(post.method, 'POST');
  assert.equal(post.cookies[jar.cookies[0].name], jar.session, 'the vaulted session cookie was sent');
  assert.deepEqual(answered(post), approvedFields(card, nameOf), 'exactly the approved answers');
  assert.ok(post.files.length >= 1, 'the resume was attached');
  for (const file of post.files) {
    assert.equal(file.name, RESUME_NAME);
    assert.ok(file.bytes.equals(RESUME_PDF), 'the profile\'s PDF, byte for byte');
  }
}
