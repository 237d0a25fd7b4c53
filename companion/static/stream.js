// A dashboard page's live updates: the user's event stream and the page's live badge
// (#live-status). EventSource sends the session cookie, replays recent events on connect
// (each page skips what it already shows) and resends Last-Event-ID itself after a drop.
const status = document.getElementById('live-status');

/** Sets the badge: `live`, or `offline` with what is happening. */
export function setStatus(state, text) {
  if (!status) return;
  status.hidden = false;
  status.dataset.state = state;
  status.textContent = text;
}

/** Calls `onEvent` with every event of the stream, parsed. */
export function follow(onEvent) {
  const source = new EventSource('/api/v1/events');
  source.onopen = () => setStatus('live', 'live');
  source.onerror = () => setStatus('offline', 'reconnecting…');
  source.onmessage = (message) => onEvent(JSON.parse(message.data));
  return source;
}
