// Connected Accounts: seals a pasted cookie export in this page with the extension's WASM
// core and uploads only the envelope. The textarea has no name and sits outside any form,
// so without this script nothing is ever posted.
import init, * as core from '/static/wasm/extension_core.js';

const card = document.getElementById('paste-card');
const select = document.getElementById('paste-platform');
const domainLabel = document.getElementById('custom-domain-label');
const domainInput = document.getElementById('custom-domain');
const textarea = document.getElementById('paste-cookies');
const button = document.getElementById('seal-upload');
const status = document.getElementById('paste-status');

function say(state, text) {
  status.dataset.state = state;
  status.textContent = text;
}

function platformId() {
  if (select.value !== 'custom') return select.value;
  const domain = domainInput.value.trim();
  if (!domain) throw new Error('Enter the site domain, e.g. jobs.example.com.');
  return `custom:${domain}`;
}

async function problemText(response) {
  try {
    const problem = await response.json();
    return problem.detail || problem.title || `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

async function sealAndUpload() {
  button.disabled = true;
  try {
    const platform = platformId();
    say('busy', 'Sealing…');
    const keyResponse = await fetch('/api/v1/vault/public-key', { credentials: 'same-origin' });
    if (!keyResponse.ok) throw new Error(await problemText(keyResponse));
    const signedKey = await keyResponse.json();
    const sealed = core.sealCookieExport({
      signedKey,
      pinnedIdentityKey: card.dataset.identityKey,
      userId: card.dataset.userId,
      platform,
      exportText: textarea.value,
    });
    // The plaintext leaves the page as soon as it is sealed.
    textarea.value = '';
    const response = await fetch(`/api/v1/credentials/${encodeURIComponent(platform)}`, {
      method: 'PUT',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': card.dataset.csrf },
      body: JSON.stringify({ envelope: sealed.envelope }),
    });
    if (!response.ok) throw new Error(await problemText(response));
    const stored = await response.json();
    say('ok', `Connected ${stored.platformName}: ${stored.metadata.count} session cookies.`);
    window.location.reload();
  } catch (error) {
    say('error', error instanceof Error ? error.message : String(error));
  } finally {
    button.disabled = false;
  }
}

select.addEventListener('change', () => {
  domainLabel.hidden = select.value !== 'custom';
});
button.addEventListener('click', sealAndUpload);

init({ module_or_path: '/static/wasm/extension_core_bg.wasm' }).then(
  () => {
    button.disabled = false;
    say('ready', 'Ready. The export is sealed on this page before upload.');
  },
  (error) => say('error', `The sealing module failed to load: ${error}`),
);
