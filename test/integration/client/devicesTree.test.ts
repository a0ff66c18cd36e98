/**
 * The Devices view and the Power view against the real backend: the simulator listed by default and
 * connected on first use, each device's Overview / Power / Classes / Event log, power actions and
 * the state they leave behind.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ClassTree } from '../../../client/src/model/classTree';
import { DevicesTree } from '../../../client/src/model/devicesTree';
import { describeReading, PowerStore, PowerTree } from '../../../client/src/model/power';
import type { TreeNode } from '../../../client/src/model/tree';
import { Requests } from '../../../server/src/protocol';
import { DeviceStore } from '../../../client/src/deviceStore';
import { startBackend, type Backend } from './backend';

/** A vscode.Memento in memory. */
function memento(): ConstructorParameters<typeof DeviceStore>[0] {
  const data = new Map<string, unknown>();
  return {
    keys: () => [...data.keys()],
    get: <T>(key: string, fallback?: T) => (data.has(key) ? (data.get(key) as T) : fallback),
    update: async (key: string, value: unknown) => void data.set(key, value),
  } as ConstructorParameters<typeof DeviceStore>[0];
}

describe('devices tree', { timeout: 60_000 }, () => {
  let backend: Backend;
  let power: PowerStore;
  let devices: DevicesTree;
  const trees = new Map<string, ClassTree>();
  before(async () => {
    backend = await startBackend();
    power = new PowerStore(backend.request);
    devices = new DevicesTree({
      request: backend.request,
      power,
      classTree: (id) => trees.get(id) ?? trees.set(id, new ClassTree(backend.request, id, { pageSize: 50, idPrefix: `device:${id}/classes` })).get(id)!,
    });
  });
  after(async () => {
    await backend?.close();
  });

  const child = async (node: TreeNode, label: string) => {
    const rows = await devices.children(node);
    const found = rows.find((r) => r.label === label);
    assert.ok(found, `no "${label}" under ${node.label}: ${rows.map((r) => r.label).join(', ')}`);
    return found;
  };

  test('the embedded simulator is listed by default, not yet connected', async () => {
    const [sim, ...rest] = await devices.roots();
    assert.equal(rest.length, 0);
    assert.equal(sim!.label, 'Simulator');
    assert.equal(sim!.description, 'disconnected');
    assert.equal(sim!.contextValue, 'amt.device', 'the simulator cannot be removed');
  });

  test('a device shows Overview, Power, Classes and Event log', async () => {
    const [sim] = await devices.roots();
    assert.deepEqual((await devices.children(sim!)).map((r) => r.label), ['Overview', 'Power', 'Classes', 'Event log']);
  });

  test('Overview connects on first use and shows Identify and the firmware versions', async () => {
    const [sim] = await devices.roots();
    const rows = await devices.children(await child(sim!, 'Overview'));
    const byLabel = new Map(rows.map((r) => [r.label, r.description]));
    assert.match(byLabel.get('Product') ?? '', /^Intel Corporation/);
    assert.match(byLabel.get('Protocol') ?? '', /wsman/i);
    assert.match(byLabel.get('AMT') ?? '', /^\d+\.\d+/);
    // The backend told the client the simulator is connected; the device row says so with its version.
    devices.setTargets(await backend.request(Requests.listTargets, undefined));
    const [again] = await devices.roots();
    assert.match(again!.description ?? '', /^connected · /);
  });

  test('Power shows the host power state and offers the six actions', async () => {
    const [sim] = await devices.roots();
    await power.refresh('sim');
    const node = await child(sim!, 'Power');
    assert.equal(node.description, 'On (2)');
    const actions = await devices.children(node);
    assert.deepEqual(actions.map((a) => a.label), ['Power on', 'Power off', 'Reset', 'Power cycle', 'Soft off', 'Soft reset']);
    assert.deepEqual(actions[1]!.command?.args, ['sim', 'off']);
  });

  test('Classes under a device is the class tree of that device', async () => {
    const [sim] = await devices.roots();
    const groups = await devices.children(await child(sim!, 'Classes'));
    assert.deepEqual(groups.map((g) => g.label), ['AMT', 'CIM', 'IPS']);
    const general = (await devices.children(groups[0]!)).find((c) => c.label === 'AMT_GeneralSettings')!;
    const [instance] = await devices.children(general);
    assert.ok((await devices.children(instance!)).some((p) => p.label === 'DDNSTTL: 900'));
  });

  test('Event log shows the decoded records, newest first', async () => {
    const [sim] = await devices.roots();
    const rows = await devices.children(await child(sim!, 'Event log'));
    assert.ok(rows.length >= 3, rows.map((r) => r.label).join('\n'));
    const labels = rows.map((r) => r.label);
    assert.ok(labels.includes('Authentication failed 3 times'), labels.join('\n'));
    assert.ok(labels.includes('System firmware started'), labels.join('\n'));
    const times = rows.map((r) => r.description!.split(' · ')[0]!);
    assert.deepEqual([...times].sort().reverse(), times);
  });

  test('a power action changes the state shown by the Devices view and the Power view', async () => {
    const [sim] = await devices.roots();
    const node = await child(sim!, 'Power');
    const changes: string[] = [];
    power.onDidChange((id) => changes.push(id));
    const view = new PowerTree(power, () => ({ id: 'sim', label: 'Simulator' }));
    const result = await power.run('sim', 'off');
    assert.equal(result.returnValue, 0);
    assert.deepEqual(changes, ['sim']);
    assert.equal(node.description, describeReading(power.get('sim')));
    assert.notEqual(node.description, 'On (2)');
    const [state] = await view.roots();
    assert.equal(state!.label, `Power: ${node.description}`);
    await power.run('sim', 'on');
    assert.equal((await view.roots())[0]!.label, 'Power: On (2)');
  });

  test('a refused power action is an error whose sentence says why', async () => {
    await assert.rejects(power.run('sim', 'on'), /refused to power the host on \(ReturnValue \d+/);
  });

  test('a remote device is listed with its address, and its Overview says why it cannot connect yet', async () => {
    const added = await backend.request(Requests.addTarget, { url: 'http://127.0.0.1:9', user: 'admin' });
    await devices.reload();
    const roots = await devices.roots();
    const remote = roots.find((r) => r.data.kind === 'device' && r.data.target.id === added.id)!;
    assert.equal(remote.label, '127.0.0.1:9');
    assert.equal(remote.contextValue, 'amt.device.removable');
    const overview = (await devices.children(remote)).find((r) => r.label === 'Overview')!;
    const rows = await devices.children(overview);
    const problem = rows.find((r) => r.label === 'Not connected');
    assert.ok(problem, rows.map((r) => r.label).join(', '));
    assert.match(problem.description ?? '', /No password was given for user "admin"/);
  });

  test('AMT on this machine is added by kind (auto, local, lms), listed as removable, and survives a backend restart', async () => {
    const store = new DeviceStore(memento());
    const added = [];
    const expected = { auto: 'This computer', local: 'This computer (MEI)', lms: 'This computer (LMS)' } as const;
    for (const url of ['auto', 'local', 'lms'] as const) {
      const params = { url, user: '' };
      const target = await backend.request(Requests.addTarget, params);
      // `auto` settles on local or lms when it connects; until then it is a local device.
      assert.equal(target.kind, url === 'lms' ? 'lms' : 'local');
      assert.equal(target.label, expected[url]);
      await store.remember(target, params);
      added.push(target);
    }
    await devices.reload();
    const roots = await devices.roots();
    for (const t of added) {
      const row = roots.find((r) => r.data.kind === 'device' && r.data.target.id === t.id);
      assert.ok(row, `${t.kind} in ${roots.map((r) => r.label).join(', ')}`);
      assert.equal(row.contextValue, 'amt.device.removable');
    }
    const fresh = await startBackend();
    try {
      assert.deepEqual(await store.restore(fresh.request), []);
      const labels = (await fresh.request(Requests.listTargets, undefined)).map((t) => t.label);
      assert.deepEqual(labels, ['Simulator', expected.auto, expected.local, expected.lms]);
    } finally {
      await fresh.close();
      for (const t of added) {
        await store.forget(t.id);
        await backend.request(Requests.removeTarget, { targetId: t.id });
      }
      await devices.reload();
    }
  });

  test('remembered remote devices are added again to a restarted backend, without their password', async () => {
    const store = new DeviceStore(memento());
    const params = { url: 'https://192.0.2.10:16993', user: 'admin', trustedFingerprint256: 'AB:CD' };
    const target = await backend.request(Requests.addTarget, params);
    await store.remember(target, params);
    const fresh = await startBackend();
    try {
      assert.deepEqual(await store.restore(fresh.request), []);
      const listed = await fresh.request(Requests.listTargets, undefined);
      assert.deepEqual(listed.map((t) => t.id), ['sim', target.id]);
      assert.equal(listed[1]!.url, 'https://192.0.2.10:16993');
      // A second restore finds them there already: no complaint.
      assert.deepEqual(await store.restore(fresh.request), []);
      await store.forget(target.id);
    } finally {
      await fresh.close();
    }
  });
});
