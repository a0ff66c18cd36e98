/**
 * Key material and TLS state of one simulated device that AMT does not expose as instances:
 * private keys by key-pair handle (PKCS#8 PEM), the device's own default TLS key and
 * self-signed certificate, and the TLS settings in force since the last CommitChanges.
 * Plain JSON, hung on the device by `securityState(device)`, so a state file can keep it.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { SimDevice } from '../device';
import { sideState } from '../side-state';
import { pem, selfSignedCertificate } from './der';

export interface TlsInForce {
  /** Remote (802.3) interface: TLS on 16993 enabled, plain 16992 still accepted. */
  remoteEnabled: boolean;
  remoteAcceptsPlain: boolean;
  localEnabled: boolean;
  localAcceptsPlain: boolean;
  /** Certificate/key the TLS port presents (PEM); the default self-signed pair when none is configured. */
  certPem?: string;
  keyPem?: string;
}

export interface SecurityState {
  /** Private keys (PKCS#8 PEM) by AMT_PublicPrivateKeyPair handle. */
  keys: Record<string, string>;
  nextKeyHandle: number;
  nextCertHandle: number;
  defaultTls?: { keyPem: string; certPem: string };
  tls: TlsInForce;
  /** AMT_KerberosSettingData.SetCredentialCacheState. */
  kerberosCredentialCache?: boolean;
}

/** One RSA key per process for the devices' own TLS identities: generating 2048-bit keys is slow. */
let processKey: KeyObject | undefined;

/** The device's security state, a side object that `--state` keeps (side-state.ts). */
export function securityState(device: SimDevice): SecurityState {
  return sideState<SecurityState>(device, 'security', () => ({
    keys: {},
    nextKeyHandle: 0,
    nextCertHandle: 0,
    tls: { remoteEnabled: false, remoteAcceptsPlain: true, localEnabled: false, localAcceptsPlain: true },
  }));
}

/** The device's own self-signed TLS identity, made on first use (AMT ships one until a certificate is configured). */
export function defaultTls(device: SimDevice): { keyPem: string; certPem: string } {
  const s = securityState(device);
  if (!s.defaultTls) {
    const privateKey = (processKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
    const host = device.identity.name;
    const der = selfSignedCertificate(privateKey, host, new Date(device.now() - 86400_000), [host, 'localhost'], ['127.0.0.1']);
    s.defaultTls = { keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), certPem: pem('CERTIFICATE', der) };
  }
  return s.defaultTls;
}

/** The key and certificate port 16993 presents now. */
export function tlsIdentity(device: SimDevice): { key: string; cert: string } {
  const s = securityState(device).tls;
  if (s.certPem && s.keyPem) return { key: s.keyPem, cert: s.certPem };
  const d = defaultTls(device);
  return { key: d.keyPem, cert: d.certPem };
}
