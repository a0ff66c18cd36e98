/**
 * The steps CCM and ACM activation share (rpc-go `activate`, platform facts §7): refuse a device that
 * is already activated (changing nothing), read what AMTHI reports, read the Digest realm over WS-Man
 * as the local system account, and — when the setup call itself fails or the connection drops —
 * re-read the control mode over AMTHI, because some firmware commits before it answers.
 */
import type { ControlMode } from '../../amthi';
import { AmtError, describeError } from '../../errors';
import { wsInt } from '../instances/scalars';
import { MODE_WORDS, type LocalAmt } from './local';

export type Mode = 'ccm' | 'acm';

export interface ActivationResult {
  /** False when the device was already in the asked-for (or a higher) mode: nothing was sent. */
  changed: boolean;
  controlMode: ControlMode;
  /** One sentence for the user. */
  message: string;
  uuid?: string;
  dnsSuffix?: string;
}

/** Setup / AdminSetup / UpgradeClientToAdmin ReturnValues (go-wsman-messages host-based setup decoder). */
const SETUP_RETURNS: Record<number, string> = {
  1: 'an internal error (1)', 2: 'the wrong state for it (2, InvalidState)', 3: 'an invalid parameter (3, InvalidParam)',
  4: 'the method is disabled (4, MethodDisabled)', 5: 'an authentication failure (5, AuthFailed)', 6: 'the flash write limit is exceeded (6)',
};

export function setupReturnText(rv: number): string {
  return SETUP_RETURNS[rv] ?? `ReturnValue ${rv}`;
}

/** Undefined when activation may go on; else the result "already activated, nothing changed". */
export async function alreadyActivated(amt: LocalAmt, wanted: Mode): Promise<ActivationResult | undefined> {
  amt.step('Reading the control mode and provisioning state over AMTHI');
  const { controlMode, provisioningState } = await amt.state();
  if (controlMode === 'none' && provisioningState === 'pre') return undefined;
  if (controlMode === 'none' && provisioningState === 'in') {
    throw new AmtError('activation.state', 'AMT is in provisioning (state 1) with no control mode, left there by an interrupted set-up from another tool; finish it with that tool, or return AMT to pre-provisioning in MEBx (Ctrl+P at boot), then run activate again.');
  }
  if (wanted === 'acm' && controlMode === 'ccm') return undefined; // CCM → ACM upgrade
  const other = wanted === 'ccm' && controlMode === 'acm' ? ' (a higher mode than CCM)' : '';
  return {
    changed: false,
    controlMode,
    message: `AMT is already activated in ${MODE_WORDS[controlMode]}${other}, provisioning state ${provisioningState}; nothing was changed — to activate it again, run amtwb deactivate first${controlMode === 'acm' ? ' (ACM needs the admin password)' : ''}.`,
  };
}

/** UUID, DNS suffix and that the local system account exists (AMTHI), then the Digest realm (WS-Man). */
export async function readIdentity(amt: LocalAmt): Promise<{ uuid: string; dnsSuffix: string; realm: string }> {
  amt.step('Reading the UUID, DNS suffix and local system account over AMTHI');
  const { uuid, dnsSuffix } = await amt.amthi(async (a, call) => {
    const account = await a.getLocalSystemAccount(call);
    if (!account.username) throw new AmtError('activation.state', 'AMT reports no local system account, so host-based setup cannot log in; enable AMT in MEBx (or update the ME firmware), then run activate again.');
    return { uuid: await a.getUUID(call), dnsSuffix: await a.getDNSSuffix(call) };
  });
  amt.step('Reading the Digest realm (AMT_GeneralSettings) over APF as the local system account');
  const realm = String((await amt.localAccount().get('AMT_GeneralSettings', undefined, amt.wsCall())).properties.DigestRealm ?? '');
  if (!realm) throw new AmtError('activation.failed', 'AMT_GeneralSettings has no DigestRealm, so the admin password cannot be hashed; this firmware does not support host-based setup.');
  return { uuid, dnsSuffix, realm };
}

/**
 * Sends the one setup call (never twice) and decides the outcome from the control mode AMTHI reports
 * afterwards: reaching `wanted` is success even when the answer was an error or never came.
 */
export async function sendSetup(amt: LocalAmt, wanted: Mode, what: string, send: () => Promise<{ returnValue: number }>): Promise<void> {
  let failure: string | undefined;
  try {
    const { returnValue } = await send();
    if (returnValue !== 0) failure = `AMT answered ${what} with ${setupReturnText(returnValue)}`;
  } catch (err) {
    if (err instanceof AmtError && err.code === 'cancelled') throw err;
    failure = `the answer to ${what} did not arrive (${describeError(err).replace(/\.$/, '')})`;
  }
  amt.step('Checking the control mode over AMTHI');
  const { controlMode, provisioningState } = await amt.state();
  if (controlMode === wanted && provisioningState === 'post') return;
  if (failure === undefined) {
    throw new AmtError('activation.failed', `AMT accepted ${what} but reports ${MODE_WORDS[controlMode]} with provisioning state ${provisioningState}; run amtwb status, then activate again.`);
  }
  const still = controlMode === 'none' && provisioningState === 'pre' ? 'AMT is still in pre-provisioning, so nothing was changed' : `AMT now reports ${MODE_WORDS[controlMode]} with provisioning state ${provisioningState}`;
  throw new AmtError(failure.startsWith('the answer') ? 'activation.reset' : 'activation.failed', `Activation did not complete: ${failure}, and ${still}; run the same amtwb activate command again.`);
}

/** The admin account works with the new password (one Get as admin). */
export async function verifyAdmin(amt: LocalAmt, password: string): Promise<void> {
  amt.step('Logging in as admin with the new password');
  const mode = wsInt((await amt.admin(password).get('IPS_HostBasedSetupService', undefined, amt.wsCall())).properties.CurrentControlMode);
  if (mode === undefined) throw new AmtError('activation.failed', 'AMT accepted the admin password but IPS_HostBasedSetupService reports no control mode; run amtwb status to see the state.');
}
