// Live cards for the agent requests page. The page works without this script (server-rendered
// cards, plain forms); this adds new cards and state changes as they happen. Every text from
// a request goes in through textContent: titles come from scraped job pages.
import { follow } from './stream.js';
import { ago, keepTimesFresh } from './time.js';

const list = document.getElementById('requests');
const empty = document.getElementById('no-requests');
const filter = list.dataset.filter;
const csrf = list.dataset.csrf;
// Events up to this id are already in the page.
const lastId = Number(list.dataset.lastId);
// The approve forms' dry-run checkbox starts as the user's setting.
const dryRunDefault = list.dataset.dryRun === 'true';

// Same words as approval_pages::state_label.
const STATE_LABEL = {
  pending: 'Waiting for you',
  approved: 'Approved',
  applying: 'Applying',
  applied: 'Applied',
  needs_you: 'Needs you',
  failed: 'Failed',
  declined: 'Rejected',
  expired: 'Expired',
};

// Same words as approval_pages::source_words.
function sourceWords(answer) {
  const source = answer.source;
  for (const [prefix, words] of [['resume:', 'resume'], ['answers:', 'answer bank'], ['free_answer:', 'stored answer']]) {
    if (source.startsWith(prefix)) return `${words} · ${source.slice(prefix.length)}`;
  }
  if (source === 'draft') return answer.draft ? 'model draft, waiting for your approval' : 'model draft, approved by you';
  if (source === 'resume_pdf') return 'resume PDF';
  return source;
}

const usable = (answer) => answer.value !== '' && !answer.draft;
const unknownRequired = (answers) => answers.filter((a) => a.required && !usable(a)).length;
const drafts = (answers) => answers.filter((a) => a.draft).length;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function postForm(request, action, label, className, extra = []) {
  const form = el('form');
  form.method = 'post';
  form.action = `/dashboard/agent-requests/${request.id}/${action}`;
  for (const [name, value] of [['csrf_token', csrf], ['version', String(request.version)]]) {
    const input = el('input');
    input.type = 'hidden';
    input.name = name;
    input.value = value;
    form.append(input);
  }
  form.append(...extra, el('button', className, label));
  form.lastChild.type = 'submit';
  return form;
}

function link(href, className, label) {
  const a = el('a', className, label);
  a.href = href;
  return a;
}

// Every planned answer with its source and confidence, as templates/planned_answers.html.
function plannedAnswers(request) {
  const answers = request.answers;
  const unknown = unknownRequired(answers);
  const waiting = drafts(answers);
  const details = el('details', 'planned');
  let summary = `${answers.length} planned ${answers.length === 1 ? 'answer' : 'answers'}: ${answers.filter(usable).length} filled`;
  if (unknown > 0) summary += `, ${unknown} required unknown`;
  if (waiting > 0) summary += `, ${waiting} ${waiting === 1 ? 'draft' : 'drafts'} to approve`;
  details.append(el('summary', '', summary));
  const table = el('table', 'plan');
  const head = el('tr');
  for (const title of ['Field', 'Answer', 'Source', 'Confidence']) {
    const th = el('th', '', title);
    th.scope = 'col';
    head.append(th);
  }
  table.append(el('thead'), el('tbody'));
  table.tHead.append(head);
  for (const answer of answers) {
    const row = el('tr', answer.draft ? 'draft' : (answer.value === '' ? 'unknown' : ''));
    row.dataset.field = answer.field;
    const label = el('td', '', answer.label || answer.field);
    if (answer.required && !/[*✱]$/.test(answer.label.trimEnd())) {
      const star = el('span', 'required', '*');
      star.title = 'Required';
      label.append(' ', star);
    }
    const value = el('td', 'value');
    if (answer.value === '') value.append(el('span', 'muted', '—'));
    else value.textContent = answer.value;
    const percent = answer.confidence == null ? '' : `${Math.round(answer.confidence * 100)}%`;
    row.append(label, value, el('td', 'source', sourceWords(answer)), el('td', 'percent', percent));
    table.tBodies[0].append(row);
  }
  details.append(table);
  return details;
}

// The approve form's dry-run choice, as in the server's card.
function dryRunChoice() {
  const shown = el('input');
  shown.type = 'hidden';
  shown.name = 'dry_run_shown';
  shown.value = '1';
  const box = el('input', 'dry-run');
  box.type = 'checkbox';
  box.name = 'dry_run';
  box.checked = dryRunDefault;
  const label = el('label', 'check small');
  label.title = 'The agent fills the form and stops before the final click';
  label.append(box, ' Dry run');
  return [shown, label, ' '];
}

const readyToSubmit = (request) => request.state === 'needs_you' && request.reason?.code === 'ready_to_submit';
// Same rule as CardView::dry_run_badge: only where a dry run is still to come or just stopped.
const dryRunBadge = (request) => request.dryRun
  && (request.state === 'approved' || request.state === 'applying' || readyToSubmit(request));

