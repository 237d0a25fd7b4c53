// Text for connection states, shared by the popup and the options page.
import { State } from './store.js';

export const STATUS_TEXT = Object.freeze({
  [State.CONNECTING]: 'Connecting…',
  [State.CONNECTED]: 'Connected',
  [State.UNREACHABLE]: 'Companion unreachable',
  [State.REVOKED]: 'Token revoked',
  [State.IDENTITY_CHANGED]: 'Identity changed',
});

export const PROBLEM_TEXT = Object.freeze({
  [State.UNREACHABLE]: 'The companion does not answer. AutoResume keeps retrying; check that it is running.',
  [State.REVOKED]: 'This browser\'s access was revoked in the dashboard. Pair again with a new code to reconnect.',
  [State.IDENTITY_CHANGED]: 'The companion presents a different identity key than the one pinned at pairing, so AutoResume refuses to connect. If you did not reinstall the companion, someone may be impersonating it.',
});

/** "just now", "5 min ago", "3 h ago" or a date. */
export function ago(then, now = Date.now()) {
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 36) return `${hours} h ago`;
  return new Date(then).toLocaleDateString();
}
