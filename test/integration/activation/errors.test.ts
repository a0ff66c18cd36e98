/**
 * What a user meets when activation cannot simply go ahead: no MEI device, AMT already
 * provisioned by another tool, a firmware reset in the middle of activation, bad command lines.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { amtwb } from '../cli/run';
import { countRequests, localRig, tempDir, type LocalRig } from '../local/helpers';
import { CLI, local, meiSuite, simState, STRONG, unprovisionedRig } from './helpers';

describe('activation without a MEI device (built CLI)', () => {
  it('names the missing device and the fix, for activate and status', async () => {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing; run "node esbuild.mjs" first`);
    const dir = tempDir();
    try {
      const missing = path.join(dir, 'mei0');
      for (const args of [['activate', '--ccm', '--password', STRONG], ['status', '--local']]) {
        const run = await amtwb([...args, '--mei', missing]);
        assert.equal(run.code, 1);
        assert.match(run.stderr, new RegExp(`^amtwb: No MEI device at ${missing.replace(/[.]/g, '\\.')}: the Intel MEI driver is not loaded \\(run "modprobe mei_me"\\) or this machine has no Intel ME\\.$`, 'm'));
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses command-line mistakes with one sentence and exit status 2', async () => {
    const cases: [string[], RegExp][] = [
      [['activate', '--password', STRONG], /needs exactly one of --ccm \(Client Control Mode\) or --acm --cert F\.pfx/],
      [['activate', '--ccm'], /needs the new AMT admin password; pass --password P or set AMT_PASSWORD\./],
      [['activate', '--acm', '--password', STRONG], /needs the provisioning certificate; give its \.pfx file with --cert F\.pfx\./],
      [['--target', 'http://127.0.0.1:16992', 'activate', '--ccm', '--password', STRONG], /configures AMT on this machine through its MEI device; leave out --target/],
      [['status'], /"status" here means this machine's AMT; write amtwb status --local or amtwb --target local status\./],
      [['configure', '--password', STRONG], /needs a profile; give it with --profile F\.yaml\./],
    ];
    for (const [args, expected] of cases) {
      const run = await amtwb(args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, expected);
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    }
  });
});

meiSuite('activation on a device in another state (built CLI, emulated MEI)', () => {
  let acm: LocalRig;
  let fresh: LocalRig;

  before(async () => {
    acm = await localRig(); // the simulator's default: provisioned in ACM, as another tool would leave it
    fresh = await unprovisionedRig();
  });
  after(async () => {
    await acm?.close();
    await fresh?.close();
  });

  it('reports a device provisioned by another tool, its state and what to do, changing nothing', async () => {
    const counts = countRequests(acm.sim);
    const run = await local(acm, ['activate', '--ccm', '--password', STRONG]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^AMT is already activated in Admin Control Mode \(ACM\) \(a higher mode than CCM\), provisioning state post; nothing was changed — to activate it again, run amtwb deactivate first \(ACM needs the admin password\)\.$/m);
    assert.equal(counts.get('Setup'), undefined);
    assert.equal(simState(acm).controlMode, 2);
  });

  it('completes when the firmware resets while Setup is answered (AMT committed first), sending Setup once', async () => {
    const counts = countRequests(fresh.sim);
    let resets = 0;
    fresh.sim.device.on('request', ({ action }: { action?: string }) => {
      if (action?.endsWith('/Setup') && resets++ === 0) fresh.sim.mei.reset();
    });
    try {
      const run = await local(fresh, ['activate', '--ccm', '--password', STRONG]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /is activated in Client Control Mode \(CCM\)/);
      assert.equal(resets, 1);
      assert.equal(counts.get('Setup'), 1);
      assert.equal(simState(fresh).controlMode, 1);
      const again = await local(fresh, ['activate', '--ccm', '--password', STRONG]);
      assert.match(again.stdout, /^AMT is already activated in Client Control Mode \(CCM\)/m);
    } finally {
      fresh.sim.device.removeAllListeners('request');
    }
  });

  it('completes when the firmware resets while the realm is read (a read is sent again on a new session)', async () => {
    assert.equal((await local(fresh, ['deactivate'])).code, 0);
    let resets = 0;
    fresh.sim.device.on('request', ({ action, resourceUri }: { action?: string; resourceUri?: string }) => {
      if (action?.endsWith('/Get') && resourceUri?.endsWith('AMT_GeneralSettings') && resets++ === 0) fresh.sim.mei.reset();
    });
    try {
      const run = await local(fresh, ['activate', '--ccm', '--password', STRONG]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(resets, 2, 'the Get that met the reset is sent once more on the new session');
      assert.equal(simState(fresh).controlMode, 1);
    } finally {
      fresh.sim.device.removeAllListeners('request');
    }
  });
});
