// Connected accounts in headless Firefox ESR: the same local https www.linkedin.com (host names
// mapped to loopback with network.dns.localDomains, its self-signed certificate accepted through
// acceptInsecureCerts), Connect from the popup, and the companion opens what the WASM sealed.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Companion } from './lib/companion.mjs';
import { FakeSite, HOSTS } from './lib/fake-site.mjs';
import { openPopup, pairPopup, startFirefox } from './lib/firefox.mjs';
import { artifacts } from './lib/paths.mjs';
import { waitFor } from './lib/wait.mjs';

const USER = 'alice';

describe('Firefox: Connected accounts', () => {
  let companion;
  let site;
  let firefox;

  before(async () => {
    companion = await Companion.start();
    await companion.addUser(USER, 'correct horse battery staple');
    site = await FakeSite.start();
    firefox = await startFirefox({
      // Test only: the site's certificate is self-signed.
      capabilities: { acceptInsecureCerts: true },
      prefs: { 'network.dns.localDomains': HOSTS.join(',') },
    });
    await firefox.navigate(`https://www.linkedin.com:${site.port}/`);
    await firefox.waitForText('h1', 'Signed in');
  });

  after(async () => {
    await firefox?.quit();
    await site?.stop();
    await companion?.stop();
  });

  test('Connect uploads the LinkedIn session cookies, which the companion opens', async () => {
    await openPopup(firefox, companion.url);
    await pairPopup(firefox, companion, USER);
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
