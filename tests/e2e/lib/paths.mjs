import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const targetDir = process.env.CARGO_TARGET_DIR ? resolve(root, process.env.CARGO_TARGET_DIR) : join(root, 'target');

export const companionBin = process.env.COMPANION_BIN ?? join(targetDir, 'debug/companion');
/** Production build (Chromium loads it as shipped). */
export const dist = process.env.AUTORESUME_DIST ?? join(root, 'dist');
/** Test build: Firefox needs popup.html web-accessible to reach it from WebDriver. */
export const distTest = join(root, 'dist-test');
export const artifacts = join(targetDir, 'e2e');
