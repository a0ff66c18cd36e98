/**
 * OS hang end to end: a host heartbeats through the emulated iAMT watchdog device, the heartbeats
 * stop, the firmware's timer runs out on the device clock — and exactly one OS-hang event reaches
 * the product's event sink (subscribed over WS-Man) and the decoded firmware event log.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { readMessageLog } from '../../../server/src/features/log';
import { followEvents, type AmtEvent, type EventStream } from '../../../server/src/features/events';
import { openWatchdog, type WatchdogHandle } from '../../../server/src/features/watchdog';
import { deliveries, eventually, fuseSuite, startFixture, type Fixture } from './helpers';

fuseSuite('OS hang: heartbeats stop, one event reaches the subscriber and the log', () => {
  let f: Fixture;
  let stream: EventStream;
  const events: AmtEvent[] = [];
  let handle: WatchdogHandle;
  const osHangs = async () => (await readMessageLog(f.client)).filter((r) => r.sensorType === 0x20);

  before(async () => {
    f = await startFixture({ watchdog: true });
    stream = await followEvents(f.client);
    stream.sink.on('event', (e: AmtEvent) => events.push(e));
    handle = await openWatchdog({ device: f.watchdog!.path });
  });
  after(async () => {
    await handle.close();
    await stream.close();
    await f.close();
  });

  it('while heartbeats come, nothing is raised', async () => {
    await handle.start(120);
    f.sim.device.advance(119_000);
    await handle.heartbeat();
    f.sim.device.advance(119_000);
    await deliveries(f.sim);
    assert.deepEqual(events, []);
    assert.deepEqual(await osHangs(), []);
  });

  it('when they stop for longer than the timeout, exactly one OS-hang event arrives', async () => {
    f.sim.device.advance(2_000); // 121 s after the last heartbeat
    f.sim.device.advance(600_000); // and much later: still the same single expiry
    await deliveries(f.sim);
    await eventually(() => events.length >= 1);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(events.length, 1);
    const [e] = events;
    assert.equal(e!.messageId, 'PLAT0322');
    assert.equal(e!.severityLabel, 'Critical');
    assert.equal(e!.text, `Run-time critical stop on system ${f.sim.device.identity.hostName}.`);
    assert.equal(e!.filterName, 'Intel(r) AMT:AllEvents');
    assert.equal(f.sim.device.watchdog.state, 'expired');
  });

  it('the firmware event log has one decoded OS-hang record at the expiry time', async () => {
    const hangs = await osHangs();
    assert.equal(hangs.length, 1);
    const [r] = hangs;
    assert.equal(r!.description, 'Operating system lockup or power interrupt');
    assert.equal(r!.event, 'OS critical stop');
    assert.equal(r!.severity, 'Critical');
    assert.equal(r!.entity, 'Operating system');
    assert.ok(Math.abs(Date.parse(r!.time) - Date.parse(events[0]!.time)) < 2000, 'logged when the event was raised');
  });

  it('a heartbeat re-arms it, and the next expiry is a new, single event', async () => {
    await handle.heartbeat();
    assert.equal(f.sim.device.watchdog.state, 'running');
    f.sim.device.advance(121_000);
    await deliveries(f.sim);
    await eventually(() => events.length === 2);
    assert.equal((await osHangs()).length, 2);
    assert.notEqual(events[0]!.indicationId, events[1]!.indicationId);
  });

  it('closing the device stops the watchdog, so no event follows', async () => {
    await handle.heartbeat();
    await handle.close();
    f.sim.device.advance(1_000_000);
    await deliveries(f.sim);
    assert.equal(events.length, 2);
    handle = await openWatchdog({ device: f.watchdog!.path }); // for after()
  });
});
