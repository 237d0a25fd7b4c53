// Just enough W3C WebDriver over HTTP to drive Firefox through geckodriver (no Selenium).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait.mjs';

function geckodriverPath() {
  if (process.env.GECKODRIVER) return process.env.GECKODRIVER;
  const cargoBin = join(homedir(), '.cargo/bin/geckodriver');
  return existsSync(cargoBin) ? cargoBin : 'geckodriver';
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    }).on('error', reject);
  });
}

export class Gecko {
  static async start(capabilities) {
    const port = await freePort();
    const driver = spawn(geckodriverPath(), ['--host', '127.0.0.1', '--port', String(port)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    driver.stderr.resume();
    const gecko = new Gecko(driver, `http://127.0.0.1:${port}`);
    await waitFor(async () => (await gecko.request('GET', '/status')).ready, { what: 'geckodriver' });
    const { sessionId } = await gecko.request('POST', '/session', { capabilities: { alwaysMatch: capabilities } });
    gecko.session = `/session/${sessionId}`;
    return gecko;
  }

  constructor(driver, base) {
    this.driver = driver;
    this.base = base;
  }

  async request(method, path, body) {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const { value } = await response.json();
    if (!response.ok) throw new Error(`WebDriver ${method} ${path}: ${value?.error}: ${value?.message}`);
    return value;
  }

  command(method, path, body) {
    return this.request(method, `${this.session}${path}`, body);
  }

  installAddon(path) {
    return this.command('POST', '/moz/addon/install', { path, temporary: true });
  }

  navigate(url) {
    return this.command('POST', '/url', { url });
  }

  /** Runs `script` (a function body) in the current page; a returned promise is awaited. */
  execute(script, ...args) {
    return this.command('POST', '/execute/sync', { script, args });
  }

  async find(css) {
    const element = await this.command('POST', '/element', { using: 'css selector', value: css });
    return Object.values(element)[0];
  }

  async type(css, text) {
    const id = await this.find(css);
    await this.command('POST', `/element/${id}/clear`, {});
    await this.command('POST', `/element/${id}/value`, { text });
  }

  async click(css) {
    await this.command('POST', `/element/${await this.find(css)}/click`, {});
  }

  async screenshot(css) {
    const png = await this.command('GET', `/element/${await this.find(css)}/screenshot`);
    return Buffer.from(png, 'base64');
  }

  async newTab() {
    const { handle } = await this.command('POST', '/window/new', { type: 'tab' });
    return handle;
  }

  async currentTab() {
    return this.command('GET', '/window');
  }

  switchTo(handle) {
    return this.command('POST', '/window', { handle });
  }

  /** Makes the iframe `css` of the current page the one commands go to. */
  async switchToFrame(css) {
    const frame = await this.command('POST', '/element', { using: 'css selector', value: css });
    return this.command('POST', '/frame', { id: frame });
  }

  /** Commands go to the top page again. */
  switchToTop() {
    return this.command('POST', '/frame', { id: null });
  }

  /** Waits until the text of `css` in the current page contains `text`. */
  waitForText(css, text, options = {}) {
    return waitFor(
      () => this.execute('return document.querySelector(arguments[0])?.textContent ?? ""', css)
        .then((shown) => shown.includes(text)),
      { what: `"${text}" in ${css}`, ...options },
    );
  }

  async quit() {
    if (this.session) await this.command('DELETE', '').catch(() => {});
    this.driver.kill('SIGTERM');
  }
}
