// Installs what the end-to-end tier and `npm start` need to show the real VS Code workbench here:
// npm `code-server` (pinned, cached under <repo>/.cache/code-server/, git-ignored) and Debian's
// Chromium. code-server's own postinstall cannot run on these machines (it downloads ripgrep and
// prebuilt binaries), so this installs it step by step (the recipe is in docs/testing.md).
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The newest code-server whose package declares `engines.node` 20 (4.103 and later ask for 22,
 * 4.133 and later for 24); it serves VS Code 1.100.3.
 */
export const CODE_SERVER_VERSION = '4.100.3';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Debian's Chromium; playwright-core drives it (no browser download is possible here). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * User settings for a workbench that starts straight into work: no trust prompt, no welcome
 * editor, no git prompt (the `npm start` workspace lives inside this repository), no extension
 * update checks (the gallery is unreachable here anyway), and no port forwarding: code-server
 * otherwise notices every port the backend's simulator listens on and pops "Your application
 * running on port … is available" over the AMT views.
 */
export const WORKBENCH_SETTINGS = Object.freeze({
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'git.openRepositoryInParentFolders': 'never',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'remote.autoForwardPorts': false,
  'remote.restoreForwardedPorts': false,
  'remote.otherPortsAttributes': { onAutoForward: 'ignore' },
});

const STEP_TIMEOUT_MS = 15 * 60_000;

/** Where the pinned code-server lives once installed. */
export function codeServerPaths(version = CODE_SERVER_VERSION) {
  const dir = path.join(REPO_ROOT, '.cache', 'code-server', version);
  const packageDir = path.join(dir, 'node_modules', 'code-server');
  return {
    dir,
    packageDir,
    /** `node <entry> ...` runs code-server (its bin). */
    entry: path.join(packageDir, 'out', 'node', 'entry.js'),
    marker: path.join(dir, '.installed'),
    log: path.join(REPO_ROOT, '.cache', 'code-server', `install-${version}.log`),
  };
}

/**
 * Makes sure the pinned code-server is installed and runnable; returns its paths. Idempotent: a
 * marker file holding the version makes a second call return at once. The install happens in a
 * scratch folder renamed into place at the end, so an interrupted run leaves nothing half-made.
 */
export async function ensureCodeServer({ log = defaultLog } = {}) {
  const paths = codeServerPaths();
  if (isInstalled(paths)) return paths;

  const started = Date.now();
  log(`installing code-server ${CODE_SERVER_VERSION} into ${path.relative(REPO_ROOT, paths.dir)} (once; a few minutes)`);
  await ensureDebianPackages(
    [
      { pkg: 'libkrb5-dev', present: () => existsSync('/usr/bin/krb5-config') || existsSync('/usr/include/gssapi/gssapi.h'), why: 'code-server builds its kerberos module against it' },
      { pkg: 'ripgrep', present: () => hasCommand('rg'), why: "the workbench's search uses it" },
      { pkg: 'g++', present: () => hasCommand('g++'), why: "code-server's native modules are compiled here" },
      { pkg: 'make', present: () => hasCommand('make'), why: "code-server's native modules are compiled here" },
      { pkg: 'python3', present: () => hasCommand('python3'), why: 'node-gyp needs it' },
    ],
    log,
  );

  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 20) log(`warning: code-server ${CODE_SERVER_VERSION} is made for Node 20; this is Node ${process.versions.node}`);

  const parent = path.dirname(paths.dir);
  mkdirSync(parent, { recursive: true });
  const scratch = `${paths.dir}.partial-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  const logFd = openSync(paths.log, 'w');
  try {
    writeFileSync(path.join(scratch, 'package.json'), JSON.stringify({ name: 'amt-workbench-code-server', private: true }, null, 2) + '\n');
    const pkgDir = path.join(scratch, 'node_modules', 'code-server');
    const vscodeDir = path.join(pkgDir, 'lib', 'vscode');
    const env = npmEnv();

    await step(log, logFd, 'npm install code-server (scripts off)', 'npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--no-save', `code-server@${CODE_SERVER_VERSION}`], { cwd: scratch, env });
    await step(log, logFd, "npm install VS Code's runtime dependencies (scripts off)", 'npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: vscodeDir, env });

    // @vscode/ripgrep's postinstall downloads rg unless its bin/ folder exists: give it Debian's.
    const rgBin = path.join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
    mkdirSync(rgBin, { recursive: true });
    const rg = whichCommand('rg');
    if (rg) symlinkSync(rg, path.join(rgBin, 'rg'));

    await step(log, logFd, "npm rebuild (compiles VS Code's native modules)", 'npm', ['rebuild'], { cwd: vscodeDir, env: { ...env, npm_config_yes: 'true' } });
    // What code-server's postinstall.sh does besides npm install.
    symlinkSync('node_modules', path.join(vscodeDir, 'node_modules.asar'));
    await step(log, logFd, 'npm rebuild argon2', 'npm', ['rebuild', 'argon2'], { cwd: scratch, env: { ...env, npm_config_yes: 'true' } });

    const check = spawnSync(process.execPath, [path.join(pkgDir, 'out', 'node', 'entry.js'), '--version'], { encoding: 'utf8', timeout: 60_000 });
    if (check.status !== 0 || !check.stdout.includes(CODE_SERVER_VERSION)) {
      writeFileSync(logFd, `\n$ code-server --version\n${check.stdout ?? ''}${check.stderr ?? ''}`);
      throw new Error(`code-server ${CODE_SERVER_VERSION} was installed but does not start (see ${paths.log}).`);
    }
    writeFileSync(path.join(scratch, '.installed'), `${CODE_SERVER_VERSION}\n`);

    rmSync(paths.dir, { recursive: true, force: true });
    try {
      renameSync(scratch, paths.dir);
    } catch (err) {
      // Another process finished the same install first: theirs is as good as ours.
      if (!isInstalled(paths)) throw err;
      rmSync(scratch, { recursive: true, force: true });
    }
  } catch (err) {
    rmSync(scratch, { recursive: true, force: true });
    printTail(paths.log, log);
    throw err;
  } finally {
    closeSync(logFd);
  }
  log(`code-server ${CODE_SERVER_VERSION} ready in ${seconds(started)}`);
  return paths;
}

/** Returns the path of Debian's Chromium, installing the package when missing and root. */
export async function ensureChromium({ log = defaultLog } = {}) {
  await ensureDebianPackages([{ pkg: 'chromium', present: () => existsSync(CHROMIUM_PATH), why: 'the end-to-end tests drive it' }], log);
  return CHROMIUM_PATH;
}

/**
 * Installs the missing ones among `needs` with apt-get when running as root; otherwise throws one
 * sentence naming what to install.
 */
export async function ensureDebianPackages(needs, log = defaultLog) {
  const missing = needs.filter((n) => !n.present());
  if (missing.length === 0) return;
  const names = missing.map((n) => n.pkg);
  const reasons = missing.map((n) => `${n.pkg} (${n.why})`).join(', ');
  if (process.getuid?.() !== 0 || !hasCommand('apt-get')) {
    throw new Error(`Missing Debian packages: ${reasons}; install them with \`sudo apt-get install -y ${names.join(' ')}\` and run again.`);
  }
  log(`running apt-get as root to install Debian packages: ${reasons} (install them yourself beforehand to skip this)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...names], { stdio: ['ignore', 'pipe', 'pipe'], env, encoding: 'utf8', timeout: STEP_TIMEOUT_MS });
  let res = install();
  if (res.status !== 0) {
    log('apt-get install failed; running apt-get update, then apt-get install again');
    spawnSync('apt-get', ['update'], { stdio: 'ignore', env, timeout: STEP_TIMEOUT_MS });
    res = install();
  }
  const still = missing.filter((n) => !n.present());
  if (res.status !== 0 || still.length > 0) {
    const tail = `${res.stdout ?? ''}${res.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`Could not install ${names.join(' ')} with apt-get (exit ${res.status}); install them by hand and run again.\n${tail}`);
  }
}

