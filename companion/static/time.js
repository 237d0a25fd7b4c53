// Relative times for people, like dashboard::ago on the server.
export function ago(ms) {
  const secs = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (secs < 45) return 'just now';
  if (secs < 3600) return `${Math.round(secs / 60)} min ago`;
  if (secs < 86400) return `${Math.floor(secs / 3600)} h ago`;
  return `${Math.floor(secs / 86400)} days ago`;
}

// Keeps every <time data-ms> on the page current.
export function keepTimesFresh() {
  setInterval(() => {
    for (const node of document.querySelectorAll('time[data-ms]')) node.textContent = ago(Number(node.dataset.ms));
  }, 30000);
}
