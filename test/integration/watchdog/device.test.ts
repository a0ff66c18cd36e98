/**
 * The product's watchdog access (features/watchdog/, real koffi syscalls) against the iAMT
 * watchdog device emulated through FUSE in front of the simulated firmware: what a user of
 * `amtwb watchdog` sees, and what the firmware hears.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { AmtError } from '../../../server/src/errors';
import { keepWatchdogAlive, openWatchdog, readWatchdogInfo } from '../../../server/src/features/watchdog';
import { LinuxWatchdog } from '../../../server/src/features/watchdog/linux-device';
import { WDIOC } from '../../../server/src/features/watchdog/linux-api';
import { Errno } from '../../../server/src/mei/errno';
import { fuseSuite, startFixture, type Fixture } from './helpers';

async function rejects(p: Promise<unknown>, code: string, ...hints: RegExp[]): Promise<AmtError> {
  const err = await p.then(() => assert.fail(`expected ${code}`), (e: unknown) => e);
  assert.ok(err instanceof AmtError, String(err));
  assert.equal(err.code, code, err.message);
  for (const h of hints) assert.match(err.message, h);
  return err;
}

fuseSuite('the iAMT watchdog device (emulated mei_wdt) through the product', () => {
  let f: Fixture;
  let path: string;
  const wd = () => f.sim.device.watchdog;
  before(async () => {
    f = await startFixture({ watchdog: true });
    path = f.watchdog!.path;
  });
  after(() => f.close());

  it('info shows identity iamt_wdt, options 0x8480 and the 120 s default, and the firmware hears nothing', async () => {
    const info = await readWatchdogInfo({ device: path });
    assert.deepEqual(info, {
      path, via: 'linux', identity: 'iamt_wdt', options: 0x8480, optionNames: ['KEEPALIVEPING', 'ALARMONLY', 'SETTIMEOUT'],
      firmwareVersion: 2, timeoutSeconds: 120, status: 0, bootStatus: 0,
    });
    assert.equal(wd().heartbeats, 0);
    assert.equal(wd().state, 'idle');
  });

  it('arming with 120 s starts the firmware timer; 60 s is refused by the driver with the range', async () => {
    const dev = LinuxWatchdog.open(path);
    try {
      assert.equal(await dev.setTimeout(120), 120);
      assert.equal(wd().state, 'running', 'the call returned after the firmware had the heartbeat');
      assert.equal(wd().timeoutSeconds, 120);
      await rejects(dev.setTimeout(60), 'watchdog.timeout', /refused the timeout/, /120\.\.65535/);
      await rejects(dev.setTimeout(65536), 'watchdog.timeout', /120\.\.65535/);
      assert.equal(await dev.getTimeout(), 120, 'the driver kept its timeout');
    } finally {
      await dev.close();
    }
    assert.equal(wd().state, 'idle', 'close always stops the iAMT watchdog');
  });

  it('heartbeats keep it alive across several simulated timeouts', async () => {
    const handle = await openWatchdog({ device: path });
    try {
      await handle.start(120);
      const expiries = wd().expiries;
      for (let i = 0; i < 6; i++) {
        f.sim.device.advance(100_000); // 600 s of device time in all: five timeouts' worth
        await handle.heartbeat();
      }
      assert.equal(wd().state, 'running');
      assert.equal(wd().expiries, expiries);
      assert.ok(wd().heartbeats >= 7);
    } finally {
      await handle.close();
    }
  });

  it('a write() is a heartbeat too, and a new timeout takes effect at once', async () => {
    const dev = LinuxWatchdog.open(path);
    try {
      const before = wd().heartbeats;
      await dev.setTimeout(300);
      const { fd, sys } = dev.raw;
      assert.equal((await sys.write(fd, Buffer.from('x'))).result, 1);
      assert.equal(wd().heartbeats, before + 2);
      f.sim.device.advance(200_000);
      assert.equal(wd().state, 'running', 'still within 300 s');
      await dev.setTimeout(120);
    } finally {
      await dev.close();
    }
  });

  it('a second open is "already in use", naming this process and the usual holders', async () => {
    const handle = await openWatchdog({ device: path });
    try {
      assert.throws(
        () => LinuxWatchdog.open(path),
        (e: unknown) =>
          e instanceof AmtError && e.code === 'watchdog.busy' && /already in use by process \d+ \(node/.test(e.message) &&
          /WatchdogService/.test(e.message) && /RuntimeWatchdogSec/.test(e.message) && /wd_keepalive/.test(e.message),
      );
      await rejects(openWatchdog({ device: path }), 'watchdog.busy', /already in use/);
    } finally {
      await handle.close();
    }
    await (await openWatchdog({ device: path })).close(); // free again once closed
  });

  it('WDIOC_GETTIMELEFT is EOPNOTSUPP like the real driver; the product reports "not reported"', async () => {
    const dev = LinuxWatchdog.open(path);
    try {
      const { fd, sys } = dev.raw;
      const r = await sys.ioctl(fd, WDIOC.GETTIMELEFT, Buffer.alloc(4));
      assert.equal(r.result, -1);
      assert.equal(r.errno, Errno.EOPNOTSUPP);
      assert.equal(await dev.timeLeft(), undefined);
    } finally {
      await dev.close();
    }
  });

  it('disable stops the timer and heartbeats are ignored until enable', async () => {
    const dev = LinuxWatchdog.open(path);
    try {
      await dev.setTimeout(120);
      await dev.disable();
      assert.equal(wd().state, 'idle');
      const n = wd().heartbeats;
      await dev.keepalive();
      assert.equal(wd().heartbeats, n, 'no heartbeat while disabled');
      await dev.enable();
      await dev.keepalive();
      assert.equal(wd().state, 'running');
    } finally {
      await dev.close();
    }
  });

  it('the keepalive loop arms, beats every interval, and disarms when aborted', async () => {
    const handle = await openWatchdog({ device: path });
    const stop = new AbortController();
    const beats: number[] = [];
    try {
      const n = await keepWatchdogAlive(handle, {
        timeoutSeconds: 120,
        intervalMs: 20,
        signal: stop.signal,
        onHeartbeat: (c) => {
          beats.push(c);
          if (c === 3) stop.abort();
        },
      });
      assert.equal(n, 3);
      assert.deepEqual(beats, [1, 2, 3]);
      assert.equal(wd().state, 'idle', 'disarmed after the loop');
    } finally {
      await handle.close();
    }
  });

  it('a timeout outside 120..65535 is refused before anything is opened', async () => {
    await rejects(keepWatchdogAlive({ via: 'linux', path, start: async () => assert.fail('armed'), heartbeat: async () => {}, stop: async () => {}, close: async () => {} }, { timeoutSeconds: 60 }), 'watchdog.timeout', /120\.\.65535/);
  });

  it('a missing device says which driver to load', async () => {
    await rejects(readWatchdogInfo({ device: `${path}-missing` }), 'watchdog.enoent', /modprobe mei_wdt/);
  });
});
