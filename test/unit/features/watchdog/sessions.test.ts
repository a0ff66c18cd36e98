/**
 * Which OS watchdog the Watchdog view drives for a target, and what it says when there is none:
 * features/watchdog/sessions.ts with a stand-in for the registry. The embedded simulator's emulated device itself is covered against the real backend
 * in test/integration/client/watchdog.test.ts; here FUSE is reported missing, so nothing is mounted.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WatchdogSessions } from '../../../../server/src/features/watchdog';
import type { TargetInfo } from '../../../../server/src/protocol';
import { SimDevice } from '../../../../server/src/sim/device';

const TARGETS: Record<string, TargetInfo> = {
  sim: { id: 'sim', kind: 'sim', label: 'Simulator', removable: false, state: 'connected' },
  'sim-2': { id: 'sim-2', kind: 'sim', label: 'Simulator (sim-2)', removable: true, state: 'connected' },
  far: { id: 'far', kind: 'remote', label: '192.0.2.10:16992', url: 'http://192.0.2.10:16992', removable: true, state: 'disconnected' },
  near: { id: 'near', kind: 'remote', label: '127.0.0.1:16992', url: 'http://127.0.0.1:16992', removable: true, state: 'disconnected' },
};

describe('watchdog sessions: which watchdog a target has', () => {
  let device: SimDevice;
  let dev: string;
  let view: WatchdogSessions;

  before(() => {
    device = new SimDevice({ user: 'admin', password: 'P@ssw0rd' });
    dev = fs.mkdtempSync(path.join(os.tmpdir(), 'amtwb-wdview-'));
    view = new WatchdogSessions(
      {
        changed: () => undefined,
        target: (id) => TARGETS[id]!,
        simulator: async () => ({ device }),
      },
      // No FUSE here, and discovery looks into an empty /dev and sysfs.
      { sim: { missingPrerequisite: () => 'mounting needs root (test)' }, discovery: { dev, sysfs: path.join(dev, 'sys'), proc: path.join(dev, 'proc') } },
    );
    view.configure({ simulatorTimeScale: 30 });
  });
  after(async () => {
    await view.dispose();
    device.dispose();
    fs.rmSync(dev, { recursive: true, force: true });
  });

  const state = (targetId: string) => view.state(targetId);

  test('without FUSE the simulator has none, and the state says why', async () => {
    const s = await state('sim');
    assert.equal(s.available, false);
    assert.equal(s.reason, 'No iAMT watchdog on this machine: mounting needs root (test).');
    assert.equal(s.armed, false);
    assert.equal(device.clockScale, 30, 'amt.simulator.timeScale still applies to the simulator');
    await assert.rejects(view.arm('sim', 120), /No iAMT watchdog on this machine: mounting needs root/);
  });

  test('only the embedded simulator gets an emulated device', async () => {
    assert.match((await state('sim-2')).reason!, /^No iAMT watchdog on this machine for Simulator \(sim-2\): only the embedded simulator/);
  });

  test("a remote device's OS watchdog is on its own host", async () => {
    assert.match((await state('far')).reason!, /^No iAMT watchdog on this machine for 192\.0\.2\.10:16992: its OS watchdog is on that host/);
  });

  test('a device on a loopback address uses amt.watchdog.device, and says what opening it said', async () => {
    view.configure({ watchdogDevice: path.join(dev, 'no-such-watchdog') });
    const s = await state('near');
    assert.equal(s.available, false);
    assert.equal(s.path, path.join(dev, 'no-such-watchdog'));
    assert.match(s.reason!, /^No iAMT watchdog on this machine: .*no-such-watchdog/);
  });
});
