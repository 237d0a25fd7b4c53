// Wall time of the headless apply through the companion's job path: approve -> settled (applied
// or needs_you) on the real saved Greenhouse, Lever and Ashby forms and on the plain fixture
// form, served under their real host names by the ATS fixture (tests/e2e/lib/ats-site.mjs),
// with the user's session from the vault. Cold: the first run of a freshly started companion
// (its browser launched by that run); warm: the runs after it on the same companion. Median of
// the runs, the ending, the per-step breakdown from the run's step log artifact (lines
// "NAME (N ms)"), and the peak memory (PSS, shared pages counted once) of the companion's
// Chromium processes during a run.
//
//   node tests/bench/apply.mjs [WARM_RUNS] [COLD_RUNS]
//   (after cargo build -p companion and scripts/build-extension; needs ../shared/corpus)
//
// Each run is a posting of its own (a posting is applied to once). `companion bench apply`
// times the runner itself (dry runs, in process); this times the job path around it too: the
// approval, the claim, the vault, the evidence and the settling ("job path" = approve ->
// settled minus the run's own span in its step log), and a real submit on the plain form.
import { readFile } from 'node:fs/promises';
import {
  approve, browserProcesses, connectAccount, proposePlanned, seedUser, settled, startCompanion, userAnswers,
} from '../e2e/lib/ats-apply.mjs';
import { AtsSite } from '../e2e/lib/ats-site.mjs';

const WARM = Number(process.argv[2] ?? 5);
const COLD = Number(process.argv[3] ?? 3);
const FORMS = ['plain', 'greenhouse', 'lever', 'ashby'];
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : NaN;
};

/** Proportional set size (kB) of the processes, summed: shared pages counted once in all. */
async function pss(pids) {
  let total = 0;
  for (const pid of pids) {
    try {
      const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
      total += Number(rollup.match(/^Pss:\s+(\d+)/m)?.[1] ?? 0);
    } catch {
      // Gone meanwhile.
    }
  }
  return total;
}

/** One run of posting `n` of `form`: `{ms, ending, steps: {name: ms}, peakKb}`. */
async function runOnce(site, companion, user, form, n) {
  const card = await proposePlanned(user, site.jobUrl(form, n));
  const values = userAnswers(card);
  let peakKb = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peakKb = Math.max(peakKb, await pss(await browserProcesses(companion.process.pid)));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const started = performance.now();
  await approve(user, card, { values, dryRun: false });
  const done = await settled(user, card.id, ['applied', 'needs_you', 'declined'], 180000);
  const ms = performance.now() - started;
  sampling = false;
  await sampler;
  const steps = {};
  let runMs = 0;
  for (const artifact of await user.call('GET', `/api/v1/agent-requests/${card.id}/artifacts`)) {
    if (artifact.kind !== 'log') continue;
    const response = await fetch(`${companion.url}/api/v1/agent-requests/${card.id}/artifacts/${artifact.id}`, {
      headers: { authorization: `Bearer ${user.token}` },
    });
    const log = await response.text();
    for (const [, name, value] of log.matchAll(/^\s*\d+ ms {2}([a-z][a-z ]*?) \((\d+) ms\)$/gm)) {
      steps[name] = (steps[name] ?? 0) + Number(value);
    }
    for (const [, at] of log.matchAll(/^\s*(\d+) ms {2}/gm)) runMs = Math.max(runMs, Number(at));
  }
  return { ms, jobPath: ms - runMs, ending: done.state === 'applied' ? 'applied' : `${done.state}: ${done.reason?.code}`, steps, peakKb };
}

async function startUser(site) {
  const companion = await startCompanion(site);
  await companion.addUser('bench', 'bench password 123');
  const user = await seedUser(companion, 'bench');
  for (const vendor of ['greenhouse', 'lever', 'ashby']) await connectAccount(user, site.issueCookies(vendor));
  return { companion, user };
}

function report(label, form, runs) {
  const steps = [...new Set(runs.flatMap((r) => Object.keys(r.steps)))];
  const endings = [...new Set(runs.map((r) => r.ending))].join(', ');
  const breakdown = steps.map((s) => `${s} ${median(runs.map((r) => r.steps[s] ?? 0)).toFixed(0)}`).join(', ');
  console.log(`${form.padEnd(11)} ${label.padEnd(5)} ${String(runs.length).padStart(4)} ${median(runs.map((r) => r.ms)).toFixed(0).padStart(9)}`
    + ` ${median(runs.map((r) => r.jobPath)).toFixed(0).padStart(9)} ${(Math.max(...runs.map((r) => r.peakKb)) / 1024).toFixed(0).padStart(8)}  ${endings} | ${breakdown}`);
}

const site = await AtsSite.start();
let posting = 1;
try {
  console.log(`approve -> settled through the companion, median ms (warm: ${WARM} runs after one cold; cold: ${COLD} fresh companions)`);
  console.log(`${'form'.padEnd(11)} ${'kind'.padEnd(5)} ${'runs'.padStart(4)} ${'median'.padStart(9)} ${'job path'.padStart(9)} ${'peak MB'.padStart(8)}  ending | steps (median ms)`);
  for (const form of FORMS) {
    const cold = [];
    const warm = [];
    for (let c = 0; c < Math.max(COLD, 1); c++) {
      const { companion, user } = await startUser(site);
      try {
        cold.push(await runOnce(site, companion, user, form, posting++));
        if (c === 0) {
          for (let w = 0; w < WARM; w++) warm.push(await runOnce(site, companion, user, form, posting++));
        }
      } finally {
        await companion.stop();
      }
    }
    report('cold', form, cold);
    report('warm', form, warm);
  }
} finally {
  await site.stop();
}
