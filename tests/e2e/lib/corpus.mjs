// The test corpus: public sample data (saved application forms among it) kept in
// shared/corpus beside the repository, not in it (README, Test data). What needs it is skipped
// without it, said on one line; under CI=true its absence is an error instead, because a CI run
// that quietly skipped those tests would look like a pass.
import { statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { root } from './paths.mjs';

const dir = join(root, '..', 'shared', 'corpus');

/** The corpus folder, or null (after one line on stderr) when there is none. */
export function corpusDir() {
  if (statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return dir;
  if (process.env.CI === 'true') throw new Error(`CI=true but the test corpus is missing: ${dir} (see README, Test data)`);
  console.error(`${basename(process.argv[1] ?? 'node')}: skipped what needs the test corpus, which is not at ${dir} (see README, Test data)`);
  return null;
}
