// The popup's autofill actions: "Autofill this page" (the current tab, under activeTab) and
// "Open & autofill" (a request's job in a new tab, offered on request cards and for a magic
// link the user just opened in the dashboard). The background does the work; the page shows
// the outcome in its own panel, and the popup a one-line summary. A form embedded from another
// site (an iframe) needs that site's permission: the popup asks for it in the same click when it
// knew of the frame when it opened, else it offers a button that asks.
import { ext } from './lib/ext.js';
import { originPattern } from './lib/assist.js';
import { MAGIC_LINK_OFFER_MS } from './lib/requests.js';

const $ = (id) => document.getElementById(id);
// Granted at install (the companion's own hosts): asking again would only fail in Chrome.
const LOOPBACK = /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//;

function report(text, state) {
  const status = $('assist-status');
  status.textContent = text;
  status.dataset.state = state;
  status.hidden = !text;
}

/** One line for the popup from the background's answer. */
export function summary(result) {
  if (!result?.ok) return [result?.error ?? 'The background did not answer.', 'error'];
  if (result.blocked) {
    return [`Blocked: ${result.blockers.map((b) => b.text).join('; ')}. Nothing was filled.`, 'blocked'];
  }
  const filled = result.outcomes.filter((o) => o.status === 'filled').length;
  const waiting = result.outcomes.filter((o) => o.status === 'needs_you').length;
  const following = result.following ? ' Each next step is filled as you go.' : '';
  return [`Filled ${filled} of ${result.outcomes.length} fields; ${waiting} need${waiting === 1 ? 's' : ''} you. Check them, then submit yourself.${following}`, 'ok'];
}

// The sites of the active tab's embedded frames that still need the user's permission, as
// found when the popup opened: asked for at the click, which must not await anything first.
let framesToAsk = { tabId: null, origins: [] };

const hostOf = (origin) => new URL(origin).host;

/** Asks for `origins` in the current click; a refusal is told to the background, which waits for the answer. */
function askForFrames(origins, tabId) {
  if (!origins.length) return;
  ext.permissions.request({ origins: origins.map(originPattern) })
    .then((granted) => granted || ext.runtime.sendMessage({ type: 'assist-refused', tabId }))
    .catch(() => ext.runtime.sendMessage({ type: 'assist-refused', tabId }));
}

function offerAllow(result, tabId) {
  const allow = $('assist-allow');
  const origins = (result?.outOfReach ?? []).filter((origin) => origin.startsWith('https:'));
  allow.hidden = !origins.length;
  if (!origins.length) return;
  allow.textContent = `Allow ${origins.map(hostOf).join(', ')} & autofill`;
  allow.onclick = () => {
    askForFrames(origins, tabId);
    autofillTab(tabId, origins);
  };
}

async function autofillTab(tabId, origins) {
  const button = $('autofill');
  button.disabled = true;
  $('assist-allow').hidden = true;
  report('Filling…', 'busy');
  try {
    const result = await ext.runtime.sendMessage({ type: 'assist-tab', tabId, frameOrigins: origins });
    report(...summary(result));
    offerAllow(result, tabId);
  } catch (error) {
    report(`Cannot fill this page: ${error.message}`, 'error');
  } finally {
    button.disabled = false;
  }
}

async function autofillThisPage() {
  // Before any await: the permission prompt needs the click's user activation.
  const known = framesToAsk;
  askForFrames(known.origins, known.tabId);
  const [tab] = await ext.tabs.query({ active: true, currentWindow: true });
  if (!tab?.id || !/^https?:/.test(tab.url ?? 'https:')) {
    report('Open an application form in this tab first.', 'error');
    return;
  }
  await autofillTab(tab.id, known.tabId === tab.id ? known.origins : []);
}

/**
 * Asks for the job site's permission and, in the same click, has the background open and
 * fill the job once it is granted (Firefox closes the popup for its prompt).
 */
export function openAndAutofill(request) {
  let asking;
  try {
    // No await before this: the permission prompt needs the click's user activation.
    asking = LOOPBACK.test(request.jobUrl) ? Promise.resolve(true) : ext.permissions.request({ origins: [originPattern(request.jobUrl)] });
  } catch (error) {
    report(`Cannot open ${request.jobUrl}: ${error.message}`, 'error');
    return;
  }
  const opening = ext.runtime.sendMessage({ type: 'assist-open', requestId: request.id });
  report('Opening the job…', 'busy');
  asking
    .then((granted) => {
      if (!granted) throw new Error(`AutoResume needs your permission to fill forms on ${new URL(request.jobUrl).hostname}.`);
      return opening;
    })
    .then((result) => report(...summary(result)), (error) => report(error.message, 'error'));
}

/** An "Open & autofill" button for a request card. */
export function openAndAutofillButton(request) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'small-button open-autofill';
  button.textContent = 'Open & autofill';
  button.addEventListener('click', () => openAndAutofill(request));
  return button;
}

function renderMagicLink(magicLink) {
  const fresh = magicLink && Date.now() - magicLink.openedAt < MAGIC_LINK_OFFER_MS;
  $('magic-link').hidden = !fresh;
  if (!fresh) return;
  const { request } = magicLink;
  $('magic-link-posting').textContent = `${request.company} - ${request.title}`;
  $('magic-link-open').replaceWith(Object.assign(openAndAutofillButton(request), { id: 'magic-link-open' }));
}

/** The active tab's embedded frames that need permission (activeTab lets the popup look as it opens). */
async function lookForFrames() {
  const [tab] = await ext.tabs.query({ active: true, currentWindow: true });
  if (!tab?.id || !/^https?:/.test(tab.url ?? '')) return;
  const answer = await ext.runtime.sendMessage({ type: 'assist-frames', tabId: tab.id });
  if (answer?.ok) framesToAsk = { tabId: tab.id, origins: answer.origins };
}

export async function setUpAssist() {
  $('autofill').addEventListener('click', autofillThisPage);
  lookForFrames().catch(() => {});
  ext.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && 'magicLink' in changes) renderMagicLink(changes.magicLink.newValue);
  });
  const { magicLink } = await ext.storage.local.get('magicLink');
  renderMagicLink(magicLink);
}
