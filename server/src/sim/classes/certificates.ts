/**
 * The certificate store (Intel AMT SDK: AMT_PublicKeyManagementService, AMT_PublicKeyCertificate,
 * AMT_PublicPrivateKeyPair). Keys are real RSA keys made with node:crypto; the private halves stay
 * in the device's security state (security/state.ts), never in an instance. A certificate whose
 * public key matches a stored key pair is that key's certificate (usable for TLS).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import type { SimDevice } from '../device';
import { children, signed } from '../security/der';
import { defaultTls, securityState } from '../security/state';
import { epr, type EprValue, type PropMap, type PropValue } from '../values';
import { amtService, cimUri, PT_STATUS, SERVICE_PROPS } from './common';
import type { ClassDef, MethodResult } from './types';

export const CERT_CLASS = 'AMT_PublicKeyCertificate';
export const KEY_CLASS = 'AMT_PublicPrivateKeyPair';
/** AMT_STATUS_DUPLICATE (Intel AMT SDK return values). */
const DUPLICATE = 2058;

const certEpr = (id: string): EprValue => epr(cimUri(CERT_CLASS), { InstanceID: id });
const keyEpr = (id: string): EprValue => epr(cimUri(KEY_CLASS), { InstanceID: id });

/** AMT writes distinguished names most-significant first, comma separated: `C=..,O=..,CN=..`. */
function dn(text: string): string {
  return text.split('\n').filter(Boolean).reverse().join(',');
}

function publicDer(key: KeyObject): string {
  return (key.type === 'public' ? key : createPublicKey(key)).export({ type: 'pkcs1', format: 'der' }).toString('base64');
}

function certInstance(device: SimDevice, x509: X509Certificate, trustedRoot: boolean): PropMap {
  return {
    ElementName: 'Intel(r) AMT Certificate',
    InstanceID: `Intel(r) AMT Certificate: Handle: ${securityState(device).nextCertHandle++}`,
    Issuer: dn(x509.issuer),
    Subject: dn(x509.subject),
    TrustedRootCertficate: trustedRoot,
    X509Certificate: x509.raw.toString('base64'),
  };
}

function storeCertificate(device: SimDevice, blob: PropValue | undefined, trustedRoot: boolean): MethodResult {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(Buffer.from(String(blob ?? ''), 'base64'));
  } catch {
    return { returnValue: PT_STATUS.InvalidParameter };
  }
  const list = device.instances(CERT_CLASS);
  if (list.some((c) => c.X509Certificate === x509.raw.toString('base64'))) return { returnValue: DUPLICATE };
  const inst = certInstance(device, x509, trustedRoot);
  list.push(inst);
  const id = String(inst.InstanceID);
  return { returnValue: PT_STATUS.Success, outputs: [['CreatedCertificate', certEpr(id)]] };
}

function keyInstance(device: SimDevice, key: KeyObject): PropMap {
  const s = securityState(device);
  const id = `Intel(r) AMT Key: Handle: ${s.nextKeyHandle++}`;
  s.keys[id] = key.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { DERKey: publicDer(key), ElementName: 'Intel(r) AMT Key', InstanceID: id };
}

function storeKey(device: SimDevice, key: KeyObject): string {
  const inst = keyInstance(device, key);
  device.instances(KEY_CLASS).push(inst);
  return String(inst.InstanceID);
}

/** A fresh device holds its own TLS key pair and self-signed certificate (handles 0). */
export const initialKey = (device: SimDevice): PropMap[] => [keyInstance(device, createPrivateKey(defaultTls(device).keyPem))];
export const initialCertificate = (device: SimDevice): PropMap[] => [certInstance(device, new X509Certificate(defaultTls(device).certPem), false)];

/** The private key (PEM) whose public half is in this certificate, if the device holds it. */
export function privateKeyFor(device: SimDevice, certInstance: PropMap): string | undefined {
  const x509 = new X509Certificate(Buffer.from(String(certInstance.X509Certificate), 'base64'));
  const want = publicDer(x509.publicKey);
  const pair = device.instances(KEY_CLASS).find((k) => k.DERKey === want);
  return pair ? securityState(device).keys[String(pair.InstanceID)] : undefined;
}

function selectedId(v: PropValue | undefined): string | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || (v as EprValue).kind !== 'epr') return undefined;
  const sel = (v as EprValue).selectors.find((x) => x.name === 'InstanceID');
  return typeof sel?.value === 'string' ? sel.value : undefined;
}

const SIGNING: Record<number, 'sha1' | 'sha256' | 'sha384'> = { 0: 'sha1', 1: 'sha256', 2: 'sha384' };

