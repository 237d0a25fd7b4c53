// Chrome service worker / Firefox event page. Listeners are registered synchronously at the
// top level so that a message or alarm that wakes the worker reaches them; the WASM is loaded
// without top-level await (a service worker may not use it).
import init, * as core from './pkg/extension_core.js';
import * as accounts from './lib/accounts.js';
import * as api from './lib/api.js';
import * as assist from './lib/assist.js';
import { Connection, verify } from './lib/connection.js';
import * as requests from './lib/requests.js';
import { ext, hasOffscreen } from './lib/ext.js';
import * as store from './lib/store.js';
import { State, isTerminal } from './lib/store.js';

const WAKE_ALARM = 'autoresume-wake';
const OFFSCREEN_URL = 'offscreen.html';

const ready = init();

// Firefox: the stream runs here while the page is awake (see lib/ext.js for Chrome).
const sink = {
  state: (connection) => store.setConnection(connection),
  events: (events, lastEventId) => received(events, lastEventId),
};
let localConnection = null;

ext.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (sender.id !== ext.runtime.id || message?.target === 'offscreen') return false;
  // The in-tab assist's script in a web page (not an extension page in a tab, as the popup may
  // be) speaks for its own tab only: sender.tab, never the message.
  const fromPage = sender.tab && !sender.url?.startsWith(ext.runtime.getURL(''));
  const work = fromPage ? pageMessage(message, sender.tab.id) : handle(message);
  work.then(sendResponse, (error) => sendResponse({ ok: false, error: error.message }));
  return true;
});
// A closed tab is no longer followed step by step.
ext.tabs.onRemoved.addListener((tabId) => assist.forget(tabId).catch(report));
ext.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === WAKE_ALARM) ensureConnected().catch(report);
});
ext.runtime.onStartup.addListener(() => ensureConnected().catch(report));
ext.runtime.onInstalled.addListener(() => ensureConnected().catch(report));
ext.runtime.onSuspend?.addListener(() => localConnection?.stop());
accounts.watchCookies(ready, core, () => store.load(), report);

// Counts starts of this page, so that tests (and curious users) can see that a Firefox event
// page slept and woke; the stream then catches up with Last-Event-ID.
recordWake().then(ensureConnected).catch(report);

function report(error) {
  console.error('AutoResume background:', error.message);
}

async function recordWake() {
  const { lifecycle } = await ext.storage.local.get('lifecycle');
  await ext.storage.local.set({ lifecycle: { starts: (lifecycle?.starts ?? 0) + 1, startedAt: Date.now() } });
}

async function handle(message) {
  await ready;
  switch (message?.type) {
    case 'pair':
      return pairWith(message.url, message.code);
    case 'status':
      return refresh();
    case 'unpair':
      await disconnect();
      await store.clearPairing();
      await requests.clear();
      return { ok: true };
    case 'set-url':
      return changeUrl(message.url);
    case 'accounts':
    case 'account-connect':
    case 'account-disconnect':
      return accountMessage(message);
    case 'connection-state':
      if (await isCurrent(message.deviceId)) await store.setConnection(message.connection);
      return { ok: true };
    case 'connection-events':
      if (await isCurrent(message.deviceId)) await received(message.events, message.lastEventId);
      return { ok: true };
    case 'request-decide':
      return requestMessage(message);
    case 'save-job':
      return saveJobMessage(message);
    case 'assist-tab':
    case 'assist-open':
      return assistMessage(message);
    case 'assist-frames':
      return { ok: true, origins: await assist.framesToGrant(message.tabId) };
    case 'assist-refused':
      assist.refused(message.tabId);
      return { ok: true };
    default:
      return { ok: false, error: 'unknown message' };
  }
}

async function received(events, lastEventId) {
  await store.appendEvents(events, lastEventId);
  await requests.follow(events);
}

async function saveJobMessage(message) {
  const saved = await store.load();
  if (!saved.pairing || !saved.token) return { ok: false, error: 'Not paired' };
  if (!message.posting || typeof message.posting !== 'object') {
    return { ok: false, error: 'Nothing readable on this page' };
  }
  try {
    return { ok: true, saved: await api.savePosting(saved.pairing.companionUrl, saved.token, message.posting) };
  } catch (error) {
    return { ok: false, error: error.message };
  }
}

// "Autofill this page" (the active tab, under activeTab) and "Open & autofill" (a request's
// job in a new tab, under the host permission the popup asked for).
async function assistMessage(message) {
  const saved = await store.load();
  if (!saved.pairing || !saved.token) return { ok: false, error: 'Not paired' };
  try {
    if (message.type === 'assist-tab') {
      return { ok: true, ...await assist.autofill(core, saved, message.tabId, { frameOrigins: message.frameOrigins ?? [] }) };
    }
    const request = await api.agentRequest(saved.pairing.companionUrl, saved.token, message.requestId);
    return { ok: true, ...await assist.openAndAssist(core, saved, request) };
  } catch (error) {
    return { ok: false, error: error.message };
  }
}

// From the assist's script in a page: a wizard's new step, the user's submit, the panel closed.
async function pageMessage(message, tabId) {
  await ready;
  switch (message?.type) {
    case 'assist-step': {
      const saved = await store.load();
      if (!saved.pairing || !saved.token) return { watching: false };
      return assist.nextStep(core, saved, tabId, { replaced: Boolean(message.replaced) });
    }
    case 'assist-done':
      await assist.stop(tabId, 'You submitted the form; AutoResume stopped following it.');
      return { ok: true };
    case 'assist-stop':
      await assist.stop(tabId);
      return { ok: true };
    default:
      return { ok: false, error: 'unknown message' };
  }
}

