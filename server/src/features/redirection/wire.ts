/**
 * The redirection protocol's bytes (ports 16994/16995): message types, lengths, builders for what
 * a console sends and readers for what the firmware sends. Every integer is little-endian; the
 * only big-endian values are inside SCSI data (scsi.ts).
 *
 * Messages are concatenated on the stream with no outer framing, so `MessageReader` keeps an
 * accumulator and cuts whole messages by each type's own length rule: a message split across
 * reads waits for the rest, several in one read come out one by one.
 */
import { AmtError } from '../../errors';

export const MSG = {
  START_SESSION: 0x10, START_SESSION_REPLY: 0x11, END_SESSION: 0x12, AUTHENTICATE: 0x13, AUTHENTICATE_REPLY: 0x14,
  SOL_START: 0x20, SOL_START_REPLY: 0x21, SOL_END: 0x22, SOL_END_REPLY: 0x23, SOL_PING: 0x24, SOL_PONG: 0x25,
  SOL_SETTINGS: 0x27, SOL_TO_HOST: 0x28, SOL_CONTROLS: 0x29, SOL_FROM_HOST: 0x2a, SOL_HEARTBEAT: 0x2b,
  IDER_START: 0x40, IDER_START_REPLY: 0x41, IDER_END: 0x42, IDER_END_REPLY: 0x43, IDER_PING: 0x44, IDER_PONG: 0x45,
  IDER_RESET: 0x46, IDER_RESET_REPLY: 0x47, IDER_FEATURES: 0x48, IDER_FEATURES_REPLY: 0x49, IDER_ERROR: 0x4a,
  IDER_HEARTBEAT: 0x4b, IDER_COMMAND: 0x50, IDER_COMMAND_END: 0x51, IDER_GET_DATA: 0x52, IDER_DATA_FROM_HOST: 0x53,
  IDER_DATA_TO_HOST: 0x54,
} as const;

export type SessionTag = 'SOL ' | 'IDER' | 'KVMR';

/** StartRedirectionSessionReply status (byte 1 of 0x11). */
export const START_STATUS = { SUCCESS: 0, TYPE_UNKNOWN: 1, BUSY: 2, UNSUPPORTED: 3, ERROR: 0xff } as const;
/** AuthenticateSessionReply status (byte 1 of 0x14). */
export const AUTH_STATUS = { SUCCESS: 0, FAILURE: 1, NOT_SUPPORTED: 2 } as const;
export const AUTH_TYPE = { QUERY: 0, BASIC: 1, KERBEROS: 2, DIGEST_2069: 3, DIGEST: 4 } as const;

/**
 * The whole length of the message at the start of `buf`, or 0 when more bytes are needed to know
 * it (or to have it all). Throws for a type byte no rule knows: the stream cannot be re-synchronised.
 */
export function messageLength(buf: Buffer): number {
  if (buf.length < 1) return 0;
  const fixed = FIXED[buf[0]!];
  if (fixed !== undefined) return buf.length >= fixed ? fixed : 0;
  const need = (n: number, total: () => number) => {
    if (buf.length < n) return 0;
    const len = total();
    return buf.length >= len ? len : 0;
  };
  switch (buf[0]) {
    case MSG.START_SESSION_REPLY: return need(13, () => 13 + buf[12]!);
    case MSG.AUTHENTICATE:
    case MSG.AUTHENTICATE_REPLY: {
      // The length is a u32: without a cap a hostile device could make the reader buffer gigabytes.
      if (buf.length >= 9 && buf.readUInt32LE(5) > MAX_AUTH_DATA) {
        throw new AmtError('redir.protocol', `The device announced ${buf.readUInt32LE(5)} bytes of log-on data, more than the ${MAX_AUTH_DATA} a redirection log-on ever needs; the session was ended.`);
      }
      return need(9, () => 9 + buf.readUInt32LE(5));
    }
    case MSG.SOL_TO_HOST:
    case MSG.SOL_FROM_HOST: return need(10, () => 10 + buf.readUInt16LE(8));
    case MSG.IDER_START_REPLY: return need(30, () => 30 + buf[29]!);
    case MSG.IDER_DATA_FROM_HOST: return need(14, () => 14 + buf.readUInt16LE(9));
    case MSG.IDER_DATA_TO_HOST: return need(34, () => 34 + buf.readUInt16LE(9));
    default:
      throw new AmtError('redir.protocol', `The device sent redirection message type 0x${buf[0]!.toString(16).padStart(2, '0')}, which this client does not know; the session was ended.`);
  }
}

/** Log-on data longer than this is refused: realm, nonce and qop (or eight digest fields) of at most 255 bytes each. */
const MAX_AUTH_DATA = 8 * 256;

