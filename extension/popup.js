// Renders from storage.local only and follows its changes, so what it shows does not depend
// on the background being awake; every text goes in through textContent.
import init, * as core from './pkg/extension_core.js';
import { ext } from './lib/ext.js';
import { followAccounts, setUpAccounts } from './popup-accounts.js';
import { setUpAssist } from './popup-assist.js';
import { setUpRequests } from './popup-requests.js';
import { setUpSaveJob } from './popup-save-job.js';
import { State } from './lib/store.js';
import { PROBLEM_TEXT, STATUS_TEXT, ago } from './lib/view.js';

const $ = (id) => document.getElementById(id);
const KEYS = ['pairing', 'connection', 'events'];
let current = {};

await init();
$('version').textContent = core.version();

function showError(message) {
  $('pair-error').textContent = message;
  $('pair-error').hidden = !message;
}

function renderEvents(events = []) {
  const list = $('activity');
  const items = [...events].reverse().map((event) => {
    const item = document.createElement('li');
    item.dataset.eventId = String(event.id);
    const text = document.createElement('span');
    text.className = 'text';
    try {
      text.textContent = core.describeEvent(event);
    } catch {
      text.textContent = event.type;
    }
    const time = document.createElement('time');
    time.className = 'muted small';
    time.dateTime = new Date(event.createdAt).toISOString();
    time.textContent = ago(event.createdAt);
    item.append(text, time);
    return item;
  });
  list.replaceChildren(...items);
  $('activity-empty').hidden = items.length > 0;
}

function renderConnection(connection = { state: State.CONNECTING }) {
  const state = connection.state;
  $('status').dataset.state = state;
  $('status-text').textContent = STATUS_TEXT[state] ?? state;
  const problem = PROBLEM_TEXT[state];
  $('problem').hidden = !problem;
  $('problem').dataset.state = state;
  $('problem-text').textContent = [problem, connection.detail].filter(Boolean).join(' ');
  const changed = state === State.IDENTITY_CHANGED;
  $('fingerprints').hidden = !changed;
  $('pinned-fingerprint').textContent = connection.pinnedFingerprint ?? '';
  $('presented-fingerprint').textContent = connection.presentedFingerprint ?? '';
  $('repair').hidden = !(state === State.REVOKED || changed);
}

function render() {
  const { pairing, connection, events } = current;
  $('pair-view').hidden = Boolean(pairing);
  $('paired-view').hidden = !pairing;
  $('unpair').hidden = !pairing;
  if (!pairing) return;
  $('user').textContent = pairing.user?.name ?? '';
  $('companion').textContent = pairing.companionUrl;
  renderConnection(connection);
  renderEvents(events);
  // Read when the popup opens and when an account event arrives, not on every change.
  followAccounts(pairing, events);
}

async function pair(event) {
  event.preventDefault();
  showError('');
  let url;
  let code;
  try {
    url = core.normalizeCompanionUrl($('companion-url').value);
    code = core.parsePairingCode($('pairing-code').value);
  } catch (error) {
    showError(error.message);
    return;
  }
  // Remote companions need a host permission, which may only be asked for during the click.
  if (url.startsWith('https://')) {
    const granted = await ext.permissions.request({ origins: [`${url}/*`] });
    if (!granted) {
      showError(`AutoResume needs permission to talk to ${url}.`);
      return;
    }
  }
  $('pair-button').disabled = true;
  try {
    const result = await ext.runtime.sendMessage({ type: 'pair', url, code });
    if (!result?.ok) showError(result?.error ?? 'Pairing failed.');
    else $('pairing-code').value = '';
  } finally {
    $('pair-button').disabled = false;
  }
}

async function unpair() {
  const url = current.pairing?.companionUrl;
  await ext.runtime.sendMessage({ type: 'unpair' });
  if (url) $('companion-url').value = url;
  $('pairing-code').focus();
}

$('pair-form').addEventListener('submit', pair);
$('unpair').addEventListener('click', unpair);
$('repair').addEventListener('click', unpair);
setUpAccounts(core);
setUpRequests();
setUpSaveJob();
setUpAssist();

ext.storage.onChanged.addListener((changes, area) => {
  if (area !== 'local' || !KEYS.some((key) => key in changes)) return;
  for (const key of KEYS) if (key in changes) current[key] = changes[key].newValue;
  render();
});

current = await ext.storage.local.get(KEYS);
render();
// Relative times age while the popup stays open.
setInterval(() => renderEvents(current.events), 30000);
ext.runtime.sendMessage({ type: 'status' }).catch(() => {});
