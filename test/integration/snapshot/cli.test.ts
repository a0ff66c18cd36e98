/**
 * `amtwb snapshot save|diff` as CI runs it (the built dist/cli.js, one child process per command)
 * against a simulator on a loopback port: exit 0 when nothing changed, 1 with the change listed
 * after a Put, --json, 2 for a file that is no snapshot, 3 when the device cannot be reached, and
 * Ctrl-C during a save leaves no file behind.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_ACCOUNT } from '../../../server/src/sim';
import { amtwb, CLI } from '../cli/run';
import { withRig } from './helpers';

describe('amtwb snapshot', () => {
  const rig = withRig({ extraSoftwareIdentities: 5000 });
  let dir: string;
  const remote = (...args: string[]) => amtwb(['--target', rig().url, '--user', DEFAULT_ACCOUNT.user, '--password', DEFAULT_ACCOUNT.password, ...args]);

  before(async () => {
    assert.ok(existsSync(CLI), `${CLI} is missing; run "npm run build" first`);
    dir = await mkdtemp(join(tmpdir(), 'amtwb-snapshot-'));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('save writes the snapshot and says what it holds; diff of two saves of an unchanged device exits 0', async () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    const r = await remote('snapshot', 'save', '--out', a);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^Saved ${a.replace(/[/.]/g, '\\$&')}: \\d+ instances of \\d+ classes; 0 refused, \\d+ not served\\.\\n$`));
    const snap = JSON.parse(await readFile(a, 'utf8'));
    assert.equal(snap.format, 'amt-workbench-snapshot');
    assert.equal(snap.classes.CIM_SoftwareIdentity.instances.length > 5000, true);
    const saved = await remote('snapshot', 'save', '--out', b, '--json');
    assert.equal(saved.code, 0, saved.stderr);
    assert.equal(JSON.parse(saved.stdout).file, b);
    const same = await amtwb(['snapshot', 'diff', a, b]);
    assert.equal(same.code, 0, same.stdout + same.stderr);
    assert.match(same.stdout, /^No drift: /);
  });

  it('after a Put, diff against the device exits 1 and lists that property; --json gives the same change', async () => {
    const a = join(dir, 'before.json');
    assert.equal((await remote('snapshot', 'save', '--out', a)).code, 0);
    const client = await rig().client();
    const gs = await client.get('AMT_GeneralSettings');
    await client.put('AMT_GeneralSettings', { ...gs.properties, DomainName: 'drift.example' });
    const r = await remote('snapshot', 'diff', a, '--device');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^Drift: 1 change from \S+before\.json \(.*\) to the device now \(.*\):\n {2}~ AMT_GeneralSettings \[AMT_GeneralSettings\?InstanceID=Intel\(r\) AMT: General Settings\] DomainName: sim\.local → drift\.example\n/);
    const j = await remote('snapshot', 'diff', a, '--device', '--json');
    assert.equal(j.code, 1, j.stderr);
    const diff = JSON.parse(j.stdout);
    assert.equal(diff.same, false);
    assert.deepEqual(diff.changes.map((c: { property: string; before: string; after: string }) => [c.property, c.before, c.after]), [['DomainName', 'sim.local', 'drift.example']]);
    await client.put('AMT_GeneralSettings', { ...gs.properties });
  });

  it('a file that is no snapshot exits 2 with one sentence; an unreachable device exits 3', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"hello": 1}\n');
    const a = join(dir, 'a.json');
    const r = await amtwb(['snapshot', 'diff', a, bad]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `amtwb: ${bad} is JSON but not an AMT Workbench snapshot (no "format": "amt-workbench-snapshot"); give a file written by "Save Device Snapshot" or "amtwb snapshot save".\n`);
    const missing = await amtwb(['snapshot', 'diff', a]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^amtwb: "snapshot diff" compares two snapshot files but was given 1 file; /);
    const gone = await amtwb(['--target', 'http://127.0.0.1:1', '--user', 'admin', '--password', 'x', 'snapshot', 'diff', a, '--device']);
    assert.equal(gone.code, 3, gone.stderr);
    assert.match(gone.stderr, /^amtwb: .*127\.0\.0\.1:1.*\n$/);
  });

  it('Ctrl-C during a save stops it and leaves no file, not even a partial one', async () => {
    const out = join(dir, 'cancelled.json');
    const child = spawn(process.execPath, [CLI, '--target', rig().url, '--user', DEFAULT_ACCOUNT.user, '--password', DEFAULT_ACCOUNT.password, 'snapshot', 'save', '--out', out]);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const requests: number[] = [];
    const seen = () => requests.push(Date.now());
    rig().sim.device.on('request', seen);
    try {
      // Once the device has answered a few dozen requests the save is well under way (it takes a second or more with 5000 software identities).
      while (requests.length < 40) await new Promise((r) => setTimeout(r, 20));
      child.kill('SIGINT');
      const code = await new Promise<number | null>((r) => child.on('close', r));
      assert.equal(code, 1);
      assert.equal(stderr, 'amtwb: The snapshot was cancelled, so nothing was saved.\n');
      assert.deepEqual((await readdir(dir)).filter((f) => f.includes('cancelled')), []);
    } finally {
      rig().sim.device.off('request', seen);
    }
  });
});
