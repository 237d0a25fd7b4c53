// The in-tab assist, service-worker side: snapshot the tab's form, plan it with the WASM
// planner from the profile the companion keeps (fetched here with the token, which never
// reaches the page), then let extension/form-fill.js fill the planned answers and
// extension/assist.js show its panel.
import * as api from './api.js';
import { ext } from './ext.js';

const SNAPSHOT_FILE = 'form-snapshot.js';
const FILL_FILE = 'form-fill.js';
const ASSIST_FILE = 'assist.js';
// A page that builds its form after `load` (single-page ATS sites) gets this long to show it.
const FORM_WAIT_MS = 10000;
const LOAD_WAIT_MS = 60000;
// How long "Open & autofill" waits for the user to answer the site's permission prompt.
const PERMISSION_WAIT_MS = 120000;

/** What the panel says of a blocker that needs a person. */
const BLOCKER_TEXT = Object.freeze({
  captcha: 'the page has a captcha',
  login_wall: 'the page asks you to sign in',
  account_creation: 'the page asks you to create an account',
  no_form: 'no application form on this page',
});

/** Why a field without a planned value needs the user. */
function reasonOf(field) {
  switch (field.source.kind) {
    case 'needs_draft': return 'write this in your own words';
    case 'unknown': return 'no answer in your profile';
    default: return '';
  }
}

async function inject(tabId, injection) {
  const [frame] = await ext.scripting.executeScript({ target: { tabId }, ...injection });
  if (frame?.error) throw new Error(String(frame.error.message ?? frame.error));
  return frame?.result;
}

function snapshot(tabId) {
  return inject(tabId, { files: [SNAPSHOT_FILE] });
}

const hasForm = (taken) => taken?.fields?.length > 0 || taken?.blockers?.some((b) => b.kind !== 'no_form');

