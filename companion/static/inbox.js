// Live updates for the Inbox: a message classified (or found unparseable) updates its row,
// or appears at the top when it is new and fits the filter. The page works without this
// script. Text goes in with textContent only.
import { follow } from './stream.js';
import { ago, keepTimesFresh } from './time.js';

const table = document.getElementById('mail');

function cell(text, name) {
  const td = document.createElement('td');
  td.dataset.field = name;
  td.textContent = text;
  return td;
}

// A row shaped like the server's, empty; fill() writes the message into it.
function newRow(message) {
  const row = document.createElement('tr');
  row.dataset.mailId = String(message.id);
  const first = document.createElement('td');
  const link = document.createElement('a');
  link.href = `/dashboard/inbox/${encodeURIComponent(message.id)}`;
  link.dataset.field = 'subject';
  const from = document.createElement('div');
  from.className = 'muted small';
  from.dataset.field = 'from';
  const error = document.createElement('div');
  error.className = 'error-text';
  error.dataset.field = 'error';
  first.append(link, from, error);
  const category = document.createElement('td');
  const badge = document.createElement('span');
  badge.dataset.field = 'category';
  category.append(badge);
  const rules = cell('', 'rules');
  rules.className = 'small';
  const received = document.createElement('td');
  received.className = 'nowrap';
  const time = document.createElement('time');
  time.className = 'muted';
  time.dataset.ms = String(message.receivedAt);
  received.append(time);
  row.append(first, category, cell('', 'company'), cell('', 'role'), cell('', 'application'), rules, received);
  return row;
}

function fill(row, message) {
  const field = (name) => row.querySelector(`[data-field="${name}"]`);
  field('subject').textContent = message.subject || '(no subject)';
  field('from').textContent = [message.fromName, message.fromAddress && `<${message.fromAddress}>`].filter(Boolean).join(' ');
  field('error').textContent = message.parseState === 'unparseable' ? `unparseable: ${message.parseError ?? ''}` : '';
  const badge = field('category');
  badge.textContent = message.category ?? message.parseState;
  badge.className = `badge category-${message.category ?? ''}`;
  field('company').textContent = message.company ?? '';
  field('role').textContent = message.role ?? '';
  const application = field('application');
  application.replaceChildren();
  if (message.applicationId != null) {
    const link = document.createElement('a');
    link.href = `/dashboard/applications/${encodeURIComponent(message.applicationId)}`;
    link.textContent = `#${message.applicationId}`;
    application.append(link);
  }
  field('rules').textContent = (message.rules ?? []).join(', ');
  const time = row.querySelector('time[data-ms]');
  if (time) time.textContent = ago(message.receivedAt);
  row.classList.remove('fresh');
  void row.offsetWidth;
  row.classList.add('fresh');
}

function show(message) {
  let row = table.querySelector(`tr[data-mail-id="${CSS.escape(String(message.id))}"]`);
  if (!row) {
    const filter = table.dataset.filter;
    if (filter && message.category !== filter) return;
    row = newRow(message);
    table.tBodies[0].prepend(row);
    table.hidden = false;
    document.getElementById('no-mail').hidden = true;
  }
  fill(row, message);
}

// The stream replays recent events on connect; showing a message twice is harmless.
follow((event) => {
  if (event.type === 'mail.classified' && event.payload?.id != null) show(event.payload);
});

keepTimesFresh();
