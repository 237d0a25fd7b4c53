// The approval queue in the background: the requests that wait for the user kept in
// storage.local (the popup renders them from there): pending ones to approve, approved,
// applying (with the agent's live step) and needs-you ones; the toolbar badge with the pending count, and an
// optional desktop notification for a new one. The lists are loaded on connect and then follow
// the event stream, which also says when the user opened a request's magic link.
import * as api from './api.js';
import { ext } from './ext.js';

export const NOTIFY_OPTION = 'notifyNewRequests';
const CREATED = 'agent_request.created';
const UPDATED = 'agent_request.updated';
const MAGIC_LINK_OPENED = 'agent_request.magic_link_opened';
const PENDING = 'pending';
/** States after approval shown in the popup: queued, the agent applying, or waiting for the user. */
const READY = ['approved', 'applying', 'needs_you'];
const OPEN = [PENDING, ...READY];
// A replay after a reconnect brings old `created` events: only recent ones notify.
const NOTIFY_WITHIN_MS = 5 * 60 * 1000;
// A magic link opened longer ago than this is no longer offered in the popup.
export const MAGIC_LINK_OFFER_MS = 15 * 60 * 1000;

// Read-modify-write of the lists; chained so that two batches do not overwrite each other.
let updating = Promise.resolve();

function update(change) {
  updating = updating.then(async () => {
    const { pendingRequests = [], readyRequests = [] } = await ext.storage.local.get(['pendingRequests', 'readyRequests']);
    const next = await change([...pendingRequests, ...readyRequests]);
    await ext.storage.local.set({
      pendingRequests: next.filter((r) => r.state === PENDING),
      readyRequests: next.filter((r) => READY.includes(r.state)),
    });
    await setBadge(next.filter((r) => r.state === PENDING).length);
  });
  return updating;
}

async function setBadge(count) {
  await ext.action.setBadgeBackgroundColor({ color: '#3056d3' });
  await ext.action.setBadgeText({ text: count > 0 ? String(count) : '' });
}

/** Loads the open requests from the companion (on connect and wake-up). */
export async function refresh(saved) {
  const lists = await Promise.all(OPEN.map((state) => api.agentRequests(saved.pairing.companionUrl, saved.token, state)));
  return update(() => lists.flat().sort((a, b) => b.id - a.id));
}

/** Applies a batch of stream events to the list; notifies of new requests when enabled. */
export async function follow(events) {
  const opened = events.filter((e) => e.type === MAGIC_LINK_OPENED).at(-1);
  if (opened) await ext.storage.local.set({ magicLink: { request: opened.payload, openedAt: opened.createdAt } });
  const cards = events.filter((e) => e.type === CREATED || e.type === UPDATED).map((e) => e.payload);
  if (cards.length === 0) return updating;
  const fresh = [];
  return update((list) => {
    const byId = new Map(list.map((r) => [r.id, r]));
    for (const card of cards) {
      const known = byId.get(card.id);
      // Progress keeps the version and moves the update time.
      if (known && (known.version > card.version || (known.version === card.version && known.updatedAt >= card.updatedAt))) continue;
      if (!OPEN.includes(card.state)) {
        byId.delete(card.id);
        continue;
      }
      if (!known && card.state === PENDING && Date.now() - card.createdAt < NOTIFY_WITHIN_MS) fresh.push(card);
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

/** Approves, declines or (after a dry run) submits a request for the popup, then updates the list at once. */
export async function decide(saved, { id, action, version }) {
  if (!['approve', 'decline', 'submit'].includes(action)) throw new Error('unknown action');
  const card = await api.decideRequest(saved.pairing.companionUrl, saved.token, id, action, version);
  await follow([{ type: UPDATED, payload: card }]);
  return card;
}

/** Forgets the lists and clears the badge (unpair). */
export async function clear() {
  await ext.storage.local.remove('magicLink');
  return update(() => []);
}
