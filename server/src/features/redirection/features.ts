/**
 * The redirection switches (Intel AMT SDK "Redirection"; MeshCommander `featuresDlgOk` and
 * `updateSystemStatus`):
 *
 * - AMT_RedirectionService.ListenerEnabled: whether ports 16994/16995 listen;
 * - AMT_RedirectionService.EnabledState: 32768 + bit 0 IDE-R + bit 1 SOL;
 * - CIM_KVMRedirectionSAP.EnabledState: 2 or 6 = KVM on (6 "enabled but offline" with
 *   RequestedState 2), 3 = off; absent on firmware without KVM.
 *
 * Setting follows MeshCommander's order: RequestStateChange(32768 + IDER + 2·SOL), the KVM SAP's
 * RequestStateChange(2 or 3), Put of the redirection service as read with ListenerEnabled, then a
 * fresh read. Only what differs from the device's state is sent; each request once.
 */
import { AmtError } from '../../errors';
import type { RedirectionFeatures, SetRedirectionFeaturesParams } from '../../protocol';
import { WsmanFaultError, type WsmanClient } from '../../wsman';
import type { WsInput, WsValue } from '../../wsman/types';
import { wsInt as num } from '../instances/scalars';
import { readConsent, type CallOptions } from '../consent';

const SERVICE = 'AMT_RedirectionService';
const KVM = 'CIM_KVMRedirectionSAP';
const STATE_BASE = 32768;

interface Read {
  service: Record<string, WsValue>;
  kvm?: Record<string, WsValue>;
}

async function readAll(client: WsmanClient, call: CallOptions): Promise<Read> {
  const service = (await client.get(SERVICE, undefined, call)).properties;
  let kvm: Record<string, WsValue> | undefined;
  try {
    kvm = (await client.get(KVM, undefined, call)).properties;
  } catch (err) {
    if (!(err instanceof WsmanFaultError)) throw err; // a device without KVM answers with a fault
  }
  return { service, ...(kvm ? { kvm } : {}) };
}

function bits(service: Record<string, WsValue>): { ider: boolean; sol: boolean } {
  const state = num(service.EnabledState) ?? 0;
  const b = state >= STATE_BASE ? state - STATE_BASE : 0;
  return { ider: (b & 1) === 1, sol: (b & 2) === 2 };
}

function kvmOn(kvm: Record<string, WsValue>): boolean {
  const state = num(kvm.EnabledState);
  return state === 2 || (state === 6 && (kvm.RequestedState === undefined || num(kvm.RequestedState) === 2));
}

function view(r: Read, consent: RedirectionFeatures['consent']): RedirectionFeatures {
  return {
    listener: String(r.service.ListenerEnabled) === 'true',
    ...bits(r.service),
    ...(r.kvm ? { kvm: kvmOn(r.kvm) } : {}),
    consent,
  };
}

export async function readRedirectionFeatures(client: WsmanClient, call: CallOptions = {}): Promise<RedirectionFeatures> {
  const r = await readAll(client, call);
  return view(r, await readConsent(client, call));
}

export async function setRedirectionFeatures(client: WsmanClient, p: Omit<SetRedirectionFeaturesParams, 'targetId' | 'credentials'>, call: CallOptions = {}): Promise<RedirectionFeatures> {
  const r = await readAll(client, call);
  if (p.kvm !== undefined && !r.kvm) {
    throw new AmtError('redirection.unsupported', 'This device has no KVM (it serves no CIM_KVMRedirectionSAP), so KVM cannot be switched; nothing was changed.');
  }
  const now = bits(r.service);
  const ider = p.ider ?? now.ider;
  const sol = p.sol ?? now.sol;
  const state = STATE_BASE + (ider ? 1 : 0) + (sol ? 2 : 0);
  if (ider !== now.ider || sol !== now.sol) {
    await method(client, SERVICE, state, `switch ${describe({ ider, sol })}`, call);
  }
  if (p.kvm !== undefined && r.kvm && p.kvm !== kvmOn(r.kvm)) {
    await method(client, KVM, p.kvm ? 2 : 3, `switch KVM ${p.kvm ? 'on' : 'off'}`, call);
  }
  const listener = String(r.service.ListenerEnabled) === 'true';
  if (p.listener !== undefined && p.listener !== listener) {
    // The instance as read, with the state the first step set (AMT refuses a changed read-only value).
    const body: Record<string, WsInput> = {};
    for (const [k, v] of Object.entries(r.service)) if (v !== null) body[k] = v;
    body.EnabledState = String(state);
    body.ListenerEnabled = p.listener;
    await client.put(SERVICE, body, undefined, call);
  }
  return readRedirectionFeatures(client, call);
}

async function method(client: WsmanClient, cls: string, requested: number, what: string, call: CallOptions): Promise<void> {
  const rv = await client.invoke(cls, 'RequestStateChange', { RequestedState: requested }, undefined, call);
  if (rv.returnValue !== 0) {
    throw new AmtError('redirection.refused', `${cls}.RequestStateChange(${requested}) to ${what} was refused with ReturnValue ${rv.returnValue} (${rv.returnMeaning}); ${cls === KVM ? 'KVM may be disabled in the MEBx, which only the MEBx can change' : 'check that the account has the Redirection realm'}.`);
  }
}

function describe(s: { ider: boolean; sol: boolean }): string {
  return `IDE-R ${s.ider ? 'on' : 'off'} and SOL ${s.sol ? 'on' : 'off'}`;
}
