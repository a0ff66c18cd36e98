/**
 * APF message codec — spec/protocols.md §4.4. One APF message is one MEI message, so `decode`
 * takes exactly one message and rejects trailing bytes wherever the layout is fixed. Integers are
 * big-endian, strings are u32 length + bytes. Every malformed input ends in an AmtError with code
 * `apf.protocol`; no read ever goes past the buffer (all offsets are checked first).
 *
 * Written by hand: the format is small and no maintained npm package implements APF.
 */
import { AmtError } from '../errors';
import { GlobalRequestName, MessageType as T, nameOf } from './constants';

export type ApfMessage =
  | { type: 'disconnect'; reason: number }
  | { type: 'service-request'; service: string }
  | { type: 'service-accept'; service: string }
  /** `password` is present for method `password`; other methods keep their raw tail in `methodData`. */
  | { type: 'userauth-request'; username: string; service: string; method: string; password?: string; methodData?: Buffer }
  | { type: 'userauth-failure'; methods: string }
  | { type: 'userauth-success' }
  | { type: 'tcpip-forward'; wantReply: boolean; address: string; port: number }
  | { type: 'cancel-tcpip-forward'; wantReply: boolean; address: string; port: number }
  | {
      type: 'udp-send-to';
      wantReply: boolean;
      address: string;
      port: number;
      originatorAddress: string;
      originatorPort: number;
      data: Buffer;
    }
  /** A GLOBAL_REQUEST with any other name; `data` is everything after the wantReply byte. */
  | { type: 'global-request'; name: string; wantReply: boolean; data: Buffer }
  /** `port` is present in the reply to tcpip-forward (5 bytes), absent otherwise (1 byte). */
  | { type: 'request-success'; port?: number }
  | { type: 'request-failure' }
  | {
      type: 'channel-open';
      channelType: string;
      senderChannel: number;
      initialWindow: number;
      address: string;
      port: number;
      originatorAddress: string;
      originatorPort: number;
    }
  | { type: 'channel-open-confirmation'; recipientChannel: number; senderChannel: number; initialWindow: number }
  | { type: 'channel-open-failure'; recipientChannel: number; reason: number }
  | { type: 'channel-window-adjust'; recipientChannel: number; bytesToAdd: number }
  | { type: 'channel-data'; recipientChannel: number; data: Buffer }
  | { type: 'channel-close'; recipientChannel: number }
  /** `uuid` is the 16 raw bytes as sent (mixed-endian, §3.4); the 64 reserved bytes are zero on encode. */
  | { type: 'protocol-version'; major: number; minor: number; triggerReason: number; uuid: Buffer }
  | { type: 'keepalive-request'; cookie: number }
  | { type: 'keepalive-reply'; cookie: number }
  | { type: 'keepalive-options-request'; intervalSeconds: number; timeoutSeconds: number }
  | { type: 'keepalive-options-reply'; intervalSeconds: number; timeoutSeconds: number };

export type ApfMessageType = ApfMessage['type'];

/** Default upper bound for one message; callers pass the LME client's maxMessageLength instead. */
export const DEFAULT_MAX_MESSAGE = 65536;
const PROTOCOL_VERSION_LENGTH = 93;
const RESERVED_FFFFFFFF = 0xffffffff;

function protocolError(detail: string): AmtError {
  return new AmtError('apf.protocol', `AMT's port-forwarding (APF) traffic is malformed: ${detail}.`);
}

/** Bounds-checked big-endian reader over one message; byte 0 (the type) is already consumed. */
class Reader {
  private offset = 1;
  constructor(private readonly buf: Buffer, private readonly what: string) {}

