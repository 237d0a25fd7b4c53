// The built WASM core in Node seals a jar; the real companion (native Rust) opens it.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Companion } from './lib/companion.mjs';
import { dist } from './lib/paths.mjs';

const USER = 'alice';
const EXPORT = [
  '# Netscape HTTP Cookie File',
  '.linkedin.com\tTRUE\t/\tTRUE\t4000000000\tli_at\tnode-secret-a',
  '.linkedin.com\tTRUE\t/\tTRUE\t4000000000\tJSESSIONID\tnode-secret-b',
  '.linkedin.com\tTRUE\t/\tFALSE\t4000000000\tanalytics\tnot-kept',
].join('\n');

describe('WASM core in Node against a real companion', () => {
  let companion;
  let core;
  let paired;

  before(async () => {
    const pkg = join(dist, 'chrome', 'pkg');
    core = await import(join(pkg, 'extension_core.js'));
    core.initSync({ module: await readFile(join(pkg, 'extension_core_bg.wasm')) });
    companion = await Companion.start();
    await companion.addUser(USER, 'correct horse battery staple');
    paired = await companion.pairDevice(USER);
  });

  after(async () => {
    await companion?.stop();
  });

  async function api(path, init = {}) {
    return fetch(`${companion.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${paired.token}`, 'content-type': 'application/json', ...init.headers },
    });
  }

  async function sealed() {
    const signedKey = await (await api('/api/v1/vault/public-key')).json();
    return core.sealCookieExport({
      signedKey,
      pinnedIdentityKey: paired.identity.publicKey,
      userId: paired.user.id,
      platform: 'linkedin',
      exportText: EXPORT,
    });
  }

  test('a jar sealed in WASM is opened by `companion vault check`', async () => {
    const { envelope, metadata } = await sealed();
    assert.deepEqual(metadata.names, ['JSESSIONID', 'li_at']);
    assert.equal(metadata.count, 2);
    const response = await api('/api/v1/credentials/linkedin', { method: 'PUT', body: JSON.stringify({ envelope }) });
    assert.equal(response.status, 200, await response.clone().text());
    const out = await companion.vaultCheck(USER, 'linkedin');
    assert.match(out, /linkedin: 2 cookies/);
    assert.match(out, /^\s+li_at$/m);
    assert.match(out, /^\s+JSESSIONID$/m);
    assert.doesNotMatch(out, /node-secret/);
  });

  test('a tampered envelope is refused with 400', async () => {
    const { envelope } = await sealed();
    // A character in the ciphertext, away from the canonical-padding bits at the end.
    const at = envelope.length - 20;
    const tampered = envelope.slice(0, at) + (envelope[at] === 'A' ? 'B' : 'A') + envelope.slice(at + 1);
    const response = await api('/api/v1/credentials/linkedin', { method: 'PUT', body: JSON.stringify({ envelope: tampered }) });
    assert.equal(response.status, 400);
  });

  test('a key not signed by the pinned identity is refused, naming the presented fingerprint', async () => {
    const signedKey = await (await api('/api/v1/vault/public-key')).json();
    // As if the extension had paired with another companion.
    const pinnedElsewhere = Buffer.alloc(32, 7).toString('base64url');
    assert.throws(
      () => core.sealCookieExport({
        signedKey, pinnedIdentityKey: pinnedElsewhere, userId: paired.user.id, platform: 'linkedin', exportText: EXPORT,
      }),
      (error) => error.message.includes(paired.identity.fingerprint),
    );
  });
});