function card(request) {
  const percent = Math.round(request.confidence * 100);
  const item = el('li', 'request card fresh');
  item.dataset.id = String(request.id);
  item.dataset.state = request.state;
  item.dataset.version = String(request.version);
  item.dataset.updated = String(request.updatedAt);

  const head = el('div', 'request-head');
  const headline = el('p', 'headline', 'Action Agent wants to apply to ');
  headline.append(el('strong', 'posting', `${request.company} - ${request.title}`), '.');
  const confidence = el('span', 'confidence', `Confidence ${percent}%`);
  confidence.title = 'How sure the agent is that this fits you';
  head.append(headline, confidence);
  const meter = el('progress', 'meter');
  meter.max = 100;
  meter.value = percent;
  meter.setAttribute('aria-hidden', 'true');
  item.append(head, meter);

  if (request.confidenceReasons.length > 0) {
    const reasons = el('ul', 'reasons');
    for (const reason of request.confidenceReasons) reasons.append(el('li', '', reason));
    item.append(reasons);
  }

  const meta = el('p', 'meta muted');
  const posting = link(request.jobUrl, 'job-link', 'View posting ↗');
  posting.target = '_blank';
  posting.rel = 'noopener noreferrer';
  const count = request.answers.length;
  const time = el('time', '', ago(request.createdAt));
  time.dataset.ms = String(request.createdAt);
  meta.append(
    el('span', `badge state-${request.state}`, STATE_LABEL[request.state] ?? request.state), ' ',
    posting, ` · ${count} planned ${count === 1 ? 'answer' : 'answers'} · `,
  );
  const unknown = unknownRequired(request.answers);
  const waiting = drafts(request.answers);
  if (unknown > 0) meta.append(el('span', 'warn unknown-required', `${unknown} required unknown`), ' · ');
  if (waiting > 0) meta.append(el('span', 'warn drafts', `${waiting} ${waiting === 1 ? 'draft' : 'drafts'} to approve`), ' · ');
  if (dryRunBadge(request)) {
    const badge = el('span', 'badge dry-run', 'Dry run');
    badge.title = 'The agent stops before the final click';
    meta.append(badge, ' · ');
  }
  meta.append(time, ' · ', link(`/dashboard/agent-requests/${request.id}`, 'details', 'Details →'));
  item.append(meta);
  if (request.state === 'applying') {
    const line = el('p', 'progress-line', `Agent is applying now…${request.progress ? ` ${request.progress.text}` : ''}`);
    line.setAttribute('aria-live', 'polite');
    item.append(line);
  }
  if (request.state === 'needs_you' && request.reason) {
    const reason = el('p', 'reason warn', request.reason.text);
    reason.dataset.code = request.reason.code;
    item.append(reason);
  }
  if (request.answers.length > 0) item.append(plannedAnswers(request));
  const draftError = request.form?.draftError;
  if (draftError) item.append(el('p', 'error small draft-error', `No drafts: ${draftError}`));

  const actions = el('div', 'actions');
  if (request.state === 'pending') {
    actions.append(
      postForm(request, 'approve', 'Approve', 'primary approve', dryRunChoice()),
      link(`/dashboard/agent-requests/${request.id}/edit`, 'button edit', waiting > 0 ? 'Review drafts' : 'Edit'),
      postForm(request, 'decline', 'Reject', 'danger decline'),
    );
  } else if (request.state === 'needs_you') {
    const ready = readyToSubmit(request);
    if (ready) actions.append(postForm(request, 'submit', 'Let the agent submit', 'primary submit-now'));
    actions.append(
      link(`/dashboard/agent-requests/${request.id}/magic-link`, `button ${ready ? '' : 'primary '}magic-link`, ready ? 'Finish in your tab' : 'Open magic link'),
      postForm(request, 'mark-submitted', 'Mark as submitted', 'mark-submitted'),
      postForm(request, 'decline', 'Reject', 'danger decline'),
    );
  } else if (request.state === 'approved') {
    actions.append(
      el('span', 'muted queued', 'Queued: the agent applies soon.'),
      postForm(request, 'decline', 'Cancel', 'danger decline'),
    );
  } else if (request.state === 'applying') {
    actions.append(link(`/dashboard/agent-requests/${request.id}`, '', 'Watch the run →'));
  } else if (request.applicationId != null) {
    actions.append(link(`/dashboard/applications/${request.applicationId}`, '', 'See the application →'));
  }
  item.append(actions);
  return item;
}

function bump(selector, delta) {
  const count = document.querySelector(selector);
  if (count) count.textContent = String(Math.max(0, Number(count.textContent) + delta));
}

const countOf = (state) => `.filters a[data-state="${CSS.escape(state)}"] .count`;
// The state of every card we know, shown or filtered out, for the counts in the filter bar.
const known = new Map([...list.children].map((item) => [item.dataset.id, item.dataset.state]));

function show(request, created) {
  const id = String(request.id);
  const existing = list.querySelector(`li[data-id="${CSS.escape(id)}"]`);
  // A replayed or reordered event never replaces a newer card (progress keeps the version
  // and moves the update time).
  if (existing) {
    const version = Number(existing.dataset.version);
    if (version > request.version) return;
    if (version === request.version && Number(existing.dataset.updated) >= request.updatedAt) return;
  }
  if (created) bump('.filters a:not([data-state]) .count', 1);
  if (known.has(id)) bump(countOf(known.get(id)), -1);
  if (created || known.has(id)) bump(countOf(request.state), 1);
  known.set(id, request.state);
  if (filter && filter !== request.state) existing?.remove();
  else if (existing) existing.replaceWith(card(request));
  else list.prepend(card(request));
  empty.hidden = list.children.length > 0;
}

// The replay of recent events on connect is skipped by id.
follow((event) => {
  if (event.id <= lastId) return;
  if (event.type === 'agent_request.created') show(event.payload, true);
  else if (event.type === 'agent_request.updated') show(event.payload, false);
});

keepTimesFresh();
