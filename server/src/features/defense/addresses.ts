/**
 * Addresses and port ranges as a user types them for a System Defense filter, checked and turned
 * into what AMT_IPHeadersFilter holds: addresses as hexBinary of their octets (`C0A80001`), with a
 * mask (`10.0.0.0/8`) or an end of range (`10.0.0.1-10.0.0.9`). node:net says whether a text is an
 * address but gives no octets, and no well-kept library is installed, so the octets are made here.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { AmtError } from '../../errors';

export interface AddressRule {
  version: 4 | 6;
  address: string;
  mask?: string;
  end?: string;
}

function v4Bytes(text: string): number[] {
  return text.split('.').map(Number);
}

function v6Bytes(text: string): number[] {
  // A trailing dotted IPv4 part (::ffff:1.2.3.4) becomes two groups.
  let t = text;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(t);
  if (dotted) {
    const b = v4Bytes(dotted[1]!);
    t = `${t.slice(0, -dotted[1]!.length)}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, tail] = t.includes('::') ? t.split('::') : [t, undefined];
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

const hex = (bytes: number[]) => bytes.map((b) => b.toString(16).padStart(2, '0')).join('').toUpperCase();

function bytesOf(text: string, what: string): { version: 4 | 6; bytes: number[] } {
  if (isIPv4(text)) return { version: 4, bytes: v4Bytes(text) };
  if (isIPv6(text)) return { version: 6, bytes: v6Bytes(text) };
  throw new AmtError('defense.invalid', `The ${what} "${text}" is not an IPv4 or IPv6 address; write one such as 192.168.1.10, 10.0.0.0/8 or 10.0.0.1-10.0.0.9.`);
}

/** `a`, `a/prefix` or `a-b` → the filter's address rule; anything else is refused in one sentence. */
export function parseAddressRule(input: string, what: string): AddressRule {
  const text = input.trim();
  const slash = text.indexOf('/');
  if (slash >= 0) {
    const { version, bytes } = bytesOf(text.slice(0, slash), what);
    const bits = version === 4 ? 32 : 128;
    const prefixText = text.slice(slash + 1);
    const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
    if (!(prefix >= 0 && prefix <= bits)) throw new AmtError('defense.invalid', `The ${what} "${text}" has the prefix length "${prefixText}"; write a number from 0 to ${bits} after the slash.`);
    const mask = bytes.map((_, i) => {
      const on = Math.max(0, Math.min(8, prefix - i * 8));
      return (0xff << (8 - on)) & 0xff;
    });
    return { version, address: hex(bytes), mask: hex(mask) };
  }
  const dash = text.indexOf('-');
  if (dash > 0) {
    const a = bytesOf(text.slice(0, dash).trim(), what);
    const b = bytesOf(text.slice(dash + 1).trim(), what);
    if (a.version !== b.version) throw new AmtError('defense.invalid', `The ${what} range "${text}" mixes IPv4 and IPv6; write both ends in the same version.`);
    if (hex(a.bytes) > hex(b.bytes)) throw new AmtError('defense.invalid', `The ${what} range "${text}" ends before it starts; write the lower address first.`);
    return { version: a.version, address: hex(a.bytes), end: hex(b.bytes) };
  }
  const { version, bytes } = bytesOf(text, what);
  return { version, address: hex(bytes) };
}

/** hexBinary octets back to text (for showing a filter). */
export function addressText(hexText: string): string {
  const b = Buffer.from(hexText, 'hex');
  if (b.length === 4) return [...b].join('.');
  if (b.length === 16) {
    const groups = [...Array(8).keys()].map((i) => b.readUInt16BE(i * 2).toString(16));
    return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::').replace(/:{3,}/, '::');
  }
  return hexText;
}

/** The prefix length a contiguous mask stands for, else undefined. */
export function prefixOf(maskHex: string): number | undefined {
  const bits = [...Buffer.from(maskHex, 'hex')].map((x) => x.toString(2).padStart(8, '0')).join('');
  return /^1*0*$/.test(bits) ? bits.indexOf('0') === -1 ? bits.length : bits.indexOf('0') : undefined;
}

/** `53` or `1000-2000` → [start, end]; refused unless both are 0–65535 and in order. */
export function parsePortRange(input: string, what: string): [number, number] {
  const m = /^\s*(\d{1,5})\s*(?:-\s*(\d{1,5})\s*)?$/.exec(input);
  const start = m ? Number(m[1]) : NaN;
  const end = m ? Number(m[2] ?? m[1]) : NaN;
  if (!m || start > 65535 || end > 65535 || start > end) {
    throw new AmtError('defense.invalid', `The ${what} "${input}" is not a port or a range of ports; write a number from 0 to 65535, or two in order such as 1000-2000.`);
  }
  return [start, end];
}
