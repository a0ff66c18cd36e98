/**
 * Set-up of the activation tier: an unprovisioned simulator behind an emulated /dev/mei0 (the local
 * tier's rig), the built CLI run against it as a user runs it, and a test PKI made with openssl in a
 * temporary folder (nothing private is committed): a root CA, an intermediate and a provisioning
 * leaf with AMT's provisioning purpose, exported as a .pfx.
 */
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { amtwb, type Run } from '../cli/run';
import { localRig, tempDir, type LocalRig } from '../local/helpers';
import type { SimulatorOptions } from '../../../server/src/sim';
import { auditLog } from '../../../server/src/sim/audit/log';

export { meiSuite } from '../local/helpers';
export { CLI } from '../cli/run';

export const STRONG = 'Act1vate!Now';
export const DOMAIN = 'sim.local';

export async function unprovisionedRig(options: SimulatorOptions = {}): Promise<LocalRig> {
  return localRig({}, { unprovisioned: true, ...options });
}

/** `amtwb --mei <rig> ARGS` (the CLI reads AMT_PASSWORD only when `env` sets it). */
export function local(rig: LocalRig, args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return amtwb([...args, '--mei', rig.path], env);
}

export interface TestPki {
  dir: string;
  pfx: string;
  pfxPassword: string;
  /** SHA-256 of the root certificate (lower-case hex), what the simulator is told to trust. */
  rootHash: string;
  close(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Root → intermediate → leaf "CN=<host>.<domain>" with EKU 2.16.840.1.113741.1.2.3, in a .pfx. */
export function makeTestPki(domain = DOMAIN, options: { legacy?: boolean; noPurpose?: boolean } = {}): TestPki {
  const dir = tempDir();
  const ext = (name: string, body: string) => fs.writeFileSync(path.join(dir, name), body);
  ext('ca.ext', 'basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\n');
  ext('leaf.ext', `basicConstraints=CA:false\nkeyUsage=critical,digitalSignature,keyEncipherment\n${options.noPurpose ? 'extendedKeyUsage=serverAuth' : 'extendedKeyUsage=serverAuth,2.16.840.1.113741.1.2.3'}\n`);
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'test-only-root.key', '-out', 'root.pem', '-days', '30', '-subj', '/CN=AMT Workbench Test Root', '-addext', 'basicConstraints=critical,CA:true', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'test-only-int.key', '-out', 'int.csr', '-subj', '/CN=AMT Workbench Test Intermediate']);
  openssl(dir, ['x509', '-req', '-in', 'int.csr', '-CA', 'root.pem', '-CAkey', 'test-only-root.key', '-CAcreateserial', '-out', 'int.pem', '-days', '30', '-extfile', 'ca.ext']);
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'test-only-leaf.key', '-out', 'leaf.csr', '-subj', `/CN=provisioning.${domain}`]);
  openssl(dir, ['x509', '-req', '-in', 'leaf.csr', '-CA', 'int.pem', '-CAkey', 'test-only-int.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '30', '-extfile', 'leaf.ext']);
  fs.writeFileSync(path.join(dir, 'chain.pem'), fs.readFileSync(path.join(dir, 'int.pem'), 'utf8') + fs.readFileSync(path.join(dir, 'root.pem'), 'utf8'));
  const pfxPassword = 'pfx-Secret1';
  openssl(dir, ['pkcs12', '-export', ...(options.legacy ? ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1'] : []), '-inkey', 'test-only-leaf.key', '-in', 'leaf.pem', '-certfile', 'chain.pem', '-out', 'provisioning.pfx', '-passout', `pass:${pfxPassword}`]);
  const rootHash = createHash('sha256').update(new X509Certificate(fs.readFileSync(path.join(dir, 'root.pem'))).raw).digest('hex');
  return { dir, pfx: path.join(dir, 'provisioning.pfx'), pfxPassword, rootHash, close: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** What the simulated firmware reports right now (its own model, not through the product). */
export function simState(rig: LocalRig): { controlMode: number; provisioningState: number; optInRequired: number } {
  const d = rig.sim.device;
  return {
    controlMode: Number(d.instances('IPS_HostBasedSetupService')[0]?.CurrentControlMode),
    provisioningState: Number(d.instances('AMT_SetupAndConfigurationService')[0]?.ProvisioningState),
    optInRequired: Number(d.instances('IPS_OptInService')[0]?.OptInRequired),
  };
}

/** Audit events recorded so far, as appId*100+eventId (1600 provisioning started, 1601 completed, 1619 unprovisioning). */
export function auditEvents(rig: LocalRig): number[] {
  return auditLog(rig.sim.device).records.map((r) => r.appId * 100 + r.eventId);
}
