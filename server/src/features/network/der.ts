/**
 * The little DER (ITU-T X.690) a PKCS#10 request needs (RFC 2986): writing a
 * CertificationRequestInfo with a subject name, and splitting the signed request AMT returns into
 * its three parts to check its signature. node:crypto reads certificates (X509Certificate) but
 * neither writes nor reads certificate requests, and no ASN.1 library is among the dependencies
 * (adding one for two small structures was not worth it), so these few encoders are written here.
 */

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from([0x80 + bytes.length, ...bytes]);
}

export function element(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

/** Attribute types of a subject name (X.520), pre-encoded OBJECT IDENTIFIERs. */
export const NAME_OIDS = {
  C: Buffer.from('0603550406', 'hex'),
  O: Buffer.from('060355040a', 'hex'),
  OU: Buffer.from('060355040b', 'hex'),
  CN: Buffer.from('0603550403', 'hex'),
} as const;

/** sha1/sha256/sha384WithRSAEncryption (RFC 8017 A.2.4) as AlgorithmIdentifier, by AMT's SigningAlgorithm 0/1/2. */
export const SIGNATURE_ALGORITHMS: Readonly<Record<number, { hash: string; algorithm: Buffer }>> = {
  0: { hash: 'sha1', algorithm: Buffer.from('300d06092a864886f70d0101050500', 'hex') },
  1: { hash: 'sha256', algorithm: Buffer.from('300d06092a864886f70d01010b0500', 'hex') },
  2: { hash: 'sha384', algorithm: Buffer.from('300d06092a864886f70d01010c0500', 'hex') },
};

/** An X.501 Name, one RDN per attribute, most significant (C) first; C as PrintableString, the rest UTF8String. */
export function subjectName(parts: ReadonlyArray<readonly [keyof typeof NAME_OIDS, string]>): Buffer {
  const rdns = parts.map(([k, v]) => element(0x31, element(0x30, NAME_OIDS[k], element(k === 'C' ? 0x13 : 0x0c, Buffer.from(v, 'utf8')))));
  return element(0x30, ...rdns);
}

/** CertificationRequestInfo: version 0, subject, the key, no attributes. */
export function requestInfo(subject: Buffer, spki: Buffer): Buffer {
  return element(0x30, Buffer.from([0x02, 0x01, 0x00]), subject, spki, Buffer.from([0xa0, 0x00]));
}

/** A request whose signature is all zero bytes: what GeneratePKCS10RequestEx takes, for AMT to sign. */
export function nullSignedRequest(info: Buffer, algorithm: Buffer, signatureBytes: number): Buffer {
  return element(0x30, info, algorithm, element(0x03, Buffer.alloc(1), Buffer.alloc(signatureBytes)));
}

/** The top-level elements inside one SEQUENCE (tag and length included), or an Error for bytes that are not one. */
export function sequenceParts(der: Buffer): Buffer[] {
  const read = (buf: Buffer, at: number): { start: number; end: number } => {
    if (at + 2 > buf.length) throw new Error('the DER ends inside an element header');
    let n = buf[at + 1]!;
    let head = 2;
    if (n >= 0x80) {
      const count = n - 0x80;
      if (count < 1 || count > 4 || at + 2 + count > buf.length) throw new Error('the DER has an unsupported length form');
      n = 0;
      for (let i = 0; i < count; i++) n = n * 256 + buf[at + 2 + i]!;
      head += count;
    }
    if (at + head + n > buf.length) throw new Error('the DER ends inside an element');
    return { start: at + head, end: at + head + n };
  };
  if (der[0] !== 0x30) throw new Error('the DER does not start with a SEQUENCE');
  const outer = read(der, 0);
  const parts: Buffer[] = [];
  for (let at = outer.start; at < outer.end; ) {
    const e = read(der, at);
    parts.push(der.subarray(at, e.end));
    at = e.end;
  }
  return parts;
}
