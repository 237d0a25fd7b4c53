// What the assist's e2e tests and its benchmark share: a local server for the application
// forms, the test profile on the companion, and Chromium with the extension paired.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { chromium } from 'playwright-core';
import { pages } from './form-snapshots.mjs';
import { REACT_FORM_DIR, startFormServer as startServer } from './form-server.mjs';
import { root } from './paths.mjs';

export { REACT_FORM_DIR };

const FORMS = join(root, 'shared', 'tests', 'forms');
export const RESUME_NAME = 'ada-lovelace.pdf';
// The smallest file the companion accepts as a PDF.
export const RESUME_PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

/** The saved application pages by name (`17nbist_greenhouse`, …). */
export const savedPages = new Map(pages.map((page) => [basename(page, '.html'), page]));

export async function readJson(...path) {
  return JSON.parse(await readFile(join(FORMS, ...path), 'utf8'));
}

/**
 * The form server (lib/form-server.mjs) with the saved pages, on 127.0.0.1 unless `host` says
 * (127.0.0.2: a site the extension may not script): `{ url, embedUrl, requests, applications, close }`.
 */
export function startFormServer({ host } = {}) {
  return startServer(savedPages, { host });
}

async function api(companion, token, method, path, body, contentType = 'application/json') {
  const response = await fetch(`${companion.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': contentType },
    body: contentType === 'application/json' ? JSON.stringify(body) : body,
  });
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${await response.text()}`);
  return response.status === 204 ? null : response.json();
}

/**
 * Stores the planner's test profile (shared/tests/forms/profile.json) and a resume PDF for
 * `user`; returns a device token to call the API with.
 */
export async function seedProfile(companion, user) {
  const { token } = await companion.pairDevice(user, 'e2e seeder');
  const profile = await readJson('profile.json');
  await api(companion, token, 'PUT', '/api/v1/profile', { resume: profile.resume, version: 0 });
  await api(companion, token, 'PUT', '/api/v1/profile/answers', { answers: profile.answers, version: 0 });
  for (const free of profile.freeAnswers) await api(companion, token, 'POST', '/api/v1/profile/free-answers', free);
  await api(companion, token, 'PUT', `/api/v1/profile/resume-pdf?name=${RESUME_NAME}`, RESUME_PDF, 'application/pdf');
  return { token, call: (method, path, body) => api(companion, token, method, path, body) };
}

/** Chromium with the extension's `dist` build loaded: `{ context, worker, extensionId }`. */
export async function launchWithExtension(dist) {
  const profile = await mkdtemp(join(tmpdir(), 'autoresume-assist-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 900 },
    ignoreDefaultArgs: ['--disable-extensions'],
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      `--disable-extensions-except=${dist}`, `--load-extension=${dist}`],
  });
  const worker = context.serviceWorkers()[0] ?? await context.waitForEvent('serviceworker');
  return { context, worker, extensionId: new URL(worker.url()).host, profile };
}

/** The popup in a tab, paired with `user` and connected. */
export async function pairedPopup(context, extensionId, companion, user) {
  const popup = await context.newPage();
  await popup.setViewportSize({ width: 360, height: 700 });
  await popup.goto(`chrome-extension://${extensionId}/popup.html`);
  await popup.fill('#companion-url', companion.url);
  await popup.fill('#pairing-code', await companion.pairingCode(user));
  await popup.click('#pair-button');
  await popup.locator('#status-text', { hasText: 'Connected' }).waitFor();
  return popup;
}

/**
 * The React form's state (#state, what it would submit) once the test profile is filled in:
 * the combobox, radios, checkbox and file taken, the question without an answer and the
 * hidden honeypot left empty, nothing submitted.
 */
export const REACT_FILLED = Object.freeze({
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.org',
  phone: '+1 415 555 0100',
  linkedin: 'https://www.linkedin.com/in/adalovelace',
  country: { value: 'united-states', label: 'United States' },
  sponsorship: 'no',
  authorized: true,
  whyUs: '',
  resume: { name: RESUME_NAME, size: RESUME_PDF.length, type: 'application/pdf' },
  website: '',
  submitted: 0,
});

