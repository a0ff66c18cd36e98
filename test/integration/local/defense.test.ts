/**
 * System Defense and the logs on a device reached through the local path (a `local` target: the
 * product's own LMS over the emulated /dev/mei0, APF to the firmware's WS-Man): the same feature
 * functions the pages, the handlers and the CLI use create a filter and a policy, enable it on
 * the wired port, see the host's traffic counted, and read the audit log.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { activatePolicy, createFilter, createPolicy, readDefense, readStatistics } from '../../../server/src/features/defense';
import { readAuditLog, readMessageLog } from '../../../server/src/features/log';
import type { TargetRegistry } from '../../../server/src/targets/registry';
import type { WsmanClient } from '../../../server/src/wsman';
import { localRegistry, localRig, meiSuite, type LocalRig } from './helpers';

const ADMIN = { user: 'admin', password: 'P@ssw0rd' };

meiSuite('System Defense and the logs through the local path', () => {
  let rig: LocalRig;
  let registry: TargetRegistry;
  let client: WsmanClient;

  before(async () => {
    rig = await localRig({}, { name: 'local-defense', hostTraffic: true });
    rig.sim.device.setTimeScale(1e-9);
    registry = localRegistry(rig.path);
    client = await registry.connect('local', ADMIN);
  });
  after(async () => {
    await registry?.dispose();
    await rig?.close();
  });

  it('a filter and a policy made locally count the host\'s packets on the wired port', async () => {
    const filter = await createFilter(client, { kind: 'ip', name: 'https-in', direction: 'rx', profile: 'count-pass', protocol: 'tcp', sourcePort: '443' });
    const policy = await createPolicy(client, { name: 'local', precedence: 1, filterIds: [filter] });
    await activatePolicy(client, 0, policy);
    const state = await readDefense(client);
    assert.equal(state.ports[0]!.activePolicy, policy);
    assert.equal(state.filters[0]!.matches, 'IPv4 TCP from port 443');
    const before0 = (await readStatistics(client, 0)).counters[0]!.count;
    rig.sim.device.advance(4000);
    const after0 = (await readStatistics(client, 0)).counters[0]!.count;
    // 12 HTTPS packets a second reach the host on the wired port.
    assert.ok(Math.abs(after0 - before0 - 48) <= 1, `${before0} → ${after0}`);
  });

  it('the audit log and the event log read through the local path', async () => {
    const audit = await readAuditLog(client);
    assert.equal(audit.records[0]!.description, 'Provisioning Started');
    assert.ok((await readMessageLog(client)).length > 0);
  });
});
