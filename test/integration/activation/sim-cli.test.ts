/**
 * `amtwb sim --unprovisioned --trust-root HASH --mei PATH` as a user starts it: a device out of the
 * box that another `amtwb` process activates through the emulated MEI device.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { amtwb } from '../cli/run';
import { tempDir } from '../local/helpers';
import { CLI, meiSuite, STRONG } from './helpers';

const ROOT = 'ab'.repeat(32);

meiSuite('amtwb sim --unprovisioned (built CLI)', () => {
  let dir: string;
  let mei: string;
  let sim: ChildProcessWithoutNullStreams | undefined;

  before(async () => {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing; run "node esbuild.mjs" first`);
    dir = tempDir();
    mei = path.join(dir, 'mei0');
    sim = spawn(process.execPath, [CLI, 'sim', '--unprovisioned', '--trust-root', ROOT, '--port', '0', '--mei', mei]);
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`the simulator was not ready within 15 s: ${out}`)), 15_000);
      sim!.stdout.on('data', (d) => {
        out += d;
        if (/MEI device at /.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      sim!.stderr.on('data', (d) => (out += d));
      sim!.on('exit', (code) => reject(new Error(`amtwb sim exited with ${code}: ${out}`)));
    });
  });
  after(async () => {
    if (sim && sim.exitCode === null) {
      const exited = new Promise((r) => sim!.once('exit', r));
      sim.kill('SIGINT');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts in pre-provisioning, trusting the given root hash', async () => {
    const run = await amtwb(['status', '--local', '--json', '--mei', mei]);
    assert.equal(run.code, 0, run.stderr);
    const s = JSON.parse(run.stdout);
    assert.equal(s.controlMode, 'none');
    assert.equal(s.provisioningState, 'pre');
    assert.ok(s.certificateHashes.some((h: { hash: string; isActive: boolean }) => h.hash === ROOT && h.isActive));
  });

  it('is activated in CCM by another amtwb process', async () => {
    const run = await amtwb(['activate', '--ccm', '--mei', mei], { AMT_PASSWORD: STRONG });
    assert.equal(run.code, 0, run.stderr);
    const s = JSON.parse((await amtwb(['status', '--local', '--json', '--mei', mei])).stdout);
    assert.equal(s.controlMode, 'ccm');
  });

  it('rejects a --trust-root that is not a SHA-256 hash', async () => {
    const run = await amtwb(['sim', '--trust-root', 'abc', '--port', '0']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^amtwb: --trust-root "abc" is not a SHA-256 hash; give the root certificate's 64 hex digits/m);
  });
});
