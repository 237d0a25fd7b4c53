// Takes form snapshots of saved application pages with the extension's own snapshot script in
// real Chromium. Run directly to (re)write the committed fixtures that the planner tests read:
//   node tests/e2e/lib/form-snapshots.mjs --write
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { corpusDir } from './corpus.mjs';
import { root } from './paths.mjs';

const corpus = corpusDir();
export const fixtureDir = join(root, 'shared', 'tests', 'forms', 'snapshots');

/**
 * The saved pages the planner is labelled on: the real forms and the synthetic fixtures of the
 * corpus (when there is one), and the pages written here.
 */
export const pages = [
  ...(corpus === null ? [] : [
    ...['17nbist_ashbyhq', '17nbist_greenhouse', '17nbist_lever', '17nbist_workday'].map((n) => join(corpus, 'ats_forms_real', `${n}.html`)),
    ...[
      'DanielWHX_offerops__greenhouse_application',
      'Molhm01_internship-application-agent__greenhouse-full',
      'Molhm01_internship-application-agent__greenhouse',
      'Molhm01_internship-application-agent__lab_icims-account-creation',
      'Molhm01_internship-application-agent__lever',
      'Molhm01_internship-application-agent__workday',
    ].map((n) => join(corpus, 'ats_forms', 'synthetic_third_party_fixtures', `${n}.html`)),
  ]),
  ...['vendor_heldout_bamboo_like', 'vendor_smartrecruiters_like', 'vendor_workable_like', 'vendor_wizard_like'].map((n) => join(root, 'shared', 'tests', 'forms', 'pages', `${n}.html`)),
];

export const fixtureName = (page) => `${basename(page, '.html')}.json`;

/**
 * Saved pages are static: their scripts are off (they would only fail to reach their servers)
 * and every host name fails to resolve, so nothing leaves the machine and the DOM is the file's.
 */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
    args: ['--host-resolver-rules=MAP * ~NOTFOUND', '--no-sandbox'],
  });
}

export async function snapshot(browser, page) {
  const script = await readFile(join(root, 'extension', 'form-snapshot.js'), 'utf8');
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  try {
    const tab = await context.newPage();
    await tab.goto(pathToFileURL(page).href, { waitUntil: 'domcontentloaded' });
    const taken = await tab.evaluate(script);
    // The file's place on this machine is not part of the page.
    return { ...taken, url: basename(page) };
  } finally {
    await context.close();
  }
}

export const serialise = (value) => `${JSON.stringify(value, null, 2)}\n`;

if (process.argv[1] === new URL(import.meta.url).pathname && process.argv.includes('--write')) {
  const browser = await launch();
  try {
    for (const page of pages) {
      const taken = await snapshot(browser, page);
      await writeFile(join(fixtureDir, fixtureName(page)), serialise(taken));
      console.log(`${fixtureName(page)}: ${taken.fields.length} fields, blockers ${taken.blockers.map((b) => b.kind).join(', ') || 'none'}`);
    }
  } finally {
    await browser.close();
  }
}
