/**
 * Back to pre-provisioning (rpc-go `deactivate --local`, platform facts §7.3): in CCM through AMTHI
 * Unprovision, which needs no password; in ACM only as admin through
 * AMT_SetupAndConfigurationService.Unprovision(1) — refused here, before anything is sent, without
 * the admin password. GetUnprovisionBlockingComponents names what would block it.
 */
import type { AmthiCommand, ControlMode } from '../../amthi';
import { AmtError } from '../../errors';
import type { WsValue } from '../../wsman/types';
import { MODE_WORDS, withLocalAmt, type ActivationOptions } from './local';

/** AMTHI Unprovision (0x04000010): u32 mode in; rpc-go reads a u32 state back, LMS nothing. */
export const Unprovision: AmthiCommand<[mode: number], void> = {
  name: 'Unprovision',
  code: 0x04000010,
  request: (mode) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(mode >>> 0);
    return b;
  },
  decode: () => undefined,
};

export interface DeactivationResult {
  changed: boolean;
  /** The mode before. */
  from: ControlMode;
  message: string;
}

export async function deactivate(options: ActivationOptions & { password?: string }): Promise<DeactivationResult> {
  return withLocalAmt(options, async (amt) => {
    amt.step('Reading the control mode and provisioning state over AMTHI');
    const { controlMode, provisioningState } = await amt.state();
    if (controlMode === 'none' && provisioningState === 'pre') {
      return { changed: false, from: controlMode, message: 'AMT is not activated (pre-provisioning); nothing was changed.' };
    }
    if (controlMode === 'acm') {
      if (!options.password) {
        throw new AmtError('activation.refused', 'AMT is in Admin Control Mode, which only its admin may undo; give the AMT admin password with --password or AMT_PASSWORD (nothing was sent).');
      }
      const admin = amt.admin(options.password);
      amt.step('Asking AMT what blocks unprovisioning (GetUnprovisionBlockingComponents)');
      // Older firmware lacks the method (a fault): go on; a refused password is not sent again.
      const blocking = await admin.invoke('AMT_SetupAndConfigurationService', 'GetUnprovisionBlockingComponents', {}, undefined, amt.wsCall()).catch((err: unknown) => {
        if (err instanceof AmtError && err.code === 'wsman.fault') return undefined;
        throw err;
      });
      const components = listOf(blocking?.output.Component);
      if (components.length) {
        throw new AmtError('activation.refused', `AMT refuses to unprovision while ${components.join(', ')} ${components.length === 1 ? 'is' : 'are'} active; stop ${components.length === 1 ? 'it' : 'them'} and run deactivate again.`);
      }
      amt.step('Sending AMT_SetupAndConfigurationService.Unprovision(1) as admin');
      const { returnValue } = await admin.invoke('AMT_SetupAndConfigurationService', 'Unprovision', { ProvisioningMode: 1 }, undefined, amt.wsCall());
      if (returnValue !== 0) throw new AmtError('activation.failed', `AMT answered Unprovision with ReturnValue ${returnValue}; run amtwb status to see its state.`);
    } else {
      amt.step('Sending Unprovision over AMTHI (Client Control Mode needs no password)');
      await amt.run(Unprovision, [0]);
    }
    amt.step('Checking the control mode over AMTHI');
    const after = await amt.state();
    if (after.controlMode !== 'none') throw new AmtError('activation.failed', `AMT accepted Unprovision but still reports ${MODE_WORDS[after.controlMode]}; wait a few seconds and run amtwb status.`);
    return { changed: true, from: controlMode, message: `AMT is back in pre-provisioning (it was in ${MODE_WORDS[controlMode]}); its settings and accounts are back to the factory state.` };
  });
}

function listOf(v: WsValue | undefined): string[] {
  if (v === undefined || v === '') return [];
  return (Array.isArray(v) ? v : [v]).map(String).filter((s) => s !== '');
}
