// Connected accounts in headless Firefox ESR: the same local https www.linkedin.com (host names
// mapped to loopback with network.dns.localDomains, its self-signed certificate accepted through
// acceptInsecureCerts), Connect from the popup, and the companion opens what the WASM sealed.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Companion } from './lib/companion.mjs';
import { FakeSite, HOSTS } from './lib/fake-site.mjs';
import { artifacts, distTest } from './lib/paths.mjs';
import { waitFor } from './lib/wait.mjs';
import { Gecko } from './lib/webdriver.mjs';

const USER = 'alice';
const UUID = randomUUID();

describe('Firefox: Connected accounts', () => {
  let companion;
  let site;
  let firefox;

  before(async () => {
    companion = await Companion.start();
    await companion.addUser(USER, 'correct horse battery staple');
    site = await FakeSite.start();
    const extension = join(distTest, 'firefox');
    const { browser_specific_settings: settings } = JSON.parse(await readFile(join(extension, 'manifest.json'), 'utf8'));
    firefox = await Gecko.start({
      browserName: 'firefox',
      // Test only: the site's certificate is self-signed.
      acceptInsecureCerts: true,
      'moz:firefoxOptions': {
        binary: process.env.FIREFOX_BIN ?? '/usr/bin/firefox-esr',
        args: ['-headless'],
        prefs: {
          'extensions.webextensions.uuids': JSON.stringify({ [settings.gecko.id]: UUID }),
          'network.dns.localDomains': HOSTS.join(','),
        },
      },
    });
    await firefox.installAddon(extension);
    await firefox.navigate(`https://www.linkedin.com:${site.port}/`);
    await firefox.waitForText('h1', 'Signed in');
  });

  after(async () => {
    await firefox?.quit();
    await site?.stop();
    await companion?.stop();
  });

  async function openPopup() {
    await firefox.navigate(`${companion.url}/login`);
    const url = `moz-extension://${UUID}/popup.html`;
    await firefox.execute('location.href = arguments[0]', url);
    await waitFor(
      () => firefox.execute('return location.href === arguments[0] && document.readyState === "complete" && document.getElementById("version").textContent !== ""', url),
      { what: 'the popup' },
    );
  }

  test('Connect uploads the LinkedIn session cookies, which the companion opens', async () => {
    await openPopup();
    await firefox.type('#companion-url', companion.url);
    await firefox.type('#pairing-code', await companion.pairingCode(USER));
    await firefox.click('#pair-button');
    await firefox.waitForText('#status-text', 'Connected');
    await firefox.waitForText('#accounts', 'LinkedIn');
    await firefox.click('#accounts li[data-platform=linkedin] button');
    await waitFor(
      () => firefox.execute(`return document.querySelector('#accounts li[data-platform=linkedin][data-state=connected]')
        ?.textContent ?? document.getElementById('accounts-error').textContent`)
        .then((text) => (text.includes('2 cookies') ? text : Promise.reject(new Error(text)))),
      { what: 'LinkedIn connected' },
    );
    await firefox.waitForText('#accounts li[data-platform=linkedin]', 'LinkedIn session expires in 2 days');
    await mkdir(artifacts, { recursive: true });
    await writeFile(join(artifacts, 'popup-firefox-accounts.png'), await firefox.screenshot('body'));

    const out = await companion.vaultCheck(USER, 'linkedin');
    assert.match(out, /linkedin: 2 cookies/);
    assert.match(out, /^\s+li_at$/m);
    assert.match(out, /^\s+JSESSIONID$/m);
  });
});
