/**
 * User consent in client control mode, against the simulator over real sockets: the device is
 * unprovisioned and set up again with host-based setup (CCM, consent required for everything), then
 * a boot is refused before any write until the code the host shows is entered; a wrong code, a
 * lapsed code and a lapsed consent are each explained, and a lapsed consent takes the pending boot with it.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { AmtError } from '../../../server/src/errors';
import { bootOnce, BootError } from '../../../server/src/features/boot';
import { cancelConsent, readConsent, sendConsentCode, startConsent } from '../../../server/src/features/consent';
import { WsmanClient, tcpTransport } from '../../../server/src/wsman';
import { bench, type Bench } from './helpers';

const CCM_PASSWORD = 'Ccm#Admin1';

/** Unprovision, then IPS_HostBasedSetupService.Setup: the device ends in CCM with a new admin password. */
async function intoCcm(b: Bench): Promise<WsmanClient> {
  const r = await b.client.invoke('AMT_SetupAndConfigurationService', 'Unprovision', { ProvisioningMode: 1 });
  assert.equal(r.returnValue, 0);
  const hex = createHash('md5').update(`admin:${b.sim.device.identity.realm}:${CCM_PASSWORD}`).digest('hex');
  const s = await b.client.invoke('IPS_HostBasedSetupService', 'Setup', { NetAdminPassEncryptionType: 2, NetworkAdminPassword: hex });
  assert.equal(s.returnValue, 0);
  return new WsmanClient({ transport: tcpTransport('127.0.0.1', b.sim.port), user: 'admin', password: CCM_PASSWORD });
}

describe('user consent in client control mode', () => {
  let b: Bench;
  let ccm: WsmanClient;
  before(async () => {
    b = await bench();
    ccm = await intoCcm(b);
  });
  after(async () => {
    ccm?.close();
    await b?.close();
  });

  test('the default device is ACM and needs consent only for KVM, so boots work without it', async () => {
    const fresh = await bench();
    try {
      const c = await readConsent(fresh.client);
      assert.deepEqual([c.controlMode, c.required, c.stateText], ['ACM', 'kvm', '0 (not started)']);
    } finally {
      await fresh.close();
    }
  });

  test('without consent a boot is refused before any write, saying how to get it', async () => {
    const c = await readConsent(ccm);
    assert.deepEqual([c.controlMode, c.required, c.state], ['CCM', 'all', 0]);
    b.actions.length = 0;
    await assert.rejects(bootOnce(ccm, { target: 'pxe' }), (e: unknown) =>
      e instanceof BootError && e.code === 'boot.consent' && /needs user consent .* run amtwb consent start, read the six digits on the host screen, enter them with amtwb consent code NNNNNN/.test(e.message));
    assert.deepEqual(b.writes(), []);
  });

  test('start shows a code on the host; starting again explains; a wrong code, then the right one gives state 3', async () => {
    const shown: unknown[] = [];
    b.sim.device.on('opt-in', (e: { code?: string }) => shown.push(e.code));
    const started = await startConsent(ccm);
    assert.equal(started.stateText, '2 (code displayed)');
    const code = b.sim.device.optIn.code!;
    assert.match(code, /^\d{6}$/);
    assert.ok(shown.includes(code), 'the host was told the code to show');
    await assert.rejects(startConsent(ccm), (e: unknown) => e instanceof AmtError && e.code === 'consent.state' && /already on the host screen/.test(e.message));
    const wrong = code === '000000' ? '000001' : '000000';
    await assert.rejects(sendConsentCode(ccm, wrong), (e: unknown) => e instanceof AmtError && e.code === 'consent.code' && /wrong code — check the six digits on the host screen and try again\.$/.test(e.message));
    await assert.rejects(sendConsentCode(ccm, '12ab'), /is not a consent code; type the six digits/);
    const given = await sendConsentCode(ccm, code);
    assert.equal(given.stateText, '3 (received)');
  });

  test('with consent the boot goes through; a consent that lapses clears the pending boot', async () => {
    const r = await bootOnce(ccm, { target: 'pxe', power: 'none' });
    assert.ok(r.steps.every((s) => s.ok));
    b.sim.device.advance(301_000); // past OptInDisplayTimeout (300 s)
    assert.equal((await readConsent(ccm)).state, 0);
    b.sim.device.requestPowerStateChange(10);
    assert.equal(b.sim.device.host.lastBoot?.medium, 'hard-drive', 'the PXE boot no longer applied');
    assert.equal(b.sim.device.host.lastBoot?.oneTime, false);
  });

  test('a code not entered in time expires: sending it says to start again', async () => {
    await startConsent(ccm);
    const code = b.sim.device.optIn.code!;
    b.sim.device.advance(121_000); // past OptInCodeTimeout (120 s)
    await assert.rejects(sendConsentCode(ccm, code), (e: unknown) => e instanceof AmtError && /the code expired or was cancelled — start again with amtwb consent start\.$/.test(e.message));
  });

  test('cancel withdraws a consent given, and the pending boot with it', async () => {
    await startConsent(ccm);
    await sendConsentCode(ccm, b.sim.device.optIn.code!);
    await bootOnce(ccm, { target: 'cd', power: 'none' });
    const after = await cancelConsent(ccm);
    assert.equal(after.state, 0);
    b.sim.device.requestPowerStateChange(10);
    assert.equal(b.sim.device.host.lastBoot?.medium, 'hard-drive');
    assert.equal((await cancelConsent(ccm)).state, 0, 'cancelling nothing sends nothing and reports the state');
  });

});
