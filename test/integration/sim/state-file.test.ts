/**
 * `amtwb sim --state FILE`: a device's state survives a restart. Changes are made over real
 * sockets (a Put, a new account, a 3PDS block), the simulator is
 * stopped, started again from the file, and the changes are there; a corrupt file is refused with
 * one sentence and left untouched. The last part runs the real `amtwb sim` (the source, via tsx).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { startSimulator, DEFAULT_ACCOUNT, type Simulator } from '../../../server/src/sim';
import { openStateFile, StateFileError, type PersistOptions, type StatePersistence } from '../../../server/src/sim/state-file';
import { build, DigestClient, payload, props, resourceUriFor, type Target } from './helpers';

const dir = mkdtempSync(path.join(tmpdir(), 'amtwb-state-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A simulator started from FILE, as `amtwb sim --state FILE` starts one. */
async function startFrom(file: string, timing: PersistOptions = { debounceMs: 20 }): Promise<{ sim: Simulator; state: StatePersistence; admin: DigestClient }> {
  const stateFile = await openStateFile(file);
  const sim = await startSimulator({ port: 0, ...(stateFile.uuid ? { uuid: stateFile.uuid } : {}) });
  const state = stateFile.attach(sim.device, timing);
  return { sim, state, admin: new DigestClient({ host: sim.host, port: sim.port }, DEFAULT_ACCOUNT.user, DEFAULT_ACCOUNT.password) };
}

async function stop(run: { sim: Simulator; state: StatePersistence }): Promise<void> {
  await run.state.close();
  await run.sim.close();
}

async function call(client: DigestClient, cls: string, method: string, inputs: Record<string, string | number | boolean> = {}) {
  const xml = Object.entries(inputs).map(([k, v]) => `<h:${k}>${String(v)}</h:${k}>`).join('');
  const r = await client.post(build.invoke(cls, method, xml));
  assert.equal(r.status, 200, r.body);
  return props(payload(r.body));
}

async function hostName(client: DigestClient): Promise<string> {
  const r = await client.post(build.get('AMT_GeneralSettings'));
  assert.equal(r.status, 200, r.body);
  return String(props(payload(r.body)).HostName);
}

describe('simulator state across runs', () => {
  const file = path.join(dir, 'device.json');

  test('a Put, an account and a storage block survive a restart, with the same UUID', async () => {
    const first = await startFrom(file);
    const uuid = first.sim.device.identity.uuid;
    const uri = resourceUriFor('AMT_GeneralSettings');
    const current = payload((await first.admin.post(build.get('AMT_GeneralSettings'))).body);
    const body = current.children.map((c) => `<h:${c.local}>${c.local === 'HostName' ? 'kept-across-runs' : c.text}</h:${c.local}>`).join('');
    const put = await first.admin.post(build.put('AMT_GeneralSettings', `<h:AMT_GeneralSettings xmlns:h="${uri}">${body}</h:AMT_GeneralSettings>`));
    assert.equal(put.status, 200, put.body);
    first.sim.device.accounts.set('operator', 'Operator#1');

    await call(first.admin, 'AMT_ThirdPartyDataStorageAdministrationService', 'AddStorageEaclEntry', { EnterpriseName: 'Contoso' });
    const session = Number((await call(first.admin, 'AMT_ThirdPartyDataStorageService', 'RegisterApplication', {
      CallerUUID: '0123456789ABCDEF0123456789ABCDEF', ApplicationName: 'Agent', VendorName: 'Fabrikam', EnterpriseName: 'Contoso',
    })).SessionHandle);
    const block = Number((await call(first.admin, 'AMT_ThirdPartyDataStorageService', 'AllocateBlock', { SessionHandle: session, BytesRequested: 64, BlockHidden: false, BlockName: 'b' })).BlockHandle);
    const data = Buffer.from('still here tomorrow').toString('base64');
    assert.equal((await call(first.admin, 'AMT_ThirdPartyDataStorageService', 'WriteBlock', { SessionHandle: session, BlockHandle: block, ByteOffset: 0, Data: data })).ReturnValue, '0');
    await stop(first);

    const saved = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(saved.uuid, uuid);
    assert.equal(statSync(file).mode & 0o077, 0, 'the file holds passwords: owner only');

    const second = await startFrom(file);
    try {
      assert.equal(second.sim.device.identity.uuid, uuid);
      assert.equal(await hostName(second.admin), 'kept-across-runs');
      const operator = new DigestClient({ host: second.sim.host, port: second.sim.port }, 'operator', 'Operator#1');
      assert.equal((await operator.post(build.get('AMT_GeneralSettings'))).status, 200, 'the added account still logs in');
      const read = await call(second.admin, 'AMT_ThirdPartyDataStorageService', 'ReadBlock', { SessionHandle: session, BlockHandle: block, ByteOffset: 0, ByteCount: 19 });
      assert.equal(Buffer.from(String(read.Data), 'base64').toString(), 'still here tomorrow');
    } finally {
      await stop(second);
    }
  });

  test('changes are saved while the simulator runs (debounced), not only on exit', async () => {
    const run = await startFrom(file);
    try {
      run.sim.device.accounts.set('viewer', 'Viewer#1');
      await run.admin.post(build.get('AMT_GeneralSettings')); // any request is a possible change
      const saved = () => (JSON.parse(readFileSync(file, 'utf8')).accounts.entries as { user?: string }[]).some((e) => e.user === 'viewer');
      // The debounced write (20 ms here) lands on its own; wait for it, without flush() or close().
      for (let i = 0; i < 250 && !saved(); i += 1) await new Promise((r) => setTimeout(r, 20));
      assert.ok(saved(), 'the account reached the file while the simulator kept running');
    } finally {
      await stop(run);
    }
  });

  test('a steady stream of requests does not postpone the save forever', async () => {
    const run = await startFrom(file, { debounceMs: 1000, maxWaitMs: 100 });
    try {
      run.sim.device.accounts.set('streamer', 'Stream#1');
      const saved = () => (JSON.parse(readFileSync(file, 'utf8')).accounts.entries as { user?: string }[]).some((e) => e.user === 'streamer');
      let requests = 0;
      // Each request restarts the 1 s quiet period; only the 100 ms cap lets the change through.
      while (!saved() && requests < 300) {
        await run.admin.post(build.get('AMT_GeneralSettings'));
        requests += 1;
      }
      assert.ok(saved(), `not saved after ${requests} back-to-back requests`);
    } finally {
      await stop(run);
    }
  });

  test('a corrupt file is refused with one sentence and left untouched', async () => {
    const bad = path.join(dir, 'corrupt.json');
    writeFileSync(bad, '{"format":"amtwb-sim-state","version":1,');
    await assert.rejects(openStateFile(bad), (err: Error) => {
      assert.ok(err instanceof StateFileError);
      assert.match(err.message, /^The simulator state file .*corrupt\.json is not usable \(it is not valid JSON: .*\); repair or remove it, or pass another --state FILE\.$/);
      return true;
    });
    assert.equal(readFileSync(bad, 'utf8'), '{"format":"amtwb-sim-state","version":1,');
    writeFileSync(bad, '{"hello":"world"}');
    await assert.rejects(openStateFile(bad), /is not an amtwb simulator state file/);
  });
});

