// Connected accounts, background side: reads a platform's cookies, seals them with the WASM
// core here (a page CSP blocks WASM in content scripts) and uploads only the envelope.
// Cookie values stay inside this function chain: never logged, stored or sent unsealed.
import * as api from './api.js';
import { ext } from './ext.js';

/** `{[platformId]: {syncedAt, count}}`: the platforms auto-refresh watches. */
const SYNCS = 'accountSyncs';
export const AUTO_REFRESH = 'autoRefreshAccounts';
const DEBOUNCE_MS = 5000;

async function readCookies(platform) {
  const cookies = [];
  for (const domain of platform.domains) cookies.push(...await ext.cookies.getAll({ domain }));
  return cookies;
}

async function recordSync(platformId, entry) {
  const { [SYNCS]: syncs = {} } = await ext.storage.local.get(SYNCS);
  if (entry) syncs[platformId] = entry;
  else delete syncs[platformId];
  await ext.storage.local.set({ [SYNCS]: syncs });
}

async function sealAndUpload(core, saved, platform, cookies, retried = false) {
  const { companionUrl, identityKey, user } = saved.pairing;
  // Fetched each time: after a rotation the new key is picked up, and checked like the old.
  const signedKey = await api.vaultKey(companionUrl, saved.token);
  const { envelope } = core.sealBrowserCookies({
    signedKey, pinnedIdentityKey: identityKey, userId: user.id, platform: platform.id, cookies,
  });
  try {
    return await api.putCredential(companionUrl, saved.token, platform.id, envelope);
  } catch (error) {
    // 409: sealed to a key retired between the fetch and the upload.
    if (error.status === 409 && !retried) return sealAndUpload(core, saved, platform, cookies, true);
    throw error;
  }
}

/** Reads, seals and uploads one platform's session cookies: the stored credential's info. */
export async function connect(core, saved, platformId) {
  const platform = core.platformInfo(platformId);
  if (!(await ext.permissions.contains({ origins: platform.origins }))) {
    throw new Error(`AutoResume has no permission to read ${platform.name} cookies.`);
  }
  // A failed refresh keeps the platform watched: the companion may only be down for a while.
  const stored = await sealAndUpload(core, saved, platform, await readCookies(platform));
  await recordSync(platform.id, { syncedAt: Date.now(), count: stored.metadata.count });
  return stored;
}

export async function disconnect(saved, platformId) {
  await api.deleteCredential(saved.pairing.companionUrl, saved.token, platformId);
  await recordSync(platformId, null);
}

/** `{platforms, credentials, syncs}` for the popup. */
export async function list(saved) {
  const { companionUrl } = saved.pairing;
  const [platforms, credentials, stored] = await Promise.all([
    api.platforms(companionUrl, saved.token),
    api.credentials(companionUrl, saved.token),
    ext.storage.local.get(SYNCS),
  ]);
  return { platforms, credentials, syncs: stored[SYNCS] ?? {} };
}

function isSessionCookie(platform, cookie) {
  const domain = cookie.domain.replace(/^\./, '').toLowerCase();
  const ours = platform.domains.some((d) => domain === d || domain.endsWith(`.${d}`));
  const names = platform.sessionCookieNames;
  return ours && (names.length === 0 || names.some((rule) => (rule.endsWith('*')
    ? cookie.name.startsWith(rule.slice(0, -1)) : cookie.name === rule)));
}

const pending = new Map();

/**
 * Auto-refresh: a change to a connected platform's session cookie re-seals it after a quiet
 * period, so that a burst of Set-Cookie headers makes one upload. Registered synchronously by
 * the background so that a cookie change that wakes it is delivered.
 */
export function watchCookies(ready, core, loadSaved, report) {
  ext.cookies.onChanged.addListener(({ cookie }) => {
    (async () => {
      await ready;
      const { [AUTO_REFRESH]: on, [SYNCS]: syncs = {} } = await ext.storage.local.get([AUTO_REFRESH, SYNCS]);
      if (!on) return;
      for (const id of Object.keys(syncs)) {
        const platform = core.platformInfo(id);
        if (!isSessionCookie(platform, cookie)) continue;
        clearTimeout(pending.get(id));
        pending.set(id, setTimeout(() => {
          pending.delete(id);
          loadSaved().then((saved) => saved.pairing && connect(core, saved, id)).catch(report);
        }, DEBOUNCE_MS));
      }
    })().catch(report);
  });
}
