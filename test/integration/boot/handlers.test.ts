/**
 * amt/boot/* and the redirection-feature and consent requests through the handlers, on a stand-in
 * for main.ts's connection whose registry hands out a client to a simulator on a real socket.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { registerHandlers, type HandlerHost } from '../../../server/src/handlers';
import { BootRequests, RedirectionRequests, type TargetInfo } from '../../../server/src/protocol';
import type { RequestType } from 'vscode-languageserver-protocol';
import { bench, type Bench } from './helpers';

describe('boot, consent and redirection-feature handlers', () => {
  let b: Bench;
  const handlers = new Map<string, (p: unknown, s: AbortSignal) => unknown>();
  const call = async <P, R>(type: RequestType<P, R, void>, params: P): Promise<R> => {
    const fn = handlers.get(type.method);
    assert.ok(fn, `${type.method} has a handler`);
    return (await fn(params, new AbortController().signal)) as R;
  };
  before(async () => {
    b = await bench();
    const info: TargetInfo = { id: 'lab', kind: 'remote', label: 'Lab box', url: `http://127.0.0.1:${b.sim.port}`, removable: true, state: 'connected' };
    const registry: HandlerHost['registry'] = {
      connect: async () => b.client, info: () => info, list: () => [info], add: () => info, remove: async () => undefined, simulator: async () => b.sim,
    };
    registerHandlers({ handle: (type, fn) => void handlers.set(type.method, fn as (p: unknown, s: AbortSignal) => unknown), notify: () => undefined, registry });
  });
  after(() => b?.close());

  it('amt/boot/set runs the sequence and amt/boot/status shows the boot armed', async () => {
    const r = await call(BootRequests.set, { targetId: 'lab', target: 'bios-setup', power: 'none' });
    assert.equal(r.message, 'Next boot: once into BIOS setup. The host was not powered on or reset; it boots like this the next time it starts.');
    const s = await call(BootRequests.status, { targetId: 'lab' });
    assert.equal(s.nextBoot, 'Next boot: once into BIOS setup.');
    assert.deepEqual(s.options, { BIOSSetup: true });
  });

  it('amt/boot/erase takes the device list label as the confirmation', async () => {
    const r = await call(BootRequests.erase, { targetId: 'lab', confirmation: 'Lab box', power: 'none' });
    assert.match(r.message, /^Next boot: Remote Platform Erase/);
    await assert.rejects(call(BootRequests.erase, { targetId: 'lab', confirmation: 'Lab' }), /"Lab" is not this device's name/);
  });

  it('consent and feature requests reach the device', async () => {
    const started = await call(RedirectionRequests.consentStart, { targetId: 'lab' });
    assert.equal(started.state, 2);
    const given = await call(RedirectionRequests.consentCode, { targetId: 'lab', code: b.sim.device.optIn.code! });
    assert.equal(given.state, 3);
    assert.equal((await call(RedirectionRequests.consentCancel, { targetId: 'lab' })).state, 0);
    const f = await call(RedirectionRequests.setFeatures, { targetId: 'lab', ider: false });
    assert.deepEqual([f.ider, f.sol], [false, true]);
    assert.equal((await call(RedirectionRequests.features, { targetId: 'lab' })).ider, false);
  });
});
