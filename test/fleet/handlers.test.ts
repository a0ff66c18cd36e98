/**
 * amt/fleet/* as the Fleet view calls them, on a stand-in for main.ts's connection over a real
 * target registry, against the real MPS with three CIRA devices: a refused log-in, the server
 * list, a filtered device page, a bulk power read with progress notifications, a power action
 * checked against the confirmed count, a device opened as an mps:// target that the Power view's
 * own request then reads, and removing the server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RequestType } from 'vscode-languageserver-protocol';
import { registerHandlers } from '../../server/src/handlers';
import { FleetNotifications, FleetRequests, Requests, type FleetProgress } from '../../server/src/protocol';
import { TargetRegistry } from '../../server/src/targets/registry';
import { DEFAULT_ACCOUNT } from '../../server/src/sim';
import { startFleetRig, type FleetRig } from './harness/rig';

function backend(registry: TargetRegistry) {
  const handlers = new Map<string, (p: unknown, s: AbortSignal) => unknown>();
  const notes: { method: string; params: unknown }[] = [];
  registerHandlers({ handle: (type, fn) => void handlers.set(type.method, fn as (p: unknown, s: AbortSignal) => unknown), notify: (type, params) => void notes.push({ method: type.method, params }), registry });
  const call = async <P, R>(type: RequestType<P, R, void>, params: P): Promise<R> => (await handlers.get(type.method)!(params, new AbortController().signal)) as R;
  return { call, notes };
}

describe('handlers: amt/fleet/*', () => {
  let rig: FleetRig;
  const registry = new TargetRegistry({ simulator: false });
  let b: ReturnType<typeof backend>;
  before(async () => {
    rig = await startFleetRig(3, 'handlers');
    b = backend(registry);
  }, { timeout: 600_000 });
  after(async () => {
    await registry.dispose();
    await rig?.close();
  });

  test('a refused log-in is one sentence and leaves no server behind', async () => {
    await assert.rejects(b.call(FleetRequests.addServer, { url: `mps://127.0.0.1:${rig.mps.webPort}`, user: rig.mps.admin.user, password: 'wrong-one' }), /refused the user "fleetadmin" and its password/);
    assert.deepEqual(await b.call(FleetRequests.servers, {}), []);
  });

  test('add a server, list its devices by tag, read their power, act on one, open one', async () => {
    const server = await b.call(FleetRequests.addServer, { url: `mps://127.0.0.1:${rig.mps.webPort}`, user: rig.mps.admin.user, password: rig.mps.admin.password });
    assert.equal(server.id, rig.mps.webUrl);
    assert.equal(server.connected, true);
    assert.deepEqual((await b.call(FleetRequests.servers, {})).map((s) => s.url), [rig.mps.webUrl]);

    const page = await b.call(FleetRequests.devices, { serverId: server.id, tag: 'lab' });
    // MPS 2.25.3 counts every device in totalCount, whatever the filter.
    assert.equal(page.rows.length, 2);
    assert.deepEqual(page.rows.map((r) => r.hostname).sort(), ['handlers-1', 'handlers-3']);

    const states = await b.call(FleetRequests.powerStates, { serverId: server.id, progressToken: 'tok-1' });
    assert.deepEqual(states.items.map((i) => i.label), ['On', 'On', 'On']);
    const progress = b.notes.filter((n) => n.method === FleetNotifications.progress.method).map((n) => n.params as FleetProgress);
    assert.deepEqual(progress.map((p) => [p.token, p.done, p.total]), [['tok-1', 1, 3], ['tok-1', 2, 3], ['tok-1', 3, 3]]);

    const one = rig.fleet.devices[1]!;
    await assert.rejects(b.call(FleetRequests.powerAction, { serverId: server.id, guids: [one.guid], action: 'off', confirmCount: 3 }), /confirm with exactly 1/);
    assert.equal(one.sim.device.powerState, 2);
    const acted = await b.call(FleetRequests.powerAction, { serverId: server.id, guids: [one.guid], action: 'off', confirmCount: 1 });
    assert.equal(acted.items[0]!.ok, true);
    assert.equal(one.sim.device.powerState, 8);

    const { targetId } = await b.call(FleetRequests.openDevice, { serverId: server.id, guid: one.guid, label: 'handlers-2' });
    assert.equal(targetId, `mps://127.0.0.1:${rig.mps.webPort}/${one.guid}`);
    assert.equal(registry.info(targetId).kind, 'mps');
    const power = await b.call(Requests.powerState, { targetId, credentials: { user: DEFAULT_ACCOUNT.user, password: DEFAULT_ACCOUNT.password } });
    assert.equal(power.powerState, 8);
    assert.equal((await b.call(FleetRequests.openDevice, { serverId: server.id, guid: one.guid })).targetId, targetId, 'opening it again finds the same target');

    assert.equal(await b.call(FleetRequests.removeServer, { serverId: server.id }), null);
    await assert.rejects(b.call(FleetRequests.devices, { serverId: server.id }), /There is no MPS server/);
  });
});
