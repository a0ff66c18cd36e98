/**
 * amt/activation/* through the handlers (what the editor's "Activate AMT on This Machine…" sends),
 * on a stand-in for main.ts's connection, against an unprovisioned simulator behind the emulated
 * /dev/mei0: progress notifications name each step, the outcome carries the resulting state.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { RequestType } from 'vscode-languageserver-protocol';
import { registerHandlers, type HandlerHost } from '../../../server/src/handlers';
import { ActivationNotifications, ActivationRequests } from '../../../server/src/protocol';
import type { LocalRig } from '../local/helpers';
import { meiSuite, simState, STRONG, unprovisionedRig } from './helpers';

meiSuite('activation handlers (amt/activation/*)', () => {
  let rig: LocalRig;
  const handlers = new Map<string, (p: unknown, s: AbortSignal) => unknown>();
  const notes: { method: string; params: { progressId: string; step: string } }[] = [];
  const call = async <P, R>(type: RequestType<P, R, void>, params: P): Promise<R> => {
    const fn = handlers.get(type.method);
    assert.ok(fn, `${type.method} has a handler`);
    return (await fn(params, new AbortController().signal)) as R;
  };

  before(async () => {
    rig = await unprovisionedRig();
    const registry = { connect: async () => assert.fail('activation needs no target'), info: () => assert.fail(), list: () => [], add: () => assert.fail(), remove: async () => undefined, simulator: async () => undefined } as unknown as HandlerHost['registry'];
    registerHandlers({
      handle: (type, fn) => void handlers.set(type.method, fn as (p: unknown, s: AbortSignal) => unknown),
      notify: (type, params) => void notes.push({ method: type.method, params: params as { progressId: string; step: string } }),
      registry,
    });
  });
  after(() => rig?.close());

  it('status reads pre-provisioning', async () => {
    const s = await call(ActivationRequests.status, { meiPath: rig.path });
    assert.equal(s.controlMode, 'none');
    assert.match(s.text, /^Control Mode:\s+pre-provisioning \(not activated\)$/m);
  });

  it('activate refuses a weak password with the rule named', async () => {
    await assert.rejects(call(ActivationRequests.activate, { meiPath: rig.path, mode: 'ccm', password: 'short' }), /AMT's strong-password rule: 8 to 32 characters/);
    assert.equal(simState(rig).controlMode, 0);
  });

  it('activate (CCM) reports each step and returns the resulting state', async () => {
    const out = await call(ActivationRequests.activate, { meiPath: rig.path, progressId: 'p1', mode: 'ccm', password: STRONG });
    assert.equal(out.changed, true);
    assert.match(out.message, /activated in Client Control Mode/);
    assert.equal(out.status.controlMode, 'ccm');
    assert.match(out.status.text, /^Control Mode:\s+Client Control Mode \(CCM\)$/m);
    const steps = notes.filter((n) => n.method === ActivationNotifications.progress.method && n.params.progressId === 'p1').map((n) => n.params.step);
    assert.ok(steps.some((s) => s.startsWith('Sending IPS_HostBasedSetupService.Setup')), steps.join(' | '));
    assert.ok(steps.length >= 5);
  });

  it('deactivate (CCM) needs no password', async () => {
    const out = await call(ActivationRequests.deactivate, { meiPath: rig.path, progressId: 'p2' });
    assert.equal(out.changed, true);
    assert.equal(out.status.controlMode, 'none');
  });
});