function isInstalled(paths) {
  try {
    return readFileSync(paths.marker, 'utf8').trim() === CODE_SERVER_VERSION && existsSync(paths.entry);
  } catch {
    return false;
  }
}

/**
 * The environment for the nested npm runs: without the npm_* variables an outer `npm run`,
 * `npm start` or `npm exec` put there (its package, lifecycle, prefix, `-c` command...), which
 * would otherwise leak into the nested installs and into the npx calls some packages' build
 * scripts make. Kept: the settings a machine may legitimately pass that way (cache, registry,
 * proxies, certificates, npmrc locations, node headers).
 */
const KEPT_NPM_CONFIG = new Set(['cache', 'registry', 'userconfig', 'globalconfig', 'nodedir', 'cafile', 'ca', 'strict_ssl', 'proxy', 'https_proxy', 'noproxy', 'fetch_retries', 'fetch_timeout'].map((k) => `npm_config_${k}`));

function npmEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    const key = k.toLowerCase();
    if ((key.startsWith('npm_') && !KEPT_NPM_CONFIG.has(key)) || key === 'init_cwd' || key === 'node_env') continue;
    env[k] = v;
  }
  return env;
}

async function step(log, logFd, title, cmd, args, { cwd, env }) {
  const started = Date.now();
  log(`  ${title} ...`);
  writeFileSync(logFd, `\n$ (cd ${cwd} && ${cmd} ${args.join(' ')})\n`);
  const code = await new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', logFd, logFd] });
    const timer = setTimeout(() => child.kill('SIGKILL'), STEP_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (status, signal) => {
      clearTimeout(timer);
      resolve(status ?? signal);
    });
  });
  if (code !== 0) throw new Error(`Installing code-server failed at "${title}" (${cmd} exited with ${code}); the log is ${path.join(REPO_ROOT, '.cache', 'code-server')}/install-${CODE_SERVER_VERSION}.log.`);
  log(`  ${title}: done in ${seconds(started)}`);
}

function printTail(file, log) {
  try {
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').slice(-30);
    log(`last lines of ${file}:\n${lines.join('\n')}`);
  } catch {
    /* no log yet */
  }
}

function whichCommand(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function hasCommand(name) {
  return whichCommand(name) !== undefined;
}

function seconds(since) {
  return `${((Date.now() - since) / 1000).toFixed(1)}s`;
}

function defaultLog(message) {
  process.stderr.write(`[code-server] ${message}\n`);
}

// `node scripts/code-server.mjs` installs both (handy by hand and in CI logs). No top-level await:
// the TypeScript tests load this file through tsx as CommonJS.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  Promise.all([ensureCodeServer(), ensureChromium()]).then(
    ([{ entry }, chromium]) => process.stdout.write(`code-server: ${entry}\nchromium: ${chromium}\n`),
    (err) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
