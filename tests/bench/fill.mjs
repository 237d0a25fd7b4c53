// Fill time in the tab: the in-tab assist (snapshot + WASM plan + fill) on each saved real form
// and on the live React form, in headless Chromium with the built extension against a real
// companion; median and p95 of N runs per form, each on a freshly loaded page.
//
//   node tests/bench/fill.mjs [RUNS]      (after cargo build -p companion and scripts/build-extension)
//
// The captcha markup of a saved page is removed before the run, or the assist would only
// report the page blocked and fill nothing. The profile fetch from the companion runs beside
// the snapshot and is reported on its own.
import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { launchWithExtension, pairedPopup, savedPages, seedProfile, startFormServer } from '../e2e/lib/assist.mjs';
import { Companion } from '../e2e/lib/companion.mjs';
import { dist } from '../e2e/lib/paths.mjs';

const RUNS = Number(process.argv[2] ?? 15);
const USER = 'bench';
const FORMS = [
  ['17nbist_greenhouse', '/forms/17nbist_greenhouse.html'],
  ['17nbist_lever', '/forms/17nbist_lever.html'],
  ['17nbist_ashbyhq', '/forms/17nbist_ashbyhq.html'],
  ['17nbist_workday (sign-in page)', '/forms/17nbist_workday.html'],
  ['React form (react-select)', '/react/index.html'],
].filter(([, path]) => !path.startsWith('/forms/') || savedPages.has(basename(path, '.html')));

function removeCaptchas() {
  const captcha = '.g-recaptcha, .grecaptcha-badge, .h-captcha, .cf-turnstile, [name^="g-recaptcha-response"], [name^="h-captcha-response"], [name^="cf-turnstile-response"]';
  for (const el of document.querySelectorAll(captcha)) el.remove();
  for (const el of document.querySelectorAll('iframe[src], script[src]')) {
    if (/recaptcha|hcaptcha|turnstile|challenges\.cloudflare/i.test(el.getAttribute('src'))) el.remove();
  }
}

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const ms = (value) => value.toFixed(1).padStart(8);

const companion = await Companion.start();
const server = await startFormServer();
const browser = await launchWithExtension(join(dist, 'chrome'));
try {
  await companion.addUser(USER, 'bench password 123');
  await seedProfile(companion, USER);
  const popup = await pairedPopup(browser.context, browser.extensionId, companion, USER);
  const page = await browser.context.newPage();
  console.log(`fill time in the tab, median (p95) of ${RUNS} runs, ms`);
  console.log(`${'form'.padEnd(32)}${'fields'.padStart(7)}${'filled'.padStart(7)}${'snapshot'.padStart(9)}${'plan'.padStart(8)}${'fill'.padStart(9)}${'in tab'.padStart(9)}${'(p95)'.padStart(9)}${'profile'.padStart(9)}`);
  for (const [name, path] of FORMS) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      await page.goto(`${server.url}${path}`);
      await page.evaluate(removeCaptchas);
      if (path.startsWith('/react/')) await page.locator('#state').waitFor();
      const url = page.url();
      const result = await popup.evaluate(async (address) => {
        const [tab] = await chrome.tabs.query({ url: address });
        return chrome.runtime.sendMessage({ type: 'assist-tab', tabId: tab.id });
      }, url);
      if (!result.ok) throw new Error(`${name}: ${result.error}`);
      runs.push(result);
    }
    const of = (key) => runs.map((r) => r.timings[key]);
    const last = runs.at(-1);
    const filled = last.outcomes.filter((o) => o.status === 'filled').length;
    console.log(`${name.padEnd(32)}${String(last.outcomes.length).padStart(7)}${String(filled).padStart(7)}${ms(quantile(of('snapshotMs'), 0.5)).padStart(9)}${ms(quantile(of('planMs'), 0.5))}${ms(quantile(of('fillMs'), 0.5)).padStart(9)}${ms(quantile(of('inTabMs'), 0.5)).padStart(9)}${ms(quantile(of('inTabMs'), 0.95)).padStart(9)}${ms(quantile(of('profileMs'), 0.5)).padStart(9)}`);
  }
} finally {
  await browser.context.close();
  await rm(browser.profile, { recursive: true, force: true });
  await server.close();
  await companion.stop();
}
