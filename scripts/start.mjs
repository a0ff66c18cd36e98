// `npm start`: builds and packages the extension, installs it into a code-server kept under
// .cache/e2e/start/, and serves the real VS Code workbench with AMT Workbench at
// http://127.0.0.1:PORT/ (PORT from AMT_WORKBENCH_PORT, default 8080). Stays in the foreground;
// Ctrl+C stops code-server and everything it started (extension host, backend, simulator).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ensureCodeServer, REPO_ROOT, WORKBENCH_SETTINGS } from './code-server.mjs';
import { checkVsix, packageExtension, VSIX_PATH } from './e2e-prereqs.mjs';

const SAMPLE_WSMAN = `<!-- A WS-Management request (WS-Transfer Get of AMT_GeneralSettings). Send it to a device
     from the editor; the embedded simulator answers as AMT firmware does. -->
<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd">
  <s:Header>
    <a:Action>http://schemas.xmlsoap.org/ws/2004/09/transfer/Get</a:Action>
    <w:ResourceURI>http://intel.com/wbem/wscim/1/amt-schema/1/AMT_GeneralSettings</w:ResourceURI>
  </s:Header>
  <s:Body/>
</s:Envelope>
`;

function say(message) {
  process.stdout.write(`[start] ${message}\n`);
}

async function main() {
  const port = Number(process.env.AMT_WORKBENCH_PORT ?? 8080);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`AMT_WORKBENCH_PORT must be a port number, not "${process.env.AMT_WORKBENCH_PORT}".`);
  }
  // Before the slow steps: a taken port is the commonest reason this fails.
  await assertPortFree(port);

  say('building and packaging the extension (npm run build + vsce)');
  await packageExtension();
  checkVsix(VSIX_PATH);

  const { entry } = await ensureCodeServer({ log: (m) => say(m) });

  const base = path.join(REPO_ROOT, '.cache', 'e2e', 'start');
  const dirs = {
    userData: path.join(base, 'user-data'),
    extensions: path.join(base, 'extensions'),
    workspace: path.join(base, 'workspace'),
    xdgConfig: path.join(base, 'xdg-config'),
    xdgData: path.join(base, 'xdg-data'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const configFile = path.join(base, 'code-server.yaml');
  // code-server's own config file, so it never writes ~/.config/code-server/config.yaml.
  writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  writeUserSettings(path.join(dirs.userData, 'User', 'settings.json'));
  const sample = path.join(dirs.workspace, 'get-general-settings.wsman');
  if (!existsSync(sample)) writeFileSync(sample, SAMPLE_WSMAN);

  const env = { ...process.env, XDG_CONFIG_HOME: dirs.xdgConfig, XDG_DATA_HOME: dirs.xdgData };
  const common = ['--config', configFile, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];

  say(`installing ${path.relative(REPO_ROOT, VSIX_PATH)} into ${path.relative(REPO_ROOT, dirs.extensions)}`);
  const install = spawnSync(process.execPath, [entry, ...common, '--install-extension', VSIX_PATH, '--force'], { env, encoding: 'utf8', timeout: 120_000 });
  if (install.status !== 0) {
    throw new Error(`Installing the extension into code-server failed (exit ${install.status}):\n${install.stdout}${install.stderr}`);
  }

  const server = spawn(
    process.execPath,
    [entry, ...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', dirs.workspace],
    // Own process group: stopping it ends the extension host and the backend too.
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );

  let announced = false;
  const echo = (stream) => (chunk) => {
    stream.write(chunk);
    if (!announced && chunk.toString().includes('HTTP server listening')) {
      announced = true;
      process.stdout.write(
        `\nAMT Workbench is running: http://127.0.0.1:${port}/\n` +
          `  (workspace ${path.relative(REPO_ROOT, dirs.workspace)}; the simulator's account is admin / P@ssw0rd)\n` +
          `  Stop it with Ctrl+C (or: kill ${process.pid}).\n\n`,
      );
    }
  };
  server.stdout.on('data', echo(process.stdout));
  server.stderr.on('data', echo(process.stderr));

  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    say(`stopping (${signal})`);
    await killGroup(server.pid);
    process.exit(0);
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => void stop(sig));

  server.on('exit', (code, signal) => {
    if (stopping) return;
    say(`code-server exited (${signal ?? code})`);
    void killGroup(server.pid).then(() => process.exit(code ?? 1));
  });
}

/** Sets WORKBENCH_SETTINGS, keeping whatever else the user put there. */
function writeUserSettings(file) {
  mkdirSync(path.dirname(file), { recursive: true });
  let settings = {};
  if (existsSync(file)) {
    try {
      settings = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      // Edited by hand (comments): leave it alone, but say what it should hold.
      say(`${path.relative(REPO_ROOT, file)} is not plain JSON, so it was left as it is; these settings keep the workbench quiet: ${JSON.stringify(WORKBENCH_SETTINGS)}`);
      return;
    }
  }
  Object.assign(settings, WORKBENCH_SETTINGS);
  writeFileSync(file, JSON.stringify(settings, null, 2) + '\n');
}

function assertPortFree(port) {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', (err) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`Port ${port} on 127.0.0.1 is already in use; stop what uses it or pick another with AMT_WORKBENCH_PORT=PORT npm start.`)
          : err,
      ),
    );
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve()));
  });
}

/** SIGTERM to the process group, SIGKILL after 5 s if anything is left. */
async function killGroup(pid) {
  const signal = (sig) => {
    try {
      process.kill(-pid, sig);
      return true;
    } catch {
      return false;
    }
  };
  if (!signal('SIGTERM')) return;
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    if (!signal(0)) return;
  }
  signal('SIGKILL');
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
