// Greenhouse, Lever and Ashby on this machine, under their real host names: one HTTPS server on
// 127.0.0.1 (a random port) that routes by the Host header, with a certificate for those names
// signed by a test CA made per run (openssl; valid one day). A browser reaches it by mapping
// the names to the port (Chromium's --host-resolver-rules, the companion's `resolve` key) and
// trusting the CA, so the cookies a browser holds for those hosts are really sent.
//
// * The vendors' pages are the saved real forms of the corpus (SOURCES.md section 7), served
//   unchanged but for one submit script per vendor shape (lib/ats-shim.mjs says why).
// * A login wall: application pages need a session cookie this server issued (the sign-in form
//   at /sign-in, or `issueCookies()` for the jar a browser would hold after signing in); without
//   one, or with one whose session has expired, they redirect to a sign-in page with a password
//   field. The companion's plan job reads the page with the user's vaulted session as the
//   headless run does; a submission needs a session always.
// * Every request is recorded, every POST as a submission (method, host, path, headers, cookies,
//   fields, files with their bytes); a submission is answered with a redirect to a "Thank you for
//   applying" page, or held until the test releases it.
// * Pages written for one check each (lib/ats-pages.mjs): a captcha, an invisible captcha whose
//   stand-in script shows a challenge on submit, a script reaching for the metadata service and
//   a loopback port (a second server on that port records whatever arrives), and labelled
//   inputs nobody can see (tests/e2e/fixtures/hidden-fields.html).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { promisify } from 'node:util';
import { shimTag } from './ats-shim.mjs';
import { captchaPage, challengePage, confirmationPage, exfiltrationPage, plainPage, postingPage, signInPage } from './ats-pages.mjs';
import { corpusDir } from './corpus.mjs';
import { root } from './paths.mjs';

const run = promisify(execFile);
const DAY = 86400;
const HTML = { 'content-type': 'text/html; charset=utf-8' };

/**
 * Each vendor: its host, the domain its session cookie is set on (the vault's `custom:` platform
 * covers the domain and its subdomains), the posting's URL path (`jobPath`, what a request
 * names) and its application page (`pagePath`, where the form is, which the planner derives).
 */
export const VENDORS = Object.freeze({
  greenhouse: {
    host: 'job-boards.greenhouse.io', domain: 'greenhouse.io', cookie: '_greenhouse_session',
    saved: '17nbist_greenhouse', jobPath: '/gitlab/jobs/8620720002', pagePath: '/gitlab/jobs/8620720002',
    // The React form: <form method="get"> whose script posts the answers instead.
    shim: { scope: 'form#application-form', trigger: 'form#application-form [type="submit"]' },
  },
  lever: {
    host: 'jobs.lever.co', domain: 'jobs.lever.co', cookie: 'lever-session',
    saved: '17nbist_lever', jobPath: '/highspot/f222ad5c-b7dd-43c4-9008-ee1a53174afa',
    pagePath: '/highspot/f222ad5c-b7dd-43c4-9008-ee1a53174afa/apply',
    // A multipart form whose submit is a type="button" the vendor's script (hCaptcha) handles.
    shim: { scope: 'form#application-form', trigger: '[data-qa="btn-submit"]' },
  },
  ashby: {
    host: 'jobs.ashbyhq.com', domain: 'jobs.ashbyhq.com', cookie: 'ashby_session_token',
    saved: '17nbist_ashbyhq', jobPath: '/ramp/cc0af88a-2a19-493d-93cf-c5090f986f1f',
    pagePath: '/ramp/cc0af88a-2a19-493d-93cf-c5090f986f1f/application',
    // No form element at all: the submit button's click handler posts.
    shim: { scope: '#form', trigger: '.ashby-application-form-submit-button' },
  },
});

/**
 * The pages written here, on the classic Greenhouse host (its jar is the greenhouse.io one).
 * The plain form is at any `/initech/plain/N`: one posting each, as a posting is applied to once.
 */
export const EXTRA_HOST = 'boards.greenhouse.io';
const PLAIN = /^\/initech\/plain\/\d+$/;
export const EXTRA = Object.freeze({
  plain: '/initech/plain/1',
  captcha: '/initech/jobs/4001',
  exfiltration: '/initech/jobs/4002',
  hidden: '/initech/jobs/4003',
  challenge: '/initech/jobs/4004',
});

/**
 * The live React fixtures of tests/react-form (built into tests/output/react-form by
 * tests/run-e2e), served as static files under /react/: the wizard on a Workday-style tenant
 * host, and a company's careers page that embeds the Greenhouse board's form in an iframe
 * from job-boards.greenhouse.io. No wall: the careers page is the company's public site, and
 * the board's embedded form is public as Greenhouse's are.
 */
