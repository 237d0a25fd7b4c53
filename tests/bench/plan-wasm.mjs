// Planning every committed form snapshot with the built WASM core (as the extension ships it),
// in Node: median and p95 of 200 plans per form, after a check that each plan is the native
// one committed in shared/tests/forms/plans. The timing includes passing the snapshot and the
// profile in and the plan out, as the service worker does.
// Run: node tests/bench/plan-wasm.mjs   (after scripts/build-extension)
// The native figure per form: cargo bench -p shared --bench forms
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { dist, root } from '../e2e/lib/paths.mjs';

const RUNS = 200;
const WARM_UP = 20;
const forms = join(root, 'shared/tests/forms');
const pkg = join(dist, 'chrome', 'pkg');
const core = await import(join(pkg, 'extension_core.js'));
core.initSync({ module: await readFile(join(pkg, 'extension_core_bg.wasm')) });

const readJson = async (path) => JSON.parse(await readFile(path, 'utf8'));
const profile = await readJson(join(forms, 'profile.json'));
const names = (await readdir(join(forms, 'snapshots')))
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.slice(0, -'.json'.length))
  .sort();

const at = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const medians = [];
console.log(`plan per form in WASM, ${RUNS} runs after ${WARM_UP} warm-up plans (µs)`);
console.log(`${'form'.padEnd(68)} fields  median     p95`);
for (const name of names) {
  const snapshot = await readJson(join(forms, 'snapshots', `${name}.json`));
  const native = await readJson(join(forms, 'plans', `${name}.json`));
  assert.deepEqual(JSON.parse(JSON.stringify(core.planForm(snapshot, profile))), native, name);
  for (let i = 0; i < WARM_UP; i += 1) core.planForm(snapshot, profile);
  const times = [];
  for (let i = 0; i < RUNS; i += 1) {
    const start = performance.now();
    core.planForm(snapshot, profile);
    times.push((performance.now() - start) * 1000);
  }
  times.sort((a, b) => a - b);
  medians.push(at(times, 0.5));
  const row = `${name.padEnd(68)} ${String(snapshot.fields.length).padStart(6)}`;
  console.log(`${row} ${at(times, 0.5).toFixed(0).padStart(7)} ${at(times, 0.95).toFixed(0).padStart(7)}`);
}
medians.sort((a, b) => a - b);
console.log(`${names.length} forms: median of the medians ${at(medians, 0.5).toFixed(0)} µs, slowest ${medians.at(-1).toFixed(0)} µs`);