/** Every control's state, to compare before and after a fill. */
export function controlStates() {
  return [...document.querySelectorAll('input, select, textarea')].map((el) => {
    if (el.type === 'checkbox' || el.type === 'radio') return el.checked;
    if (el.type === 'file') return el.files.length;
    return el.value;
  });
}

/**
 * The page that plants labelled inputs nobody can see (tests/e2e/fixtures/hidden-fields.html):
 * the hidden ones, one per way of hiding, must stay empty; the visible ones (below the fold, a
 * select behind its combobox, file inputs behind a visible label or button) must read as given.
 */
const hiddenSelectors = ['#h_display', '#h_visibility', '#h_zero', '#h_attribute', '#h_aria', '#h_clip', '#h_clip_path', '#h_overflow',
  '#h_transparent', '#h_covered', '#h_offscreen'];
export const HIDDEN_FIELDS = {
  path: '/fixtures/hidden-fields.html',
  hidden: hiddenSelectors,
  /** What every control of the page reads once filled, by selector. */
  expected: {
    ...Object.fromEntries(hiddenSelectors.map((selector) => [selector, ''])),
    '#first_name': 'Ada',
    '#last_name': 'Lovelace',
    '#email': 'ada@example.org',
    '#country': 'US',
    '#resume': RESUME_NAME,
    '#cv': RESUME_NAME,
    '#title': 'Staff Software Engineer',
  },
};

/** In the page: each control's value by selector (a file input's: its file's name). */
export function valuesOf(selectors) {
  return Object.fromEntries(selectors.map((selector) => {
    const el = document.querySelector(selector);
    return [selector, el.type === 'file' ? (el.files[0]?.name ?? '') : el.value];
  }));
}

/**
 * The React wizard (tests/react-form/wizard.jsx) filled from the test profile: per step, the
 * answers its React state holds once the assist (or the headless fill) filled that step. The
 * test moves on with `next` (Next on each step, Submit on the Review page); the assist never does.
 */
export const WIZARD = Object.freeze({
  path: '/react/wizard.html',
  next: '.actions button:last-child',
  back: '.actions button:first-child',
  steps: [
    { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.org', phone: '+1 415 555 0100' },
    {
      country: 'United States',
      title: 'Staff Software Engineer',
      sponsorship: 'No',
      linkedin: 'https://www.linkedin.com/in/adalovelace',
      resume: { name: RESUME_NAME, size: RESUME_PDF.length, type: 'application/pdf' },
    },
    { authorized: 'Yes', gender: 'Female', veteran: 'I am not a protected veteran' },
  ],
});

/** What the wizard POSTs to /applications once the test clicks Submit: every step's answers and the resume's bytes. */
export function wizardApplication() {
  const answers = Object.assign({}, ...WIZARD.steps);
  return { form: 'wizard', answers: { ...answers, resume: { ...answers.resume, data: RESUME_PDF.toString('base64') } } };
}

/** Whether the wizard's state (#state) is on step `index` with that step's answers (or `answers`). */
export function wizardStepFilled(state, index, answers = WIZARD.steps[index]) {
  return state?.step === index
    && Object.entries(answers).every(([key, value]) => JSON.stringify(state[key]) === JSON.stringify(value));
}

/**
 * The careers page (tests/react-form/careers/job.html) whose application form is an iframe
 * from the other loopback name (another origin and site): what the frame's controls read once
 * filled from the test profile; the honeypot out of sight (#website) stays empty.
 */
export const EMBEDDED = Object.freeze({
  path: '/react/careers/job.html',
  frame: '#grnhse_iframe',
  honeypot: '#website',
  expected: {
    '#first_name': 'Ada',
    '#last_name': 'Lovelace',
    '#email': 'ada@example.org',
    '#phone': '+1 415 555 0100',
    '#resume': RESUME_NAME,
    '#question_linkedin': 'https://www.linkedin.com/in/adalovelace',
    '#question_authorized': '1',
    '#question_sponsorship': '0',
    '#website': '',
  },
});