async function snapshotWhenReady(tabId, wait) {
  const deadline = Date.now() + (wait ? FORM_WAIT_MS : 0);
  for (;;) {
    const taken = await snapshot(tabId);
    if (hasForm(taken) || Date.now() >= deadline) return taken;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function base64(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** The planner's profile: resume, answer bank, free answers and the resume PDF if any. */
async function loadProfile(saved) {
  const base = saved.pairing.companionUrl;
  const [resume, answers, freeAnswers, pdf] = await Promise.all([
    api.profile(base, saved.token),
    api.answers(base, saved.token),
    api.freeAnswers(base, saved.token),
    api.resumePdf(base, saved.token),
  ]);
  return {
    profile: {
      resume: resume.resume,
      answers: answers.answers,
      freeAnswers: freeAnswers.map(({ question, answer, tags }) => ({ question, answer, tags })),
      hasResumePdf: pdf !== null,
    },
    pdf,
  };
}

// The user's own edits on a request card win over the plan: matched by the field's selector,
// else by its label.
function withRequestAnswers(fields, request) {
  const answers = request?.answers ?? [];
  const label = (text) => (text ?? '').replace(/[*✱]\s*$/, '').trim().toLowerCase();
  return fields.map((field) => {
    const answer = answers.find((a) => a.field === field.selector)
      ?? answers.find((a) => a.label && label(a.label) === label(field.label));
    if (!answer?.value || field.kind === 'file') return field;
    return { ...field, value: { kind: 'text', text: answer.value }, source: { kind: 'request' } };
  });
}

/**
 * What the page receives: per field its selector, label, kind and value; no honeypot and no
 * field the planner found hidden, whatever the request's answers say.
 */
function pageFields(plan, request) {
  // Honeypots, passwords and hidden fields are all `never_fill`.
  const fillable = plan.fields.filter((f) => f.source.kind !== 'never_fill');
  return withRequestAnswers(fillable, request)
    .map((f) => ({
      selector: f.selector,
      label: f.label,
      kind: f.kind,
      required: f.required,
      value: f.value,
      reason: f.value ? undefined : reasonOf(f),
    }));
}

/**
 * Fills the form in `tabId` and shows the panel there. `request` (a card) adds the user's
 * edited answers; `waitForForm` gives a page that is still building its form time to show it.
 * Returns `{blocked, blockers, outcomes, hidden, timings}`: `hidden` counts the fields skipped
 * because nobody can see them; timings in milliseconds.
 */
export async function assistTab(core, saved, tabId, { request = null, waitForForm = false } = {}) {
  const started = performance.now();
  const profileLoad = loadProfile(saved).then((loaded) => ({ ...loaded, ms: performance.now() - started }));
  const taken = await snapshotWhenReady(tabId, waitForForm);
  const snapshotMs = performance.now() - started;
  const { profile, pdf, ms: profileMs } = await profileLoad;
  const planStarted = performance.now();
  const plan = core.planForm(taken, profile);
  const planMs = performance.now() - planStarted;
  const fields = pageFields(plan, request);
  const hidden = plan.fields.filter((f) => f.hidden).length;
  const blockers = plan.blockers
    .filter((b) => BLOCKER_TEXT[b.kind])
    .map((b) => ({ kind: b.kind, text: BLOCKER_TEXT[b.kind] }));
  const needsPdf = !blockers.length && fields.some((f) => f.value?.kind === 'file');
  const resume = needsPdf && pdf ? { name: pdf.name, base64: base64(pdf.bytes) } : null;
  const fillStarted = performance.now();
  await inject(tabId, { files: [FILL_FILE, ASSIST_FILE] });
  const outcomes = await inject(tabId, {
    func: (job) => globalThis.autoresumeAssist.fill(job),
    args: [{ fields, resume, blockers }],
  });
  const fillMs = performance.now() - fillStarted;
  await inject(tabId, {
    func: (shown) => globalThis.autoresumeAssist.showPanel(shown),
    args: [{ blockers, outcomes, hidden }],
  });
  return {
    blocked: blockers.length > 0,
    blockers,
    outcomes,
    hidden,
    timings: { snapshotMs, profileMs, planMs, fillMs, inTabMs: snapshotMs + planMs + fillMs, totalMs: performance.now() - started },
  };
}

/** The origin pattern a host permission for `url` names, e.g. `https://jobs.example.com/*`. */
export function originPattern(url) {
  const { protocol, hostname } = new URL(url);
  return `${protocol}//${hostname}/*`;
}

function loaded(tabId, origin) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error('the page did not finish loading')), LOAD_WAIT_MS);
    const onUpdated = (id, change) => {
      if (id === tabId && change.status === 'complete') done();
    };
    const onRemoved = (id) => {
      if (id === tabId) done(new Error('the tab was closed'));
    };
    function done(error) {
      clearTimeout(timer);
      ext.tabs.onUpdated.removeListener(onUpdated);
      ext.tabs.onRemoved.removeListener(onRemoved);
      if (error) reject(error);
      else resolve();
    }
    ext.tabs.onUpdated.addListener(onUpdated);
    ext.tabs.onRemoved.addListener(onRemoved);
    // It may have finished before the listener was added.
    ext.tabs.get(tabId).then((tab) => {
      if (tab.status === 'complete' && tab.url?.startsWith(origin)) done();
    }, () => {});
  });
}

// The popup asks for the permission and this message at the same click; Firefox closes the
// popup for its prompt, so the grant is awaited here rather than there.
async function permitted(url) {
  const wanted = { origins: [originPattern(url.href)] };
  if (await ext.permissions.contains(wanted)) return;
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`AutoResume may not fill forms on ${url.hostname}`)), PERMISSION_WAIT_MS);
    const onAdded = () => ext.permissions.contains(wanted).then((yes) => yes && done(), done);
    function done(error) {
      clearTimeout(timer);
      ext.permissions.onAdded.removeListener(onAdded);
      if (error) reject(error);
      else resolve();
    }
    ext.permissions.onAdded.addListener(onAdded);
  });
}

/** Opens `request`'s job in a new tab and autofills it once it has loaded. */
export async function openAndAssist(core, saved, request) {
  const url = new URL(request.jobUrl);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not a web page');
  await permitted(url);
  const tab = await ext.tabs.create({ url: url.href, active: true });
  await loaded(tab.id, url.origin);
  return { tabId: tab.id, ...await assistTab(core, saved, tab.id, { request, waitForForm: true }) };
}
