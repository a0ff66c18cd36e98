/**
 * Admin Control Mode from this machine (rpc-go `activate --acm`, platform facts §7.2): the
 * provisioning certificate's root must be one AMT trusts (AMTHI certificate hashes); the chain goes
 * up with AddNextCertInChain leaf first; AdminSetup carries the admin password's Digest hash, our
 * nonce and an RSA-SHA256 signature over AMT's ConfigurationNonce followed by our nonce, made with
 * the provisioning certificate's key. From CCM the same chain and signature go to UpgradeClientToAdmin.
 */
import { createHash, randomBytes, sign } from 'node:crypto';
import { AmtError } from '../../errors';
import { adminDigest, checkStrongPassword } from './password';
import { readPkcs12, type ProvisioningIdentity } from './pkcs12';
import { withLocalAmt, type ActivationOptions, type LocalAmt } from './local';
import { alreadyActivated, readIdentity, sendSetup, setupReturnText, verifyAdmin, type ActivationResult } from './setup';

/** SigningAlgorithm 2: RSA with SHA-256 (IPS_HostBasedSetupService). */
const RSA_SHA256 = 2;

export interface AcmInput {
  password: string;
  /** The .pfx file's bytes and where it came from (for messages). */
  pfx: Buffer;
  pfxName: string;
  pfxPassword: string;
}

export function rootHash(identity: ProvisioningIdentity): string {
  return createHash('sha256').update(identity.chain[identity.chain.length - 1]!.raw).digest('hex');
}

function leafCn(identity: ProvisioningIdentity): string {
  return /(?:^|\n)CN=([^\n]+)/.exec(identity.chain[0]!.subject)?.[1] ?? '';
}

export async function activateAcm(input: AcmInput, options: ActivationOptions): Promise<ActivationResult> {
  checkStrongPassword(input.password);
  const identity = readPkcs12(input.pfx, input.pfxPassword);
  return withLocalAmt(options, async (amt) => {
    const already = await alreadyActivated(amt, 'acm');
    if (already) return already;
    const upgrade = (await amt.state()).controlMode === 'ccm';
    await checkTrusted(amt, identity, input.pfxName);
    const { uuid, dnsSuffix, realm } = await readIdentity(amt);
    const cn = leafCn(identity).toLowerCase();
    if (dnsSuffix && cn !== dnsSuffix.toLowerCase() && !cn.endsWith(`.${dnsSuffix.toLowerCase()}`)) {
      throw new AmtError('activation.cert', `The provisioning certificate is for "${cn}" but AMT's DNS suffix is "${dnsSuffix}", so AMT would refuse it; use a certificate issued for that domain, or set the suffix in MEBx.`);
    }
    amt.step('Reading the configuration nonce (IPS_HostBasedSetupService)');
    const lsa = amt.localAccount();
    const nonce = String((await lsa.get('IPS_HostBasedSetupService', undefined, amt.wsCall())).properties.ConfigurationNonce ?? '');
    if (!nonce) throw new AmtError('activation.failed', 'IPS_HostBasedSetupService has no ConfigurationNonce, so nothing can be signed; this firmware does not support ACM host-based setup.');
    await sendChain(amt, identity);
    const mcNonce = randomBytes(20);
    const signature = sign('sha256', Buffer.concat([Buffer.from(nonce, 'base64'), mcNonce]), identity.key).toString('base64');
    const signed = { McNonce: mcNonce.toString('base64'), SigningAlgorithm: RSA_SHA256, DigitalSignature: signature };
    if (upgrade) {
      amt.step('Sending UpgradeClientToAdmin with the signed nonces');
      await sendSetup(amt, 'acm', 'UpgradeClientToAdmin', () => lsa.invoke('IPS_HostBasedSetupService', 'UpgradeClientToAdmin', signed, undefined, amt.wsCall()));
    } else {
      amt.step('Sending AdminSetup with the admin password hash and the signed nonces');
      await sendSetup(amt, 'acm', 'AdminSetup', () =>
        lsa.invoke('IPS_HostBasedSetupService', 'AdminSetup', { NetAdminPassEncryptionType: 2, NetworkAdminPassword: adminDigest(realm, input.password), ...signed }, undefined, amt.wsCall()),
      );
      await verifyAdmin(amt, input.password);
    }
    return {
      changed: true, controlMode: 'acm', uuid, dnsSuffix,
      message: `AMT ${uuid} is activated in Admin Control Mode (ACM) with the provisioning certificate for ${leafCn(identity)}${upgrade ? ' (upgraded from CCM; the admin password is unchanged)' : ''}.`,
    };
  });
}

async function checkTrusted(amt: LocalAmt, identity: ProvisioningIdentity, name: string): Promise<void> {
  amt.step("Checking the certificate's root against AMT's trusted hashes over AMTHI");
  const hash = rootHash(identity);
  const hashes = await amt.amthi((a, call) => a.getCertificateHashes(call));
  if (!hashes.some((h) => h.isActive && h.algorithm === 'SHA-256' && h.hash.toLowerCase() === hash)) {
    throw new AmtError('activation.cert', `The root of ${name} (SHA-256 ${hash}) is not among the provisioning roots AMT trusts; use a certificate from a CA AMT lists (amtwb status shows them), or add this hash in MEBx.`);
  }
}

async function sendChain(amt: LocalAmt, identity: ProvisioningIdentity): Promise<void> {
  const last = identity.chain.length - 1;
  for (const [i, cert] of identity.chain.entries()) {
    amt.step(`Sending certificate ${i + 1} of ${last + 1} (AddNextCertInChain, ${i === 0 ? 'leaf' : i === last ? 'root' : 'intermediate'})`);
    const { returnValue } = await amt.localAccount().invoke(
      'IPS_HostBasedSetupService', 'AddNextCertInChain',
      { NextCertificate: cert.raw.toString('base64'), IsLeafCertificate: i === 0, IsRootCertificate: i === last }, undefined, amt.wsCall(),
    );
    if (returnValue !== 0) {
      const why = returnValue === 4 ? 'it failed verification (4, CertVerifyFailed: check the chain, the provisioning purpose and the domain)' : returnValue === 5 ? 'the chain is too long (5)' : setupReturnText(returnValue);
      throw new AmtError('activation.cert', `AMT refused certificate ${i + 1} of the chain: ${why}; nothing was activated — fix the certificate file and run activate again.`);
    }
  }
}
