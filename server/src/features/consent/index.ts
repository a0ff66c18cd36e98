/**
 * User consent (IPS_OptInService; Intel AMT SDK "User Consent", MeshCommander `connectDesktop` /
 * `powerActionResponse0`): in client control mode AMT wants a six-digit code the host screen
 * shows before redirection and boot changes. StartOptIn makes the host show it, SendOptInCode
 * gives it back, CancelOptIn withdraws.
 *
 * OptInRequired 0 none, 1 KVM only, 0xFFFFFFFF everything. OptInState 0 not started, 1 requested,
 * 2 code displayed, 3 received, 4 in session (go-wsman-messages `ips/optin`). Control mode is
 * IPS_HostBasedSetupService.CurrentControlMode (1 CCM, 2 ACM), else AMT_SetupAndConfigurationService
 * (ProvisioningState 2 with ProvisioningMode 4 = CCM).
 */
import { AmtError } from '../../errors';
import type { ConsentPolicy, ConsentState } from '../../protocol';
import type { WsmanClient } from '../../wsman';
import type { WsValue } from '../../wsman/types';
import { wsInt as num } from '../instances/scalars';

export interface CallOptions {
  signal?: AbortSignal;
}

const SERVICE = 'IPS_OptInService';
export const CONSENT_ALL = 0xffffffff;
export const OPT_IN_STATE_WORDS = ['not started', 'requested', 'code displayed', 'received', 'in session'] as const;

export function consentPolicy(required: number): ConsentPolicy {
  if (required === 0) return 'none';
  if (required === 1) return 'kvm';
  return 'all';
}

export function stateText(state: number): string {
  return `${state} (${OPT_IN_STATE_WORDS[state] ?? 'unknown'})`;
}

export async function readConsent(client: WsmanClient, call: CallOptions = {}): Promise<ConsentState> {
  const p = (await client.get(SERVICE, undefined, call)).properties;
  const state = num(p.OptInState) ?? 0;
  return {
    required: consentPolicy(num(p.OptInRequired) ?? 0),
    state,
    stateText: stateText(state),
    codeTimeoutSeconds: num(p.OptInCodeTimeout) ?? 0,
    displayTimeoutSeconds: num(p.OptInDisplayTimeout) ?? 0,
    controlMode: await controlMode(client, call),
  };
}

async function controlMode(client: WsmanClient, call: CallOptions): Promise<string> {
  try {
    const mode = num((await client.get('IPS_HostBasedSetupService', undefined, call)).properties.CurrentControlMode);
    if (mode !== undefined) return mode === 1 ? 'CCM' : mode === 2 ? 'ACM' : 'not provisioned';
  } catch {
    // Firmware before host-based setup (AMT 6.2): read the setup service instead.
  }
  try {
    const p = (await client.get('AMT_SetupAndConfigurationService', undefined, call)).properties;
    if (num(p.ProvisioningState) !== 2) return 'not provisioned';
    return num(p.ProvisioningMode) === 4 ? 'CCM' : 'ACM';
  } catch {
    return 'unknown';
  }
}

/** StartOptIn; the host then shows the code. Nothing is sent when consent was given or a code is already up. */
export async function startConsent(client: WsmanClient, call: CallOptions = {}): Promise<ConsentState> {
  const before = await readConsent(client, call);
  if (before.state === 2) {
    throw new AmtError('consent.state', 'A consent code is already on the host screen; enter it with amtwb consent code NNNNNN, or cancel it (amtwb consent cancel) and start again.');
  }
  if (before.state === 3 || before.state === 4) return before;
  const r = await client.invoke(SERVICE, 'StartOptIn', {}, undefined, call);
  if (r.returnValue !== 0) {
    throw new AmtError('consent.refused', `StartOptIn was refused with ReturnValue ${r.returnValue} (${r.returnMeaning}); ${r.returnValue === 2 ? 'a consent request is already under way, so read the state with amtwb consent status' : 'check that the host is powered on so it can show the code, then try again'}.`);
  }
  return readConsent(client, call);
}

/** SendOptInCode with the six digits the host shows. */
export async function sendConsentCode(client: WsmanClient, code: string, call: CallOptions = {}): Promise<ConsentState> {
  const digits = code.trim();
  if (!/^\d{6}$/.test(digits)) throw new AmtError('consent.code', `"${code}" is not a consent code; type the six digits the host screen shows, for example 042917.`);
  const r = await client.invoke(SERVICE, 'SendOptInCode', { OptInCode: Number(digits) }, undefined, call);
  if (r.returnValue === 0) return readConsent(client, call);
  const now = await readConsent(client, call).catch(() => undefined);
  if (now && now.state === 2) {
    throw new AmtError('consent.code', `The device did not accept that code (ReturnValue ${r.returnValue}: ${r.returnMeaning}): wrong code — check the six digits on the host screen and try again.`);
  }
  throw new AmtError('consent.state', `The device did not accept the code (ReturnValue ${r.returnValue}: ${r.returnMeaning}) because no code is showing any more: the code expired or was cancelled — start again with amtwb consent start.`);
}

/** CancelOptIn: withdraws a code on the screen or a consent given. */
export async function cancelConsent(client: WsmanClient, call: CallOptions = {}): Promise<ConsentState> {
  const before = await readConsent(client, call);
  if (before.state === 0) return before;
  const r = await client.invoke(SERVICE, 'CancelOptIn', {}, undefined, call);
  if (r.returnValue !== 0) throw new AmtError('consent.refused', `CancelOptIn was refused with ReturnValue ${r.returnValue} (${r.returnMeaning}); read the state with amtwb consent status and try again.`);
  return readConsent(client, call);
}
