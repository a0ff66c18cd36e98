/**
 * Intel's MPS from the source named by AMT_MPS_SOURCE (a release tarball or an unpacked folder),
 * unpacked and built once into .cache/mps/<hash>/ (outside the source tree, ignored by git): its own
 * `npm ci` and `npm run build`. A second run with the same source reuses the build. A lock folder
 * keeps two test processes from building the same copy at once.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** The one sentence the tier says when it cannot run, also used by the runner. */
export const NO_SOURCE =
  'The fleet tier needs the source of Intel\'s MPS (device-management-toolkit/mps, tag v2.25.3 or a later one whose dependencies install): set AMT_MPS_SOURCE to its release tarball or an unpacked copy.';

export function mpsSourcePath(): string | undefined {
  const given = process.env.AMT_MPS_SOURCE?.trim();
  return given ? resolve(root, given) : undefined;
}

function run(cmd: string, args: string[], cwd: string, what: string): void {
  const res = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NODE_ENV: undefined, CI: 'true' } });
  if (res.status !== 0) {
    const tail = `${res.stderr ?? ''}${res.stdout ?? ''}`.trim().split('\n').slice(-5).join(' | ');
    throw new Error(`${what} failed in ${cwd} (exit ${res.status ?? res.signal}): ${tail}`);
  }
}

/** The built MPS folder (with dist/index.js); builds it on first use. */
export async function preparedMps(): Promise<string> {
  const source = mpsSourcePath();
  if (!source) throw new Error(NO_SOURCE);
  if (!existsSync(source)) throw new Error(`AMT_MPS_SOURCE names ${source}, which does not exist; point it at MPS's release tarball or an unpacked copy.`);
  const isDir = statSync(source).isDirectory();
  const hash = createHash('sha256');
  if (isDir) {
    const lock = join(source, 'package-lock.json');
    if (!existsSync(lock)) throw new Error(`${source} has no package-lock.json, so it is not an MPS source folder; point AMT_MPS_SOURCE at MPS's release tarball or its unpacked copy.`);
    hash.update(source).update(readFileSync(lock));
  } else hash.update(readFileSync(source));
  const dir = join(root, '.cache', 'mps', hash.digest('hex').slice(0, 16));
  const done = join(dir, '.amtwb-built');
  if (existsSync(done)) return dir;
  mkdirSync(join(root, '.cache', 'mps'), { recursive: true });
  const lockDir = `${dir}.lock`;
  for (let waited = 0; ; waited += 1000) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      if (existsSync(done)) return dir;
      if (waited > 600_000) throw new Error(`Another test run has been building MPS in ${dir} for 10 minutes; remove ${lockDir} if no build is running.`);
      await sleep(1000);
    }
  }
  try {
    if (existsSync(done)) return dir;
    // Built beside the final folder and renamed into place, so a folder someone is running from is never half-made.
    const work = `${dir}.build-${process.pid}`;
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    if (isDir) cpSync(source, work, { recursive: true, filter: (p) => !/[\\/](node_modules|dist|\.git)$/.test(p) });
    else run('tar', ['-xzf', source, '-C', work, '--strip-components=1'], root, 'Unpacking MPS');
    if (!existsSync(join(work, 'package.json'))) throw new Error(`${source} does not unpack to an MPS source tree (no package.json at its top).`);
    run('npm', ['ci', '--no-audit', '--no-fund'], work, 'npm ci for MPS');
    run('npm', ['run', 'build'], work, 'Building MPS (npm run build)');
    writeFileSync(join(work, '.amtwb-built'), new Date().toISOString());
    rmSync(dir, { recursive: true, force: true });
    renameSync(work, dir);
    return dir;
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}
