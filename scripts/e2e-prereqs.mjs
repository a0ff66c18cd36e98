// What the end-to-end tier (and `npm start`) need before a workbench can be shown: the pinned
// code-server, Debian's Chromium and an up-to-date dist/amt-workbench.vsix that carries koffi.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureChromium, ensureCodeServer, REPO_ROOT } from './code-server.mjs';

/** The packaged extension the e2e tier installs: AMT_WORKBENCH_VSIX names another one (tested as is, never repackaged). */
export const VSIX_PATH = process.env.AMT_WORKBENCH_VSIX ? path.resolve(process.env.AMT_WORKBENCH_VSIX) : path.join(REPO_ROOT, 'dist', 'amt-workbench.vsix');
const VSIX_GIVEN = Boolean(process.env.AMT_WORKBENCH_VSIX);

/** What the packaged extension must contain to run: its bundles and koffi's linux-x64 runtime. */
export const VSIX_REQUIRED_ENTRIES = [
  'extension/package.json',
  'extension/dist/extension.js',
  'extension/dist/server.js',
  'extension/node_modules/koffi/package.json',
  'extension/node_modules/koffi/index.js',
  'extension/node_modules/koffi/build/koffi/linux_x64/koffi.node',
];

/**
 * Packages the extension (packageExtension) when the .vsix is missing or older than
 * dist/extension.js or dist/server.js (unless AMT_WORKBENCH_VSIX names one), checks the .vsix
 * holds what the extension needs at run time, then installs code-server and Chromium when
 * missing. Returns the paths the harness uses; rejects with one sentence when any of it fails.
 */
export async function ensureE2EPrerequisites({ log = defaultLog } = {}) {
  if (VSIX_GIVEN) {
    if (!existsSync(VSIX_PATH)) throw new Error(`AMT_WORKBENCH_VSIX names ${VSIX_PATH}, which does not exist; unset it to package dist/amt-workbench.vsix.`);
  } else if (vsixIsStale()) {
    log(`packaging the extension (npm run build + vsce) into ${path.relative(REPO_ROOT, VSIX_PATH)}`);
    await packageExtension();
  }
  checkVsix(VSIX_PATH);
  const codeServer = await ensureCodeServer({ log });
  const chromium = await ensureChromium({ log });
  return { codeServer, chromium, vsix: VSIX_PATH };
}

/**
 * The vsce flags that make a .vsix this extension can run from. Not `--no-dependencies`: with it
 * vsce never looks into node_modules/, and koffi (external in the bundles) would be missing;
 * .vscodeignore keeps koffi's runtime and drops every other dependency (all bundled).
 */
export const VSCE_ARGS = ['package', '--allow-missing-repository', '--no-rewrite-relative-links', '-o', VSIX_PATH];

/** `npm run build`, then vsce with VSCE_ARGS; rejects with a sentence if either fails. */
export async function packageExtension() {
  await run('npm', ['run', 'build'], '`npm run build`');
  const vsce = path.join(REPO_ROOT, 'node_modules', '.bin', 'vsce');
  if (!existsSync(vsce)) throw new Error('vsce is not installed: run `npm install` (it is a devDependency, @vscode/vsce).');
  await run(vsce, VSCE_ARGS, '`vsce package`');
  if (!existsSync(VSIX_PATH)) throw new Error(`vsce did not write ${path.relative(REPO_ROOT, VSIX_PATH)}.`);
}

async function run(cmd, args, what) {
  const code = await new Promise((resolve, reject) => {
    // stdin closed: vsce's y/N questions (missing LICENSE, repository) then never block.
    const child = spawn(cmd, args, { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (status, signal) => resolve(status ?? signal));
  });
  if (code !== 0) throw new Error(`${what} failed (exit ${code}); its output is above.`);
}

function vsixIsStale() {
  if (!existsSync(VSIX_PATH)) return true;
  const vsixTime = statSync(VSIX_PATH).mtimeMs;
  return ['extension.js', 'server.js'].some((f) => {
    const file = path.join(REPO_ROOT, 'dist', f);
    return !existsSync(file) || statSync(file).mtimeMs > vsixTime;
  });
}

/** Throws one sentence naming what the .vsix lacks. */
export function checkVsix(vsix) {
  let names;
  try {
    names = new Set(zipEntryNames(readFileSync(vsix)));
  } catch (err) {
    throw new Error(`${path.relative(REPO_ROOT, vsix)} cannot be read as a .vsix (${err instanceof Error ? err.message : String(err)}); package it again with \`npm run package\`.`);
  }
  const missing = VSIX_REQUIRED_ENTRIES.filter((e) => !names.has(e));
  if (missing.length === 0) return;
  const koffi = missing.some((m) => m.includes('/koffi/'));
  throw new Error(
    `${path.relative(REPO_ROOT, vsix)} lacks ${missing.join(', ')}` +
      (koffi
        ? ': package it without `--no-dependencies` (that flag makes vsce skip node_modules/ entirely); .vscodeignore keeps only koffi of node_modules.'
        : ': run `npm run build` before packaging.'),
  );
}

/**
 * The file names in a zip's central directory. Written here rather than taken from a zip library
 * because reading names only is 20 lines and the project has no zip dependency of its own.
 */
export function zipEntryNames(buf) {
  // End of central directory: signature 0x06054b50, at most 64 KiB of comment after it.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const names = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error('corrupt zip central directory');
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    names.push(buf.toString('utf8', at + 46, at + 46 + nameLen));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

function defaultLog(message) {
  process.stderr.write(`[e2e] ${message}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureE2EPrerequisites().then(
    ({ vsix }) => process.stdout.write(`end-to-end prerequisites ready (${path.relative(REPO_ROOT, vsix)})\n`),
    (err) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
