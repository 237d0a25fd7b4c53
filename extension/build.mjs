// Writes loadable unpacked extensions from the one manifest source:
//   dist/chrome   service worker + offscreen document
//   dist/firefox  event page (background.scripts), no offscreen
// AUTORESUME_TEST_BUILD=1 writes dist-test/ instead, where Firefox exposes popup.html as a
// web-accessible resource: geckodriver cannot navigate to moz-extension:// directly.
import { cp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const source = dirname(fileURLToPath(import.meta.url));
const root = dirname(source);
const testBuild = process.env.AUTORESUME_TEST_BUILD === '1';
const outRoot = join(root, testBuild ? 'dist-test' : 'dist');

// Build inputs (the icons' sources: scripts/render-icons) and wasm-bindgen leftovers that the
// browser never loads.
const NEVER_SHIPPED = new Set(['build.mjs', 'icon.svg', 'icon-16.svg', 'pkg/package.json', 'pkg/.gitignore']);
const CHROME_ONLY = new Set(['offscreen.html', 'offscreen.js']);
// Test build only: the LinkedIn origin and notifications granted at install, because a test
// cannot click the browser's permission prompt. The popup and the options page still call
// permissions.request, which then resolves at once; the production build asks for them
// (optional_host_permissions, optional_permissions).
const TEST_HOST_PERMISSIONS = ['https://*.linkedin.com/*'];
const TEST_PERMISSIONS = ['notifications'];

function withTestPermissions(manifest) {
  if (testBuild) {
    manifest.host_permissions = [...manifest.host_permissions, ...TEST_HOST_PERMISSIONS];
    manifest.permissions = [...manifest.permissions, ...TEST_PERMISSIONS];
    manifest.optional_permissions = manifest.optional_permissions.filter((p) => !TEST_PERMISSIONS.includes(p));
  }
  return manifest;
}

function chromeManifest(base) {
  const manifest = structuredClone(base);
  delete manifest.background.scripts;
  delete manifest.browser_specific_settings;
  return withTestPermissions(manifest);
}

function firefoxManifest(base) {
  const manifest = structuredClone(base);
  delete manifest.background.service_worker;
  manifest.permissions = manifest.permissions.filter((p) => p !== 'offscreen');
  if (testBuild) {
    manifest.web_accessible_resources = [{ resources: ['popup.html'], matches: ['<all_urls>'] }];
  }
  return withTestPermissions(manifest);
}

async function files(dir) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(source, join(e.parentPath, e.name)))
    .filter((path) => !NEVER_SHIPPED.has(path) && !path.endsWith('.d.ts'));
}

async function write(name, manifest, shipped) {
  const out = join(outRoot, name);
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  for (const path of shipped) {
    await mkdir(dirname(join(out, path)), { recursive: true });
    await cp(join(source, path), join(out, path));
  }
  await writeFile(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`wrote ${relative(root, out)} (${shipped.length + 1} files)`);
}

// A WASM that does not instantiate (e.g. mangled by an optimiser) would only show up as a dead
// popup, so it is loaded and called once here.
async function checkWasm() {
  const pkg = join(source, 'pkg');
  const { default: init, version } = await import(join(pkg, 'extension_core.js'));
  await init({ module_or_path: await readFile(join(pkg, 'extension_core_bg.wasm')) });
  return version();
}

const base = JSON.parse(await readFile(join(root, 'manifest.json'), 'utf8'));
const shipped = await files(source);
if (!shipped.includes('pkg/extension_core_bg.wasm')) {
  throw new Error('extension/pkg is missing the WASM: run scripts/build-extension');
}
console.log(`extension-core ${await checkWasm()} instantiates`);
await write('chrome', chromeManifest(base), shipped);
await write('firefox', firefoxManifest(base), shipped.filter((p) => !CHROME_ONLY.has(p)));