export const REACT_FORM_DIR = join(root, 'tests', 'output', 'react-form');
export const WIZARD_HOST = 'globex.wd5.myworkdayjobs.com';
export const CAREERS_HOST = 'careers.globex.example';
const REACT_HOSTS = [WIZARD_HOST, CAREERS_HOST, VENDORS.greenhouse.host];
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css' };

export const HOSTS = [...new Set([...Object.values(VENDORS).map((v) => v.host), EXTRA_HOST, WIZARD_HOST, CAREERS_HOST])];

/**
 * The n-th posting of a vendor's form (n > 1: `/gitlab-2/jobs/…`), each its own posting, as a
 * posting is applied to once; the server serves them all the same page.
 */
const variant = (path, n) => (n > 1 ? path.replace(/^\/([^/]+)/, `/$1-${n}`) : path);
const original = (path) => path.replace(/^\/([^/]+)-\d+\//, '/$1/');

const vendorOfHost = (host) => Object.entries(VENDORS)
  .find(([, v]) => host === v.host || host.endsWith(`.${v.domain}`) || host === v.domain)?.[0];

/** A CA and a leaf for every host, signed by it; `{caPem, caFile, key, cert}` (PEM strings). */
async function makeCertificates(dir) {
  const at = (name) => join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await run('openssl', ['req', '-x509', ...ec, '-subj', '/CN=AutoResume test CA', '-days', '1',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout', at('ca.key'), '-out', at('ca.pem')]);
  await run('openssl', ['req', ...ec, '-subj', `/CN=${HOSTS[0]}`, '-keyout', at('leaf.key'), '-out', at('leaf.csr')]);
  await writeFile(at('leaf.ext'), [
    'basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=serverAuth',
    `subjectAltName=${HOSTS.map((h) => `DNS:${h}`).join(',')}`,
  ].join('\n'));
  await run('openssl', ['x509', '-req', '-in', at('leaf.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'),
    '-CAcreateserial', '-days', '1', '-extfile', at('leaf.ext'), '-out', at('leaf.pem')]);
  const spki = await run('sh', ['-c', `openssl x509 -in "${at('leaf.pem')}" -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64`]);
  return {
    caFile: at('ca.pem'),
    caPem: await readFile(at('ca.pem'), 'utf8'),
    key: await readFile(at('leaf.key')),
    cert: await readFile(at('leaf.pem'), 'utf8'),
    spki: spki.stdout.trim(),
  };
}

/** Cookie header → `{name: value}`. */
function parseCookies(header = '') {
  return Object.fromEntries(header.split(';').map((p) => p.trim()).filter(Boolean).map((p) => {
    const at = p.indexOf('=');
    return [p.slice(0, at), p.slice(at + 1)];
  }));
}

async function readBody(request) {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A POST body (multipart or urlencoded, or JSON as sent) → `{fields: {name: value | [values]}, files}`. */
async function parseForm(request, body) {
  const fields = {};
  const files = [];
  const type = request.headers['content-type'] ?? '';
  if (type.startsWith('application/json')) return { fields: JSON.parse(body.toString('utf8')), files };
  if (!/multipart\/form-data|application\/x-www-form-urlencoded/.test(type)) return { fields, files, raw: body };
  const form = await new Request('https://fixture.invalid/', { method: 'POST', headers: { 'content-type': type }, body }).formData();
  for (const [name, value] of form) {
    if (typeof value === 'string') {
      fields[name] = name in fields ? [fields[name]].flat().concat(value) : value;
    } else {
      files.push({ field: name, name: value.name, type: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
    }
  }
  return { fields, files };
}

/** A loopback HTTP server that only records what reaches it: `{port, requests, close}`. */
async function startProbe() {
  const requests = [];
  const server = createHttpServer((request, response) => {
    requests.push({ method: request.method, url: request.url, host: request.headers.host });
    response.end('probe');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: server.address().port, requests, close: () => new Promise((resolve) => server.close(resolve)) };
}

export class AtsSite extends EventEmitter {
  /**
   * Starts the server (and the loopback probe). The vendors' saved pages come from the test
   * corpus; without it (`corpusDir()` null) they answer 404 and the rest is served as usual.
   */
  static async start() {
    const corpus = corpusDir();
    const dir = await mkdtemp(join(tmpdir(), 'autoresume-ats-'));
    const site = new AtsSite(dir, await makeCertificates(dir), await startProbe());
    site.pages = new Map();
    for (const [name, vendor] of Object.entries(corpus === null ? {} : VENDORS)) {
      const html = await readFile(join(corpus, 'ats_forms_real', `${vendor.saved}.html`), 'utf8');
      site.pages.set(name, AtsSite.withShim(html, vendor.shim));
    }
    site.hiddenFields = await readFile(join(root, 'tests', 'e2e', 'fixtures', 'hidden-fields.html'), 'utf8');
    const { key, cert, caPem } = site.tls;
    site.server = createServer({ key, cert: cert + caPem }, (request, response) => {
      site.handle(request, response).catch((error) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(String(error));
      });
    });
    await new Promise((resolve) => site.server.listen(0, '127.0.0.1', resolve));
    site.port = site.server.address().port;
    return site;
  }

  /** The saved page with the submit shim before its last `</body>`; nothing else changes. */
  static withShim(html, shim) {
    const at = html.lastIndexOf('</body>');
    if (at < 0) throw new Error('a saved page without </body>');
    return html.slice(0, at) + shimTag(shim) + html.slice(at);
  }

  constructor(dir, tls, probe) {
    super();
    this.dir = dir;
    this.tls = tls;
    this.probe = probe;
    /** Every request: `{method, host, path, query, cookies, signedIn}`. */
    this.requests = [];
    /** Every POST except the sign-in form's (see the header). */
    this.submissions = [];
    this.sessions = new Map();
    this.held = null;
  }

  get caPem() { return this.tls.caPem; }
  get caFile() { return this.tls.caFile; }
  /** base64 SHA-256 of the leaf's public key (Chromium's --ignore-certificate-errors-spki-list). */
  get spki() { return this.tls.spki; }
  get hosts() { return HOSTS; }

  /**
   * `https://host/path` of a vendor's posting (what a request names), of an extra page, of the
   * React wizard (`wizard`) or of the careers page embedding the board's form (`embedded`);
   * `plain` takes a number (one posting each).
   */
  jobUrl(name, n = 1) {
    if (VENDORS[name]) return `https://${VENDORS[name].host}${variant(VENDORS[name].jobPath, n)}`;
    if (name === 'wizard') return `https://${WIZARD_HOST}/react/wizard.html`;
    if (name === 'embedded') {
      const board = `https://${VENDORS.greenhouse.host}/react/embed/job_app.html?for=globex&token=4012`;
      return `https://${CAREERS_HOST}/react/careers/job.html?board=${encodeURIComponent(board)}`;
    }
    if (name === 'plain') return `https://${EXTRA_HOST}/initech/plain/${n}`;
    return `https://${EXTRA_HOST}${EXTRA[name]}`;
  }

  /** The application page's URL (where the form is). */
  pageUrl(name, n = 1) {
    if (VENDORS[name]) return `https://${VENDORS[name].host}${variant(VENDORS[name].pagePath, n)}`;
    return this.jobUrl(name, n);
  }

  /** Chromium's --host-resolver-rules value mapping every host here to the server. */
  resolverRules() {
    return HOSTS.map((host) => `MAP ${host} 127.0.0.1:${this.port}`).join(',');
  }

  /**
   * A new session on `vendor`'s domain and the cookies a browser holds once signed in, as
   * `chrome.cookies.getAll` gives them (what the extension seals): `{platform, cookies}`.
   * `expired`: the site already ended the session (the cookie is still in the jar).
   */
  issueCookies(vendor, { expired = false } = {}) {
    const { domain, cookie, host } = VENDORS[vendor];
    const value = this.newSession(domain, expired ? -60 : 30 * DAY);
    const hostOnly = domain === host;
    const expirationDate = Math.floor(Date.now() / 1000) + 30 * DAY;
    const browserCookie = (name, v, httpOnly) => ({
      domain: hostOnly ? domain : `.${domain}`, hostOnly, httpOnly, name, path: '/', sameSite: 'lax',
      secure: true, session: false, expirationDate, storeId: '0', value: v,
    });
    return {
      platform: `custom:${domain}`,
      cookies: [browserCookie(cookie, value, true), browserCookie('ats_locale', 'en-US', false)],
      session: value,
    };
  }

  newSession(domain, lifetimeSecs) {
    const value = randomBytes(18).toString('base64url');
    this.sessions.set(value, { domain, expiresAt: Date.now() + lifetimeSecs * 1000 });
    return value;
  }

  /** Whether the request carries a live session of the host's vendor. */
  signedIn(host, cookies) {
    const vendor = VENDORS[vendorOfHost(host)];
    const session = vendor && this.sessions.get(cookies[vendor.cookie]);
    return Boolean(session && session.domain === vendor.domain && session.expiresAt > Date.now());
  }

  /**
   * Holds every submission from now on (recorded at once, answered later); returns the
   * function that answers them all.
   */
  holdSubmissions() {
    let release;
    const gate = new Promise((resolve) => { release = resolve; });
    this.held = gate;
    this.release = () => {
      if (this.held === gate) this.held = null;
      release();
    };
    return this.release;
  }

  /** The application page on `host` at `path`, or null. */
  applicationPage(host, path) {
    const vendor = Object.entries(VENDORS).find(([, v]) => v.host === host && v.pagePath === path);
    if (vendor) return this.pages.get(vendor[0]) ?? null;
    if (host !== EXTRA_HOST) return null;
    if (PLAIN.test(path)) return plainPage();
    if (path === EXTRA.captcha) return captchaPage();
    if (path === EXTRA.exfiltration) return exfiltrationPage(this.probe.port);
    if (path === EXTRA.hidden) return this.hiddenFields;
    if (path === EXTRA.challenge) return challengePage();
    return null;
  }

  async handle(request, response) {
    const host = (request.headers.host ?? '').replace(/:\d+$/, '');
    const url = new URL(request.url, `https://${host}`);
    const path = url.pathname.replace(/\/$/, '') || '/';
    const route = original(path);
    const cookies = parseCookies(request.headers.cookie);
    const signedIn = this.signedIn(host, cookies);
    this.requests.push({ method: request.method, host, path, query: url.search, cookies, signedIn });

    if (request.method === 'POST' && path === '/sign-in') {
      const { fields } = await parseForm(request, await readBody(request));
      const vendor = VENDORS[vendorOfHost(host)];
      if (!vendor || !fields.password) return this.send(response, 401, signInPage(fields.next ?? '/'));
      const value = this.newSession(vendor.domain, 30 * DAY);
      const scope = vendor.domain === vendor.host ? '' : `; Domain=.${vendor.domain}`;
      response.writeHead(303, {
        location: String(fields.next || '/'),
        'set-cookie': [`${vendor.cookie}=${value}${scope}; Path=/; Max-Age=${30 * DAY}; Secure; HttpOnly; SameSite=Lax`],
      });
      return response.end();
    }
    if (request.method === 'POST') return this.submit(request, response, { host, path, cookies, signedIn });
    if (path === '/sign-in') return this.send(response, 200, signInPage(url.searchParams.get('next') ?? '/'));
    if (path === '/__beacon') {
      this.emit('beacon', { host, phase: url.searchParams.get('phase') });
      return this.send(response, 204, '');
    }
    if (/\/(confirmation|thanks)$/.test(path)) return this.send(response, 200, confirmationPage());
    if (path.startsWith('/react/') && REACT_HOSTS.includes(host)) return this.reactFile(response, host, path);
    const posting = Object.values(VENDORS).find((v) => v.host === host && v.jobPath === route && v.pagePath !== route);
    if (posting) return this.send(response, 200, postingPage(`Job at ${posting.saved}`, `${path}${posting.pagePath.slice(posting.jobPath.length)}`));
    const html = this.applicationPage(host, route);
    if (html === null) return this.send(response, 404, 'not here');
    if (!signedIn) {
      response.writeHead(302, { location: `/sign-in?next=${encodeURIComponent(path)}` });
      return response.end();
    }
    this.emit('page', { host, path, cookies });
    return this.send(response, 200, html);
  }

  async submit(request, response, { host, path, cookies, signedIn }) {
    const body = await readBody(request);
    const submission = {
      method: request.method, host, path, headers: request.headers, cookies, signedIn,
      ...(await parseForm(request, body)), at: Date.now(),
    };
    this.submissions.push(submission);
    this.emit('submission', submission);
    if (this.held) await this.held;
    // The React fixtures' forms are public (see REACT_FORM_DIR); every other form needs a session.
    const open = path === '/applications' && REACT_HOSTS.includes(host);
    if (!signedIn && !open) {
      response.writeHead(303, { location: `/sign-in?next=${encodeURIComponent(path)}` });
      return response.end();
    }
    const done = host === VENDORS.lever.host ? 'thanks' : 'confirmation';
    response.writeHead(303, { location: `${path.replace(/\/(apply|application)$/, '')}/${done}` });
    return response.end();
  }

  /** A file of the React fixtures' build (tests/run-e2e builds it). */
  async reactFile(response, host, path) {
    const relative = normalize(path.slice('/react/'.length));
    if (relative.startsWith('..')) return this.send(response, 404, 'not here');
    let body;
    try {
      body = await readFile(join(REACT_FORM_DIR, relative));
    } catch {
      return this.send(response, 404, 'not here (is tests/output/react-form built?)');
    }
    if (extname(relative) === '.html') this.emit('page', { host, path, cookies: {} });
    response.writeHead(200, { 'content-type': TYPES[extname(relative)] ?? 'application/octet-stream' });
    return response.end(body);
  }

  send(response, status, body) {
    response.writeHead(status, HTML);
    response.end(body);
  }

  async stop() {
    this.release?.();
    this.server.closeAllConnections?.();
    await new Promise((resolve) => this.server.close(resolve));
    await this.probe.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** A submission's fields that hold something (an untouched control posts an empty string). */
export function answered(submission) {
  return Object.fromEntries(Object.entries(submission.fields).filter(([, value]) => value !== ''));
}
