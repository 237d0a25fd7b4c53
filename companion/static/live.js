// Live updates for the activity page. The page works without this script: it is rendered
// on the server and the forms post normally. Text goes in with textContent only.
import { follow } from './stream.js';
import { ago, keepTimesFresh } from './time.js';

const list = document.getElementById('events');

function show(event) {
  if (list.querySelector(`li[data-id="${CSS.escape(String(event.id))}"]`)) return;
  document.getElementById('no-events')?.remove();
  const item = document.createElement('li');
  item.dataset.id = String(event.id);
  item.classList.add('fresh');
  const text = document.createElement('span');
  text.className = 'text';
  text.textContent = event.text;
  const time = document.createElement('time');
  time.className = 'muted';
  time.dataset.ms = String(event.createdAt);
  time.textContent = ago(event.createdAt);
  item.append(text, ' ', time);
  list.prepend(item);
}

follow(show);

keepTimesFresh();
