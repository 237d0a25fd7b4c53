// The in-tab assist, service-worker side: snapshot the tab's form, plan it with the WASM
// planner from the profile the companion keeps (fetched here with the token, which never
// reaches the page), then let extension/form-fill.js fill the planned answers and
// extension/assist.js show its panel. The form may be in any frame the extension may script
// (lib/assist-frames.js); the panel is in the top page. In a wizard the page's script asks for
// each new step (lib/assist-steps.js).
import * as api from './api.js';
import { framesOutOfReach, granted, inject, injectTop, notGranted, originPattern } from './assist-frames.js';
import * as steps from './assist-steps.js';
import { ext } from './ext.js';

const SNAPSHOT_FILE = 'form-snapshot.js';
const FILL_FILE = 'form-fill.js';
const ASSIST_FILE = 'assist.js';
// A page that builds its form after `load` (single-page ATS sites) gets this long to show it.
const FORM_WAIT_MS = 10000;
const LOAD_WAIT_MS = 60000;
// Before the popup asks for an embedded frame's site: a frame in reach with this many controls
// is taken to be the form (a search box is not).
const CONTROLS = 'input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea';
const MIN_FORM_CONTROLS = 2;

/** What the panel says of a blocker that needs a person. */
const BLOCKER_TEXT = Object.freeze({
  captcha: 'the page has a captcha',
  login_wall: 'the page asks you to sign in',
  account_creation: 'the page asks you to create an account',
  no_form: 'no application form on this page',
});

const embeddedText = (origins) => `the form is embedded from ${origins.map((o) => new URL(o).host).join(', ')}, `
  + 'where AutoResume may not fill forms yet';

/** Why a field without a planned value needs the user. */
function reasonOf(field) {
  switch (field.source.kind) {
    case 'needs_draft': return 'write this in your own words';
    case 'unknown': return 'no answer in your profile';
    default: return '';
  }
}

function snapshots(tabId) {
  return inject(tabId, { files: [SNAPSHOT_FILE] });
}

const hasForm = (taken) => taken?.fields?.length > 0 || taken?.blockers?.some((b) => b.kind !== 'no_form');

