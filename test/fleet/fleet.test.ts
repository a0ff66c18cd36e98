/**
 * Ten simulated devices register with Intel's real MPS by CIRA; the product (features/fleet, the
 * MPS target, `amtwb`) lists them, reads the power state of all, changes one, and reaches one with
 * WS-Man and SOL through MPS's websocket relay. A device configured the way RPS configures real
 * AMT (AddTrustedRootCertificate, AddMpServer, AddRemoteAccessPolicyRule over WS-Man) dials in too.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { AmtError } from '../../server/src/errors';
import { FleetServers, allDevices, bulkPowerAction, bulkPowerState, listFleet, type BulkProgress } from '../../server/src/features/fleet';
import { getPowerState } from '../../server/src/features/power';
import { openSol } from '../../server/src/features/redirection/connect';
import { TargetRegistry } from '../../server/src/targets/registry';
import { redirectionTarget } from '../../server/src/targets/redirection';
import { attachCira, type CiraDevice } from '../../server/src/sim/cira';
import { DEFAULT_ACCOUNT, startSimulator, type Simulator } from '../../server/src/sim';
import { loginAndRun } from '../integration/redirection/helpers';
import { MPS_DEVICE_PASSWORD, MPS_DEVICE_USER, startFleetRig, type FleetRig } from './harness/rig';

const run = promisify(execFile);
const ADMIN = { user: DEFAULT_ACCOUNT.user, password: DEFAULT_ACCOUNT.password };

let rig: FleetRig;
let servers: FleetServers;
before(async () => {
  rig = await startFleetRig(10);
  servers = new FleetServers();
  servers.add(rig.mps.webUrl, rig.mps.admin.user);
  await servers.connect(rig.mps.webUrl, rig.mps.admin.password);
}, { timeout: 600_000 });
after(async () => rig?.close());

const cli = (args: string[], env: Record<string, string> = {}) =>
  run(process.execPath, ['dist/cli.js', ...args], { env: { ...process.env, AMT_MPS_USER: rig.mps.admin.user, AMT_MPS_PASSWORD: rig.mps.admin.password, ...env }, timeout: 60_000 })
    .then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }));

describe('the product lists the devices MPS knows', () => {
  test('all ten, connected, with host names and tags', async () => {
    const page = await listFleet(servers.client(rig.mps.webUrl));
    assert.equal(page.total, 10);
    const byGuid = new Map(page.rows.map((r) => [r.guid, r]));
    for (const d of rig.fleet.devices) {
      const row = byGuid.get(d.guid);
      assert.ok(row, `device ${d.guid} is listed`);
      assert.equal(row.connected, true);
      assert.equal(row.hostname, d.sim.device.identity.hostName);
      assert.equal(row.target, `mps://127.0.0.1:${rig.mps.webPort}/${d.guid}`);
    }
  });

  test('a page at a time, and filtered by tag', async () => {
    const client = servers.client(rig.mps.webUrl);
    const second = await listFleet(client, { page: 1, pageSize: 4 });
    assert.equal(second.rows.length, 4);
    assert.equal(second.total, 10);
    const first = await listFleet(client, { page: 0, pageSize: 4 });
    assert.equal(new Set([...first.rows, ...second.rows].map((r) => r.guid)).size, 8, 'pages do not overlap');
    const lab = await allDevices(client, { tag: 'lab' });
    assert.equal(lab.length, 5);
    assert.ok(lab.every((r) => r.tags.includes('lab')));
  });

  test('amtwb fleet list prints every device', async () => {
    const r = await cli(['fleet', 'list', '--target', `mps://127.0.0.1:${rig.mps.webPort}`]);
    assert.equal(r.code, 0, r.stderr);
    for (const d of rig.fleet.devices) assert.match(r.stdout, new RegExp(`${d.guid}\\s+${d.sim.device.identity.hostName}\\s+connected`));
    assert.match(r.stdout, /devices 1-10 of 10/);
    assert.doesNotMatch(`${r.stdout}${r.stderr}`, new RegExp(rig.mps.admin.password));
  });
});

describe('power through MPS', () => {
  test('the power state of all ten, with progress', async () => {
    const client = servers.client(rig.mps.webUrl);
    const progress: BulkProgress[] = [];
    const result = await bulkPowerState(client, rig.fleet.devices.map((d) => d.guid), { onProgress: (p) => progress.push(p) });
    assert.equal(result.cancelled, false);
    assert.equal(result.items.length, 10);
    for (const [i, item] of result.items.entries()) {
      assert.equal(item.ok, true, item.error);
      assert.equal(item.value, rig.fleet.devices[i]!.sim.device.powerState);
      assert.equal(item.label, 'On');
    }
    assert.deepEqual(progress.map((p) => p.done), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  test('cancel stops the bulk read before every device is asked', async () => {
    const client = servers.client(rig.mps.webUrl);
    const stop = new AbortController();
    const result = await bulkPowerState(client, rig.fleet.devices.map((d) => d.guid), {
      concurrency: 1,
      signal: stop.signal,
      onProgress: (p) => p.done === 2 && stop.abort(),
    });
    assert.equal(result.cancelled, true);
    assert.equal(result.items.length, 2);
  });

  test('a power action on one device, confirmed by count, reaches that device only', async () => {
    const client = servers.client(rig.mps.webUrl);
    const [target, ...others] = rig.fleet.devices;
    await assert.rejects(
      bulkPowerAction(client, [target!.guid], 'off', 2),
      (e: unknown) => e instanceof AmtError && e.code === 'fleet.confirm' && /reach 1 device, but 2 was confirmed/.test(e.message),
    );
    assert.equal(target!.sim.device.powerState, 2, 'nothing was sent without the right count');
    const result = await bulkPowerAction(client, [target!.guid], 'off', 1);
    assert.equal(result.items[0]!.ok, true, result.items[0]!.error);
    assert.equal(target!.sim.device.powerState, 8);
    assert.equal(await client.powerState(target!.guid), 8);
    for (const d of others) assert.equal(d.sim.device.powerState, 2);
    await bulkPowerAction(client, [target!.guid], 'on', 1);
    assert.equal(target!.sim.device.powerState, 2);
  });

  test('amtwb fleet status --tag lab reads the tagged devices', async () => {
    const r = await cli(['fleet', 'status', '--tag', 'lab', '--target', `mps://127.0.0.1:${rig.mps.webPort}`]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /5 ok, 0 failed/);
    assert.equal((r.stderr.match(/^\[\d+\/5\]/gm) ?? []).length, 5, 'one progress line per device');
  });
});

describe('a device reached through the relay', () => {
  test('WS-Man: the power feature works on an mps:// target', async () => {
    const d = rig.fleet.devices[2]!;
    const registry = new TargetRegistry({ simulator: false });
    try {
      const id = registry.add({ kind: 'mps', guid: d.guid, server: () => servers.client(rig.mps.webUrl) }).id;
      assert.equal(id, `mps://127.0.0.1:${rig.mps.webPort}/${d.guid}`);
      const client = await registry.connect(id, ADMIN);
      const state = await getPowerState(client);
      assert.equal(state.powerState, 2);
      assert.equal(state.label, 'On');
      const general = await client.get('AMT_GeneralSettings');
      assert.equal(general.properties.HostName, d.sim.device.identity.hostName);
      assert.equal(registry.info(id).state, 'connected');
    } finally {
      await registry.dispose();
    }
  });

  test('amtwb --target mps://HOST:PORT/GUID power status', async () => {
    const d = rig.fleet.devices[3]!;
    const r = await cli(['--target', `mps://127.0.0.1:${rig.mps.webPort}/${d.guid}`, 'power', 'status'], { AMT_PASSWORD: ADMIN.password });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /On/);
  });

  test('SOL: log in on the host console through the relay to 16994', async () => {
    const d = rig.fleet.devices[4]!;
    const registry = new TargetRegistry({ simulator: false });
    try {
      const id = registry.add({ kind: 'mps', guid: d.guid, server: () => servers.client(rig.mps.webUrl) }).id;
      // No AMT password is given: MPS's interceptor logs on with the one it holds.
      const { session, route } = await openSol(redirectionTarget(registry, id));
      try {
        assert.match(route, new RegExp(`MPS relay .* ${d.guid}:16994`));
        await loginAndRun(session, 'uname -n', d.sim.device.identity.hostName);
      } finally {
        await session.close();
      }
    } finally {
      await registry.dispose();
    }
  });
});

describe('a device configured over WS-Man, as RPS configures real AMT', () => {
  let sim: Simulator;
  let cira: CiraDevice;
  after(async () => {
    await cira?.close();
    await sim?.close();
  });

  test('AddTrustedRootCertificate, AddMpServer and a periodic policy make it dial MPS', async () => {
    sim = await startSimulator({ port: 0, redirectionPort: 0, name: 'configured-dev' });
    cira = attachCira(sim, { backoff: { initialMs: 200, maxMs: 2000 } });
    await rig.mps.register({ guid: cira.guid, hostname: sim.device.identity.hostName, tags: ['configured'], mpsUser: MPS_DEVICE_USER, mpsPassword: MPS_DEVICE_PASSWORD, amtPassword: ADMIN.password });
    const registry = new TargetRegistry({ simulator: false });
    try {
      const id = registry.add({ kind: 'remote', url: `http://127.0.0.1:${sim.port}`, user: ADMIN.user }).id;
      const amt = await registry.connect(id, ADMIN);
      assert.equal(cira.agent.state, 'off', 'no MPS configured yet');
      const der = new X509Certificate(rig.mps.rootCert).raw.toString('base64');
      const root = await amt.invoke('AMT_PublicKeyManagementService', 'AddTrustedRootCertificate', { CertificateBlob: der });
      assert.equal(root.returnValue, 0);
      const added = await amt.invoke('AMT_RemoteAccessService', 'AddMpServer', {
        AccessInfo: '127.0.0.1', InfoFormat: '3', Port: String(rig.mps.ciraPort), AuthMethod: '2', Username: MPS_DEVICE_USER, Password: MPS_DEVICE_PASSWORD, CN: 'localhost',
      });
      assert.equal(added.returnValue, 0);
      const sap = added.output.MpServer;
      const rule = await amt.invoke('AMT_RemoteAccessService', 'AddRemoteAccessPolicyRule', { Trigger: '2', TunnelLifeTime: '0', ExtendedData: 'AAAAAAAAABk=', MpServer: sap });
      assert.equal(rule.returnValue, 0);
      await cira.agent.whenConnected(30_000);
      const service = await amt.get('AMT_RemoteAccessService');
      assert.equal(String(service.properties.IsRemoteTunnelConnected), 'true');
    } finally {
      await registry.dispose();
    }
    const row = await servers.client(rig.mps.webUrl).device(cira.guid);
    assert.equal(row.connectionStatus, true);
    assert.equal(await servers.client(rig.mps.webUrl).powerState(cira.guid), 2);
  });
});

describe('MPS goes away and comes back', () => {
  test('every device dials again with back-off and is listed as connected', { timeout: 180_000 }, async () => {
    const before = rig.fleet.devices.map((d) => d.agent.connects);
    await rig.mps.kill();
    await Promise.all(rig.fleet.devices.map((d) => new Promise<void>((resolve) => {
      if (d.agent.state !== 'connected') return resolve();
      d.agent.once('state', () => resolve());
    })));
    assert.ok(rig.fleet.devices.every((d) => d.agent.state !== 'connected'), 'all tunnels noticed MPS went away');
    await rig.mps.restart();
    await rig.fleet.whenConnected(60_000);
    rig.fleet.devices.forEach((d, i) => assert.ok(d.agent.connects > before[i]!, `device ${i + 1} reconnected`));
    await servers.connect(rig.mps.webUrl, rig.mps.admin.password);
    const page = await listFleet(servers.client(rig.mps.webUrl), { tag: 'lab' });
    assert.equal(page.rows.length, 5);
    assert.ok(page.rows.every((r) => r.connected));
  });
});
