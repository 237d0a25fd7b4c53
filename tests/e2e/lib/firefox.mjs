// Headless Firefox ESR with the Firefox test build installed as a temporary add-on, and its
// popup opened in a tab.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { distTest } from './paths.mjs';
import { waitFor } from './wait.mjs';
import { Gecko } from './webdriver.mjs';

/** Starts Firefox with the add-on; `prefs` and `capabilities` add to the defaults. */
export async function startFirefox({ prefs = {}, capabilities = {} } = {}) {
  const extension = join(distTest, 'firefox');
  const { browser_specific_settings: settings } = JSON.parse(await readFile(join(extension, 'manifest.json'), 'utf8'));
  const uuid = randomUUID();
  const firefox = await Gecko.start({
    browserName: 'firefox',
    ...capabilities,
    'moz:firefoxOptions': {
      binary: process.env.FIREFOX_BIN ?? '/usr/bin/firefox-esr',
      args: ['-headless'],
      prefs: {
        // A fixed moz-extension:// host, so the test knows where the popup is.
        'extensions.webextensions.uuids': JSON.stringify({ [settings.gecko.id]: uuid }),
        ...prefs,
      },
    },
  });
  await firefox.installAddon(extension);
  firefox.extensionUrl = (path) => `moz-extension://${uuid}/${path}`;
  return firefox;
}

/**
 * Opens the popup in the current tab. WebDriver may not navigate to moz-extension://
 * itself; a page may, because the test build lists popup.html as web-accessible, so the
 * tab first loads a page of the companion.
 */
export async function openPopup(firefox, companionUrl) {
  await firefox.navigate(`${companionUrl}/login`);
  const url = firefox.extensionUrl('popup.html');
  // Navigating after the script has returned: a navigation during it may tear down
  // Marionette's sandbox mid-call, which Firefox reports as NS_ERROR_OUT_OF_MEMORY.
  await firefox.execute('const url = arguments[0]; setTimeout(() => { location.href = url; }, 0);', url);
  await waitFor(
    () => firefox.execute('return location.href === arguments[0] && document.readyState === "complete" && document.getElementById("version").textContent !== ""', url),
    { what: 'the popup' },
  );
}

/** Pairs the open popup with `user` on the companion and waits until it is connected. */
export async function pairPopup(firefox, companion, user) {
  await firefox.type('#companion-url', companion.url);
  await firefox.type('#pairing-code', await companion.pairingCode(user));
  await firefox.click('#pair-button');
  await firefox.waitForText('#status-text', 'Connected');
}

/** Signs in to the dashboard in the current tab. */
export async function login(firefox, companionUrl, user, password) {
  await firefox.navigate(`${companionUrl}/login`);
  await firefox.type('input[name=username]', user);
  await firefox.type('input[name=password]', password);
  await firefox.click('form [type=submit], form button');
  await waitFor(async () => /\/dashboard/.test(await firefox.command('GET', '/url')), { what: 'the dashboard' });
}
