// Everything the extension remembers lives in storage.local: pages render from it and follow
// storage.onChanged, so the background can be asleep while the popup stays correct.
import { ext } from './ext.js';

export const MAX_EVENTS = 50;

/** Connection states the popup knows how to show. */
export const State = Object.freeze({
  CONNECTING: 'connecting',
  CONNECTED: 'connected',
  UNREACHABLE: 'unreachable',
  REVOKED: 'revoked',
  IDENTITY_CHANGED: 'identity-changed',
});

/** States that need the user: nothing reconnects on its own from these. */
export const isTerminal = (state) => state === State.REVOKED || state === State.IDENTITY_CHANGED;

export async function load() {
  return ext.storage.local.get(['pairing', 'token', 'connection', 'lastEventId']);
}

export async function savePairing(pairing, token) {
  await ext.storage.local.set({
    pairing,
    token,
    connection: { state: State.CONNECTING, since: Date.now() },
    events: [],
    lastEventId: null,
  });
}

export async function clearPairing() {
  await ext.storage.local.remove(['pairing', 'token', 'connection', 'events', 'lastEventId']);
}

export async function setConnection(connection) {
  await ext.storage.local.set({ connection: { ...connection, since: Date.now() } });
}

// Writes are read-modify-write; chaining them keeps two batches from overwriting each other.
let appending = Promise.resolve();

export function appendEvents(events, lastEventId) {
  appending = appending.then(async () => {
    const { events: stored = [] } = await ext.storage.local.get('events');
    const byId = new Map(stored.map((e) => [e.id, e]));
    for (const event of events) byId.set(event.id, event);
    const merged = [...byId.values()].sort((a, b) => a.id - b.id).slice(-MAX_EVENTS);
    await ext.storage.local.set({ events: merged, lastEventId });
  });
  return appending;
}
