/**
 * The real Intel MPS for the fleet tier, as fleet.md §5 runs it: the built source (source.ts), a
 * private PostgreSQL cluster with MPS's own schema (data/initMPS.sql), the Vault stand-in
 * (test/helpers/vault-kv.ts), and MPS itself with its configuration in MPS_* environment
 * variables, bound to 127.0.0.1 by a preload (loopback.cjs). Devices are registered as RPS does at
 * activation: a row through POST /api/v1/devices and `devices/<guid>` = {AMT_PASSWORD, MPS_PASSWORD}
 * in the secret store.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import tls from 'node:tls';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startVaultStandIn, type VaultStandIn } from '../../helpers/vault-kv';
import { freePort } from './ports';
import { startPostgres, type PrivatePostgres } from './postgres';
import { preparedMps } from './source';

export interface MpsDevice {
  guid: string;
  hostname: string;
  tags?: string[];
  mpsUser: string;
  mpsPassword: string;
  amtPassword: string;
}

export interface RunningMps {
  /** `http://127.0.0.1:PORT` — MPS's REST API and websocket relay. */
  readonly webUrl: string;
  readonly webPort: number;
  /** The CIRA (APF over TLS) port. */
  readonly ciraPort: number;
  readonly admin: { user: string; password: string };
  /** MPS's root certificate (GET /api/v1/ciracert), what a device is given to trust. */
  readonly rootCert: string;
  readonly vault: VaultStandIn;
  readonly pg: PrivatePostgres;
  readonly process: ChildProcess;
  /** MPS's log so far (stdout and stderr), for failure messages. */
  log(): string;
  register(device: MpsDevice): Promise<void>;
  /** Kills MPS (not the database or the secret store) to play "MPS went away". */
  kill(): Promise<void>;
  /** Starts MPS again on the same ports after kill(). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const preload = fileURLToPath(new URL('./loopback.cjs', import.meta.url));

/** True when a TLS server on the port shows a certificate from `ca` for localhost (MPS's CIRA listener). */
function ciraAnswers(port: number, ca: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = tls.connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export async function startMps(): Promise<RunningMps> {
  const dir = await preparedMps();
  const pg = await startPostgres();
  let vault: VaultStandIn | undefined;
  let child: ChildProcess | undefined;
  try {
    pg.psql(['-d', 'postgres', '-f', join(dir, 'data', 'initMPS.sql')]);
    vault = await startVaultStandIn(randomBytes(12).toString('hex'));
    const [ciraPort, webPort] = [await freePort(), await freePort()];
    const admin = { user: 'fleetadmin', password: `Adm-${randomBytes(6).toString('hex')}` };
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      MPS_PORT: String(ciraPort),
      MPS_WEB_PORT: String(webPort),
      MPS_COMMON_NAME: 'localhost',
      MPS_WEB_ADMIN_USER: admin.user,
      MPS_WEB_ADMIN_PASSWORD: admin.password,
      MPS_JWT_SECRET: randomBytes(24).toString('hex'),
      MPS_CONNECTION_STRING: pg.url('mpsdb'),
      MPS_VAULT_ADDRESS: vault.address,
      MPS_VAULT_TOKEN: vault.token,
      MPS_SECRETS_PATH: 'secret/data/',
      MPS_INSTANCE_NAME: '127.0.0.1',
      MPS_LOG_LEVEL: 'info',
    };
    let output = '';
    const launch = async (): Promise<ChildProcess> => {
      const p = spawn(process.execPath, ['-r', preload, 'dist/index.js'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      p.stdout!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-200_000)));
      p.stderr!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-200_000)));
      const webUrl = `http://127.0.0.1:${webPort}`;
      for (let i = 0; i < 240; i++) {
        if (p.exitCode !== null) throw new Error(`MPS exited with ${p.exitCode} while starting: ${output.trim().split('\n').slice(-5).join(' | ')}`);
        try {
          const res = await fetch(`${webUrl}/api/v1/health`);
          // The CIRA listener starts in the same tick as the web server; check it is MPS's (its certificate).
          if (res.ok && rootCert === undefined) return p;
          if (res.ok && (await ciraAnswers(ciraPort, rootCert!))) return p;
        } catch {
          /* not listening yet */
        }
        await sleep(250);
      }
      p.kill('SIGKILL');
      throw new Error(`MPS did not answer /api/v1/health within 60 s: ${output.trim().split('\n').slice(-5).join(' | ')}`);
    };
    let rootCert: string | undefined;
    child = await launch();
    const webUrl = `http://127.0.0.1:${webPort}`;
    rootCert = await (await fetch(`${webUrl}/api/v1/ciracert`)).text();
    if (!(await ciraAnswers(ciraPort, rootCert))) throw new Error(`MPS's CIRA port ${ciraPort} does not answer with a certificate from its own root: ${output.trim().split('\n').slice(-5).join(' | ')}`);
    const v = vault;
    let current = child;
    const stopChild = async () => {
      if (current.exitCode !== null || current.signalCode !== null) return;
      const gone = new Promise((r) => current.once('exit', r));
      current.kill('SIGKILL');
      await gone;
    };
    return {
      webUrl,
      webPort,
      ciraPort,
      admin,
      rootCert: rootCert!,
      vault: v,
      pg,
      get process() {
        return current;
      },
      log: () => output,
      register: async (d) => {
        v.put(`devices/${d.guid}`, { AMT_PASSWORD: d.amtPassword, MPS_PASSWORD: d.mpsPassword });
        // A fresh connection per registration: a kept-alive one may be closed by MPS just as it is reused.
        const body = JSON.stringify({ guid: d.guid, hostname: d.hostname, tags: d.tags ?? [], mpsusername: d.mpsUser, tenantId: '' });
        const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
          const req = http.request(`${webUrl}/api/v1/devices`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
            let t = '';
            res.on('data', (c: Buffer) => (t += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text: t }));
          });
          req.on('error', reject);
          req.end(body);
        });
        if (status < 200 || status > 299) throw new Error(`MPS refused to register ${d.guid}: ${status} ${text}`);
      },
      kill: stopChild,
      restart: async () => {
        await stopChild();
        current = await launch();
      },
      stop: async () => {
        await stopChild();
        await v.close();
        pg.stop();
      },
    };
  } catch (err) {
    child?.kill('SIGKILL');
    await vault?.close();
    pg.stop();
    throw err;
  }
}
