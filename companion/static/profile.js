// Profile page: tells the user when another device changed the profile, so they do not
// save over it unknowingly (the save would be refused as stale anyway). The page works
// without this script.
const status = document.getElementById('live-status');
const banner = document.getElementById('changed-elsewhere');
// Events already in the replay happened before this page was rendered.
const openedAt = Date.now();

const source = new EventSource('/api/v1/events');
source.onopen = () => {
  status.hidden = false;
  status.dataset.state = 'live';
  status.textContent = 'live';
};
source.onerror = () => {
  status.dataset.state = 'offline';
  status.textContent = 'reconnecting…';
};
source.onmessage = (message) => {
  const event = JSON.parse(message.data);
  if (event.type === 'profile.updated' && event.createdAt > openedAt) banner.hidden = false;
};
