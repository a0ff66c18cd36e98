/**
 * The firmware's own APF framing (as Intel LMS implements it; docs/simulator.md). The simulator must not import product code, so
 * this is a second, deliberately small implementation: the firmware builds messages from field
 * lists and parses what the host sends with a bounds-checked cursor. The numbers below duplicate
 * the APF constants on purpose.
 */

export const APF = {
  DISCONNECT: 1,
  SERVICE_REQUEST: 5,
  SERVICE_ACCEPT: 6,
  USERAUTH_REQUEST: 50,
  USERAUTH_FAILURE: 51,
  USERAUTH_SUCCESS: 52,
  GLOBAL_REQUEST: 80,
  REQUEST_SUCCESS: 81,
  REQUEST_FAILURE: 82,
  CHANNEL_OPEN: 90,
  CHANNEL_OPEN_CONFIRMATION: 91,
  CHANNEL_OPEN_FAILURE: 92,
  CHANNEL_WINDOW_ADJUST: 93,
  CHANNEL_DATA: 94,
  CHANNEL_CLOSE: 97,
  PROTOCOLVERSION: 192,
  KEEPALIVE_REQUEST: 208,
  KEEPALIVE_REPLY: 209,
  KEEPALIVE_OPTIONS_REQUEST: 210,
  KEEPALIVE_OPTIONS_REPLY: 211,
} as const;

export const REASON = { PROTOCOL_ERROR: 2, SERVICE_NOT_AVAILABLE: 7, VERSION_NOT_SUPPORTED: 8, BY_APPLICATION: 11 } as const;
export const OPEN_FAILURE = { ADMINISTRATIVELY_PROHIBITED: 1, CONNECT_FAILED: 2, UNKNOWN_CHANNEL_TYPE: 3 } as const;
export const PFWD = 'pfwd@amt.intel.com';
export const AUTH = 'auth@amt.intel.com';
export const LME_TRIGGER = 254;

/** A field of an outgoing message: u8 / u32 (big-endian) / u32-length-prefixed string or bytes / raw bytes. */
export type Field = { u8: number } | { u32: number } | { str: string | Buffer } | { raw: Buffer };

export function build(type: number, ...fields: Field[]): Buffer {
  const parts: Buffer[] = [Buffer.of(type)];
  for (const f of fields) {
    if ('u8' in f) parts.push(Buffer.of(f.u8));
    else if ('u32' in f) {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(f.u32 >>> 0);
      parts.push(b);
    } else if ('str' in f) {
      const body = typeof f.str === 'string' ? Buffer.from(f.str) : f.str;
      const len = Buffer.alloc(4);
      len.writeUInt32BE(body.length);
      parts.push(len, body);
    } else parts.push(f.raw);
  }
  return Buffer.concat(parts);
}

export class WireError extends Error {}

/** Cursor over one host message; throws WireError on anything that does not fit. */
export class Cursor {
  private at = 1;
  constructor(private readonly buf: Buffer) {}
  get type(): number {
    return this.buf[0];
  }
  private take(n: number): Buffer {
    if (n > this.buf.length - this.at) throw new WireError(`message type ${this.type} is truncated`);
    const out = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  u8(): number {
    return this.take(1)[0];
  }
  u32(): number {
    return this.take(4).readUInt32BE(0);
  }
  bytes(): Buffer {
    return this.take(this.u32());
  }
  str(): string {
    return this.bytes().toString();
  }
  skip(n: number): void {
    this.take(n);
  }
  end(): void {
    if (this.at !== this.buf.length) throw new WireError(`message type ${this.type} has trailing bytes`);
  }
}

/** UUID text → the 16 mixed-endian bytes APF and AMTHI carry (first three groups little-endian). */
export function uuidBytes(text: string): Buffer {
  const hex = text.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`not a UUID: ${text}`);
  const b = Buffer.from(hex, 'hex');
  b.subarray(0, 4).reverse();
  b.subarray(4, 6).reverse();
  b.subarray(6, 8).reverse();
  return b;
}
