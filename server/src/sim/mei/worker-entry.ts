/**
 * Finds the worker script for fuse-worker.ts in both ways this code runs:
 * - from source under tsx (tests: `node --import tsx`): the .ts file beside this one. A worker does
 *   not get the parent's `--import tsx` hooks on Node 20, so it is started with tsx's CommonJS hook
 *   (`--require tsx/cjs`), which is what tsx uses for this package anyway (no "type": "module").
 * - bundled (dist/cli.js, dist/server.js): esbuild builds the worker as its own entry,
 *   dist/mei-fuse-worker.js, beside the bundle that imports this module.
 * `__dirname` is defined in both: tsx runs these files as CommonJS, and the bundles are CommonJS.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { AmtError } from '../../errors';

export const BUNDLED_WORKER = 'mei-fuse-worker.js';

export interface WorkerEntry {
  file: string;
  execArgv: string[];
}

export function workerEntry(): WorkerEntry {
  const source = join(__dirname, 'fuse-worker.ts');
  if (existsSync(source)) {
    return { file: source, execArgv: ['--require', createRequire(__filename).resolve('tsx/cjs')] };
  }
  const bundled = join(__dirname, BUNDLED_WORKER);
  if (existsSync(bundled)) return { file: bundled, execArgv: [] };
  throw new AmtError('sim.mei.worker', `The MEI emulation worker is missing (looked for ${bundled}): rebuild with "npm run build", which bundles it beside the CLI.`);
}
