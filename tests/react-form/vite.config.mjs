// The live application forms of the e2e tests, built by tests/run-e2e into tests/output/react-form
// (tests/e2e/lib/assist.mjs serves it under /react/; the companion's apply tests may serve the
// same folder as static files):
//   index.html          one-page React form (react-select, radios, checkbox, file, honeypot)
//   wizard.html         React wizard: three steps, a Review page, Submit POSTs JSON to /applications
//   careers/job.html    a careers page embedding embed/job_app.html in an iframe from another origin
//   embed/job_app.html  the embedded board's plain form, posting multipart to its own /applications
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  logLevel: 'warn',
  build: {
    outDir: join(here, '..', 'output', 'react-form'),
    emptyOutDir: true,
    rollupOptions: {
      input: {
        index: join(here, 'index.html'),
        wizard: join(here, 'wizard.html'),
        careers: join(here, 'careers', 'job.html'),
        embed: join(here, 'embed', 'job_app.html'),
      },
    },
  },
});
