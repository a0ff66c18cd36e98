import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AmtError } from '../../../server/src/errors';
import { AmthiClient } from '../../../server/src/amthi/client';
import { AMTHI_GUID } from '../../../server/src/amthi/commands';
import { MKHI_GUID, MkhiClient } from '../../../server/src/amthi/mkhi';
import { info } from '../../../server/src/amthi/info';
import { AmthiFirmware } from '../../../server/src/sim/firmware/amthi';
import { MkhiFirmware } from '../../../server/src/sim/firmware/mkhi';
import { sampleDeviceFacts, type DeviceFacts } from '../../../server/src/sim/firmware/facts';
import type { FirmwareClient } from '../../../server/src/sim/mei/firmware';
import { memoryMei } from '../../helpers/mei-pair';

function device(change: (f: DeviceFacts) => void = () => {}) {
  const facts = sampleDeviceFacts();
  change(facts);
  const mei = memoryMei([new AmthiFirmware(facts), new MkhiFirmware(facts)]);
  return { facts, mei, amthi: async () => new AmthiClient(await mei.open(AMTHI_GUID)) };
}

test('each AMTHI command returns what the simulated firmware holds', async () => {
  const { facts, amthi } = device();
  const client = await amthi();
  const versions = await client.getCodeVersions();
  assert.equal(versions.biosVersion, facts.biosVersion);
  assert.deepEqual(versions.versions, facts.codeVersions);
  assert.equal(await client.getProvisioningState(), 'post');
  assert.equal(await client.getControlMode(), 'acm');
  assert.equal(await client.getUUID(), facts.uuid);
  assert.equal(await client.getDNSSuffix(), 'sim.example');
  assert.deepEqual(await client.getLocalSystemAccount(), facts.localSystemAccount);
  assert.deepEqual(await client.getLANInterfaceSettings('wired'), {
    enabled: true, ipv4: '192.168.1.20', dhcpEnabled: true, dhcpMode: 'passive', linkUp: true, mac: '00:16:3e:5a:11:01',
  });
  assert.deepEqual(await client.getCertificateHashes(), [
    { name: 'Simulated Root CA A', algorithm: 'SHA-256', hash: 'a1'.repeat(32), isDefault: true, isActive: true },
    { name: 'Simulated Root CA B', algorithm: 'SHA-512', hash: 'b2'.repeat(64), isDefault: true, isActive: false },
  ]);
  await client.close();
});

test('a missing wireless interface is reported as such', async () => {
  const client = await device().amthi();
  await assert.rejects(client.getLANInterfaceSettings('wireless'), (err: AmtError) => {
    assert.equal(err.code, 'amthi.no-interface');
    assert.equal(err.message, 'GetLANInterfaceSettings: AMT has no such network interface on this platform.');
    return true;
  });
});

test('a firmware status becomes an AmtError with a sentence (INVALID_PT_MODE → not provisioned)', async () => {
  const client = await device((f) => (f.amthiFailures = { 0x04000067: 0x3, 0x0400005c: 0x10 })).amthi();
  await assert.rejects(client.getLocalSystemAccount(), { code: 'amthi.not-provisioned', message: /AMT is not provisioned/ });
  await assert.rejects(client.getUUID(), { code: 'amthi.not-permitted' });
  assert.equal(await client.getControlMode(), 'acm', 'the connection stays usable after a status error');
});

test('concurrent calls on one connection are answered in order', async () => {
  const client = await device().amthi();
  const [state, mode, uuid] = await Promise.all([client.getProvisioningState(), client.getControlMode(), client.getUUID()]);
  assert.deepEqual([state, mode, uuid], ['post', 'acm', sampleDeviceFacts().uuid]);
});

const silentAmthi: FirmwareClient = {
  guid: AMTHI_GUID, protocolVersion: 1, maxMessageLength: 4155, singleConnection: false,
  open: () => ({ onMessage: () => {}, onClose: () => {} }),
};

