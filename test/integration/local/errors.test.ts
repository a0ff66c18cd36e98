/**
 * What a user of the `local` target sees when the MEI device is not usable: each driver errno
 * arrives as the one sentence mei/errno.ts wrote for it (naming the path, the cause and the fix),
 * through the target registry — the same cases test/integration/mei covers for openMei.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { promisify } from 'node:util';
import { LME_GUID } from '../../../server/src/apf';
import { AmtError } from '../../../server/src/errors';
import { openMei } from '../../../server/src/mei/device';
import type { TargetRegistry } from '../../../server/src/targets/registry';
import { eventually, localRegistry, localRig, meiSuite, tempDir } from './helpers';

const ROOT = path.resolve(__dirname, '../../..');
const NOBODY = 65534;

/** Connects the registry's `local` target and runs one Get; resolves with the error. */
async function failure(registry: TargetRegistry): Promise<AmtError> {
  try {
    await (await registry.connect('local')).get('AMT_GeneralSettings');
  } catch (err) {
    assert.ok(err instanceof AmtError, `expected an AmtError, got ${String(err)}`);
    return err;
  } finally {
    await registry.dispose();
  }
  return assert.fail('expected the local target to fail');
}

meiSuite('MEI errors through the local target', () => {
  it('ENOENT: a missing device names the path and the driver to load', async () => {
    const dir = tempDir();
    const missing = path.join(dir, 'mei0');
    const err = await failure(localRegistry(missing));
    assert.equal(err.code, 'mei.enoent');
    assert.equal(err.message, `No MEI device at ${missing}: the Intel MEI driver is not loaded (run "modprobe mei_me") or this machine has no Intel ME.`);
    fs.rmSync(dir, { recursive: true });
  });

  it('ENOTTY: firmware without the LME client says AMT is missing or disabled in BIOS/MEBx', async () => {
    const rig = await localRig({ clients: ['amthi', 'mkhi'] });
    try {
      const err = await failure(localRegistry(rig.path));
      assert.equal(err.code, 'mei.enotty');
      assert.match(err.message, new RegExp(`^The LME \\(${LME_GUID}\\) firmware client is not present on ${rig.path}: Intel AMT is missing on this machine or disabled in the BIOS/MEBx; enable it there\\.$`));
    } finally {
      await rig.close();
    }
  });

  it('EBUSY: an LME held by another program (an LMS) points at the lms target', async () => {
    const rig = await localRig({ lme: { singleConnection: true } });
    const lms = await openMei({ path: rig.path, guid: LME_GUID });
    try {
      const err = await failure(localRegistry(rig.path));
      assert.equal(err.code, 'mei.ebusy');
      assert.match(err.message, /is already in use by another program \(for example Intel LMS\): stop that program, or use the "lms" target instead\.$/);
    } finally {
      await lms.close();
      await rig.close();
    }
  });

  it('EACCES: another user without permission on the node gets the udev advice', async () => {
    const rig = await localRig({ allowOther: true, mode: 0o600 });
    try {
      const child = path.join(__dirname, 'children', 'local-get.ts');
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child, rig.path], {
        uid: NOBODY, gid: NOBODY, env: { ...process.env, HOME: '/tmp' }, cwd: ROOT, timeout: 20_000,
      });
      const result = JSON.parse(stdout.trim().split('\n').pop()!);
      assert.equal(result.code, 'mei.eacces', result.message);
      assert.match(result.message, new RegExp(`^Permission denied opening ${rig.path}: run as root, or grant access with a udev rule such as KERNEL=="mei0", GROUP="mei", MODE="0660"`));
    } finally {
      await rig.close();
    }
  });

  it('ENOTCONN: the device of a simulator that was killed says the simulator stopped', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'mei0');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/integration/mei/children/mount.ts'), file, 'wait'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('READY') && resolve());
      child.once('exit', () => reject(new Error('the child exited before mounting')));
    });
    child.kill('SIGKILL'); // no clean-up: the mount stays, dead
    await eventually(() => {
      try {
        fs.statSync(file);
        return false;
      } catch (e) {
        return (e as NodeJS.ErrnoException).code === 'ENOTCONN';
      }
    });
    try {
      const err = await failure(localRegistry(file));
      assert.equal(err.code, 'mei.enotconn');
      assert.match(err.message, /no longer answers \(its simulator stopped\): restart the simulator and reconnect\.$/);
    } finally {
      // Mounting over the dead mount replaces it (mount.ts); closing that leaves the path clean.
      const { mountEmulatedMei } = await import('../../../server/src/sim/mei/index');
      await (await mountEmulatedMei({ path: file, clients: [] })).close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('after the simulator stops, the next request names the missing device instead of hanging', async () => {
    const rig = await localRig();
    const registry = localRegistry(rig.path);
    const client = await registry.connect('local');
    await client.get('AMT_GeneralSettings');
    await rig.close();
    await assert.rejects(client.get('AMT_GeneralSettings'), (e: unknown) => e instanceof AmtError && e.code === 'mei.enoent' && e.message.includes(rig.path));
    assert.equal(registry.info('local').state, 'error');
    await registry.dispose();
  });

  it('without AMTHI the local account cannot be read: the error says to give credentials, and they work', async () => {
    const rig = await localRig({ clients: ['lme', 'mkhi'] });
    try {
      const err = await failure(localRegistry(rig.path));
      assert.equal(err.code, 'local.account');
      assert.match(err.message, /^AMT's local system account could not be read through .*AMTHI.*; give the user name and password of an AMT account instead\.$/);
      const registry = localRegistry(rig.path);
      const gs = await (await registry.connect('local', { user: 'admin', password: 'P@ssw0rd' })).get('AMT_GeneralSettings');
      assert.equal(gs.properties.HostName, rig.sim.device.identity.hostName);
      await registry.dispose();
    } finally {
      await rig.close();
    }
  });
});