const FIXED: Record<number, number> = {
  [MSG.START_SESSION]: 8, [MSG.END_SESSION]: 4,
  [MSG.SOL_START]: 24, [MSG.SOL_START_REPLY]: 23, [MSG.SOL_END]: 8, [MSG.SOL_END_REPLY]: 8, [MSG.SOL_PING]: 8,
  [MSG.SOL_PONG]: 8, [MSG.SOL_SETTINGS]: 14, [MSG.SOL_CONTROLS]: 10, [MSG.SOL_HEARTBEAT]: 8,
  [MSG.IDER_START]: 18, [MSG.IDER_END]: 8, [MSG.IDER_END_REPLY]: 8, [MSG.IDER_PING]: 8, [MSG.IDER_PONG]: 8,
  [MSG.IDER_RESET]: 9, [MSG.IDER_RESET_REPLY]: 8, [MSG.IDER_FEATURES]: 13, [MSG.IDER_FEATURES_REPLY]: 13,
  [MSG.IDER_ERROR]: 11, [MSG.IDER_HEARTBEAT]: 8, [MSG.IDER_COMMAND]: 28, [MSG.IDER_COMMAND_END]: 31, [MSG.IDER_GET_DATA]: 31,
};

/** Cuts a byte stream into whole messages (see the file comment). */
export class MessageReader {
  private acc: Buffer = Buffer.alloc(0);

  /** Bytes waiting for the rest of their message. */
  get pending(): number {
    return this.acc.length;
  }

  /** Removes and returns the bytes waiting (a protocol hand-off, see RedirectionLink.detach). */
  take(): Buffer {
    const rest = this.acc;
    this.acc = Buffer.alloc(0);
    return rest;
  }

  /** Adds bytes and returns every message now complete, in order. */
  push(chunk: Buffer): Buffer[] {
    this.acc = this.acc.length ? Buffer.concat([this.acc, chunk]) : chunk;
    const out: Buffer[] = [];
    for (;;) {
      const len = messageLength(this.acc);
      if (len === 0) break;
      out.push(this.acc.subarray(0, len));
      this.acc = this.acc.subarray(len);
    }
    return out;
  }
}

/* ---- session manager (§2) ---- */

export function startSession(tag: SessionTag): Buffer {
  // Byte 1 is 0x01 for KVM in every console that has KVM (spec §2.2); its meaning is not documented.
  return Buffer.concat([Buffer.from([MSG.START_SESSION, tag === 'KVMR' ? 1 : 0, 0, 0]), Buffer.from(tag, 'latin1')]);
}

export function endSession(): Buffer {
  return Buffer.from([MSG.END_SESSION, 0, 0, 0]);
}

export interface StartReply { status: number; oem: Buffer }
export function readStartReply(m: Buffer): StartReply {
  return { status: m[1]!, oem: m.subarray(13, 13 + m[12]!) };
}

export function authenticate(type: number, data: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.from([MSG.AUTHENTICATE, 0, 0, 0, type, 0, 0, 0, 0]);
  head.writeUInt32LE(data.length, 5);
  return Buffer.concat([head, data]);
}

export interface AuthReply { status: number; type: number; data: Buffer }
export function readAuthReply(m: Buffer): AuthReply {
  return { status: m[1]!, type: m[4]!, data: m.subarray(9, 9 + m.readUInt32LE(5)) };
}

/** u8-length strings, as auth data carries them (no NUL). */
export function lengthPrefixed(fields: readonly string[]): Buffer {
  const parts: Buffer[] = [];
  for (const f of fields) {
    const b = Buffer.from(f, 'utf8');
    if (b.length > 255) throw new AmtError('args.invalid', `A redirection log-on field is ${b.length} bytes long; AMT accepts at most 255 (user names and passwords are far shorter).`);
    parts.push(Buffer.from([b.length]), b);
  }
  return Buffer.concat(parts);
}

export function readLengthPrefixed(data: Buffer): string[] {
  const out: string[] = [];
  for (let i = 0; i < data.length; ) {
    const n = data[i]!;
    if (i + 1 + n > data.length) throw new AmtError('redir.protocol', 'The device sent a log-on challenge whose fields run past its end; the session was ended.');
    out.push(data.subarray(i + 1, i + 1 + n).toString('latin1'));
    i += 1 + n;
  }
  return out;
}

/* ---- SOL (§3) ---- */

/** The 8-byte header of SOL messages: type, 3 reserved, u32 sequence. */
export function solHeader(type: number, seq: number, extra = 0): Buffer {
  const b = Buffer.alloc(8 + extra);
  b[0] = type;
  b.writeUInt32LE(seq >>> 0, 4);
  return b;
}

export interface SolSettings {
  maxTxBuffer: number; txBufferTimeout: number; txOverflowTimeout: number;
  hostSessionRxTimeout: number; hostFifoRxFlushTimeout: number; heartbeatInterval: number;
}
/** MeshCommander's values (spec §3.2). */
export const SOL_SETTINGS: SolSettings = { maxTxBuffer: 10000, txBufferTimeout: 100, txOverflowTimeout: 0, hostSessionRxTimeout: 10000, hostFifoRxFlushTimeout: 100, heartbeatInterval: 0 };

