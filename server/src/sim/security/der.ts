/**
 * Just enough ASN.1 DER (ITU-T X.690) to write a PKCS#10 certificate request (RFC 2986) and a
 * self-signed X.509 certificate (RFC 5280), signed with node:crypto. Nothing here parses a whole
 * structure; `children` splits one SEQUENCE into its elements.
 */
import { createPublicKey, sign, type KeyObject } from 'node:crypto';

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
}

export const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
export const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
export const nul = () => Buffer.from([0x05, 0x00]);
export const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
export const octets = (b: Buffer) => tlv(0x04, b);
export const bits = (b: Buffer) => tlv(0x03, Buffer.concat([Buffer.from([0]), b]));
/** Context-specific constructed tag [n]. */
export const ctx = (n: number, body: Buffer) => tlv(0xa0 + n, body);

export function int(v: number | Buffer): Buffer {
  let b = typeof v === 'number' ? Buffer.from(v.toString(16).padStart(2, '0').replace(/^(.(..)*)$/, '0$1'), 'hex') : v;
  if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

export function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [40 * a + b];
  for (const n of rest) {
    const groups: number[] = [];
    for (let v = n; ; v = Math.floor(v / 128)) {
      groups.unshift(v % 128);
      if (v < 128) break;
    }
    out.push(...groups.map((g, i) => (i < groups.length - 1 ? g | 0x80 : g)));
  }
  return tlv(0x06, Buffer.from(out));
}

/** The elements of one DER SEQUENCE/SET (definite lengths only), each with its own tag and length. */
export function children(der: Buffer): Buffer[] {
  const inner = element(der, 0).body;
  const out: Buffer[] = [];
  for (let at = 0; at < inner.length; ) {
    const e = element(inner, at);
    out.push(inner.subarray(at, e.end));
    at = e.end;
  }
  return out;
}

function element(buf: Buffer, at: number): { body: Buffer; end: number } {
  if (at + 2 > buf.length) throw new Error('truncated DER element');
  let n = buf[at + 1];
  let head = 2;
  if (n & 0x80) {
    const count = n & 0x7f;
    if (count === 0 || count > 4 || at + 2 + count > buf.length) throw new Error('unsupported DER length');
    n = 0;
    for (let i = 0; i < count; i++) n = n * 256 + buf[at + 2 + i];
    head += count;
  }
  if (at + head + n > buf.length) throw new Error('truncated DER element');
  return { body: buf.subarray(at + head, at + head + n), end: at + head + n };
}

/** RFC 8017 A.2.4 signature algorithms: AMT's SigningAlgorithm 0 SHA1, 1 SHA256, 2 SHA384. */
export const RSA_SIGNATURE: Record<string, { oid: string; hash: string }> = {
  sha1: { oid: '1.2.840.113549.1.1.5', hash: 'sha1' },
  sha256: { oid: '1.2.840.113549.1.1.11', hash: 'sha256' },
  sha384: { oid: '1.2.840.113549.1.1.12', hash: 'sha384' },
};

/** `SEQUENCE { tbs, AlgorithmIdentifier, BIT STRING signature }`, the shape of both CSRs and certificates. */
export function signed(tbs: Buffer, key: KeyObject, hash: keyof typeof RSA_SIGNATURE = 'sha256'): Buffer {
  const alg = RSA_SIGNATURE[hash];
  return seq(tbs, seq(oid(alg.oid), nul()), bits(sign(alg.hash, tbs, key)));
}

/** An X.501 Name with one RDN per attribute, e.g. `{ CN: 'x' }`. */
export function name(attrs: Record<string, string>): Buffer {
  const OIDS: Record<string, string> = { CN: '2.5.4.3', O: '2.5.4.10', C: '2.5.4.6', OU: '2.5.4.11' };
  return seq(...Object.entries(attrs).map(([k, v]) => set(seq(oid(OIDS[k]), k === 'C' ? tlv(0x13, Buffer.from(v)) : utf8(v)))));
}

function time(d: Date): Buffer {
  const s = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(s.slice(2))) : tlv(0x18, Buffer.from(s));
}

/**
 * A self-signed X.509 v3 certificate for `key`, valid from `notBefore` for 20 years, with the
 * subject alternative names AMT's own certificate carries for local use (RFC 5280 4.2.1.6).
 */
export function selfSignedCertificate(key: KeyObject, cn: string, notBefore: Date, dnsNames: readonly string[], ips: readonly string[]): Buffer {
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const subject = name({ C: 'unknown', O: 'unknown', CN: cn });
  const notAfter = new Date(notBefore.getTime() + 20 * 365 * 86400_000);
  const san = seq(
    ...dnsNames.map((d) => tlv(0x82, Buffer.from(d))),
    ...ips.map((ip) => tlv(0x87, Buffer.from(ip.split('.').map(Number)))),
  );
  const extensions = ctx(3, seq(seq(oid('2.5.29.17'), octets(san)), seq(oid('2.5.29.19'), octets(seq()))));
  const serial = int(Buffer.from([0x01, ...Buffer.from(cn).subarray(0, 7)]));
  const tbs = seq(ctx(0, int(2)), serial, seq(oid(RSA_SIGNATURE.sha256.oid), nul()), subject, seq(time(notBefore), time(notAfter)), subject, spki, extensions);
  return signed(tbs, key);
}

export function pem(label: string, der: Buffer): string {
  const b64 = der.toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}-----END ${label}-----\n`;
}