  private need(n: number, field: string): void {
    if (n > this.buf.length - this.offset) {
      throw protocolError(`${this.what} is truncated at ${field} (needs ${n} bytes at offset ${this.offset}, ${this.buf.length} in the message)`);
    }
  }
  u8(field: string): number {
    this.need(1, field);
    return this.buf.readUInt8(this.offset++);
  }
  u32(field: string): number {
    this.need(4, field);
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  bytes(n: number, field: string): Buffer {
    this.need(n, field);
    const b = Buffer.from(this.buf.subarray(this.offset, this.offset + n));
    this.offset += n;
    return b;
  }
  string(field: string): string {
    const n = this.u32(`${field} length`);
    return this.bytes(n, field).toString('utf8');
  }
  remaining(): number {
    return this.buf.length - this.offset;
  }
  rest(): Buffer {
    return this.bytes(this.remaining(), 'rest');
  }
  end(): void {
    if (this.offset !== this.buf.length) {
      throw protocolError(`${this.what} has ${this.buf.length - this.offset} unexpected trailing bytes`);
    }
  }
}

/** Decodes exactly one APF message. Throws AmtError(`apf.protocol`) for anything malformed. */
export function decode(buf: Buffer, options: { maxLength?: number } = {}): ApfMessage {
  const max = options.maxLength ?? DEFAULT_MAX_MESSAGE;
  if (buf.length === 0) throw protocolError('an empty message arrived');
  if (buf.length > max) throw protocolError(`a ${buf.length}-byte message exceeds the ${max}-byte maximum`);
  const type = buf[0];
  const r = (what: string) => new Reader(buf, what);
  switch (type) {
    case T.DISCONNECT: {
      const m = r('DISCONNECT');
      const reason = m.u32('reason');
      m.bytes(2, 'reserved');
      m.end();
      return { type: 'disconnect', reason };
    }
    case T.SERVICE_REQUEST:
    case T.SERVICE_ACCEPT: {
      const request = type === T.SERVICE_REQUEST;
      const m = r(request ? 'SERVICE_REQUEST' : 'SERVICE_ACCEPT');
      const service = m.string('service name');
      m.end();
      return { type: request ? 'service-request' : 'service-accept', service };
    }
    case T.USERAUTH_REQUEST:
      return decodeUserauthRequest(r('USERAUTH_REQUEST'));
    case T.USERAUTH_FAILURE: {
      const m = r('USERAUTH_FAILURE');
      const methods = m.string('method list');
      // Trailer is 0–2 bytes depending on the sender (docs/wire-notes.md); more is malformed.
      if (m.remaining() > 2) m.end();
      return { type: 'userauth-failure', methods };
    }
    case T.USERAUTH_SUCCESS:
      r('USERAUTH_SUCCESS').end();
      return { type: 'userauth-success' };
    case T.GLOBAL_REQUEST:
      return decodeGlobalRequest(r('GLOBAL_REQUEST'));
    case T.REQUEST_SUCCESS: {
      const m = r('REQUEST_SUCCESS');
      if (m.remaining() === 0) return { type: 'request-success' };
      const port = m.u32('port');
      m.end();
      return { type: 'request-success', port };
    }
    case T.REQUEST_FAILURE:
      r('REQUEST_FAILURE').end();
      return { type: 'request-failure' };
    case T.CHANNEL_OPEN: {
      const m = r('CHANNEL_OPEN');
      const channelType = m.string('channel type');
      const senderChannel = m.u32('sender channel');
      const initialWindow = m.u32('initial window');
      m.u32('reserved'); // 0xFFFFFFFF by convention; readers (LMS) skip it
      const address = m.string('connected address');
      const port = m.u32('connected port');
      const originatorAddress = m.string('originator address');
      const originatorPort = m.u32('originator port');
      m.end();
      return { type: 'channel-open', channelType, senderChannel, initialWindow, address, port, originatorAddress, originatorPort };
    }
    case T.CHANNEL_OPEN_CONFIRMATION: {
      const m = r('CHANNEL_OPEN_CONFIRMATION');
      const recipientChannel = m.u32('recipient channel');
      const senderChannel = m.u32('sender channel');
      const initialWindow = m.u32('initial window');
      m.u32('reserved');
      m.end();
      return { type: 'channel-open-confirmation', recipientChannel, senderChannel, initialWindow };
    }
    case T.CHANNEL_OPEN_FAILURE: {
      const m = r('CHANNEL_OPEN_FAILURE');
      const recipientChannel = m.u32('recipient channel');
      const reason = m.u32('reason');
      m.u32('reserved');
      m.u32('reserved');
      m.end();
      return { type: 'channel-open-failure', recipientChannel, reason };
    }
    case T.CHANNEL_WINDOW_ADJUST: {
      const m = r('CHANNEL_WINDOW_ADJUST');
      const recipientChannel = m.u32('recipient channel');
      const bytesToAdd = m.u32('bytes to add');
      m.end();
      return { type: 'channel-window-adjust', recipientChannel, bytesToAdd };
    }
    case T.CHANNEL_DATA: {
      const m = r('CHANNEL_DATA');
      const recipientChannel = m.u32('recipient channel');
      const length = m.u32('data length');
      const data = m.bytes(length, 'data');
      m.end();
      return { type: 'channel-data', recipientChannel, data };
    }
    case T.CHANNEL_CLOSE: {
      const m = r('CHANNEL_CLOSE');
      const recipientChannel = m.u32('recipient channel');
      m.end();
      return { type: 'channel-close', recipientChannel };
    }
    case T.PROTOCOLVERSION: {
      if (buf.length !== PROTOCOL_VERSION_LENGTH) {
        throw protocolError(`PROTOCOLVERSION must be ${PROTOCOL_VERSION_LENGTH} bytes, got ${buf.length}`);
      }
      const m = r('PROTOCOLVERSION');
      const major = m.u32('major');
      const minor = m.u32('minor');
      const triggerReason = m.u32('trigger reason');
      const uuid = m.bytes(16, 'uuid');
      return { type: 'protocol-version', major, minor, triggerReason, uuid };
    }
    case T.KEEPALIVE_REQUEST:
    case T.KEEPALIVE_REPLY: {
      const request = type === T.KEEPALIVE_REQUEST;
      const m = r(request ? 'KEEPALIVE_REQUEST' : 'KEEPALIVE_REPLY');
      const cookie = m.u32('cookie');
      m.end();
      return { type: request ? 'keepalive-request' : 'keepalive-reply', cookie };
    }
    case T.KEEPALIVE_OPTIONS_REQUEST:
    case T.KEEPALIVE_OPTIONS_REPLY: {
      const request = type === T.KEEPALIVE_OPTIONS_REQUEST;
      const m = r(request ? 'KEEPALIVE_OPTIONS_REQUEST' : 'KEEPALIVE_OPTIONS_REPLY');
      const intervalSeconds = m.u32('interval');
      const timeoutSeconds = m.u32('timeout');
      m.end();
      return { type: request ? 'keepalive-options-request' : 'keepalive-options-reply', intervalSeconds, timeoutSeconds };
    }
    default:
      throw protocolError(`message type ${type} is not an APF message`);
  }
}

function decodeUserauthRequest(m: Reader): ApfMessage {
  const username = m.string('user name');
  const service = m.string('service name');
  const method = m.string('method');
  if (method === 'password') {
    m.u8('change-password flag'); // always FALSE in APF; readers skip it
    const password = m.string('password');
    m.end();
    return { type: 'userauth-request', username, service, method, password };
  }
  if (method === 'none') {
    m.end();
    return { type: 'userauth-request', username, service, method };
  }
  return { type: 'userauth-request', username, service, method, methodData: m.rest() };
}

function decodeGlobalRequest(m: Reader): ApfMessage {
  const name = m.string('request name');
  const wantReply = m.u8('want-reply') !== 0;
  if (name === GlobalRequestName.TCPIP_FORWARD || name === GlobalRequestName.CANCEL_TCPIP_FORWARD) {
    const address = m.string('address');
    const port = m.u32('port');
    m.end();
    return { type: name === GlobalRequestName.TCPIP_FORWARD ? 'tcpip-forward' : 'cancel-tcpip-forward', wantReply, address, port };
  }
  if (name === GlobalRequestName.UDP_SEND_TO) {
    const address = m.string('address');
    const port = m.u32('port');
    const originatorAddress = m.string('originator address');
    const originatorPort = m.u32('originator port');
    const length = m.u32('data length');
    const data = m.bytes(length, 'data');
    m.end();
    return { type: 'udp-send-to', wantReply, address, port, originatorAddress, originatorPort, data };
  }
  return { type: 'global-request', name, wantReply, data: m.rest() };
}

/** Collects big-endian fields and validates each value while encoding. */
class Writer {
  private readonly parts: Buffer[] = [];
  constructor(private readonly what: string) {}

