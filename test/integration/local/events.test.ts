/**
 * Events to a subscriber on the host, through the local path: `amtwb events --follow --target local`
 * subscribes a listener on 127.0.0.1; the simulated firmware delivers each event as AMT does through
 * LMS — it opens an APF channel to the host (CHANNEL_OPEN "forwarded-tcpip") and the product's APF
 * session connects it to the listener's port — over the emulated /dev/mei0.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { followEvents, type AmtEvent, type EventStream } from '../../../server/src/features/events';
import type { TargetRegistry } from '../../../server/src/targets/registry';
import { eventually, localRegistry, localRig, meiSuite, type LocalRig } from './helpers';

const ADMIN = { user: 'admin', password: 'P@ssw0rd' };

meiSuite('events follow a local target through APF channels the firmware opens', () => {
  let rig: LocalRig;
  let registry: TargetRegistry;
  let stream: EventStream;
  const events: AmtEvent[] = [];

  before(async () => {
    rig = await localRig({}, { name: 'local-events' });
    registry = localRegistry(rig.path);
    const client = await registry.connect('local', ADMIN);
    stream = await followEvents(client, { host: '127.0.0.1' });
    stream.sink.on('event', (e: AmtEvent) => events.push(e));
  });
  after(async () => {
    await stream?.close();
    await registry?.dispose();
    await rig?.close();
  });

  it('an event raised on the device arrives at the listener over a firmware-opened channel', async () => {
    const opensBefore = rig.sim.mei.lme!.hostOpens;
    rig.sim.device.eventing.raise({ messageId: 'PLAT0322', messageArguments: [rig.sim.device.identity.hostName], perceivedSeverity: 6, alertType: 5 });
    await eventually(() => events.length >= 1);
    assert.equal(events[0]!.messageId, 'PLAT0322');
    assert.equal(rig.sim.mei.lme!.hostOpens, opensBefore + 1, 'delivered through a channel the firmware opened over LME');
    assert.deepEqual(rig.sim.mei.lme!.violations, []);
  });

  it('WS-Man requests keep working on the same APF session after a delivery', async () => {
    const client = await registry.connect('local', ADMIN);
    const gs = await client.get('AMT_GeneralSettings');
    assert.ok(gs.properties.HostName !== undefined);
    rig.sim.device.eventing.raise({ messageId: 'iAMT0070', messageArguments: [], perceivedSeverity: 6, alertType: 5 });
    await eventually(() => events.length >= 2);
    assert.equal(events[1]!.messageId, 'iAMT0070');
  });
});
