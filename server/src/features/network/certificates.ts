/**
 * AMT's certificate store (AMT_PublicKeyManagementService, AMT_PublicKeyCertificate,
 * AMT_PublicPrivateKeyPair): certificates decoded from their DER with node:crypto's
 * X509Certificate (subject, issuer, validity, SHA-256 fingerprint), key pairs with their size,
 * adding a trusted root or a certificate from PEM, generating an RSA key pair, and a PKCS#10
 * request AMT signs with one of its key pairs (GeneratePKCS10RequestEx: we send the request
 * null-signed, AMT returns it signed; we check that signature before handing it out).
 */
import { createHash, createPublicKey, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { AmtError } from '../../errors';
import type { AddedCertificate, CertificateInfo, CertificatesInfo, CsrResult, KeyPairInfo, KeyPairResult } from '../../protocol';
import type { CallOptions } from '../../wsman/client';
import { resourceUriFor } from '../../wsman/namespaces';
import { nullSignedRequest, requestInfo, sequenceParts, SIGNATURE_ALGORITHMS, subjectName, type NAME_OIDS } from './der';
import { instancesOf, readTls, refId, str, type NetworkClient } from './settings';

const SERVICE = 'AMT_PublicKeyManagementService';

const colonHex = (b: Buffer) => b.toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:');
const handleOf = (id: string) => {
  const m = /Handle:\s*(\d+)/.exec(id);
  return m ? { handle: Number(m[1]) } : {};
};
/** node:crypto writes names one attribute per line, least significant last; shown comma-separated. */
const oneLine = (name: string) => name.split('\n').filter(Boolean).join(', ');

function spkiOfPkcs1(derKeyBase64: string): KeyObject | undefined {
  try {
    return createPublicKey({ key: Buffer.from(derKeyBase64, 'base64'), format: 'der', type: 'pkcs1' });
  } catch {
    return undefined;
  }
}

function hint(returnValue: number): string {
  switch (returnValue) {
    case 2058: return 'the device already holds it, so nothing needs adding';
    case 36: return 'the device did not accept the data, so check that it is a valid X.509 certificate (RSA, at most 4096 bits)';
    case 23: return 'the certificate store is full, so delete a certificate first';
    case 2063: return 'the certificate is not one AMT accepts, so check its format and key';
    case 2064: return 'the certificate does not match a key pair the device holds, so generate the request from one of its key pairs';
    default: return 'check the input and try again';
  }
}

async function invoke(client: NetworkClient, method: string, input: Record<string, unknown>, what: string, opts: CallOptions) {
  const r = await client.invoke(SERVICE, method, input as never, undefined, opts);
  if (r.returnValue !== 0) throw new AmtError('network.refused', `The device refused to ${what} (${method} ReturnValue ${r.returnValue}: ${r.returnMeaning}); ${hint(r.returnValue)}.`);
  return r.output;
}

export async function listCertificates(client: NetworkClient, opts: CallOptions = {}): Promise<CertificatesInfo> {
  const certs = await instancesOf(client, 'AMT_PublicKeyCertificate', opts);
  const keys = await instancesOf(client, 'AMT_PublicPrivateKeyPair', opts);
  const tls = await readTls(client, opts);
  const keyPairs = keys.map((k) => {
    const id = str(k.InstanceID) ?? '';
    const pub = spkiOfPkcs1(str(k.DERKey) ?? '');
    const spki = pub?.export({ type: 'spki', format: 'der' });
    return { id, pub, spki, info: { instanceId: id, ...handleOf(id), ...(pub?.asymmetricKeyDetails?.modulusLength ? { bits: pub.asymmetricKeyDetails.modulusLength } : {}), fingerprint: spki ? colonHex(createHash('sha256').update(spki).digest()) : '', certificates: [] as string[] } satisfies KeyPairInfo };
  });
  const certificates: CertificateInfo[] = [];
  for (const c of certs) {
    const id = str(c.InstanceID) ?? '';
    let x509: X509Certificate;
    try {
      x509 = new X509Certificate(Buffer.from(str(c.X509Certificate) ?? '', 'base64'));
    } catch {
      continue; // not decodable: the Classes tree still shows the raw instance
    }
    const spki = x509.publicKey.export({ type: 'spki', format: 'der' });
    const pair = keyPairs.find((k) => k.spki?.equals(spki));
    pair?.info.certificates.push(id);
    const from = new Date(x509.validFrom);
    const to = new Date(x509.validTo);
    certificates.push({
      instanceId: id,
      ...handleOf(id),
      subject: oneLine(x509.subject),
      issuer: oneLine(x509.issuer),
      validFrom: from.toISOString(),
      validTo: to.toISOString(),
      current: Date.now() >= from.getTime() && Date.now() <= to.getTime(),
      fingerprint: x509.fingerprint256,
      serialNumber: x509.serialNumber,
      trustedRoot: str(c.TrustedRootCertficate) === 'true' || str(c.TrustedRootCertificate) === 'true',
      hasKey: pair !== undefined,
      usedForTls: tls.certificate === id,
      pem: x509.toString(),
    });
  }
  return { certificates, keyPairs: keyPairs.map((k) => k.info) };
}

/** One certificate from PEM text (the first CERTIFICATE block) or bare base64 DER. */
export function parseCertificate(text: string): X509Certificate {
  const block = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(text);
  const b64 = (block ? block[1]! : text).replace(/\s+/g, '');
  try {
    if (!/^[A-Za-z0-9+/]+=*$/.test(b64)) throw new Error('not base64');
    return new X509Certificate(Buffer.from(b64, 'base64'));
  } catch {
    throw new AmtError('network.invalid', 'The text given is not an X.509 certificate; give a PEM file with a -----BEGIN CERTIFICATE----- block (or base64 DER).');
  }
}

async function added(client: NetworkClient, out: Record<string, unknown>, x509: X509Certificate, opts: CallOptions): Promise<CertificateInfo> {
  const list = await listCertificates(client, opts);
  const id = refId(out.CreatedCertificate as never);
  const found = list.certificates.find((c) => c.instanceId === id) ?? list.certificates.find((c) => c.fingerprint === x509.fingerprint256);
  if (!found) throw new AmtError('network.refused', 'The device said it stored the certificate but does not list it; refresh and check the certificate store.');
  return found;
}

export async function addTrustedRoot(client: NetworkClient, pem: string, opts: CallOptions = {}): Promise<AddedCertificate> {
  const x509 = parseCertificate(pem);
  if (!x509.ca) throw new AmtError('network.invalid', `"${oneLine(x509.subject)}" is not a CA certificate (its basic constraints do not say CA), so it cannot be a trusted root; add it as a certificate instead.`);
  const out = await invoke(client, 'AddTrustedRootCertificate', { CertificateBlob: x509.raw.toString('base64') }, 'add the trusted root certificate', opts);
  const certificate = await added(client, out, x509, opts);
  return { message: `Added the trusted root "${certificate.subject}" (SHA-256 ${certificate.fingerprint.slice(0, 23)}…).`, instanceId: certificate.instanceId, certificate };
}

export async function addCertificate(client: NetworkClient, pem: string, opts: CallOptions = {}): Promise<AddedCertificate> {
  const x509 = parseCertificate(pem);
  const out = await invoke(client, 'AddCertificate', { CertificateBlob: x509.raw.toString('base64') }, 'add the certificate', opts);
  const certificate = await added(client, out, x509, opts);
  return { message: `Added the certificate "${certificate.subject}"${certificate.hasKey ? ', whose key the device holds' : ''}.`, instanceId: certificate.instanceId, certificate };
}

/** GenerateKeyPair: RSA (KeyAlgorithm 0), 2048 bits, the size AMT makes. */
export async function generateKeyPair(client: NetworkClient, opts: CallOptions = {}): Promise<KeyPairResult> {
  const out = await invoke(client, 'GenerateKeyPair', { KeyAlgorithm: 0, KeyLength: 2048 }, 'generate a key pair', opts);
  const id = refId(out.KeyPair as never);
  if (!id) throw new AmtError('network.refused', 'The device generated a key pair but named none; refresh the certificate store to find it.');
  return { message: `Generated a 2048-bit RSA key pair (${id}).`, instanceId: id };
}

export interface CsrSubject { commonName: string; organization?: string; organizationalUnit?: string; country?: string }

/** GeneratePKCS10RequestEx with the key pair `keyPair`: the signed request as PEM. */
export async function createCsr(client: NetworkClient, keyPair: string, subject: CsrSubject, signingAlgorithm = 1, opts: CallOptions = {}): Promise<CsrResult> {
  const alg = SIGNATURE_ALGORITHMS[signingAlgorithm];
  if (!alg) throw new AmtError('network.invalid', `Signing algorithm ${signingAlgorithm} is not one AMT offers; use 0 (SHA-1), 1 (SHA-256) or 2 (SHA-384).`);
  if (!subject.commonName.trim()) throw new AmtError('network.invalid', 'The request needs a common name (CN); give the device\'s host name, for example.');
  if (subject.country !== undefined && !/^[A-Za-z]{2}$/.test(subject.country)) throw new AmtError('network.invalid', `The country "${subject.country}" is not a two-letter code; write it as in ISO 3166, for example DE.`);
  const pair = (await instancesOf(client, 'AMT_PublicPrivateKeyPair', opts)).find((k) => k.InstanceID === keyPair);
  const pub = pair && spkiOfPkcs1(str(pair.DERKey) ?? '');
  if (!pub) throw new AmtError('network.invalid', `The device has no key pair "${keyPair}"; generate one first or pick one it lists.`);
  const parts: Array<[keyof typeof NAME_OIDS, string]> = [];
  if (subject.country) parts.push(['C', subject.country.toUpperCase()]);
  if (subject.organization) parts.push(['O', subject.organization]);
  if (subject.organizationalUnit) parts.push(['OU', subject.organizationalUnit]);
  parts.push(['CN', subject.commonName.trim()]);
  const info = requestInfo(subjectName(parts), pub.export({ type: 'spki', format: 'der' }));
  const bytes = (pub.asymmetricKeyDetails?.modulusLength ?? 2048) / 8;
  const out = await invoke(client, 'GeneratePKCS10RequestEx', {
    KeyPair: { kind: 'epr', address: '', resourceUri: resourceUriFor('AMT_PublicPrivateKeyPair'), selectors: { InstanceID: keyPair } },
    SigningAlgorithm: signingAlgorithm,
    NullSignedCertificateRequest: nullSignedRequest(info, alg.algorithm, bytes).toString('base64'),
  }, 'sign the certificate request', opts);
  const signed = Buffer.from(str(out.SignedCertificateRequest as never) ?? '', 'base64');
  let ok = false;
  try {
    const [signedInfo, , sig] = sequenceParts(signed);
    // BIT STRING: tag, length, unused-bits byte, then the signature.
    const sigBytes = sequencePartsBody(sig!);
    ok = signedInfo !== undefined && verify(alg.hash, signedInfo, pub, sigBytes);
  } catch {
    ok = false;
  }
  if (!ok) throw new AmtError('network.refused', 'The device answered GeneratePKCS10RequestEx with a request whose signature does not verify with that key pair; try again or generate a new key pair.');
  const b64 = signed.toString('base64').replace(/.{1,64}/g, '$&\n');
  return { message: `The device signed a certificate request for CN=${subject.commonName.trim()} with ${keyPair}.`, pem: `-----BEGIN CERTIFICATE REQUEST-----\n${b64}-----END CERTIFICATE REQUEST-----\n` };
}

/** The bytes of a BIT STRING element after its unused-bits byte. */
function sequencePartsBody(bitString: Buffer): Buffer {
  let at = 1;
  let n = bitString[at]!;
  at++;
  if (n >= 0x80) {
    const count = n - 0x80;
    n = 0;
    for (let i = 0; i < count; i++) n = n * 256 + bitString[at + i]!;
    at += count;
  }
  return bitString.subarray(at + 1, at + n);
}