async function requestMessage(message) {
  const saved = await store.load();
  if (!saved.pairing || !saved.token) return { ok: false, error: 'Not paired' };
  try {
    return { ok: true, request: await requests.decide(saved, message) };
  } catch (error) {
    // Changed elsewhere meanwhile (409): show the companion's current list.
    await requests.refresh(saved).catch(report);
    return { ok: false, error: error.message };
  }
}

async function accountMessage(message) {
  const saved = await store.load();
  if (!saved.pairing || !saved.token) return { ok: false, error: 'Not paired' };
  try {
    if (message.type === 'accounts') return { ok: true, ...await accounts.list(saved) };
    if (message.type === 'account-connect') {
      return { ok: true, credential: await accounts.connect(core, saved, message.platform) };
    }
    await accounts.disconnect(saved, message.platform);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error.message };
  }
}

// Drops what a connection of an earlier pairing still reports after unpair or re-pair.
async function isCurrent(deviceId) {
  const { pairing } = await store.load();
  return pairing?.deviceId === deviceId;
}

async function deviceName() {
  const browserName = navigator.userAgent.includes('Firefox/') ? 'Firefox' : 'Chrome';
  const { os } = await ext.runtime.getPlatformInfo();
  const osName = { linux: 'Linux', mac: 'macOS', win: 'Windows', android: 'Android', cros: 'ChromeOS' }[os] ?? os;
  return `${browserName} on ${osName}`;
}

async function pairWith(url, code) {
  const companionUrl = core.normalizeCompanionUrl(url);
  const displayCode = core.parsePairingCode(code);
  let paired;
  try {
    paired = await api.pair(companionUrl, displayCode, await deviceName());
  } catch (error) {
    return { ok: false, error: error.message };
  }
  const identityFingerprint = core.fingerprint(paired.identity.publicKey);
  await disconnect();
  await store.savePairing({
    companionUrl,
    user: paired.user,
    deviceId: paired.device.id,
    deviceName: paired.device.name,
    identityKey: paired.identity.publicKey,
    identityFingerprint,
    pairedAt: Date.now(),
  }, paired.token);
  await ensureConnected();
  return { ok: true };
}

async function changeUrl(url) {
  const companionUrl = core.normalizeCompanionUrl(url);
  const { pairing } = await store.load();
  if (!pairing) return { ok: false, error: 'Not paired' };
  await disconnect();
  await ext.storage.local.set({ pairing: { ...pairing, companionUrl } });
  await store.setConnection({ state: State.CONNECTING });
  await ensureConnected();
  return { ok: true, companionUrl };
}

/** What the popup asks for when it opens: a fresh identity check, then the stream. */
async function refresh() {
  const saved = await store.load();
  if (!saved.pairing || !saved.token) return { ok: true, paired: false };
  const verdict = await verify(core, params(saved));
  if (isTerminal(verdict.state)) {
    await disconnect();
    await store.setConnection(verdict);
    return { ok: true, paired: true };
  }
  if (verdict.state === State.UNREACHABLE) {
    await store.setConnection(verdict);
  } else if (saved.connection?.state !== State.CONNECTED) {
    await store.setConnection({ state: State.CONNECTING });
  }
  // The connection's own backoff loop retries an unreachable companion.
  await ensureConnected();
  return { ok: true, paired: true };
}

function params(saved) {
  return {
    companionUrl: saved.pairing.companionUrl,
    token: saved.token,
    identityKey: saved.pairing.identityKey,
    lastEventId: saved.lastEventId ?? null,
    deviceId: saved.pairing.deviceId,
  };
}

async function ensureConnected() {
  await ready;
  const saved = await store.load();
  if (!saved.pairing || !saved.token || isTerminal(saved.connection?.state)) {
    await disconnect();
    return;
  }
  await ext.alarms.create(WAKE_ALARM, { periodInMinutes: 1 });
  // Catches up on requests decided while the stream was down; events keep it fresh after.
  requests.refresh(saved).catch(report);
  if (hasOffscreen) {
    await ensureOffscreen();
    await ext.runtime.sendMessage({ target: 'offscreen', type: 'connect', params: params(saved) });
  } else {
    localConnection ??= new Connection(core, sink);
    localConnection.start(params(saved));
  }
}

async function disconnect() {
  await ext.alarms.clear(WAKE_ALARM);
  if (hasOffscreen) {
    if (await offscreenExists()) await ext.offscreen.closeDocument();
  } else {
    localConnection?.stop();
  }
}

async function offscreenExists() {
  const contexts = await ext.runtime.getContexts({
    contextTypes: ['OFFSCREEN_DOCUMENT'],
    documentUrls: [ext.runtime.getURL(OFFSCREEN_URL)],
  });
  return contexts.length > 0;
}

// Two wake-ups at once must not both create the document (only one may exist).
let creatingOffscreen = null;

async function ensureOffscreen() {
  if (await offscreenExists()) return;
  creatingOffscreen ??= ext.offscreen.createDocument({
    url: OFFSCREEN_URL,
    reasons: ['WORKERS'],
    justification: 'Keeps the companion event stream open; Chrome stops idle service workers.',
  }).finally(() => { creatingOffscreen = null; });
  await creatingOffscreen;
}
