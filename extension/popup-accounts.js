// The popup's Connected accounts list. The host permission is requested first thing in the
// click handler (the browser only allows it during a user gesture); the background reads,
// seals and uploads. Every text goes in through textContent.
import { ext } from './lib/ext.js';
import { ago } from './lib/view.js';

const $ = (id) => document.getElementById(id);
const DAY = 86400;

/** "LinkedIn session expires in 2 days", "… expired", or "… ends with the browser session". */
export function expiryText(name, earliestExpiry, now = Date.now() / 1000) {
  if (earliestExpiry == null) return `${name} session ends with the browser session`;
  const left = earliestExpiry - now;
  if (left <= 0) return `${name} session expired`;
  const plural = (n, unit) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (left < 3600) return `${name} session expires in ${Math.max(1, Math.round(left / 60))} min`;
  if (left < DAY) return `${name} session expires in ${plural(Math.round(left / 3600), 'hour')}`;
  return `${name} session expires in ${plural(Math.round(left / DAY), 'day')}`;
}

function say(text) {
  // Core errors are sentences without the capital (they also appear mid-sentence elsewhere).
  $('accounts-error').textContent = text && text[0].toUpperCase() + text.slice(1);
  $('accounts-error').hidden = !text;
}

async function send(message) {
  const result = await ext.runtime.sendMessage(message);
  if (!result?.ok) throw new Error(result?.error ?? 'The background did not answer.');
  return result;
}

async function connect(platform, button) {
  say('');
  // No await before this: the permission prompt needs the click's user activation.
  const asking = ext.permissions.request({ origins: platform.origins });
  button.disabled = true;
  try {
    if (!(await asking)) throw new Error(`Permission to read ${platform.name} cookies was not granted.`);
    await send({ type: 'account-connect', platform: platform.id });
  } catch (error) {
    say(error.message);
  } finally {
    button.disabled = false;
    await refreshAccounts();
  }
}

async function disconnect(platform, button) {
  say('');
  button.disabled = true;
  try {
    await send({ type: 'account-disconnect', platform: platform.id });
  } catch (error) {
    say(error.message);
  } finally {
    await refreshAccounts();
  }
}

function actionButton(label, onClick) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'small-button';
  button.textContent = label;
  button.addEventListener('click', () => onClick(button));
  return button;
}

function row(platform, credential) {
  const item = document.createElement('li');
  item.className = 'account';
  item.dataset.platform = platform.id;
  item.dataset.state = credential ? 'connected' : 'disconnected';
  const main = document.createElement('div');
  main.className = 'account-main';
  const name = document.createElement('span');
  name.className = 'account-name';
  name.textContent = platform.name;
  const detail = document.createElement('span');
  detail.className = 'account-detail muted small';
  if (credential) {
    const { count, earliestExpiry } = credential.metadata;
    detail.textContent = [
      // An apply found the session expired: sign in on the site, then Refresh.
      credential.refreshNeededAt ? 'Needs a refresh: sign in there, then Refresh' : null,
      `Connected · ${count} cookie${count === 1 ? '' : 's'}`,
      expiryText(platform.name, earliestExpiry),
      `synced ${ago(credential.updatedAt)}`,
    ].filter(Boolean).join(' · ');
    if (credential.refreshNeededAt) item.dataset.state = 'refresh-needed';
  } else {
    detail.textContent = 'Not connected';
  }
  main.append(name, detail);
  const actions = document.createElement('div');
  actions.className = 'account-actions';
  if (credential) {
    actions.append(
      actionButton('Refresh', (b) => connect(platform, b)),
      actionButton('Disconnect', (b) => disconnect(platform, b)),
    );
  } else {
    actions.append(actionButton('Connect', (b) => connect(platform, b)));
  }
  item.append(main, actions);
  return item;
}

/** Custom sites have no entry in /platforms: their rows come from the stored credentials. */
function customPlatform(credential) {
  const domain = credential.platform.slice('custom:'.length);
  return { id: credential.platform, name: credential.platformName, origins: [`https://*.${domain}/*`] };
}

// Reads may overlap (a click and an event): only the latest one draws.
let reads = 0;

async function refreshAccounts() {
  const read = ++reads;
  let result;
  try {
    result = await send({ type: 'accounts' });
  } catch (error) {
    if (read === reads) say(error.message);
    return;
  }
  if (read !== reads) return;
  const byPlatform = new Map(result.credentials.map((c) => [c.platform, c]));
  const known = new Set(result.platforms.map((p) => p.id));
  const rows = result.platforms.map((p) => row(p, byPlatform.get(p.id)));
  for (const credential of result.credentials) {
    if (!known.has(credential.platform)) rows.push(row(customPlatform(credential), credential));
  }
  $('accounts').replaceChildren(...rows);
}

// The pairing and the newest account event (connected, removed, needs a refresh) when the
// list was last read; null until the first reading.
let readAt = null;

/**
 * Reads the list when the popup opens, when a newer account event arrives while it is open
 * (an apply found a session expired, a refresh cleared it, another device connected) and
 * after pairing again.
 */
export function followAccounts(pairing, events = []) {
  const newest = Math.max(0, ...events.filter((e) => e.type.startsWith('credentials.')).map((e) => e.id));
  const at = `${pairing.deviceId} ${newest}`;
  if (at === readAt) return;
  readAt = at;
  refreshAccounts();
}

export function setUpAccounts(core) {
  $('custom-form').addEventListener('submit', (event) => {
    event.preventDefault();
    let platform;
    try {
      platform = core.platformInfo(`custom:${$('custom-domain').value}`);
    } catch (error) {
      say(error.message);
      return;
    }
    connect(platform, $('custom-connect')).then(() => { $('custom-domain').value = ''; });
  });
}
