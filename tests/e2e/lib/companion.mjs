// A real companion per test file: its own data directory, port 0, stopped with SIGTERM.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { companionBin, dist } from './paths.mjs';
import { waitForLine } from './wait.mjs';

const run = promisify(execFile);

export class Companion {
  static async start({ bind = '127.0.0.1:0' } = {}) {
    const dataDir = await mkdtemp(join(tmpdir(), 'autoresume-e2e-'));
    const companion = new Companion(dataDir);
    await companion.serve(bind);
    return companion;
  }

  constructor(dataDir) {
    this.dataDir = dataDir;
    // The master key would otherwise land in ~/.config; the dashboard seals with the built core.
    this.env = {
      ...process.env,
      COMPANION_DATA_DIR: dataDir,
      COMPANION_MASTER_KEY_FILE: join(dataDir, 'master.key'),
      COMPANION_WASM_DIR: join(dist, 'chrome', 'pkg'),
    };
    this.log = [];
  }

  async serve(bind) {
    this.process = spawn(companionBin, ['serve'], {
      env: { ...this.env, COMPANION_BIND: bind },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process.stderr.setEncoding('utf8');
    this.process.stderr.on('data', (chunk) => this.log.push(chunk));
    this.exited = new Promise((resolve) => this.process.once('exit', resolve));
    const started = waitForLine(this.process.stdout, /listening on (http:\/\/[^\s]+)/, { what: 'the companion to listen' });
    const [, url] = await Promise.race([
      started,
      this.exited.then((code) => { throw new Error(`companion exited (${code}): ${this.log.join('')}`); }),
    ]);
    this.process.stdout.resume();
    this.url = url.replace(/\/$/, '');
  }

  async cli(args, input) {
    const child = run(companionBin, args, { env: this.env });
    if (input !== undefined) child.child.stdin.end(input);
    const { stdout } = await child;
    return stdout;
  }

  addUser(name, password) {
    return this.cli(['user', 'add', name, '--password-stdin'], `${password}\n`);
  }

  async pairingCode(user) {
    const out = await this.cli(['pair', '--user', user]);
    const match = out.match(/Pairing code:\s*([0-9A-Z]{4}-[0-9A-Z]{5}-[0-9A-Z]{5})/);
    if (!match) throw new Error(`no pairing code in: ${out}`);
    return match[1];
  }

  /** Pairs a device through the API, as the popup does: `{token, user, identity}`. */
  async pairDevice(user, deviceName = 'e2e') {
    const response = await fetch(`${this.url}/api/v1/pair`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: await this.pairingCode(user), deviceName }),
    });
    if (!response.ok) throw new Error(`pairing failed: HTTP ${response.status} ${await response.text()}`);
    return response.json();
  }

  /** `companion vault check` output; names and count, never values. */
  vaultCheck(user, platform) {
    return this.cli(['vault', 'check', '--user', user, '--platform', platform]);
  }

  async stop() {
    if (this.process && this.process.exitCode === null && this.process.signalCode === null) {
      this.process.kill('SIGTERM');
      const timer = setTimeout(() => this.process.kill('SIGKILL'), 10000);
      await this.exited;
      clearTimeout(timer);
    }
    await rm(this.dataDir, { recursive: true, force: true });
  }
}
