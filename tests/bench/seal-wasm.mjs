// Sealing a 50-cookie jar with the built WASM core (as the extension ships it), in Node:
// median and p95 of 200 seals, and the gzipped size of the .wasm.
// Run: node tests/bench/seal-wasm.mjs   (after scripts/build-extension)
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { dist } from '../e2e/lib/paths.mjs';

const RUNS = 200;
const pkg = join(dist, 'chrome', 'pkg');
const core = await import(join(pkg, 'extension_core.js'));
const wasm = await readFile(join(pkg, 'extension_core_bg.wasm'));
core.initSync({ module: wasm });

// A throwaway identity and vault key, made with Node's crypto and signed as the companion does.
const { generateKeyPairSync, sign, createHash } = await import('node:crypto');
const identity = generateKeyPairSync('ed25519');
const raw = (key) => key.export({ format: 'jwk' }).x;
const vault = generateKeyPairSync('x25519');
const publicKey = raw(vault.publicKey);
const keyId = `x25519-${createHash('sha256').update('autoresume-vault-key-id/v1')
  .update(Buffer.from(publicKey, 'base64url')).digest().subarray(0, 12).toString('base64url')}`;
const userId = '1';
const statement = `autoresume-vault-public-key/v1\nuser:${userId}\nkey-id:${keyId}\nkey:${publicKey}\n`;
const signedKey = {
  userId, keyId, publicKey,
  signature: sign(null, Buffer.from(statement), identity.privateKey).toString('base64url'),
  identityKey: raw(identity.publicKey),
};

const expires = Math.floor(Date.now() / 1000) + 30 * 86400;
const cookies = Array.from({ length: 50 }, (_, i) => ({
  name: `TS${i}`, value: 'v'.repeat(120), domain: '.myworkdayjobs.com', path: '/',
  secure: true, httpOnly: true, hostOnly: false, session: false, expirationDate: expires,
  sameSite: 'no_restriction', storeId: '0',
}));
const request = { signedKey, pinnedIdentityKey: signedKey.identityKey, userId, platform: 'workday', cookies };
const count = core.sealBrowserCookies(request).metadata.count;
if (count !== 50) throw new Error(`expected 50 Workday session cookies (TS*), sealed ${count}`);
// Warm-up: the first calls include compiling the WASM's hot paths.
for (let i = 0; i < 20; i += 1) core.sealBrowserCookies(request);

const times = [];
for (let i = 0; i < RUNS; i += 1) {
  const start = performance.now();
  core.sealBrowserCookies(request);
  times.push((performance.now() - start) * 1000);
}
times.sort((a, b) => a - b);
const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
console.log(`seal 50-cookie jar in WASM, ${RUNS} runs: median ${at(0.5).toFixed(0)} µs, p95 ${at(0.95).toFixed(0)} µs`);
console.log(`extension_core_bg.wasm: ${wasm.length} bytes, ${gzipSync(wasm, { level: 9 }).length} bytes gzipped`);
