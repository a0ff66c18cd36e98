/**
 * The backend's OS-health-watchdog requests (protocol.ts block, features/watchdogRequests.ts) as
 * the extension would call them, with a stand-in for main.ts's connection.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import { registerWatchdogRequests } from '../../../server/src/features/watchdogRequests';
import { WatchdogNotifications, WatchdogRequests, type WatchdogKeepaliveStatus } from '../../../server/src/protocol';
import type { AmtEvent } from '../../../server/src/features/events';
import { deliveries, eventually, fuseSuite, startFixture, type Fixture } from './helpers';

function host(f: Fixture) {
  const handlers = new Map<string, (p: unknown, s: AbortSignal) => unknown>();
  const notes: { method: string; params: unknown }[] = [];
  const registered = registerWatchdogRequests({
    handle: (type, fn) => void handlers.set(type.method, fn as (p: unknown, s: AbortSignal) => unknown),
    notify: (type, params) => void notes.push({ method: type.method, params }),
    connect: async () => f.client,
  });
  const call = async <P, R>(type: RequestType<P, R, void>, params: P): Promise<R> => handlers.get(type.method)!(params, new AbortController().signal) as R;
  const notified = <P>(type: NotificationType<P>): P[] => notes.filter((n) => n.method === type.method).map((n) => n.params as P);
  return { call, notified, dispose: () => registered.dispose() };
}

describe('watchdog requests: events, log, agents', () => {
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

  it('amt/events/follow streams events as notifications until amt/events/unfollow', async () => {
    const { streamId, notifyTo } = await h.call(WatchdogRequests.followEvents, { targetId: 'sim' });
    assert.match(notifyTo, /^http:\/\/127\.0\.0\.1:\d+\//);
    f.sim.device.eventing.raise({ messageId: 'iAMT0036', perceivedSeverity: 2, alertType: 8 });
    await deliveries(f.sim);
    await eventually(() => h.notified(WatchdogNotifications.event).length === 1);
    const [n] = h.notified(WatchdogNotifications.event) as { streamId: string; targetId: string; event: AmtEvent }[];
    assert.equal(n!.streamId, streamId);
    assert.equal(n!.event.text, 'Remote connectivity initiated.');
    await h.call(WatchdogRequests.unfollowEvents, { streamId });
    assert.deepEqual(f.sim.device.eventing.list(), []);
  });

  it('amt/log/read returns every decoded record', async () => {
    const records = await h.call(WatchdogRequests.readLog, { targetId: 'sim' });
    assert.equal(records.length, f.sim.device.logRecords().length);
    assert.ok(records.every((r) => r.description !== ''));
  });

  it('amt/agents/register creates and registers; assert and list follow', async () => {
    const agent = '9f0d2c1e-1111-4a2b-9c3d-0123456789ab';
    const r = await h.call(WatchdogRequests.registerAgent, { targetId: 'sim', agent, timeoutIntervalSeconds: 200 });
    assert.equal(r.timeoutIntervalSeconds, 200);
    await h.call(WatchdogRequests.assertAgent, { targetId: 'sim', agent, sequenceNumber: r.sessionSequenceNumber + 1 });
    await h.call(WatchdogRequests.addAgentAction, { targetId: 'sim', agent, action: { newState: 8 } });
    const list = await h.call(WatchdogRequests.listAgents, { targetId: 'sim' });
    assert.equal(list.agents[0]!.stateLabel, 'Running');
    assert.equal(list.actions.length, 1);
    await h.call(WatchdogRequests.deleteAgentActions, { targetId: 'sim', agent });
    await h.call(WatchdogRequests.assertAgent, { targetId: 'sim', agent, sequenceNumber: r.sessionSequenceNumber + 2, shutdown: true });
    assert.equal((await h.call(WatchdogRequests.listAgents, { targetId: 'sim' })).agents[0]!.stateLabel, 'Stopped');
  });
});

fuseSuite('watchdog requests: the local keepalive loop', () => {
  let f: Fixture;
  let h: ReturnType<typeof host>;
  before(async () => {
    f = await startFixture({ watchdog: true });
    h = host(f);
  });
  after(async () => {
    await h.dispose();
    await f.close();
  });

  it('info, start, one at a time, stop: the firmware timer follows', async () => {
    const device = f.watchdog!.path;
    assert.equal((await h.call(WatchdogRequests.info, { device })).identity, 'iamt_wdt');
    const started = await h.call(WatchdogRequests.startKeepalive, { device, timeoutSeconds: 120 });
    assert.deepEqual(started, { running: true, path: device, timeoutSeconds: 120, heartbeats: 0 });
    await eventually(() => f.sim.device.watchdog.state === 'running');
    await assert.rejects(h.call(WatchdogRequests.startKeepalive, { device }), /already running/);
    const stopped = await h.call(WatchdogRequests.stopKeepalive, undefined);
    assert.equal(stopped.running, false);
    assert.equal(stopped.heartbeats, 1);
    assert.equal(f.sim.device.watchdog.state, 'idle');
    const notes = h.notified(WatchdogNotifications.keepalive) as WatchdogKeepaliveStatus[];
    assert.deepEqual(notes.map((n) => n.running), [true, false]);
    assert.equal((await h.call(WatchdogRequests.keepaliveStatus, undefined)).running, false);
  });
});
