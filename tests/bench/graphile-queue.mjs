// The same no-op queue benchmark as `companion bench queue`, run with graphile-worker on the
// same PostgreSQL server, so the two can be compared in one run. `companion bench queue
// --graphile tests/bench/graphile-queue.mjs` starts it; it prints one JSON object.
//
//   node tests/bench/graphile-queue.mjs DATABASE_URL JOBS CONCURRENCY LOCAL_QUEUE SAMPLES
//
// Jobs go into their own schema, so a run never meets another's leftovers.
import { makeWorkerUtils, run, runMigrations } from "graphile-worker";

const [url, jobsArg, concurrencyArg, localQueueArg, samplesArg] = process.argv.slice(2);
if (!url) {
  console.error("usage: graphile-queue.mjs DATABASE_URL JOBS CONCURRENCY LOCAL_QUEUE SAMPLES");
  process.exit(2);
}
const jobs = Number(jobsArg ?? 10000);
const concurrency = Number(concurrencyArg ?? 10);
const localQueue = Number(localQueueArg ?? 500);
const samples = Number(samplesArg ?? 500);
const schema = `bench_graphile_${process.pid}`;
const BATCH = 500;

const preset = {
  worker: {
    connectionString: url,
    schema,
    concurrentJobs: concurrency,
    pollInterval: 500,
    // The batched settings; a local queue of 0 means graphile-worker's defaults.
    ...(localQueue > 0
      ? { localQueue: { size: localQueue }, completeJobBatchDelay: 0, failJobBatchDelay: 0 }
      : {}),
  },
};
const quiet = { logger: undefined };

await runMigrations({ preset });
const utils = await makeWorkerUtils({ preset });

// Throughput: enqueue everything, ANALYZE, then time the worker draining the queue.
let left = jobs;
const enqueueStart = process.hrtime.bigint();
while (left > 0) {
  const n = Math.min(left, BATCH);
  await utils.addJobs(Array.from({ length: n }, () => ({ identifier: "noop", payload: {} })));
  left -= n;
}
const enqueueSeconds = Number(process.hrtime.bigint() - enqueueStart) / 1e9;
await utils.withPgClient((client) => client.query(`ANALYZE ${schema}._private_jobs`));

let done = 0;
let finished;
const allDone = new Promise((resolve) => (finished = resolve));
let onStart = null;
const taskList = {
  noop: async () => {
    if (onStart) onStart(process.hrtime.bigint());
    done += 1;
    if (done === jobs) finished();
  },
};
const runStart = process.hrtime.bigint();
const runner = await run({ preset, taskList, noHandleSignals: true, ...quiet });
await allDone;
const runSeconds = Number(process.hrtime.bigint() - runStart) / 1e9;

// Latency: with the worker idle, add one job at a time and time it to its task's start.
const times = [];
for (let i = 0; i < samples; i++) {
  const started = new Promise((resolve) => (onStart = resolve));
  const added = process.hrtime.bigint();
  await utils.addJob("noop", {});
  const at = await started;
  times.push(Number(at - added) / 1e6);
}
onStart = null;
await runner.stop();
await utils.withPgClient((client) => client.query(`DROP SCHEMA ${schema} CASCADE`));
await utils.release();

times.sort((a, b) => a - b);
const pick = (p) => times[Math.round((times.length - 1) * p)] ?? 0;
console.log(
  JSON.stringify({
    jobs,
    enqueue_per_second: jobs / enqueueSeconds,
    run_per_second: jobs / runSeconds,
    latency_p50_ms: pick(0.5),
    latency_p99_ms: pick(0.99),
  }),
);
