// The React application form of the assist's e2e tests (tests/run-e2e builds it into
// tests/output/react-form, which tests/e2e/lib/form-server.mjs serves).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  logLevel: 'warn',
  build: { outDir: join(here, '..', 'output', 'react-form'), emptyOutDir: true },
});
