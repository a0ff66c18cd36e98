/**
 * Client Control Mode from this machine (rpc-go `activate --ccm`, platform facts §7.1): the strong
 * password rule first (nothing is sent for a weak one), then AMTHI, the realm over WS-Man as the
 * local system account, and IPS_HostBasedSetupService.Setup with the admin password's Digest hash.
 */
import { adminDigest, checkStrongPassword } from './password';
import { withLocalAmt, type ActivationOptions } from './local';
import { alreadyActivated, readIdentity, sendSetup, verifyAdmin, type ActivationResult } from './setup';

export async function activateCcm(password: string, options: ActivationOptions): Promise<ActivationResult> {
  checkStrongPassword(password);
  return withLocalAmt(options, async (amt) => {
    const already = await alreadyActivated(amt, 'ccm');
    if (already) return already;
    const { uuid, dnsSuffix, realm } = await readIdentity(amt);
    amt.step('Sending IPS_HostBasedSetupService.Setup with the admin password as its Digest hash');
    await sendSetup(amt, 'ccm', 'Setup', () =>
      amt.localAccount().invoke('IPS_HostBasedSetupService', 'Setup', { NetAdminPassEncryptionType: 2, NetworkAdminPassword: adminDigest(realm, password) }, undefined, amt.wsCall()),
    );
    await verifyAdmin(amt, password);
    return { changed: true, controlMode: 'ccm', uuid, dnsSuffix, message: `AMT ${uuid} is activated in Client Control Mode (CCM); the admin account is "admin" with the new password, and user consent is required for redirection and boot changes.` };
  });
}
