// The local server of the application forms the e2e tests fill (and the assist's benchmark):
//   GET  /forms/NAME.html      the saved real and synthetic pages (shared/tests/forms), script-free
//   GET  /fixtures/NAME.html   tests/e2e/fixtures, script-free
//   GET  /react/...            tests/output/react-form, the vite build of tests/react-form
//                              (tests/run-e2e builds it):
//        /react/index.html          one-page React form
//        /react/wizard.html         React wizard: 3 steps + Review; Submit POSTs JSON to /applications
//        /react/careers/job.html    careers page embedding the board's form in an iframe from
//                                   another origin (?board=URL, else this server under the other
//                                   loopback name: 127.0.0.1 <-> localhost)
//        /react/embed/job_app.html  the embedded board's form; posts multipart to /applications
//   POST /applications         records the application (JSON or form data) and thanks for it
// It listens on 127.0.0.1 (or `host`); the same port answers as http://localhost:PORT too, another origin.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { root } from './paths.mjs';

const FIXTURES = join(root, 'tests', 'e2e', 'fixtures');
export const REACT_FORM_DIR = join(root, 'tests', 'output', 'react-form');
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css' };
// Saved pages stay the static DOM they were saved as (their scripts would only fail to reach
// their servers) and load nothing from elsewhere; no form of theirs can post anywhere.
const SAVED_PAGE_CSP = "default-src 'self' data: 'unsafe-inline'; script-src 'none'; form-action 'none'";
const THANKS = '<!doctype html><meta charset="utf-8"><title>Application received</title><h1>Thank you for applying</h1>';

async function body(request) {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** An application's fields: JSON as sent, form data as an object of strings and `{name, size, type, bytes}` files. */
async function parsed(type, bytes) {
  if (type.startsWith('application/json')) return JSON.parse(bytes.toString('utf8'));
  const data = await new Response(bytes, { headers: { 'Content-Type': type } }).formData();
  const fields = {};
  for (const [name, value] of data) {
    fields[name] = typeof value === 'string' ? value
      : { name: value.name, size: value.size, type: value.type, bytes: Buffer.from(await value.arrayBuffer()) };
  }
  return fields;
}

async function staticFile(pathname, savedPages) {
  const saved = /^\/forms\/([\w.-]+)\.html$/.exec(pathname);
  const fixture = /^\/fixtures\/([\w-]+\.html)$/.exec(pathname);
  if (saved && savedPages.has(saved[1])) return { file: savedPages.get(saved[1]), headers: { 'Content-Security-Policy': SAVED_PAGE_CSP } };
  if (fixture) return { file: join(FIXTURES, fixture[1]), headers: { 'Content-Security-Policy': SAVED_PAGE_CSP } };
  if (pathname.startsWith('/react/')) {
    const relative = normalize(pathname.slice('/react/'.length) || 'index.html');
    if (relative.startsWith('..')) throw new Error('outside');
    return { file: join(REACT_FORM_DIR, relative), headers: {} };
  }
  throw new Error('unknown');
}

/**
 * Starts the server on `host` (a loopback address); `savedPages` maps a saved page's name to its file. Every request is
 * recorded (`requests`: method, path, host), so a test can tell that nothing was submitted;
 * each application too (`applications`: host, origin, fields). Returns
 * `{ url, embedUrl, requests, applications, close }`; `embedUrl` is the same server as another origin.
 */
export async function startFormServer(savedPages = new Map(), { host = '127.0.0.1' } = {}) {
  const requests = [];
  const applications = [];
  const server = createServer(async (request, response) => {
    const { pathname } = new URL(request.url, 'http://localhost');
    requests.push({ method: request.method, path: pathname, host: request.headers.host });
    try {
      if (request.method === 'POST' && pathname === '/applications') {
        const type = request.headers['content-type'] ?? '';
        const fields = await parsed(type, await body(request));
        applications.push({ host: request.headers.host, origin: request.headers.origin ?? null, fields });
        const json = type.startsWith('application/json');
        response.writeHead(200, { 'Content-Type': json ? 'application/json' : TYPES['.html'] });
        response.end(json ? JSON.stringify({ ok: true }) : THANKS);
        return;
      }
      if (request.method !== 'GET') throw new Error('read-only');
      const { file, headers } = await staticFile(pathname, savedPages);
      const content = await readFile(file);
      response.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', ...headers });
      response.end(content);
    } catch {
      response.writeHead(404, { 'Content-Type': 'text/plain' });
      response.end('not here');
    }
  });
  await new Promise((resolve) => server.listen(0, host, resolve));
  const { port } = server.address();
  return {
    url: `http://${host}:${port}`,
    embedUrl: `http://localhost:${port}`,
    requests,
    applications,
    // A browser's spare connections (opened ahead, no request yet) would hold close() for minutes.
    close: () => new Promise((resolve) => {
      server.close(resolve);
      server.closeAllConnections();
    }),
  };
}
