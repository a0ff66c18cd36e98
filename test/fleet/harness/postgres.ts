/**
 * A private PostgreSQL cluster for one test run: Debian's server binaries (package `postgresql`),
 * initdb into a temporary folder, listening on 127.0.0.1 only on a free port, its socket in that
 * folder. PostgreSQL refuses to run as root, so under root the server commands run as the
 * `postgres` user that Debian's package creates.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports';

export interface PrivatePostgres {
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** `postgresql://user:password@127.0.0.1:port/db` */
  url(db: string): string;
  /** Runs a SQL file or statement with psql (as the cluster's admin user). */
  psql(args: string[]): string;
  stop(): void;
}

function serverBin(name: string): string {
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', name))).sort((a, b) => Number(b) - Number(a));
    if (versions.length) return join(base, versions[0], 'bin', name);
  }
  const which = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) return which.stdout.trim();
  throw new Error(`PostgreSQL's ${name} was not found; install Debian's postgresql package (apt-get install -y postgresql).`);
}

const asRoot = process.getuid?.() === 0;

function runServer(bin: string, args: string[], what: string): string {
  const res = asRoot
    ? spawnSync('runuser', ['-u', 'postgres', '--', bin, ...args], { encoding: 'utf8' })
    : spawnSync(bin, args, { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`${what} failed (exit ${res.status ?? res.signal}): ${(res.stderr || res.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  return res.stdout;
}

export async function startPostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'amtwb-pg-'));
  const user = 'postgresadmin';
  const password = `pg-${Math.random().toString(36).slice(2)}`;
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, password);
  if (asRoot) {
    const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (id.status !== 0) throw new Error('There is no postgres user to run PostgreSQL as (it refuses root); install Debian\'s postgresql package.');
    chownSync(dir, Number(id.stdout), Number(gid.stdout));
    chownSync(pwfile, Number(id.stdout), Number(gid.stdout));
  }
  chmodSync(dir, 0o700);
  const data = join(dir, 'data');
  runServer(serverBin('initdb'), ['-D', data, '-U', user, '--pwfile', pwfile, '--auth=scram-sha-256', '-E', 'UTF8', '--no-sync'], 'initdb');
  const port = await freePort();
  runServer(serverBin('pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-o', `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off`, 'start'], 'Starting PostgreSQL (pg_ctl start)');
  const psql = (args: string[]): string => {
    const res = spawnSync('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', user, '-v', 'ON_ERROR_STOP=1', '-q', ...args], {
      encoding: 'utf8',
      env: { ...process.env, PGPASSWORD: password },
    });
    if (res.status !== 0) throw new Error(`psql ${args.join(' ')} failed: ${res.stderr.trim()}`);
    return res.stdout;
  };
  let stopped = false;
  return {
    port,
    user,
    password,
    url: (db) => `postgresql://${user}:${password}@127.0.0.1:${port}/${db}`,
    psql,
    stop: () => {
      if (stopped) return;
      stopped = true;
      try {
        runServer(serverBin('pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], 'Stopping PostgreSQL');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
