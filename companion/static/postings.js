// Live updates for the postings page: a newly matched posting appears at the top of the
// list. The page works without this script. Text goes in with textContent only: titles and
// companies come from hostile job pages.
import { follow } from './stream.js';

const table = document.getElementById('postings');
const body = table.querySelector('tbody');

function cell(text, className) {
  const td = document.createElement('td');
  if (className) td.className = className;
  td.textContent = text;
  return td;
}

function show(payload) {
  if (body.querySelector(`tr[data-id="${CSS.escape(String(payload.id))}"]`)) return;
  document.getElementById('no-postings')?.setAttribute('hidden', '');
  table.removeAttribute('hidden');
  const row = document.createElement('tr');
  row.dataset.id = String(payload.id);
  row.classList.add('fresh');
  const score = document.createElement('span');
  score.className = payload.passed ? 'badge on' : 'badge off';
  score.textContent = `${Math.round(payload.score * 100)}%`;
  const scoreCell = cell('');
  scoreCell.append(score);
  const reasons = cell('', 'reasons');
  const small = document.createElement('small');
  small.textContent = (payload.reasons || []).join('; ');
  reasons.append(small);
  const sourceCell = cell('');
  const sourceBadge = document.createElement('span');
  sourceBadge.className = 'badge';
  sourceBadge.textContent = payload.source || '';
  sourceCell.append(sourceBadge);
  row.append(cell(payload.title, 'title'), cell(payload.company), cell(''), sourceCell,
    scoreCell, reasons, cell('just now'));
  body.prepend(row);
}

follow((event) => {
  if (event.type === 'posting.matched') show(event.payload);
});

// A picked file fills the textarea, so the plain form posts it.
const file = document.getElementById('csv-file');
file.hidden = false;
file.addEventListener('change', async () => {
  if (file.files[0]) document.getElementById('csv-text').value = await file.files[0].text();
});