export function solStart(seq: number, s: SolSettings = SOL_SETTINGS): Buffer {
  const b = solHeader(MSG.SOL_START, seq, 16);
  [s.maxTxBuffer, s.txBufferTimeout, s.txOverflowTimeout, s.hostSessionRxTimeout, s.hostFifoRxFlushTimeout, s.heartbeatInterval]
    .forEach((v, i) => b.writeUInt16LE(v, 8 + 2 * i));
  return b;
}

/** The undocumented 0x27 that MeshCommander sends after 0x21 (`00 00 1B 00 00 00`). */
export function solSettingsMessage(seq: number): Buffer {
  const b = solHeader(MSG.SOL_SETTINGS, seq, 6);
  b[10] = 0x1b;
  return b;
}

export function solData(seq: number, bytes: Buffer): Buffer {
  const b = solHeader(MSG.SOL_TO_HOST, seq, 2);
  b.writeUInt16LE(bytes.length, 8);
  return Buffer.concat([b, bytes]);
}

export function readSolData(m: Buffer): Buffer {
  return m.subarray(10, 10 + m.readUInt16LE(8));
}

export const SOL_STATUS_POWERED = 0x04;

/* ---- IDE-R (§4) ---- */

/** The 8-byte IDER header: type, 2 reserved, attributes, u32 sequence. */
export function iderHeader(type: number, seq: number, attributes = 0, extra = 0): Buffer {
  const b = Buffer.alloc(8 + extra);
  b[0] = type;
  b[3] = attributes;
  b.writeUInt32LE(seq >>> 0, 4);
  return b;
}

export function iderStart(seq: number): Buffer {
  const b = iderHeader(MSG.IDER_START, seq, 0, 10);
  b.writeUInt16LE(30000, 8); // RxTimeout
  b.writeUInt16LE(0, 10); // TxTimeout
  b.writeUInt16LE(20000, 12); // Heartbeat
  b.writeUInt32LE(1, 14); // Version
  return b;
}

export interface IderStartReply { status: number; major: number; minor: number; readBuffer: number; writeBuffer: number; features: number }
export function readIderStartReply(m: Buffer): IderStartReply {
  return { status: m[1]!, major: m[8]!, minor: m[9]!, readBuffer: m.readUInt16LE(16), writeBuffer: m.readUInt16LE(18), features: m[21]! };
}

export function iderFeatures(seq: number, type: number, value: number): Buffer {
  const b = iderHeader(MSG.IDER_FEATURES, seq, 0, 5);
  b[8] = type;
  b.writeUInt32LE(value >>> 0, 9);
  return b;
}

export interface IderCommand { device: number; dma: boolean; byteCount: number; ataCommand: number; cdb: Buffer }
export function readIderCommand(m: Buffer): IderCommand {
  return { dma: (m[9]! & 1) === 1, byteCount: m.readUInt16LE(12), device: m[14]! & 0x10 ? 0xb0 : 0xa0, ataCommand: m[15]!, cdb: m.subarray(16, 28) };
}

/** ATAPI output registers: mask, error, sector count (interrupt reason), sector number, byte count ×2, drive, status. */
function registers(mask: number, error: number, device: number, status: number): number[] {
  return [mask, error, 0x03, 0, 0, 0, device, status];
}

/** CommandEndResponse: GOOD, or CHECK CONDITION with its sense (never the GOOD form with sense). */
export function iderCommandEnd(seq: number, device: number, sense?: { key: number; asc: number; ascq: number }): Buffer {
  const b = iderHeader(MSG.IDER_COMMAND_END, seq, 2, 23);
  const out = sense && sense.key !== 0 ? registers(0x87, sense.key << 4, device, 0x51) : registers(0xc5, 0, device, 0x50);
  b.set(out, 20);
  if (sense && sense.key !== 0) b.set([sense.key, sense.asc, sense.ascq], 28);
  return b;
}

/** DataToHost: one chunk of a read; `last` carries the completed attribute and the ending registers. */
export function iderDataToHost(seq: number, device: number, data: Buffer, last: boolean, dma: boolean): Buffer {
  return Buffer.concat(iderDataToHostParts(seq, device, data, last, dma));
}

/** DataToHost as its 34-byte head and the data, to be written without copying the data. */
export function iderDataToHostParts(seq: number, device: number, data: Buffer, last: boolean, dma: boolean): [Buffer, Buffer] {
  const b = iderHeader(MSG.IDER_DATA_TO_HOST, seq, (last ? 2 : 0) + (dma ? 1 : 0), 26);
  b.writeUInt16LE(data.length, 9);
  const n = dma ? 0 : data.length;
  b.set([dma ? 0xb4 : 0xb5, 0, 0x02, 0, n & 0xff, (n >> 8) & 0xff, device, 0x58], 12);
  if (last) b.set(registers(0x85, 0, device, 0x50), 20);
  return [b, data];
}
