/**
 * The Devices view and the Power view (client view models) on a device older than AMT 6.0,
 * against the real backend process and a legacy simulator on a loopback port: the Overview says in
 * one sentence what the device is, Power shows its state and acts on it, and Classes says the
 * firmware predates WS-Management.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RequestType } from 'vscode-languageserver-protocol';
import { ClassTree } from '../../../client/src/model/classTree';
import { DevicesTree } from '../../../client/src/model/devicesTree';
import { PowerStore } from '../../../client/src/model/power';
import type { Request } from '../../../client/src/model/request';
import type { TreeNode } from '../../../client/src/model/tree';
import { Requests } from '../../../server/src/protocol';
import { startSimulator, DEFAULT_ACCOUNT, type Simulator } from '../../../server/src/sim';
import { startBackend, type Backend } from '../client/backend';

describe('Devices and Power views on a legacy device', { timeout: 60_000 }, () => {
  let backend: Backend;
  let sim: Simulator;
  let targetId: string;
  let devices: DevicesTree;
  let power: PowerStore;
  let device: TreeNode;

  before(async () => {
    sim = await startSimulator({ port: 0, legacy: 'amt5', redirectionPort: 0, redirectionTlsPort: 0 });
    backend = await startBackend();
    // As Ctx.request does: the device's credentials go with every request that names it.
    const request: Request = <P, R>(type: RequestType<P, R, void>, params: P) =>
      backend.request(type, ((params as { targetId?: string } | undefined)?.targetId === targetId ? { ...params, credentials: { ...DEFAULT_ACCOUNT } } : params) as P) as Promise<R>;
    targetId = (await request(Requests.addTarget, { url: `http://127.0.0.1:${sim.port}`, user: 'admin', label: 'Old desktop' })).id;
    power = new PowerStore(request);
    devices = new DevicesTree({ request, power, classTree: (id) => new ClassTree(request, id, { pageSize: 50, idPrefix: id }) });
    await devices.reload();
    device = (await devices.roots()).find((r) => r.data.kind === 'device' && r.data.target.id === targetId)!;
    assert.ok(device, 'the added device is listed');
  });
  after(async () => {
    await backend?.close();
    await sim?.close();
  });

  const child = async (node: TreeNode, label: string) => {
    const rows = await devices.children(node);
    const found = rows.find((r) => r.label === label);
    assert.ok(found, `no "${label}" under ${node.label}: ${rows.map((r) => r.label).join(', ')}`);
    return found;
  };

  test('Overview says in one sentence what the device is, with its product and firmware', async () => {
    const rows = await devices.children(await child(device, 'Overview'));
    const byLabel = new Map(rows.map((r) => [r.label, r.description]));
    assert.equal(byLabel.get('Legacy AMT'), 'This device runs AMT 5.0.1, which predates WS-Management; AMT Workbench offers its information and power control over the legacy SOAP interface.');
    assert.equal(byLabel.get('Product'), 'Intel(r) AMT 5.0.1');
    assert.equal(byLabel.get('Firmware'), 'Intel(R) Active Management Technology 5.0.1');
    assert.equal(byLabel.has('Not connected'), false);
  });

  test('Power shows the state and its actions change the simulated host', async () => {
    await power.refresh(targetId);
    assert.equal((await child(device, 'Power')).description, 'On (2)');
    assert.equal((await power.run(targetId, 'off')).returnValue, 0);
    assert.equal(sim.device.powerState, 8);
    assert.equal((await child(device, 'Power')).description, 'Off - Soft (8)');
    await power.run(targetId, 'on');
    assert.equal(sim.device.powerState, 2);
  });

  test('Classes says the firmware predates WS-Management', async () => {
    const groups = await devices.children(await child(device, 'Classes'));
    const amt = groups.find((g) => g.label === 'AMT')!;
    const general = (await devices.children(amt)).find((c) => c.label === 'AMT_GeneralSettings')!;
    const rows = await devices.children(general);
    const text = rows.map((r) => `${r.label} ${r.description ?? ''} ${typeof r.tooltip === 'string' ? r.tooltip : ''}`).join('\n');
    assert.match(text, /runs AMT 5\.0\.1, which predates WS-Management \(AMT 6\.0\)/);
  });
});
