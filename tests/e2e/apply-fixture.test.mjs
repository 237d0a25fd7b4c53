// The ATS fixture on its own (lib/ats-site.mjs), in plain headless Chromium with its host
// names mapped to the fixture: the certificate chains to the test CA, the login wall stands
// without the session cookies and opens with them, each vendor's saved form submits through
// its shim and the submission is recorded as sent, and the exfiltration page really reaches
// for loopback when nothing stops it (what the headless apply's tests rely on).
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, describe, test } from 'node:test';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { AtsSite, EXTRA, EXTRA_HOST, VENDORS, answered } from './lib/ats-site.mjs';
import { corpusDir } from './lib/corpus.mjs';
import { RESUME_NAME, RESUME_PDF } from './lib/assist.mjs';
import { waitFor } from './lib/wait.mjs';

const corpus = corpusDir();

/** One HTTPS GET to the fixture as `host`, checked against `ca`: `{status, headers, body}`. */
function get(site, host, path, { ca = site.caPem, cookie } = {}) {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port: site.port, servername: host, path, ca: ca ?? undefined,
      headers: { host, ...(cookie ? { cookie } : {}) },
      // No TLS session kept between calls: each one checks the chain.
      agent: false,
    }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => { body += chunk; });
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const cookieHeader = (jar) => jar.cookies.map((c) => `${c.name}=${c.value}`).join('; ');