  u8(v: number, field: string): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xff) throw protocolError(`cannot encode ${this.what}: ${field} ${v} is not a byte`);
    this.parts.push(Buffer.of(v));
    return this;
  }
  u32(v: number, field: string): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw protocolError(`cannot encode ${this.what}: ${field} ${v} is not a u32`);
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v);
    this.parts.push(b);
    return this;
  }
  bytes(b: Buffer): this {
    this.parts.push(b);
    return this;
  }
  blob(b: Buffer, field: string): this {
    return this.u32(b.length, `${field} length`).bytes(b);
  }
  string(s: string, field: string): this {
    return this.blob(Buffer.from(s, 'utf8'), field);
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** Encodes one APF message. Throws AmtError(`apf.protocol`) for out-of-range values or an oversized result. */
export function encode(msg: ApfMessage, options: { maxLength?: number } = {}): Buffer {
  const out = encodeUnchecked(msg);
  const max = options.maxLength ?? DEFAULT_MAX_MESSAGE;
  if (out.length > max) throw protocolError(`cannot send a ${out.length}-byte ${msg.type} message; the limit is ${max} bytes`);
  return out;
}

function encodeUnchecked(msg: ApfMessage): Buffer {
  const w = (type: number) => new Writer(msg.type).u8(type, 'type');
  switch (msg.type) {
    case 'disconnect':
      return w(T.DISCONNECT).u32(msg.reason, 'reason').bytes(Buffer.alloc(2)).done();
    case 'service-request':
      return w(T.SERVICE_REQUEST).string(msg.service, 'service').done();
    case 'service-accept':
      return w(T.SERVICE_ACCEPT).string(msg.service, 'service').done();
    case 'userauth-request': {
      const m = w(T.USERAUTH_REQUEST).string(msg.username, 'user').string(msg.service, 'service').string(msg.method, 'method');
      if (msg.method === 'password') return m.u8(0, 'flag').string(msg.password ?? '', 'password').done();
      return m.bytes(msg.methodData ?? Buffer.alloc(0)).done();
    }
    case 'userauth-failure':
      // Two zero bytes after the list, as mps sends to real firmware (docs/wire-notes.md).
      return w(T.USERAUTH_FAILURE).string(msg.methods, 'methods').bytes(Buffer.alloc(2)).done();
    case 'userauth-success':
      return w(T.USERAUTH_SUCCESS).done();
    case 'tcpip-forward':
    case 'cancel-tcpip-forward': {
      const name = msg.type === 'tcpip-forward' ? GlobalRequestName.TCPIP_FORWARD : GlobalRequestName.CANCEL_TCPIP_FORWARD;
      return w(T.GLOBAL_REQUEST).string(name, 'name').u8(msg.wantReply ? 1 : 0, 'want-reply')
        .string(msg.address, 'address').u32(msg.port, 'port').done();
    }
    case 'udp-send-to':
      return w(T.GLOBAL_REQUEST).string(GlobalRequestName.UDP_SEND_TO, 'name').u8(msg.wantReply ? 1 : 0, 'want-reply')
        .string(msg.address, 'address').u32(msg.port, 'port')
        .string(msg.originatorAddress, 'originator address').u32(msg.originatorPort, 'originator port')
        .blob(msg.data, 'data').done();
    case 'global-request':
      return w(T.GLOBAL_REQUEST).string(msg.name, 'name').u8(msg.wantReply ? 1 : 0, 'want-reply').bytes(msg.data).done();
    case 'request-success': {
      const m = w(T.REQUEST_SUCCESS);
      return (msg.port === undefined ? m : m.u32(msg.port, 'port')).done();
    }
    case 'request-failure':
      return w(T.REQUEST_FAILURE).done();
    case 'channel-open':
      return w(T.CHANNEL_OPEN).string(msg.channelType, 'channel type').u32(msg.senderChannel, 'sender channel')
        .u32(msg.initialWindow, 'initial window').u32(RESERVED_FFFFFFFF, 'reserved')
        .string(msg.address, 'address').u32(msg.port, 'port')
        .string(msg.originatorAddress, 'originator address').u32(msg.originatorPort, 'originator port').done();
    case 'channel-open-confirmation':
      return w(T.CHANNEL_OPEN_CONFIRMATION).u32(msg.recipientChannel, 'recipient channel')
        .u32(msg.senderChannel, 'sender channel').u32(msg.initialWindow, 'initial window')
        .u32(RESERVED_FFFFFFFF, 'reserved').done();
    case 'channel-open-failure':
      return w(T.CHANNEL_OPEN_FAILURE).u32(msg.recipientChannel, 'recipient channel').u32(msg.reason, 'reason')
        .u32(0, 'reserved').u32(0, 'reserved').done();
    case 'channel-window-adjust':
      return w(T.CHANNEL_WINDOW_ADJUST).u32(msg.recipientChannel, 'recipient channel').u32(msg.bytesToAdd, 'bytes to add').done();
    case 'channel-data':
      return w(T.CHANNEL_DATA).u32(msg.recipientChannel, 'recipient channel').blob(msg.data, 'data').done();
    case 'channel-close':
      return w(T.CHANNEL_CLOSE).u32(msg.recipientChannel, 'recipient channel').done();
    case 'protocol-version': {
      if (msg.uuid.length !== 16) throw protocolError(`cannot encode protocol-version: the UUID has ${msg.uuid.length} bytes, not 16`);
      return w(T.PROTOCOLVERSION).u32(msg.major, 'major').u32(msg.minor, 'minor').u32(msg.triggerReason, 'trigger reason')
        .bytes(msg.uuid).bytes(Buffer.alloc(64)).done();
    }
    case 'keepalive-request':
      return w(T.KEEPALIVE_REQUEST).u32(msg.cookie, 'cookie').done();
    case 'keepalive-reply':
      return w(T.KEEPALIVE_REPLY).u32(msg.cookie, 'cookie').done();
    case 'keepalive-options-request':
      return w(T.KEEPALIVE_OPTIONS_REQUEST).u32(msg.intervalSeconds, 'interval').u32(msg.timeoutSeconds, 'timeout').done();
    case 'keepalive-options-reply':
      return w(T.KEEPALIVE_OPTIONS_REPLY).u32(msg.intervalSeconds, 'interval').u32(msg.timeoutSeconds, 'timeout').done();
    default: {
      const unknown: { type?: unknown } = msg;
      throw protocolError(`cannot encode unknown message type ${String(unknown.type)}`);
    }
  }
}

/** The message's type name as the spec writes it, for errors and traces: 94 → 'CHANNEL_DATA'. */
export function messageName(type: number): string {
  return nameOf(T, type);
}