const SERVICE: ClassDef = {
  name: 'AMT_PublicKeyManagementService',
  commonNs: true,
  props: { ...SERVICE_PROPS },
  initial: () => [
    amtService('AMT_PublicKeyManagementService', 'Intel(r) AMT Public Key Management Service', {
      ElementName: 'Intel(r) AMT Certificate Store Service',
      EnabledDefault: 5,
      EnabledState: 5,
      RequestedState: 12,
    }),
  ],
  methods: {
    AddTrustedRootCertificate: {
      inputs: { CertificateBlob: 'base64 req' },
      outputs: { CreatedCertificate: 'epr' },
      run: ({ device }, input) => storeCertificate(device, input.CertificateBlob, true),
    },
    AddCertificate: {
      inputs: { CertificateBlob: 'base64 req' },
      outputs: { CreatedCertificate: 'epr' },
      run: ({ device }, input) => storeCertificate(device, input.CertificateBlob, false),
    },
    AddKey: {
      inputs: { KeyBlob: 'base64 req' },
      outputs: { CreatedKey: 'epr' },
      run: ({ device }, input) => {
        let key: KeyObject;
        try {
          key = createPrivateKey({ key: Buffer.from(String(input.KeyBlob), 'base64'), format: 'der', type: 'pkcs1' });
        } catch {
          return { returnValue: PT_STATUS.InvalidParameter };
        }
        const der = publicDer(key);
        if (device.instances(KEY_CLASS).some((k) => k.DERKey === der)) return { returnValue: DUPLICATE };
        return { returnValue: PT_STATUS.Success, outputs: [['CreatedKey', keyEpr(storeKey(device, key))]] };
      },
    },
    GenerateKeyPair: {
      inputs: { KeyAlgorithm: 'uint32 req', KeyLength: 'uint32 req' },
      outputs: { KeyPair: 'epr' },
      run: ({ device }, input) => {
        // RSA only (KeyAlgorithm 0); AMT generates 2048-bit keys.
        if (input.KeyAlgorithm !== 0 || input.KeyLength !== 2048) return { returnValue: PT_STATUS.InvalidParameter };
        const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        return { returnValue: PT_STATUS.Success, outputs: [['KeyPair', keyEpr(storeKey(device, privateKey))]] };
      },
    },
    GeneratePKCS10RequestEx: {
      inputs: { KeyPair: 'epr req', SigningAlgorithm: 'uint32 req', NullSignedCertificateRequest: 'base64 req' },
      outputs: { SignedCertificateRequest: 'base64' },
      // AMT signs the CertificationRequestInfo of the client's null-signed request (RFC 2986)
      // with the named key pair; the info must carry that key's public key.
      run: ({ device }, input) => {
        const id = selectedId(input.KeyPair);
        const pemKey = id ? securityState(device).keys[id] : undefined;
        const hash = SIGNING[Number(input.SigningAlgorithm)];
        if (!pemKey || !hash) return { returnValue: PT_STATUS.InvalidParameter };
        let info: Buffer;
        try {
          info = children(Buffer.from(String(input.NullSignedCertificateRequest), 'base64'))[0];
          const spki = children(info)[2];
          const key = createPrivateKey(pemKey);
          if (!createPublicKey({ key: spki, format: 'der', type: 'spki' }).equals(createPublicKey(key))) return { returnValue: PT_STATUS.InvalidParameter };
          return { returnValue: PT_STATUS.Success, outputs: [['SignedCertificateRequest', signed(info, key, hash).toString('base64')]] };
        } catch {
          return { returnValue: PT_STATUS.InvalidParameter };
        }
      },
    },
  },
};

function removeFrom(className: string) {
  return (device: SimDevice, inst: PropMap) => {
    const list = device.instances(className);
    list.splice(list.indexOf(inst), 1);
    if (className === KEY_CLASS) delete securityState(device).keys[String(inst.InstanceID)];
  };
}

const CERTIFICATE: ClassDef = {
  name: CERT_CLASS,
  props: {
    ElementName: 'string w',
    InstanceID: 'string key',
    Issuer: 'string',
    ReadOnlyCertificate: 'boolean',
    Subject: 'string',
    TrustedRootCertficate: 'boolean',
    X509Certificate: 'base64',
  },
  initial: initialCertificate,
  remove: removeFrom(CERT_CLASS),
};

const KEY_PAIR: ClassDef = {
  name: KEY_CLASS,
  props: { DERKey: 'base64', ElementName: 'string', InstanceID: 'string key' },
  initial: initialKey,
  remove: removeFrom(KEY_CLASS),
};

export { selectedId };
export const CERTIFICATE_CLASSES: readonly ClassDef[] = [SERVICE, CERTIFICATE, KEY_PAIR];
