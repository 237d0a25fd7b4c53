// "Save this job": reads the job posting on the current tab (activeTab + scripting, so no
// content script runs on every site) and sends it to the companion, which matches it and,
// when it passes the user's filters, asks for approval.
import { ext } from './lib/ext.js';

const $ = (id) => document.getElementById(id);

// Runs in the page, so it must be self-contained: the schema.org JobPosting when the page
// has one (also inside @graph or a list), else what the page says about itself.
function readPosting() {
  const isPosting = (node) => [].concat(node?.['@type'] ?? []).includes('JobPosting');
  const find = (node) => {
    if (Array.isArray(node)) {
      for (const item of node) {
        const found = find(item);
        if (found) return found;
      }
      return null;
    }
    if (!node || typeof node !== 'object') return null;
    return isPosting(node) ? node : find(node['@graph']);
  };
  for (const script of document.querySelectorAll('script[type="application/ld+json"]')) {
    try {
      const found = find(JSON.parse(script.textContent));
      if (found) return { ...found, url: found.url ?? location.href };
    } catch {
      // A broken block is skipped; another may hold the posting.
    }
  }
  const meta = (name) =>
    document.querySelector(`meta[property="${name}"], meta[name="${name}"]`)?.content?.trim();
  const main = document.querySelector('main, article, [role=main]') ?? document.body;
  return {
    url: location.href,
    title: meta('og:title') || document.title,
    company: meta('og:site_name') || location.hostname.replace(/^www\./, ''),
    description: (main?.innerText ?? '').slice(0, 50000),
  };
}

function report(text, state) {
  const status = $('save-job-status');
  status.textContent = text;
  status.dataset.state = state;
  status.hidden = !text;
}

async function saveJob() {
  const button = $('save-job');
  button.disabled = true;
  report('Reading the page…', 'busy');
  try {
    const [tab] = await ext.tabs.query({ active: true, currentWindow: true });
    if (!tab?.id || !/^https?:/.test(tab.url ?? 'https:')) {
      report('Open a job posting in this tab first.', 'error');
      return;
    }
    const [injection] = await ext.scripting.executeScript({ target: { tabId: tab.id }, func: readPosting });
    const result = await ext.runtime.sendMessage({ type: 'save-job', posting: injection?.result });
    if (!result?.ok) {
      report(result?.error ?? 'The background did not answer.', 'error');
      return;
    }
    const { posting, duplicate } = result.saved;
    const name = `${posting.company} - ${posting.title}`;
    if (duplicate) {
      report(`Already saved: ${name}`, 'ok');
    } else if (posting.match?.passed) {
      report(`Saved ${name}: it passes your filters, approval requested.`, 'ok');
    } else {
      report(`Saved ${name}: it does not pass your filters.`, 'ok');
    }
  } catch (error) {
    report(`Cannot read this page: ${error.message}`, 'error');
  } finally {
    button.disabled = false;
  }
}

export function setUpSaveJob() {
  $('save-job').addEventListener('click', saveJob);
}
