/**
 * The backend's handlers (server/src/handlers/) as the extension calls them, on a stand-in for
 * main.ts's connection whose registry hands out a WS-Man client to a simulator on a real socket:
 * event streams as notifications, the decoded event log, agent presence, and (with FUSE) the
 * watchdog requests driving the simulator's emulated iAMT watchdog.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import { registerHandlers, type HandlerHost } from '../../../server/src/handlers';
import { AgentRequests, EventRequests, Notifications, Requests, WatchdogRequests, type EventNotice, type TargetInfo, type WatchdogState } from '../../../server/src/protocol';
import { deliveries, eventually, fuseSuite, startFixture, type Fixture } from '../watchdog/helpers';

const SIM: TargetInfo = { id: 'sim', kind: 'sim', label: 'Simulator', removable: false, state: 'connected' };

function host(f: Fixture) {
  const handlers = new Map<string, (p: unknown, s: AbortSignal) => unknown>();
  const notes: { method: string; params: unknown }[] = [];
  const registry: HandlerHost['registry'] = {
    connect: async () => f.client,
    info: () => ({ ...SIM, url: `http://127.0.0.1:${f.sim.port}` }),
    list: () => [SIM],
    add: () => SIM,
    remove: async () => undefined,
    simulator: async () => f.sim,
  };
  const registered = registerHandlers({
    handle: (type, fn) => void handlers.set(type.method, fn as (p: unknown, s: AbortSignal) => unknown),
    notify: (type, params) => void notes.push({ method: type.method, params }),
    registry,
  });
  const call = async <P, R>(type: RequestType<P, R, void>, params: P): Promise<R> => {
    const fn = handlers.get(type.method);
    assert.ok(fn, `${type.method} has a handler`);
    return (await fn(params, new AbortController().signal)) as R;
  };
  const notified = <P>(type: NotificationType<P>): P[] => notes.filter((n) => n.method === type.method).map((n) => n.params as P);
  return { call, notified, configure: registered.configure, dispose: () => registered.dispose() };
}

/** A simulator and the handlers over it for one suite; `fixture()` and `handlers()` once `before` ran. */
function withHost(): { fixture: () => Fixture; handlers: () => ReturnType<typeof host> } {
  let f: Fixture;
  let h: ReturnType<typeof host>;
  before(async () => {
    f = await startFixture();
    h = host(f);
  });
  after(async () => {
    await h.dispose();
    await f.close();
  });
  return { fixture: () => f, handlers: () => h };
}

describe('handlers: events, log, agents', () => {
  const { fixture, handlers } = withHost();

  it('amt/events/follow streams events as notifications until amt/events/unfollow', async () => {
    const { streamId, notifyTo } = await handlers().call(EventRequests.follow, { targetId: 'sim' });
    assert.match(notifyTo, /^http:\/\/127\.0\.0\.1:\d+\//);
    fixture().sim.device.eventing.raise({ messageId: 'iAMT0036', perceivedSeverity: 2, alertType: 8 });
    await deliveries(fixture().sim);
    await eventually(() => handlers().notified(Notifications.event).length === 1);
    const [n] = handlers().notified(Notifications.event) as EventNotice[];
    assert.equal(n!.streamId, streamId);
    assert.equal(n!.targetId, 'sim');
    assert.equal(n!.event.text, 'Remote connectivity initiated.');
    await handlers().call(EventRequests.unfollow, { streamId });
    assert.deepEqual(fixture().sim.device.eventing.list(), []);
  });

  it('amt/log/read returns every record, decoded once in the shape the CLI prints', async () => {
    const { records } = await handlers().call(Requests.readLog, { targetId: 'sim' });
    assert.equal(records.length, fixture().sim.device.logRecords().length);
    assert.ok(records.length > 0);
    for (const r of records) {
      assert.notEqual(r.description, '');
      assert.match(r.time, /^\d{4}-\d\d-\d\dT/);
      assert.ok(r.source !== '' && r.event !== '', 'source and event are named');
    }
  });

  it('amt/agents/register creates and registers; assert and list follow', async () => {
    const agent = '9f0d2c1e-1111-4a2b-9c3d-0123456789ab';
    const r = await handlers().call(AgentRequests.register, { targetId: 'sim', agent, timeoutIntervalSeconds: 200 });
    assert.equal(r.timeoutIntervalSeconds, 200);
    await handlers().call(AgentRequests.assert, { targetId: 'sim', agent, sequenceNumber: r.sessionSequenceNumber + 1 });
    assert.equal((await handlers().call(AgentRequests.list, { targetId: 'sim' })).agents[0]!.stateLabel, 'Running');
    await handlers().call(AgentRequests.assert, { targetId: 'sim', agent, sequenceNumber: r.sessionSequenceNumber + 2, shutdown: true });
    assert.equal((await handlers().call(AgentRequests.list, { targetId: 'sim' })).agents[0]!.stateLabel, 'Stopped');
  });

  it('amt/instances/get and amt/methods/invoke render values with the catalog', async () => {
    const gs = await handlers().call(Requests.getInstance, { targetId: 'sim', className: 'AMT_GeneralSettings' });
    assert.equal(gs.ref.className, 'AMT_GeneralSettings');
    assert.ok(gs.properties.some((p) => p.name === 'DigestRealm' && p.text.startsWith('Digest:')));
    const power = await handlers().call(Requests.powerState, { targetId: 'sim' });
    assert.deepEqual(Object.keys(power).sort(), ['label', 'powerState'], 'the power state as the protocol declares it');
  });
});

fuseSuite('handlers: the simulator\'s OS watchdog', () => {
  const { fixture, handlers } = withHost();

  it('arm, heartbeat, keepalive, stop, disarm: the firmware timer follows and each change is notified', async () => {
    const idle = await handlers().call(WatchdogRequests.state, { targetId: 'sim' });
    assert.equal(idle.available, true, idle.reason);
    assert.equal(idle.identity, 'iamt_wdt');
    const armed = await handlers().call(WatchdogRequests.arm, { targetId: 'sim', timeoutSeconds: 120 });
    assert.equal(armed.armed, true);
    await eventually(() => fixture().sim.device.watchdog.state === 'running');
    assert.equal((await handlers().call(WatchdogRequests.heartbeat, { targetId: 'sim' })).heartbeats, 2);
    const kept = await handlers().call(WatchdogRequests.startKeepalive, { targetId: 'sim' });
    assert.equal(kept.keepalive, true);
    assert.equal(kept.keepaliveIntervalSeconds, 60);
    assert.equal((await handlers().call(WatchdogRequests.stopKeepalive, { targetId: 'sim' })).keepalive, false);
    const off = await handlers().call(WatchdogRequests.disarm, { targetId: 'sim' });
    assert.equal(off.armed, false);
    assert.equal(fixture().sim.device.watchdog.state, 'idle');
    const notes = handlers().notified(Notifications.watchdogChanged) as WatchdogState[];
    assert.ok(notes.length >= 4 && notes.every((n) => n.targetId === 'sim'));
    assert.equal(notes.at(-1)!.armed, false);
  });
});
