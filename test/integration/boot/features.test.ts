/**
 * The redirection switches (features/redirection/features.ts) against the simulator: read, change
 * in MeshCommander's order with only what differs sent, and read back; the listener's state is
 * what the device then reports.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readRedirectionFeatures, setRedirectionFeatures } from '../../../server/src/features/redirection/features';
import { AmtError } from '../../../server/src/errors';
import { bench, type Bench } from './helpers';

describe('redirection feature switches', () => {
  let b: Bench;
  before(async () => (b = await bench()));
  after(() => b?.close());

  test('a fresh device has the listener, SOL, IDE-R and KVM on, consent for KVM', async () => {
    const f = await readRedirectionFeatures(b.client);
    assert.deepEqual({ ...f, consent: f.consent.required }, { listener: true, sol: true, ider: true, kvm: true, consent: 'kvm' });
  });

  test('SOL off and IDE-R off: one RequestStateChange(32768), read back off', async () => {
    b.actions.length = 0;
    const f = await setRedirectionFeatures(b.client, { sol: false, ider: false });
    assert.deepEqual([f.sol, f.ider, f.listener], [false, false, true]);
    assert.deepEqual(b.writes(), ['http://intel.com/wbem/wscim/1/amt-schema/1/AMT_RedirectionService/RequestStateChange']);
    assert.equal(b.sim.device.singleton('AMT_RedirectionService').EnabledState, 32768);
  });

  test('everything at once follows MeshCommander: state change, KVM, then Put of the service with the listener', async () => {
    b.actions.length = 0;
    const f = await setRedirectionFeatures(b.client, { sol: true, ider: true, kvm: false, listener: false });
    assert.deepEqual([f.sol, f.ider, f.kvm, f.listener], [true, true, false, false]);
    assert.deepEqual(b.writes().map((a) => a.replace(/^.*\/(\w+)\/(\w+)$/, '$1.$2').replace(/^http.*\/(\w+)$/, '$1')), [
      'AMT_RedirectionService.RequestStateChange', 'CIM_KVMRedirectionSAP.RequestStateChange', 'transfer.Put',
    ]);
    assert.equal(b.sim.device.singleton('AMT_RedirectionService').ListenerEnabled, false);
    assert.equal((await readRedirectionFeatures(b.client)).listener, false, 'listener off is what the device reports');
  });

  test('asking for the state it already has sends nothing; the listener goes back on', async () => {
    b.actions.length = 0;
    await setRedirectionFeatures(b.client, { sol: true, kvm: false });
    assert.deepEqual(b.writes(), []);
    assert.equal((await setRedirectionFeatures(b.client, { listener: true, kvm: true })).listener, true);
  });

  test('a device without KVM refuses a KVM switch before changing anything', async () => {
    const noKvm = await bench();
    try {
      (noKvm.sim.device.model.absent as Set<string>).add('CIM_KVMRedirectionSAP'); // as on firmware without KVM
      const f = await readRedirectionFeatures(noKvm.client);
      assert.equal(f.kvm, undefined);
      await assert.rejects(setRedirectionFeatures(noKvm.client, { kvm: true, sol: false }), (e: unknown) => e instanceof AmtError && e.code === 'redirection.unsupported');
      assert.deepEqual(noKvm.writes(), []);
    } finally {
      await noKvm.close();
    }
  });
});
