// The approval queue in the background: the pending requests kept in storage.local (the
// popup renders them from there), the toolbar badge with their count, and an optional desktop
// notification for a new one. The list is loaded on connect and then follows the event stream.
import * as api from './api.js';
import { ext } from './ext.js';

export const NOTIFY_OPTION = 'notifyNewRequests';
const CREATED = 'agent_request.created';
const UPDATED = 'agent_request.updated';
const PENDING = 'pending';
// A replay after a reconnect brings old `created` events: only recent ones notify.
const NOTIFY_WITHIN_MS = 5 * 60 * 1000;

// Read-modify-write of the list; chained so that two batches do not overwrite each other.
let updating = Promise.resolve();

function update(change) {
  updating = updating.then(async () => {
    const { pendingRequests = [] } = await ext.storage.local.get('pendingRequests');
    const next = await change(pendingRequests);
    await ext.storage.local.set({ pendingRequests: next });
    await setBadge(next.length);
  });
  return updating;
}

async function setBadge(count) {
  await ext.action.setBadgeBackgroundColor({ color: '#3056d3' });
  await ext.action.setBadgeText({ text: count > 0 ? String(count) : '' });
}

/** Loads the pending requests from the companion (on connect and wake-up). */
export async function refresh(saved) {
  const pending = await api.agentRequests(saved.pairing.companionUrl, saved.token, PENDING);
  return update(() => pending);
}

/** Applies a batch of stream events to the list; notifies of new requests when enabled. */
export function follow(events) {
  const cards = events.filter((e) => e.type === CREATED || e.type === UPDATED).map((e) => e.payload);
  if (cards.length === 0) return updating;
  const fresh = [];
  return update((list) => {
    const byId = new Map(list.map((r) => [r.id, r]));
    for (const card of cards) {
      const known = byId.get(card.id);
      if (known && known.version >= card.version) continue;
      if (card.state !== PENDING) {
        byId.delete(card.id);
        continue;
      }
      if (!known && Date.now() - card.createdAt < NOTIFY_WITHIN_MS) fresh.push(card);
      byId.set(card.id, card);
    }
    return [...byId.values()].sort((a, b) => b.id - a.id);
  }).then(() => notify(fresh));
}

async function notify(cards) {
  const { [NOTIFY_OPTION]: enabled } = await ext.storage.local.get(NOTIFY_OPTION);
  // The permission is optional: asked for when the user turns the option on.
  if (!enabled || !ext.notifications) return;
  for (const card of cards) {
    await ext.notifications.create(`agent-request-${card.id}`, {
      type: 'basic',
      iconUrl: ext.runtime.getURL('icon-128.png'),
      title: 'Action Agent wants to apply',
      message: `${card.company} - ${card.title}. Confidence ${Math.round(card.confidence * 100)}%`,
    });
  }
}

/** Approves or declines a request for the popup, then updates the list at once. */
export async function decide(saved, { id, action, version }) {
  if (action !== 'approve' && action !== 'decline') throw new Error('unknown action');
  const card = await api.decideRequest(saved.pairing.companionUrl, saved.token, id, action, version);
  await follow([{ type: UPDATED, payload: card }]);
  return card;
}

/** Forgets the list and clears the badge (unpair). */
export function clear() {
  return update(() => []);
}
