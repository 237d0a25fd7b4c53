import init, * as core from './pkg/extension_core.js';
import { AUTO_REFRESH } from './lib/accounts.js';
import { ext } from './lib/ext.js';
import { NOTIFY_OPTION } from './lib/requests.js';

const $ = (id) => document.getElementById(id);

await init();
$('version').textContent = core.version();

function show(element, message) {
  element.textContent = message;
  element.hidden = !message;
}

function render({ pairing }) {
  $('not-paired').hidden = Boolean(pairing);
  $('paired').hidden = !pairing;
  if (!pairing) return;
  if (document.activeElement !== $('companion-url')) $('companion-url').value = pairing.companionUrl;
  $('fingerprint').textContent = pairing.identityFingerprint;
  $('user').textContent = pairing.user?.name ?? '';
  $('device').textContent = pairing.deviceName ?? '';
}

$('url-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  show($('url-error'), '');
  $('url-saved').hidden = true;
  let url;
  try {
    url = core.normalizeCompanionUrl($('companion-url').value);
  } catch (error) {
    show($('url-error'), error.message);
    return;
  }
  if (url.startsWith('https://') && !(await ext.permissions.request({ origins: [`${url}/*`] }))) {
    show($('url-error'), `AutoResume needs permission to talk to ${url}.`);
    return;
  }
  const result = await ext.runtime.sendMessage({ type: 'set-url', url });
  if (result?.ok) {
    $('companion-url').value = result.companionUrl;
    $('url-saved').hidden = false;
  } else {
    show($('url-error'), result?.error ?? 'Could not save the address.');
  }
});

$('unpair').addEventListener('click', () => ext.runtime.sendMessage({ type: 'unpair' }));

$('auto-refresh').addEventListener('change', (event) => {
  ext.storage.local.set({ [AUTO_REFRESH]: event.target.checked });
});
$('auto-refresh').checked = Boolean((await ext.storage.local.get(AUTO_REFRESH))[AUTO_REFRESH]);

$('notify-requests').addEventListener('change', async (event) => {
  const box = event.target;
  // The permission is optional and may only be asked for during the click.
  const on = box.checked && await ext.permissions.request({ permissions: ['notifications'] });
  box.checked = on;
  await ext.storage.local.set({ [NOTIFY_OPTION]: on });
});
$('notify-requests').checked = Boolean((await ext.storage.local.get(NOTIFY_OPTION))[NOTIFY_OPTION]);

ext.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && 'pairing' in changes) render({ pairing: changes.pairing.newValue });
});
render(await ext.storage.local.get('pairing'));
