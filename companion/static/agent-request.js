// Live updates for a request's page: the run's step as it happens, and a fresh page (with
// the run's evidence) when the request changes state. The page works without this script.
const section = document.getElementById('request');
const progress = document.getElementById('progress');
const status = document.getElementById('live-status');
const id = Number(section.dataset.id);
const lastId = Number(section.dataset.lastId);

function setStatus(state, text) {
  status.dataset.state = state;
  status.textContent = text;
}

const source = new EventSource('/api/v1/events');
source.onopen = () => setStatus('live', 'live');
source.onerror = () => setStatus('offline', 'reconnecting…');
source.onmessage = (message) => {
  const event = JSON.parse(message.data);
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
};
