/**
 * What the simulated firmware checks before Admin Control Mode (Intel AMT SDK "Admin Control Mode
 * activation"; rpc-go and RPS send the chain leaf first and sign ConfigurationNonce ‖ McNonce with
 * the provisioning certificate's key, RSA with SHA-256 for SigningAlgorithm 2):
 * - the chain is complete, each certificate is signed by the next one, and the root's SHA-256
 *   hash is one of the active trusted provisioning root hashes (AMTHI GetCertHashEntry);
 * - the leaf carries the AMT provisioning purpose (EKU 2.16.840.1.113741.1.2.3, or the OU
 *   "Intel(R) Client Setup Certificate") and its CN lies in the device's DNS suffix;
 * - DigitalSignature verifies over the nonces with the leaf's public key.
 * Also: the extra trusted roots a test or a user provisions, and the pre-provisioning start state.
 */
import { createHash, randomBytes, verify, X509Certificate } from 'node:crypto';
import type { SimDevice } from '../device';
import { sideState } from '../side-state';

export interface TrustedRoot {
  name: string;
  /** Lower-case hex SHA-256 of the root certificate (DER). */
  hash: string;
}

const PROVISIONING_EKU = '2.16.840.1.113741.1.2.3';
const SETUP_OU = 'Intel(r) Client Setup Certificate';

/** Roots added to the firmware's default hash list (kept by `--state`). */
export function extraTrustedRoots(device: SimDevice): TrustedRoot[] {
  return sideState<{ roots: TrustedRoot[] }>(device, 'provisioning-roots', () => ({ roots: [] })).roots;
}

/** Adds a trusted provisioning root by its SHA-256 hash (what an OEM or MEBx does on real AMT). */
export function trustProvisioningRoot(device: SimDevice, root: TrustedRoot): void {
  const hash = root.hash.toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error(`"${root.hash}" is not a SHA-256 hash (64 hex digits)`);
  const roots = extraTrustedRoots(device);
  if (!roots.some((r) => r.hash === hash)) roots.push({ name: root.name, hash });
}

/** A fresh ConfigurationNonce (20 random bytes), as AMT makes one per activation attempt. */
export function newConfigurationNonce(): string {
  return randomBytes(20).toString('base64');
}

/** AddNextCertInChain's CertVerifyFailed (4) check once the root arrived; undefined = chain accepted. */
export function chainProblem(device: SimDevice, chain: readonly string[], trustedHashes: readonly string[]): string | undefined {
  let certs: X509Certificate[];
  try {
    certs = chain.map((b64) => new X509Certificate(Buffer.from(b64, 'base64')));
  } catch {
    return 'a certificate does not parse';
  }
  for (let i = 0; i + 1 < certs.length; i++) {
    if (!certs[i]!.verify(certs[i + 1]!.publicKey)) return `certificate ${i + 1} is not signed by the next one`;
  }
  const root = certs[certs.length - 1]!;
  const rootHash = createHash('sha256').update(root.raw).digest('hex');
  if (!trustedHashes.includes(rootHash)) return 'the root is not a trusted provisioning root';
  const leaf = certs[0]!;
  const eku = Array.isArray(leaf.keyUsage) ? leaf.keyUsage : [];
  if (!eku.includes(PROVISIONING_EKU) && !leaf.subject.toLowerCase().includes(`ou=${SETUP_OU.toLowerCase()}`)) return 'the leaf is not an AMT provisioning certificate';
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(leaf.subject)?.[1]?.toLowerCase() ?? '';
  const suffix = String(device.instances('AMT_GeneralSettings')[0]?.DomainName ?? device.identity.domainName).toLowerCase();
  if (suffix && cn !== suffix && !cn.endsWith(`.${suffix}`)) return `the leaf's CN ${cn} is not in the DNS suffix ${suffix}`;
  return undefined;
}

/** Whether the McNonce signature holds: RSA over ConfigurationNonce ‖ McNonce with the leaf's key. */
export function signatureHolds(leafB64: string, configurationNonce: string, mcNonce: string, signature: string, algorithm: number): boolean {
  const hash = algorithm === 2 ? 'sha256' : algorithm === 3 ? 'sha384' : algorithm === 1 ? 'sha1' : undefined;
  if (!hash) return false;
  try {
    const leaf = new X509Certificate(Buffer.from(leafB64, 'base64'));
    const data = Buffer.concat([Buffer.from(configurationNonce, 'base64'), Buffer.from(mcNonce, 'base64')]);
    return verify(hash, data, leaf.publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** The firmware's built-in provisioning roots (also what AMTHI GetCertHashEntry lists first). */
export const DEFAULT_ROOTS: readonly { name: string; algorithm: number; hash: string; isDefault: boolean; isActive: boolean }[] = [
  { name: 'Simulated Root CA A', algorithm: 2, hash: 'a1'.repeat(32), isDefault: true, isActive: true },
  { name: 'Simulated Root CA B', algorithm: 3, hash: 'b2'.repeat(64), isDefault: true, isActive: false },
];

/** Active SHA-256 root hashes the firmware accepts: the built-in ones and those added. */
export function trustedRootHashes(device: SimDevice): string[] {
  return [...DEFAULT_ROOTS.filter((r) => r.isActive && r.algorithm === 2).map((r) => r.hash), ...extraTrustedRoots(device).map((r) => r.hash)];
}

/** The CN of a base64 DER certificate ('' when it has none or does not parse). */
export function leafCn(b64: string): string {
  try {
    return /(?:^|\n)CN=([^\n]+)/.exec(new X509Certificate(Buffer.from(b64, 'base64')).subject)?.[1] ?? '';
  } catch {
    return '';
  }
}

/** Hex SHA-256 of the chain's last (root) certificate. */
export function rootHash(chain: readonly string[]): string {
  const root = chain[chain.length - 1];
  return root ? createHash('sha256').update(Buffer.from(root, 'base64')).digest('hex') : '';
}
