// A local HTTPS "www.linkedin.com" that sets session cookies; browsers map the real host name
// to it. The certificate is made per run with openssl and is valid for one day.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const HOSTS = ['www.linkedin.com', 'linkedin.com'];
const DAY = 86400;

// Two session cookies (li_at expires first, in two days) and one the vault must leave behind.
const COOKIES = [
  `li_at=e2e-li-at-value; Domain=.linkedin.com; Path=/; Max-Age=${2 * DAY}; Secure; HttpOnly; SameSite=None`,
  `JSESSIONID="ajax:e2e"; Domain=.linkedin.com; Path=/; Max-Age=${30 * DAY}; Secure; SameSite=None`,
  `lang=v=2&lang=en-us; Domain=.linkedin.com; Path=/; Secure; SameSite=None`,
];

export class FakeSite {
  static async start() {
    const dir = await mkdtemp(join(tmpdir(), 'autoresume-site-'));
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-subj', '/CN=www.linkedin.com', '-addext', `subjectAltName=${HOSTS.map((h) => `DNS:${h}`).join(',')}`,
      '-days', '1', '-keyout', key, '-out', cert]);
    const server = createServer({ key: await readFile(key), cert: await readFile(cert) }, (req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'set-cookie': COOKIES });
      res.end('<!doctype html><title>LinkedIn (test)</title><h1>Signed in (test site)</h1>');
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    return Object.assign(new FakeSite(), { dir, server, port: server.address().port });
  }

  async stop() {
    await new Promise((resolve) => this.server.close(resolve));
    await rm(this.dir, { recursive: true, force: true });
  }
}
