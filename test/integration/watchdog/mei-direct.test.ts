/**
 * Without the mei_wdt driver, the product talks to the firmware's watchdog client over the MEI
 * device itself (emulated /dev/mei0 with the simulated watchdog client): the same timer, the
 * same expiry.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { openWatchdog, readWatchdogInfo } from '../../../server/src/features/watchdog';
import { WatchdogFirmware } from '../../../server/src/sim/firmware/watchdog';
import { mountEmulatedMei, type EmulatedMei } from '../../../server/src/sim/mei/index';
import { tempDir } from '../mei/helpers';
import { eventually, fuseSuite, startFixture, type Fixture } from './helpers';

fuseSuite('the watchdog client over MEI when no watchdog device exists', () => {
  let f: Fixture;
  let mei: EmulatedMei;
  let dir: string;
  /** Discovery looks here and finds no watchdog device. */
  let roots: { dev: string; sysfs: string };
  before(async () => {
    f = await startFixture();
    dir = tempDir();
    roots = { dev: path.join(dir, 'dev'), sysfs: path.join(dir, 'sys') };
    mei = await mountEmulatedMei({ path: path.join(dir, 'mei0'), clients: [new WatchdogFirmware(f.sim.device)] });
  });
  after(async () => {
    await mei.close();
    await f.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('info reports the client and its protocol version', async () => {
    const info = await readWatchdogInfo({ meiPath: mei.path, roots });
    assert.equal(info.via, 'mei');
    assert.equal(info.firmwareVersion, 2);
  });

  it('start arms the firmware timer; heartbeats keep it; close sends STOP', async () => {
    const h = await openWatchdog({ meiPath: mei.path, roots });
    assert.equal(h.via, 'mei');
    await h.start(120);
    assert.equal(f.sim.device.watchdog.state, 'running');
    f.sim.device.advance(100_000);
    await h.heartbeat();
    f.sim.device.advance(100_000);
    assert.equal(f.sim.device.watchdog.state, 'running');
    await h.close();
    // An MEI write returns once queued; the firmware takes it a moment later.
    await eventually(() => f.sim.device.watchdog.state === 'idle');
  });

  it('heartbeats that stop expire it, as through the driver', async () => {
    const h = await openWatchdog({ meiPath: mei.path, roots });
    try {
      await h.start(120);
      f.sim.device.advance(121_000);
      assert.equal(f.sim.device.watchdog.state, 'expired');
      assert.equal(f.sim.device.watchdog.expiries, 1);
    } finally {
      await h.close();
    }
    await eventually(() => f.sim.device.watchdog.state === 'idle');
  });

  it('no watchdog anywhere is one sentence saying what to load', async () => {
    await assert.rejects(openWatchdog({ meiPath: path.join(dir, 'nothing'), roots }), /No iAMT watchdog was found .*modprobe mei_wdt/);
  });
});