describe('the ATS fixture site', { skip: corpus === null }, () => {
  let site;
  let browser;
  let context;

  before(async () => {
    site = await AtsSite.start();
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic',
        `--host-resolver-rules=${site.resolverRules()}`,
        // Trusts the fixture's leaf only (the CA itself is checked over TLS below).
        `--ignore-certificate-errors-spki-list=${site.spki}`],
    });
  });

  after(async () => {
    await browser?.close();
    await site?.stop();
  });

  const fresh = async () => {
    await context?.close();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    return context.newPage();
  };

  test('the certificate chains to the test CA for every host, and to nothing else', async () => {
    for (const host of site.hosts) {
      const { status } = await get(site, host, '/sign-in');
      assert.equal(status, 200, host);
    }
    await assert.rejects(get(site, VENDORS.lever.host, '/sign-in', { ca: null }), /self-signed certificate in certificate chain/);
  });

  test('the saved pages are served unchanged but for the submit script', async () => {
    for (const [name, vendor] of Object.entries(VENDORS)) {
      const jar = site.issueCookies(name);
      const { status, body } = await get(site, vendor.host, vendor.pagePath, { cookie: cookieHeader(jar) });
      assert.equal(status, 200, name);
      const saved = await readFile(join(corpus, 'ats_forms_real', `${vendor.saved}.html`), 'utf8');
      const shim = body.match(/<script>\/\* autoresume test fixture: submit shim[^]*?<\/script>/);
      assert.ok(shim, `${name}: the shim is there`);
      assert.equal(body.replace(shim[0], ''), saved, name);
      assert.equal(body.lastIndexOf('</body>'), shim.index + shim[0].length, `${name}: right before </body>`);
    }
  });

  test('without a session, or with an expired one, an application page redirects to a sign-in page', async () => {
    for (const [name, vendor] of Object.entries(VENDORS)) {
      const none = await get(site, vendor.host, vendor.pagePath);
      assert.equal(none.status, 302, name);
      assert.match(none.headers.location, /^\/sign-in\?next=/);
      const expired = await get(site, vendor.host, vendor.pagePath, { cookie: cookieHeader(site.issueCookies(name, { expired: true })) });
      assert.equal(expired.status, 302, `${name} expired`);
    }
    // Another vendor's session does not open the door.
    const other = await get(site, VENDORS.ashby.host, VENDORS.ashby.pagePath, { cookie: cookieHeader(site.issueCookies('lever')).replace('lever-session', 'ashby_session_token') });
    assert.equal(other.status, 302);
    const page = await fresh();
    await page.goto(site.pageUrl('greenhouse'));
    assert.match(new URL(page.url()).pathname, /^\/sign-in$/);
    assert.equal(await page.locator('input[type=password]').count(), 1);
  });

  test('signing in sets the session cookie on the vendor\'s domain and opens the page', async () => {
    const page = await fresh();
    await page.goto(site.pageUrl('greenhouse'));
    await page.fill('#username', 'ada@example.org');
    await page.fill('#password', 'secret');
    await Promise.all([page.waitForURL(site.pageUrl('greenhouse')), page.click('button[type=submit]')]);
    await page.locator('#application-form').waitFor();
    const [cookie] = await context.cookies(site.pageUrl('greenhouse'));
    assert.equal(cookie.name, VENDORS.greenhouse.cookie);
    assert.equal(cookie.domain, '.greenhouse.io');
    // The same jar opens the classic host's pages too.
    await page.goto(site.jobUrl('hidden'));
    assert.equal(new URL(page.url()).pathname, EXTRA.hidden);
  });

  /** A context holding `vendor`'s issued jar, on its application page. */
  async function signedIn(vendor, pageName = vendor) {
    const page = await fresh();
    const jar = site.issueCookies(vendor);
    await context.addCookies(jar.cookies.map(({ name, value, domain, path, secure, httpOnly, expirationDate }) => ({
      name, value, domain, path, secure, httpOnly, expires: expirationDate, sameSite: 'Lax',
    })));
    await page.goto(site.pageUrl(pageName));
    assert.equal(new URL(page.url()).pathname, new URL(site.pageUrl(pageName)).pathname, 'no sign-in wall');
    return { page, jar };
  }

  async function submitted(page, jar, click) {
    const before = site.submissions.length;
    await click();
    await page.getByText('Thank you for applying').waitFor();
    assert.equal(site.submissions.length, before + 1, 'one submission');
    const submission = site.submissions.at(-1);
    assert.equal(submission.method, 'POST');
    assert.equal(submission.cookies[jar.cookies[0].name], jar.session, 'the session cookie was sent');
    assert.ok(submission.signedIn);
    const [file] = submission.files;
    assert.equal(file.name, RESUME_NAME);
    assert.ok(file.bytes.equals(RESUME_PDF), 'the file bytes as attached');
    return submission;
  }

  const resume = { name: RESUME_NAME, mimeType: 'application/pdf', buffer: RESUME_PDF };

  test('Greenhouse (React method="get" form): the shim posts the controls as filled', async () => {
    const { page, jar } = await signedIn('greenhouse');
    await page.fill('#first_name', 'Ada');
    await page.fill('#last_name', 'Lovelace');
    await page.fill('#email', 'ada@example.org');
    await page.fill('#country', 'United Kingdom');
    await page.setInputFiles('#resume', resume);
    const submission = await submitted(page, jar, () => page.click('button[type=submit]'));
    assert.equal(submission.host, VENDORS.greenhouse.host);
    assert.equal(submission.path, VENDORS.greenhouse.pagePath);
    assert.deepEqual(answered(submission), { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.org', country: 'United Kingdom' });
    assert.deepEqual(submission.files.map((f) => f.field), ['resume']);
  });

  test('Lever (type="button" submit): the shim posts names, radios and the file', async () => {
    const { page, jar } = await signedIn('lever');
    await page.fill('input[name="name"]', 'Ada Lovelace');
    await page.fill('input[name="email"]', 'ada@example.org');
    await page.setInputFiles('#resume-upload-input', resume);
    const radio = 'input[type="radio"][name="cards[640b020b-9197-4ade-81af-96a527e61a1d][field2]"]';
    const value = await page.locator(radio).first().getAttribute('value');
    await page.locator(radio).first().check({ force: true });
    const submission = await submitted(page, jar, () => page.click('[data-qa="btn-submit"]'));
    assert.equal(submission.path, VENDORS.lever.pagePath);
    assert.deepEqual(answered(submission), {
      name: 'Ada Lovelace', email: 'ada@example.org', 'cards[640b020b-9197-4ade-81af-96a527e61a1d][field2]': value,
    });
    assert.equal(new URL(page.url()).pathname, `${VENDORS.lever.jobPath}/thanks`);
  });

  test('Ashby (no form element): the shim posts the fields and the yes/no button clicked', async () => {
    const { page, jar } = await signedIn('ashby');
    await page.fill('#_systemfield_name', 'Ada Lovelace');
    await page.fill('#_systemfield_email', 'ada@example.org');
    await page.setInputFiles('#_systemfield_resume', resume);
    const entry = page.locator('[data-field-path="b28f8143-f219-4f61-9216-dab364f689c9"]');
    await entry.locator('button', { hasText: 'No' }).click();
    const submission = await submitted(page, jar, () => page.click('.ashby-application-form-submit-button'));
    assert.deepEqual(answered(submission), {
      _systemfield_name: 'Ada Lovelace', _systemfield_email: 'ada@example.org', 'b28f8143-f219-4f61-9216-dab364f689c9': 'No',
    });
    assert.deepEqual(submission.files.map((f) => f.field), ['_systemfield_resume']);
  });

  test('a held submission is recorded at once and answered only when released', async () => {
    const { page, jar } = await signedIn('greenhouse');
    await page.fill('#first_name', 'Ada');
    await page.setInputFiles('#resume', resume);
    const release = site.holdSubmissions();
    const before = site.submissions.length;
    const arrived = new Promise((resolve) => site.once('submission', resolve));
    await page.click('button[type=submit]');
    await arrived;
    assert.equal(site.submissions.length, before + 1);
    assert.equal(await page.getByText('Thank you for applying').count(), 0, 'no answer while held');
    release();
    await page.getByText('Thank you for applying').waitFor();
    assert.equal(site.submissions.at(-1).cookies[VENDORS.greenhouse.cookie], jar.session);
  });

  test('the exfiltration page reaches the loopback probe when nothing stops it', async () => {
    const beacons = [];
    const onBeacon = (beacon) => beacons.push(beacon.phase);
    site.on('beacon', onBeacon);
    try {
      const { page } = await signedIn('greenhouse', 'exfiltration');
      await waitFor(() => beacons.includes('load'), { what: 'the page script to run' });
      await page.fill('#first_name', 'Ada');
      await waitFor(() => beacons.includes('input'), { what: 'the input-time attempt' });
      await waitFor(() => ['fetch', 'image', 'frame'].every((kind) => site.probe.requests
        .some((r) => r.url.startsWith(`/${kind}?phase=input`))), { what: 'every kind of request at the probe' });
    } finally {
      site.off('beacon', onBeacon);
    }
  });

  test('numbered postings of a vendor serve its page; the React wizard and the embedded board are public', async () => {
    const { status, body } = await get(site, VENDORS.lever.host, new URL(site.pageUrl('lever', 3)).pathname,
      { cookie: cookieHeader(site.issueCookies('lever')) });
    assert.equal(status, 200);
    assert.equal(body, site.pages.get('lever'));
    const page = await fresh();
    await page.goto(site.jobUrl('wizard'));
    await page.locator('#first_name').waitFor();
    await page.goto(site.jobUrl('embedded'));
    const frame = page.frameLocator('#grnhse_iframe');
    await frame.locator('#first_name').fill('Ada');
    await frame.locator('#resume').setInputFiles(resume);
    const before = site.submissions.length;
    await frame.locator('#submit_app').click();
    await frame.getByText('Thank you for applying').waitFor();
    const post = site.submissions.at(-1);
    assert.equal(site.submissions.length, before + 1);
    assert.equal(post.host, VENDORS.greenhouse.host);
    assert.equal(post.fields['job_application[first_name]'], 'Ada');
  });

  test('the captcha and hidden-field pages are behind the wall and hold what their checks need', async () => {
    const { page } = await signedIn('greenhouse', 'captcha');
    assert.equal(await page.locator('.g-recaptcha[data-sitekey]').isVisible(), true);
    await page.goto(`https://${EXTRA_HOST}${EXTRA.hidden}`);
    assert.equal(await page.locator('#h_display').count(), 1);
  });
});
