/**
 * A small ASN.1 DER reader (ITU-T X.690) for the PKCS#12 file of ACM activation. Written here
 * because node:crypto reads keys and certificates but not PKCS#12 containers, and the only
 * well-kept JavaScript PKCS#12 readers (node-forge, pkijs) are large dependencies this project does
 * not have; this reads only definite lengths, which every DER file uses.
 */
import { AmtError } from '../../errors';

export interface Node {
  tag: number;
  /** The content octets. */
  value: Buffer;
  /** The whole encoding (tag, length, content). */
  raw: Buffer;
}

function bad(what: string): AmtError {
  return new AmtError('activation.cert', `The certificate file is not valid PKCS#12 (${what}); export it again as a .pfx with its private key and whole chain.`);
}

/** Reads one element at `at`. */
export function readNode(buf: Buffer, at = 0): Node & { end: number } {
  if (at + 2 > buf.length) throw bad('truncated element');
  const tag = buf[at]!;
  let len = buf[at + 1]!;
  let head = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw bad(n === 0 ? 'indefinite length' : 'oversized length');
    if (at + 2 + n > buf.length) throw bad('truncated length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[at + 2 + i]!;
    head += n;
  }
  const end = at + head + len;
  if (end > buf.length) throw bad('element runs past the end');
  return { tag, value: buf.subarray(at + head, end), raw: buf.subarray(at, end), end };
}

/** The elements inside a constructed element's content. */
export function children(node: Node): Node[] {
  const out: Node[] = [];
  for (let at = 0; at < node.value.length; ) {
    const child = readNode(node.value, at);
    out.push(child);
    at = child.end;
  }
  return out;
}

export function expectTag(node: Node | undefined, tag: number, what: string): Node {
  if (!node || node.tag !== tag) throw bad(`${what} is missing`);
  return node;
}

export function oidText(node: Node): string {
  const b = node.value;
  if (b.length === 0) throw bad('empty object identifier');
  const parts = [Math.floor(b[0]! / 40), b[0]! % 40];
  let v = 0;
  for (let i = 1; i < b.length; i++) {
    v = v * 128 + (b[i]! & 0x7f);
    if (!(b[i]! & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

export function intValue(node: Node): number {
  let v = 0;
  for (const byte of node.value) v = v * 256 + byte;
  return v;
}

/** `[0] EXPLICIT` content, or the primitive `[0] IMPLICIT OCTET STRING` bytes (0x80), or constructed pieces (0xa0). */
export function octetsOf(node: Node): Buffer {
  if (node.tag === 0x04 || node.tag === 0x80) return node.value;
  if (node.tag === 0x24 || node.tag === 0xa0) return Buffer.concat(children(node).map(octetsOf));
  throw bad(`an octet string was expected (tag 0x${node.tag.toString(16)})`);
}

export { bad as pkcs12Error };
