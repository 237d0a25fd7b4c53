// Live updates for a request's page: the run's step as it happens, and a fresh page (with
// the run's evidence) when the request changes state. The page works without this script.
import { follow } from './stream.js';

const section = document.getElementById('request');
const progress = document.getElementById('progress');
const id = Number(section.dataset.id);
const lastId = Number(section.dataset.lastId);

follow((event) => {
  if (event.id <= lastId || event.type !== 'agent_request.updated') return;
  const request = event.payload;
  if (request.id !== id) return;
  if (request.state !== section.dataset.state || request.version > Number(section.dataset.version)) {
    // A new state brings new actions and, at a run's end, its evidence: the server renders it.
    window.location.reload();
    return;
  }
  if (request.state === 'applying' && request.progress) {
    progress.hidden = false;
    progress.textContent = `Agent is applying now… ${request.progress.text}`;
  }
});
