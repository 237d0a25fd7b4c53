// Following a wizard in the user's tab: after the first fill the page's script (extension/
// assist.js) watches the form and, when the user's Next brings new fields, asks for them; each
// ask plans and fills what is new. What must outlive a stopped service worker (the step, the
// request's edited answers) is in storage.session, keyed by tab; nothing waits on a timer here.
import { ext } from './ext.js';

// A page that keeps bringing fields (an endless form, a hostile page) is followed this far.
export const MAX_FILLS = 20;
const keyOf = (tabId) => `assist:${tabId}`;

// One fill at a time per tab: two frames (or two quick steps) may ask at once.
const queues = new Map();

function serial(tabId, work) {
  const run = (queues.get(tabId) ?? Promise.resolve()).catch(() => {}).then(work);
  queues.set(tabId, run);
  run.finally(() => { if (queues.get(tabId) === run) queues.delete(tabId); }).catch(() => {});
  return run;
}

async function state(tabId) {
  const key = keyOf(tabId);
  return (await ext.storage.session.get(key))[key] ?? null;
}

const save = (tabId, value) => ext.storage.session.set({ [keyOf(tabId)]: value });

/** Forgets `tabId` (closed, or the assist stopped there). */
export function forget(tabId) {
  return ext.storage.session.remove(keyOf(tabId));
}

/**
 * The first fill of `tabId` (`fill({step, follow})` → assistTab's result); the tab is followed
 * from then on when nothing blocked it. `answers`: the request's edited answers, kept for the
 * later steps.
 */
export function start(tabId, answers, fill) {
  return serial(tabId, async () => {
    await save(tabId, { step: 1, fills: 1, answers });
    const result = await fill({ step: 1, follow: true });
    if (!result.following) await forget(tabId);
    return result;
  });
}

/**
 * The page saw new fields (`replaced`: the old ones went, so it is a new step);
 * `fill(answers, step)` → assistTab's result. Answers `{watching}`: whether the page keeps watching.
 */
export function next(tabId, { replaced }, fill) {
  return serial(tabId, async () => {
    const followed = await state(tabId);
    if (!followed) return { watching: false };
    if (followed.fills >= MAX_FILLS) {
      await stop(tabId, `AutoResume stopped following this form after ${MAX_FILLS} fills; fill the rest yourself.`);
      return { watching: false };
    }
    const step = followed.step + (replaced ? 1 : 0);
    await save(tabId, { ...followed, step, fills: followed.fills + 1 });
    const result = await fill(followed.answers, step);
    if (!result.following) await forget(tabId);
    return { watching: result.following };
  });
}

/** Stops following `tabId` in every frame; `why` replaces the panel's footer. */
export async function stop(tabId, why = null) {
  await forget(tabId);
  await ext.scripting.executeScript({
    target: { tabId, allFrames: true },
    func: (text) => {
      globalThis.autoresumeAssist?.unwatch();
      if (text) globalThis.autoresumeAssist?.stopped(text);
    },
    args: [why],
  }).catch(() => {});
}
