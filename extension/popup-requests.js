// The popup's approval queue: pending request cards with Approve / Reject, and the approved,
// applying ("Agent is applying now… filling 12 of 14 fields") or needs-you ones; those the user
// may still apply to in their tab offer "Open & autofill", a dry run ready to submit also
// "Let the agent submit". Rendered from
// storage.local (the background keeps the lists fresh from the event stream); every text goes
// in through textContent, since titles come from scraped job pages.
import { ext } from './lib/ext.js';
import { openAndAutofillButton } from './popup-assist.js';

const STATE_TEXT = { approved: 'Approved: the agent applies soon', needs_you: 'Needs you: apply in your tab' };

/** The card's line: the agent's live step, why it needs the user, or the state. */
function stateText(request) {
  if (request.state === 'applying') return `Agent is applying now…${request.progress ? ` ${request.progress.text}` : ''}`;
  if (request.state === 'needs_you' && request.reason) return request.reason.text;
  return STATE_TEXT[request.state] ?? request.state;
}

const $ = (id) => document.getElementById(id);

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function say(text) {
  $('requests-error').textContent = text;
  $('requests-error').hidden = !text;
}

async function decide(request, action, card) {
  say('');
  for (const button of card.querySelectorAll('button')) button.disabled = true;
  const result = await ext.runtime.sendMessage({ type: 'request-decide', id: request.id, action, version: request.version });
  if (!result?.ok) {
    say(result?.error ?? 'The background did not answer.');
    for (const button of card.querySelectorAll('button')) button.disabled = false;
  }
}

// "12 answers · 2 required unknown": what the companion planned for the request's form.
function planSummary(request) {
  const answers = request.answers ?? [];
  const unknown = answers.filter((a) => a.required && (a.value === '' || a.draft)).length;
  const text = `${answers.length} ${answers.length === 1 ? 'answer' : 'answers'}${unknown ? ` · ${unknown} required unknown` : ''}`;
  return el('p', `plan-summary muted small${unknown ? ' warn' : ''}`, text);
}

function card(request) {
  const item = el('li', 'request');
  item.dataset.id = String(request.id);
  item.dataset.version = String(request.version);
  const headline = el('p', 'headline', 'Action Agent wants to apply to ');
  headline.append(el('strong', 'posting', `${request.company} - ${request.title}`));
  const percent = Math.round(request.confidence * 100);
  const confidence = el('p', 'confidence muted small', `Confidence ${percent}%`);
  if (request.confidenceReasons?.length) confidence.title = request.confidenceReasons.join('\n');
  const actions = el('div', 'row');
  const approve = el('button', 'primary small-button approve', 'Approve');
  const reject = el('button', 'small-button decline', 'Reject');
  approve.type = 'button';
  reject.type = 'button';
  approve.addEventListener('click', () => decide(request, 'approve', item));
  reject.addEventListener('click', () => decide(request, 'decline', item));
  actions.append(approve, reject, openAndAutofillButton(request));
  item.append(headline, confidence, planSummary(request), actions);
  return item;
}

function readyCard(request) {
  const item = el('li', 'request');
  item.dataset.id = String(request.id);
  item.dataset.state = request.state;
  const headline = el('p', 'headline');
  headline.append(el('strong', 'posting', `${request.company} - ${request.title}`));
  const actions = el('div', 'row');
  if (request.state === 'needs_you' && request.reason?.code === 'ready_to_submit') {
    const submit = el('button', 'primary small-button submit-now', 'Let the agent submit');
    submit.type = 'button';
    submit.addEventListener('click', () => decide(request, 'submit', item));
    actions.append(submit);
  }
  // Not while the agent fills the form itself.
  if (request.state !== 'applying') actions.append(openAndAutofillButton(request));
  const line = el('p', 'muted small state-text', stateText(request));
  if (request.state === 'applying') line.setAttribute('aria-live', 'polite');
  item.append(headline, line, actions);
  return item;
}

function render(pending = []) {
  $('requests').replaceChildren(...pending.map(card));
  $('requests-empty').hidden = pending.length > 0;
  $('requests-count').textContent = String(pending.length);
  $('requests-count').hidden = pending.length === 0;
}

function renderReady(ready = []) {
  $('ready-requests').replaceChildren(...ready.map(readyCard));
  $('ready-section').hidden = ready.length === 0;
}

export async function setUpRequests() {
  ext.storage.onChanged.addListener((changes, area) => {
    if (area !== 'local') return;
    if ('pendingRequests' in changes) render(changes.pendingRequests.newValue);
    if ('readyRequests' in changes) renderReady(changes.readyRequests.newValue);
  });
  const { pendingRequests, readyRequests } = await ext.storage.local.get(['pendingRequests', 'readyRequests']);
  render(pendingRequests);
  renderReady(readyRequests);
}