/** Every reachable frame's snapshot, top first: `[{frameId, result}]`. */
async function snapshotWhenReady(tabId, wait) {
  const deadline = Date.now() + (wait ? FORM_WAIT_MS : 0);
  for (;;) {
    const taken = (await snapshots(tabId)).sort((a, b) => a.frameId - b.frameId);
    if (taken.some((frame) => hasForm(frame.result)) || Date.now() >= deadline) return taken;
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

const fillable = (plan) => plan.fields.some((f) => f.source.kind !== 'never_fill');

// An invisible captcha asks nothing of the user before their Submit: the form is filled.
function blockersOf(plans) {
  const seen = new Set();
  return plans.flatMap((p) => p.blockers)
    .filter((b) => BLOCKER_TEXT[b.kind] && !b.invisible && !seen.has(b.kind) && seen.add(b.kind))
    .map((b) => ({ kind: b.kind, text: BLOCKER_TEXT[b.kind] }));
}

/**
 * Plans every frame's form: `{forms: [{frameId, plan}], blockers, outOfReach}`. The frames
 * with something to fill are the forms (the top page alone when none has: its blockers then
 * say why); `outOfReach` names the sites of embedded frames no script reached, when no form
 * was found, which is then why.
 */
async function planFrames(core, tabId, taken, profile) {
  const planned = taken.map(({ frameId, result }) => ({ frameId, plan: core.planForm(result, profile) }));
  const forms = planned.filter(({ plan }) => fillable(plan));
  if (forms.length) return { forms, blockers: blockersOf(forms.map((f) => f.plan)), outOfReach: [] };
  const top = planned.filter((p) => p.frameId === 0);
  const outOfReach = await framesOutOfReach(tabId, taken.map((f) => f.result.url));
  const blockers = blockersOf(top.map((f) => f.plan)).filter((b) => !outOfReach.length || b.kind !== 'no_form');
  if (outOfReach.length) blockers.push({ kind: 'frame_out_of_reach', text: embeddedText(outOfReach) });
  return { forms: top, blockers, outOfReach };
}

/** Fills one frame's form; its outcomes. Watching for a wizard's next step starts there too. */
async function fillFrame(tabId, frameId, job, follow) {
  await inject(tabId, { files: [FILL_FILE, ASSIST_FILE] }, [frameId]);
  const [done] = await inject(tabId, {
    func: async (work, watching) => {
      const outcomes = await globalThis.autoresumeAssist.fill(work);
      if (watching) globalThis.autoresumeAssist.watch();
      return outcomes;
    },
    args: [job, follow],
  }, [frameId]);
  return done?.result ?? [];
}

/**
 * Fills the form in `tabId` (in whichever frames it is) and shows the panel in the top page.
 * `request` (a card) adds the user's edited answers; `waitForForm` gives a page that is still
 * building its form time to show it; `step` names a wizard's step on the panel; `follow`: the
 * page then watches for the next step (when nothing blocked the fill).
 * Returns `{blocked, blockers, outOfReach, outcomes, hidden, timings}`: `hidden` counts the
 * fields skipped because nobody can see them; `outOfReach` the origins of frames that need the
 * user's permission; timings in milliseconds.
 */
export async function assistTab(core, saved, tabId, { request = null, waitForForm = false, step = 1, follow = false } = {}) {
  const started = performance.now();
  const profileLoad = loadProfile(saved).then((loaded) => ({ ...loaded, ms: performance.now() - started }));
  const taken = await snapshotWhenReady(tabId, waitForForm);
  const snapshotMs = performance.now() - started;
  const { profile, pdf, ms: profileMs } = await profileLoad;
  const planStarted = performance.now();
  const { forms, blockers, outOfReach } = await planFrames(core, tabId, taken, profile);
  const planMs = performance.now() - planStarted;
  const hidden = forms.reduce((n, { plan }) => n + plan.fields.filter((f) => f.hidden).length, 0);
  const needsPdf = !blockers.length && forms.some(({ plan }) => plan.fields.some((f) => f.value?.kind === 'file'));
  const resume = needsPdf && pdf ? { name: pdf.name, base64: base64(pdf.bytes) } : null;
  const following = follow && !blockers.length;
  const fillStarted = performance.now();
  const outcomes = [];
  for (const { frameId, plan } of forms) {
    outcomes.push(...await fillFrame(tabId, frameId, { fields: pageFields(plan, request), resume, blockers }, following));
  }
  const fillMs = performance.now() - fillStarted;
  await inject(tabId, { files: [FILL_FILE, ASSIST_FILE] }, [0]);
  await injectTop(tabId, {
    func: (shown) => globalThis.autoresumeAssist.showPanel(shown),
    args: [{ blockers, outcomes, hidden, step, following }],
  });
  return {
    blocked: blockers.length > 0,
    blockers,
    outOfReach,
    following,
    outcomes,
    hidden,
    timings: { snapshotMs, profileMs, planMs, fillMs, inTabMs: snapshotMs + planMs + fillMs, totalMs: performance.now() - started },
  };
}

/**
 * The origins of `tabId`'s embedded frames the user has not granted yet (the popup asks for
 * them at the click, before filling). Only while no reachable frame holds a form.
 */
export async function framesToGrant(tabId) {
  // A count, not a snapshot: this runs as the popup opens.
  const reached = await inject(tabId, {
    func: (controls) => ({ url: location.href, controls: document.querySelectorAll(controls).length }),
    args: [CONTROLS],
  });
  if (reached.some((frame) => frame.result.controls >= MIN_FORM_CONTROLS)) return [];
  const outOfReach = await framesOutOfReach(tabId, reached.map((f) => f.result.url));
  // The manifest lets the user grant https sites only (optional_host_permissions).
  return (await notGranted(outOfReach)).filter((origin) => origin.startsWith('https:'));
}

export { originPattern };

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
  if (!await granted([originPattern(url.href)])) throw new Error(`AutoResume may not fill forms on ${url.hostname}`);
}

/** Opens `request`'s job in a new tab and autofills it once it has loaded. */
export async function openAndAssist(core, saved, request) {
  const url = new URL(request.jobUrl);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not a web page');
  await permitted(url);
  const tab = await ext.tabs.create({ url: url.href, active: true });
  await loaded(tab.id, url.origin);
  return { tabId: tab.id, ...await autofill(core, saved, tab.id, { request, waitForForm: true }) };
}

/**
 * Fills `tabId` and follows it step by step (lib/assist-steps.js). `frameOrigins`: embedded
 * frames' sites the popup asked the user to grant at this click; their answer is awaited first.
 */
export async function autofill(core, saved, tabId, { request = null, waitForForm = false, frameOrigins = [] } = {}) {
  await granted(frameOrigins.map(originPattern), tabId);
  return steps.start(tabId, request?.answers ?? [], (options) => assistTab(core, saved, tabId, { request, waitForForm, ...options }));
}

/** The page in `tabId` shows new fields (`{replaced}`): plans and fills them; `{watching}`. */
export function nextStep(core, saved, tabId, change) {
  return steps.next(tabId, change, (answers, step) => assistTab(core, saved, tabId, { request: { answers }, step, follow: true }));
}

export { forget, stop } from './assist-steps.js';
export { refused } from './assist-frames.js';
