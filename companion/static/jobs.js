// Live updates for the jobs page. The page works without this script: it is rendered on
// the server and its buttons are plain forms. Text goes in with textContent only.
import { follow, setStatus } from './stream.js';

const table = document.getElementById('jobs');

function field(row, name) {
  return row.querySelector(`[data-field="${name}"]`);
}

function duration(ms) {
  const secs = Math.floor(Math.max(0, ms) / 1000);
  if (secs === 0) return `${Math.max(0, ms)} ms`;
  if (secs < 60) return `${secs} s`;
  if (secs < 3600) return `${Math.floor(secs / 60)} min ${secs % 60} s`;
  return `${Math.floor(secs / 3600)} h ${Math.floor((secs % 3600) / 60)} min`;
}

function showProgress(row, progress) {
  const bar = field(row, 'bar');
  const percent = Number(progress?.percent);
  bar.hidden = !Number.isFinite(percent);
  if (!bar.hidden) bar.value = percent;
  field(row, 'message').textContent = progress?.message ?? '';
}

function showJob(row, job) {
  const state = field(row, 'state');
  state.textContent = job.state;
  state.className = `state state-${job.state}`;
  field(row, 'attempt').textContent = `${job.attempt}/${job.maxAttempts}`;
  field(row, 'error').textContent = job.lastError ?? '';
  showProgress(row, job.progress);
  let text = '';
  if (job.startedAt && job.finishedAt) text = duration(job.finishedAt - job.startedAt);
  else if (job.startedAt && job.state === 'running') text = `${duration(Date.now() - job.startedAt)} so far`;
  field(row, 'duration').textContent = text;
  row.querySelector('[data-action="cancel"]').hidden = !['queued', 'running'].includes(job.state);
  row.querySelector('[data-action="retry"]').hidden = !['dead', 'cancelled'].includes(job.state);
  row.classList.remove('fresh');
  void row.offsetWidth;
  row.classList.add('fresh');
}

async function refresh(id) {
  const row = table?.querySelector(`tr[data-job-id="${CSS.escape(String(id))}"]`);
  if (!row) {
    document.getElementById('new-jobs').hidden = false;
    return;
  }
  const response = await fetch(`/api/v1/jobs/${encodeURIComponent(id)}`, { credentials: 'same-origin' });
  if (response.ok) showJob(row, await response.json());
}

function showAgent(paused) {
  const card = document.getElementById('agent');
  card.classList.toggle('is-paused', paused);
  document.getElementById('agent-title').textContent = paused ? 'Agent paused' : 'Agent running';
  document.getElementById('agent-detail').textContent = paused
    ? 'Applications wait in the queue until you resume. Other jobs still run.'
    : 'Applications run within the limits below.';
  const toggle = document.getElementById('agent-toggle');
  toggle.textContent = paused ? 'Resume agent' : 'Pause agent';
  toggle.className = paused ? 'primary' : 'warn';
  toggle.form.querySelector('input[name="paused"]').value = paused ? 'false' : 'true';
}

function handle(event) {
  const id = event.payload?.job_id ?? event.payload?.id;
  if (event.type === 'job.progress') {
    const row = table?.querySelector(`tr[data-job-id="${CSS.escape(String(id))}"]`);
    if (row) showProgress(row, event.payload);
  } else if (event.type === 'job.state') {
    refresh(id).catch(() => setStatus('offline', 'reconnecting…'));
  } else if (event.type === 'agent.paused' || event.type === 'agent.resumed') {
    showAgent(event.type === 'agent.paused');
  }
}

// The stream replays recent events on connect; replaying a state change is harmless.
follow(handle);
