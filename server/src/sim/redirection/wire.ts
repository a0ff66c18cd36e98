/**
 * The redirection protocol's bytes as the simulated firmware reads and writes them (ports
 * 16994/16995; docs/simulator.md "Redirection"). All integers are little-endian. Messages come
 * concatenated with no outer framing, so `nextMessage` cuts one whole message off an accumulator
 * by its type and type-specific length, or says that more bytes are needed.
 *
 * The sim keeps its own codec (it never imports product code); the layouts are the ones amtterm,
 * MeshCommander and the Intel AMT SDK use.
 */

export const MSG = {
  StartSession: 0x10, StartSessionReply: 0x11, EndSession: 0x12, Authenticate: 0x13, AuthenticateReply: 0x14,
  SolStart: 0x20, SolStartReply: 0x21, SolEnd: 0x22, SolEndReply: 0x23, SolPing: 0x24, SolPong: 0x25,
  SolSettings: 0x27, SolDataToHost: 0x28, SolControls: 0x29, SolDataFromHost: 0x2a, SolHeartbeat: 0x2b,
  IderStart: 0x40, IderStartReply: 0x41, IderEnd: 0x42, IderEndReply: 0x43, IderPing: 0x44, IderPong: 0x45,
  IderReset: 0x46, IderResetReply: 0x47, IderFeatures: 0x48, IderFeaturesReply: 0x49, IderError: 0x4a,
  IderHeartbeat: 0x4b, IderCommand: 0x50, IderCommandEnd: 0x51, IderGetData: 0x52, IderDataFromHost: 0x53,
  IderDataToHost: 0x54,
} as const;

/** StartRedirectionSessionReply status values. */
export const START_STATUS = { Success: 0, TypeUnknown: 1, Busy: 2, Unsupported: 3, Error: 0xff } as const;
/** AuthenticateSessionReply status values. */
export const AUTH_STATUS = { Success: 0, Failure: 1, NotSupported: 2 } as const;
/** Authentication types: 0 query, 1 user/password in clear, 3 digest RFC 2069, 4 digest RFC 2617. */
export const AUTH_TYPE = { Query: 0, Basic: 1, Digest2069: 3, Digest2617: 4 } as const;

export type SessionKind = 'SOL' | 'IDER' | 'KVMR';
export const SESSION_TAGS: Readonly<Record<string, SessionKind>> = { 'SOL ': 'SOL', IDER: 'IDER', KVMR: 'KVMR' };

/** Longest authentication data a console may send (user, realm, nonce, uri, cnonce, nc, response, qop). */
const MAX_AUTH_DATA = 2048;
/** Longest SOL payload or IDE-R data chunk accepted in one message (the 8192-byte buffers of 0x41). */
export const MAX_CHUNK = 8192;

/** The shortest heartbeat period the firmware keeps, whatever a console asks for (a 1 ms request would flood it). */
export const MIN_HEARTBEAT_MS = 250;

const FIXED: Readonly<Record<number, number>> = {
  [MSG.StartSession]: 8, [MSG.EndSession]: 4, [MSG.SolStart]: 24, [MSG.SolEnd]: 8, [MSG.SolPing]: 8,
  [MSG.SolPong]: 8, [MSG.SolSettings]: 14, [MSG.SolHeartbeat]: 8, [MSG.IderEnd]: 8, [MSG.IderPing]: 8,
  [MSG.IderPong]: 8, [MSG.IderResetReply]: 8, [MSG.IderFeatures]: 13, [MSG.IderHeartbeat]: 8,
  [MSG.IderCommandEnd]: 31, [MSG.IderGetData]: 31,
};

export class WireError extends Error {}

/**
 * The whole message at the start of `acc`, or undefined when more bytes are needed. `kvm` picks
 * the 8-byte form of 0x40 (KVM's start) over the 18-byte IDE-R form. Throws WireError for a type
 * a console never sends or a length beyond the protocol's limits.
 */
export function nextMessage(acc: Buffer, kvm: boolean): Buffer | undefined {
  if (acc.length === 0) return undefined;
  const type = acc[0];
  let length: number | undefined = FIXED[type];
  if (type === MSG.IderStart) length = kvm ? 8 : 18;
  else if (type === MSG.Authenticate) {
    if (acc.length < 9) return undefined;
    const data = acc.readUInt32LE(5);
    if (data > MAX_AUTH_DATA) throw new WireError(`authentication data of ${data} bytes (at most ${MAX_AUTH_DATA})`);
    length = 9 + data;
  } else if (type === MSG.SolDataToHost) {
    if (acc.length < 10) return undefined;
    const data = acc.readUInt16LE(8);
    if (data > MAX_CHUNK) throw new WireError(`SOL data of ${data} bytes (at most ${MAX_CHUNK})`);
    length = 10 + data;
  } else if (type === MSG.IderDataToHost) {
    if (acc.length < 11) return undefined;
    const data = acc.readUInt16LE(9);
    if (data > MAX_CHUNK) throw new WireError(`IDE-R data of ${data} bytes (at most ${MAX_CHUNK})`);
    length = 34 + data;
  }
  if (length === undefined) throw new WireError(`unknown message type 0x${type.toString(16).padStart(2, '0')}`);
  return acc.length >= length ? acc.subarray(0, length) : undefined;
}

/** `type 00 00 00` + u32 LE sequence number + the body. */
export function withHeader(type: number, seq: number, body: Buffer | number[] = [], attributes = 0): Buffer {
  const head = Buffer.from([type, 0, 0, attributes, 0, 0, 0, 0]);
  head.writeUInt32LE(seq >>> 0, 4);
  return Buffer.concat([head, Buffer.isBuffer(body) ? body : Buffer.from(body)]);
}

export function startReply(status: number): Buffer {
  // Bytes 4–11: protocol/firmware version and OEM IANA in real firmware; no console reads them.
  const b = Buffer.alloc(13);
  b[0] = MSG.StartSessionReply;
  b[1] = status;
  b[4] = 1; // protocol major (amtterm's SOL_FIRMWARE_REV_MAJOR)
  return b;
}

export function authReply(status: number, type: number, data: Buffer = Buffer.alloc(0)): Buffer {
  const b = Buffer.alloc(9);
  b[0] = MSG.AuthenticateReply;
  b[1] = status;
  b[4] = type;
  b.writeUInt32LE(data.length, 5);
  return Buffer.concat([b, data]);
}

/** u8-length-prefixed strings, as auth data carries them. */
export function lengthStrings(...values: string[]): Buffer {
  return Buffer.concat(values.map((v) => {
    const s = Buffer.from(v, 'utf8').subarray(0, 255);
    return Buffer.concat([Buffer.from([s.length]), s]);
  }));
}

/** Reads u8-length-prefixed strings until `data` ends; throws WireError when one overruns. */
export function readLengthStrings(data: Buffer): string[] {
  const out: string[] = [];
  let at = 0;
  while (at < data.length) {
    const n = data[at];
    if (at + 1 + n > data.length) throw new WireError('an authentication field runs past its message');
    out.push(data.subarray(at + 1, at + 1 + n).toString('utf8'));
    at += 1 + n;
  }
  return out;
}