test('no answer in time is a timeout, and the connection refuses further requests instead of mixing answers', async () => {
  const mei = memoryMei([silentAmthi]);
  const client = new AmthiClient(await mei.open(AMTHI_GUID));
  await assert.rejects(client.getProvisioningState({ timeoutMs: 50 }), { code: 'timeout' });
  await assert.rejects(client.getControlMode(), { code: 'amthi.stale', message: /GetProvisioningState.*open a new connection/ });
});

test('an empty answer means AMT is disabled', async () => {
  const empty: FirmwareClient = { ...silentAmthi, open: (c) => ({ onMessage: () => c.send(Buffer.alloc(0)), onClose: () => {} }) };
  const mei = memoryMei([empty]);
  const client = new AmthiClient(await mei.open(AMTHI_GUID));
  await assert.rejects(client.getCodeVersions(), { code: 'amthi.empty', message: /AMT is probably disabled/ });
});

test('a reset while waiting for an answer fails the call', async () => {
  const mei = memoryMei([silentAmthi]);
  const client = new AmthiClient(await mei.open(AMTHI_GUID));
  const pending = client.getUUID();
  setImmediate(() => mei.reset());
  await assert.rejects(pending, { code: 'mei.enodev' });
});

test('MKHI reports the AMT feature state the way LMS derives it', async () => {
  const { mei } = device();
  const mkhi = new MkhiClient(await mei.open(MKHI_GUID));
  assert.deepEqual(await mkhi.getAmtFeatureState(), { capable: true, enabled: true, available: true, state: 'available' });
  const disabled = device((f) => (f.amtEnabled = false));
  const mkhi2 = new MkhiClient(await disabled.mei.open(MKHI_GUID));
  assert.deepEqual(await mkhi2.getAmtFeatureState(), { capable: true, enabled: false, available: false, state: 'disabled' });
  await assert.rejects(mkhi.getFwCaps(99), { code: 'mkhi.result', message: /NOT_SUPPORTED/ });
});

test('info() summarises the device over fresh connections and closes them', async () => {
  const { facts, mei } = device();
  const summary = await info((guid) => mei.open(guid));
  assert.equal(summary.amtEnabled, true);
  assert.equal(summary.featureState?.state, 'available');
  assert.equal(summary.amtVersion, '16.1.25');
  assert.equal(summary.provisioningState, 'post');
  assert.equal(summary.controlMode, 'acm');
  assert.equal(summary.uuid, facts.uuid);
  assert.equal(summary.dnsSuffix, 'sim.example');
  assert.equal(summary.wired?.ipv4, '192.168.1.20');
  assert.equal(summary.wireless, undefined);
  assert.equal(mei.openCount, 0);
});

test('info() includes a wireless interface when there is one', async () => {
  const { mei } = device((f) => (f.wireless = { enabled: true, ipv4: '10.0.0.7', dhcpEnabled: true, dhcpIpMode: 1, linkUp: false, mac: '00:16:3e:5a:11:02' }));
  const summary = await info((guid) => mei.open(guid));
  assert.deepEqual(summary.wireless, { enabled: true, ipv4: '10.0.0.7', dhcpEnabled: true, dhcpMode: 'active', linkUp: false, mac: '00:16:3e:5a:11:02' });
});

test('info() stops at "AMT disabled" when MKHI says so', async () => {
  const { mei } = device((f) => (f.amtEnabled = false));
  const summary = await info((guid) => mei.open(guid));
  assert.equal(summary.amtEnabled, false);
  assert.equal(summary.featureState?.state, 'disabled');
  assert.equal(summary.codeVersions, undefined);
});

test('info() still works without an MKHI client, and says why the feature state is missing', async () => {
  const facts = sampleDeviceFacts();
  const mei = memoryMei([new AmthiFirmware(facts)]);
  const summary = await info((guid) => mei.open(guid));
  assert.equal(summary.featureState, undefined);
  assert.match(summary.featureStateError ?? '', /ENOTTY/);
  assert.equal(summary.provisioningState, 'post');
});
