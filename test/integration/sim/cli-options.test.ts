/**
 * `amtwb sim` options for tests and scripts, through the built CLI (dist/cli.js, `npm run build`):
 * the password from AMT_PASSWORD (so it is not in the process list) and
 * `--software-identities N` for bulk enumerations.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { amtwb, CLI } from '../cli/run';
import { build, DigestClient, findAll, payload, rawRequest, textAt, type Target } from './helpers';

const SECRET = 'Env-0nly_Secret!';

/** `amtwb sim ARGS` in the background, resolved once it prints its listening line. */
function startSim(args: string[], env: Record<string, string | undefined>): Promise<{ child: ChildProcessWithoutNullStreams; target: Target }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'sim', '--port', '0', ...args], { env: { ...process.env, AMT_PASSWORD: undefined, ...env } });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`amtwb sim printed no listening line within 15 s: ${out}`)), 15_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\/wsman/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, target: { host: '127.0.0.1', port: Number(m[1]) } });
      }
    });
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => reject(new Error(`amtwb sim exited with ${code}: ${out}`)));
  });
}

async function stop(child: ChildProcessWithoutNullStreams | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await exited;
}

/** Every instance of a class, by Enumerate and Pull until EndOfSequence. */
async function enumerateAll(client: DigestClient, cls: string): Promise<string[]> {
  const e = await client.post(build.enumerate(cls));
  assert.equal(e.status, 200, e.body);
  let context = textAt(payload(e.body), 'EnumerationContext');
  const ids: string[] = [];
  while (context) {
    const p = await client.post(build.pull(cls, context, 500));
    assert.equal(p.status, 200, p.body);
    const body = payload(p.body);
    ids.push(...findAll(body, 'InstanceID').map((n) => n.text));
    context = findAll(body, 'EndOfSequence').length > 0 ? undefined : textAt(body, 'EnumerationContext');
  }
  return ids;
}

describe('amtwb sim options', () => {
  before(() => assert.ok(existsSync(CLI), `${CLI} is missing; run "npm run build" first`));

  describe('AMT_PASSWORD and --software-identities 300', () => {
    let sim: { child: ChildProcessWithoutNullStreams; target: Target } | undefined;
    before(async () => {
      sim = await startSim(['--software-identities', '300'], { AMT_PASSWORD: SECRET });
    });
    after(() => stop(sim?.child));

    test('the password is not on the simulator\'s command line', () => {
      const cmdline = readFileSync(`/proc/${sim!.child.pid}/cmdline`, 'utf8');
      assert.match(cmdline, /\bsim\b/);
      assert.ok(!cmdline.includes(SECRET), 'the password is not visible in /proc/PID/cmdline');
    });

    test('the account logs on with the password from AMT_PASSWORD, not the default one', async () => {
      const ok = await new DigestClient(sim!.target, 'admin', SECRET).post(build.get('AMT_GeneralSettings'));
      assert.equal(ok.status, 200);
      const refused = await new DigestClient(sim!.target, 'admin', 'P@ssw0rd').post(build.get('AMT_GeneralSettings'));
      assert.equal(refused.status, 401);
    });

    test('CIM_SoftwareIdentity has the 16 recorded entries plus 300 generated ones', async () => {
      const ids = await enumerateAll(new DigestClient(sim!.target, 'admin', SECRET), 'CIM_SoftwareIdentity');
      assert.equal(ids.length, 316);
      assert.equal(new Set(ids).size, 316, 'every InstanceID is distinct');
      assert.equal(ids.filter((id) => id.startsWith('Simulated Component ')).length, 300);
    });
  });

  test('--password on the command line wins over AMT_PASSWORD', async () => {
    const sim = await startSim(['--password', 'Cmd-L1ne!'], { AMT_PASSWORD: SECRET });
    try {
      assert.equal((await new DigestClient(sim.target, 'admin', 'Cmd-L1ne!').post(build.get('AMT_GeneralSettings'))).status, 200);
      assert.equal((await new DigestClient(sim.target, 'admin', SECRET).post(build.get('AMT_GeneralSettings'))).status, 401);
    } finally {
      await stop(sim.child);
    }
  });

  test('without either, the documented default account logs on and the catalogue is the recorded 16', async () => {
    const sim = await startSim([], {});
    try {
      const client = new DigestClient(sim.target, 'admin', 'P@ssw0rd');
      assert.equal((await enumerateAll(client, 'CIM_SoftwareIdentity')).length, 16);
      const first = await rawRequest(sim.target, { body: build.get('AMT_GeneralSettings') });
      assert.equal(first.status, 401, 'and it still asks for Digest');
    } finally {
      await stop(sim.child);
    }
  });

  test('a --software-identities that is not a count is a usage error (exit 2) in one sentence', async () => {
    for (const bad of ['many', '-1', '2.5', '1000001']) {
      // The = form: parseArgs reads a separate "-1" as an option of its own.
      const r = await amtwb(['sim', '--port', '0', `--software-identities=${bad}`]);
      assert.equal(r.code, 2, `${bad}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1);
      assert.match(r.stderr, new RegExp(`--software-identities "${bad.replace('.', '\\.')}" is not a count; give a whole number from 0 to 1000000\\.`));
    }
  });

  test('--software-identities belongs to "amtwb sim" only', async () => {
    const r = await amtwb(['get', 'AMT_GeneralSettings', '--software-identities', '5']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--software-identities does not apply to "get"; it is used with amtwb sim\./);
  });

  test('--help names AMT_PASSWORD and --software-identities for amtwb sim', async () => {
    const r = await amtwb(['--help']);
    assert.equal(r.code, 0);
    const simPart = r.stdout.slice(0, r.stdout.indexOf('amtwb lms'));
    assert.match(simPart, /--software-identities N/);
    assert.match(simPart, /AMT_PASSWORD/);
  });
});