describe('amtwb sim --state FILE (the command)', () => {
  const cli = path.resolve(__dirname, '..', '..', '..', 'server', 'src', 'cli.ts');
  const file = path.join(dir, 'cli.json');

  /** Runs `amtwb sim --port 0 --state FILE`; resolves with the target once it listens, or with its stderr if it exits. */
  function run(stateFile: string): Promise<{ target?: Target; stop: () => Promise<void>; stderr: () => string; exit: Promise<number | null> }> {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, 'sim', '--port', '0', '--state', stateFile], { env: { ...process.env, AMT_PASSWORD: undefined } });
    let out = '';
    let err = '';
    const exit = new Promise<number | null>((r) => child.once('exit', r));
    const stop = async () => {
      if (child.exitCode === null) child.kill('SIGINT');
      await exit;
    };
    return new Promise((resolve) => {
      child.stdout.on('data', (d) => {
        out += d;
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\/wsman/.exec(out);
        if (m) resolve({ target: { host: '127.0.0.1', port: Number(m[1]) }, stop, stderr: () => err, exit });
      });
      child.stderr.on('data', (d) => (err += d));
      void exit.then(() => resolve({ stop, stderr: () => err, exit }));
    });
  }

  test('change a setting, stop with Ctrl-C, start again: the change is there', { timeout: 90_000 }, async () => {
    const first = await run(file);
    assert.ok(first.target, first.stderr());
    const admin = new DigestClient(first.target, DEFAULT_ACCOUNT.user, DEFAULT_ACCOUNT.password);
    const uri = resourceUriFor('AMT_GeneralSettings');
    const current = payload((await admin.post(build.get('AMT_GeneralSettings'))).body);
    const body = current.children.map((c) => `<h:${c.local}>${c.local === 'HostName' ? 'from-the-cli' : c.text}</h:${c.local}>`).join('');
    assert.equal((await admin.post(build.put('AMT_GeneralSettings', `<h:AMT_GeneralSettings xmlns:h="${uri}">${body}</h:AMT_GeneralSettings>`))).status, 200);
    await first.stop();

    const second = await run(file);
    try {
      assert.ok(second.target, second.stderr());
      assert.equal(await hostName(new DigestClient(second.target, DEFAULT_ACCOUNT.user, DEFAULT_ACCOUNT.password)), 'from-the-cli');
    } finally {
      await second.stop();
    }
  });

  test('a corrupt state file: exit code 1, one line on stderr, file unchanged', { timeout: 60_000 }, async () => {
    const bad = path.join(dir, 'cli-corrupt.json');
    writeFileSync(bad, 'not json at all');
    const r = await run(bad);
    assert.equal(r.target, undefined);
    assert.equal(await r.exit, 1);
    const lines = r.stderr().trim().split('\n');
    assert.equal(lines.length, 1, r.stderr());
    assert.match(lines[0], /^amtwb: The simulator state file .*cli-corrupt\.json is not usable \(it is not valid JSON/);
    assert.equal(readFileSync(bad, 'utf8'), 'not json at all');
  });
});
