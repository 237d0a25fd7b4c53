// The frames of a tab the in-tab assist works in. A form may live in an iframe from another
// origin (a company's careers page embedding its job board's form): the scripts go into every
// frame the extension may script (allFrames; the browsers skip the others), and a frame out of
// reach is named so that the user can grant its site. No webNavigation permission: the frames
// that matter are the ones the scripts reach, and the top page names the others (its iframes).
import { ext } from './ext.js';

const TOP = 0;
// An iframe this small is a widget (a tracker, a button), not a form.
const MIN_FORM_FRAME = { width: 200, height: 150 };
// How long the assist waits for the user to answer the browser's permission prompt.
export const PERMISSION_WAIT_MS = 120000;

/** `injection` in the frames `frameIds` (all the extension may script when omitted): `[{frameId, result}]`. */
export async function inject(tabId, injection, frameIds) {
  const target = frameIds ? { tabId, frameIds } : { tabId, allFrames: true };
  const results = await ext.scripting.executeScript({ target, ...injection });
  const failed = results.find((r) => r.error && r.frameId === TOP);
  if (failed) throw new Error(String(failed.error.message ?? failed.error));
  return results.filter((r) => !r.error).map(({ frameId, result }) => ({ frameId, result }));
}

/** `injection` in the top frame only; its result. */
export async function injectTop(tabId, injection) {
  const [top] = await inject(tabId, injection, [TOP]);
  return top?.result;
}

/** In the page: the addresses of the iframes big enough to hold a form. */
function embeddedFrames(min) {
  return [...document.querySelectorAll('iframe, frame')]
    .filter((frame) => {
      const box = frame.getBoundingClientRect();
      return box.width >= min.width && box.height >= min.height && getComputedStyle(frame).visibility !== 'hidden';
    })
    .map((frame) => frame.src)
    .filter((src) => /^https?:/.test(src));
}

/**
 * The origins (`https://host`) of the top page's iframes whose pages no script reached
 * (`reached`: the URLs the frames' snapshots came from).
 */
export async function framesOutOfReach(tabId, reached) {
  const origins = new Set(reached.map((url) => new URL(url).origin));
  const sources = await injectTop(tabId, { func: embeddedFrames, args: [MIN_FORM_FRAME] }) ?? [];
  return [...new Set(sources.map((src) => new URL(src).origin))].filter((origin) => !origins.has(origin));
}

/** The origin pattern a host permission for `url` (or origin) names, e.g. `https://jobs.example.com/*`. */
export function originPattern(url) {
  const { protocol, hostname } = new URL(url);
  return `${protocol}//${hostname}/*`;
}

/** The origins among `origins` the extension may not script yet. */
export async function notGranted(origins) {
  const missing = [];
  for (const origin of origins) {
    if (!await ext.permissions.contains({ origins: [originPattern(origin)] })) missing.push(origin);
  }
  return missing;
}

// Waits for the popup's prompt by key (a tab), which the popup can end early when refused.
const waiting = new Map();

/** The popup reports that the user refused the prompt it showed for `key`. */
export function refused(key) {
  waiting.get(key)?.(false);
}

/**
 * Waits until the user granted the host permissions `patterns` (the popup asks at the click,
 * in its gesture; Firefox closes the popup for its prompt, so the grant is awaited here),
 * refused them (`refused(key)`), or the time is up; whether they were granted.
 */
export async function granted(patterns, key = null) {
  const wanted = { origins: patterns };
  if (!patterns.length || await ext.permissions.contains(wanted)) return true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(false), PERMISSION_WAIT_MS);
    const onAdded = () => ext.permissions.contains(wanted).then((yes) => yes && done(true), () => done(false));
    function done(yes) {
      clearTimeout(timer);
      ext.permissions.onAdded.removeListener(onAdded);
      if (waiting.get(key) === done) waiting.delete(key);
      resolve(yes);
    }
    if (key !== null) waiting.set(key, done);
    ext.permissions.onAdded.addListener(onAdded);
  });
}
