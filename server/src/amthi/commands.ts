/**
 * AMTHI (PTHI) commands, as Intel LMS and rpc-go send them. Each command is a small descriptor: its code, how to
 * build the request data, and how to decode the response data (bytes after header + status).
 * All integers are little-endian; every decoder checks lengths before reading.
 */
import { AmtError } from '../errors';

export const AMTHI_GUID = '12f80028-b4b7-4b2d-aca8-46e0ff65814c';
export const HEADER_LENGTH = 12;
export const RESPONSE_BIT = 0x00800000;

export interface AmthiCommand<A extends unknown[], R> {
  readonly name: string;
  readonly code: number;
  /** Request data (after the 12-byte header). */
  request(...args: A): Buffer;
  /** Decodes response data (after header and status). */
  decode(data: Buffer): R;
}

/** The whole request: header (version 1.1, command, length) + data. */
export function buildRequest<A extends unknown[]>(command: AmthiCommand<A, unknown>, ...args: A): Buffer {
  const data = command.request(...args);
  const header = Buffer.alloc(HEADER_LENGTH);
  header.writeUInt8(1, 0);
  header.writeUInt8(1, 1);
  header.writeUInt32LE(command.code, 4);
  header.writeUInt32LE(data.length, 8);
  return Buffer.concat([header, data]);
}

/** Checks a response like the kernel sample and LMS do (§3.1) and returns its status and data. */
export function parseResponse(command: { name: string; code: number }, buf: Buffer): { status: number; data: Buffer } {
  const bad = (why: string) => new AmtError('amthi.protocol', `AMT's answer to ${command.name} is malformed: ${why}; reset the ME if this persists.`);
  if (buf.length < HEADER_LENGTH + 4) throw bad(`only ${buf.length} bytes`);
  if (buf[0] !== 1 || buf[1] < 1) throw bad(`header version ${buf[0]}.${buf[1]}`);
  if (buf.readUInt16LE(2) !== 0) throw bad('reserved header bytes are not zero');
  const code = buf.readUInt32LE(4);
  if (code !== ((command.code | RESPONSE_BIT) >>> 0)) throw bad(`it answers command 0x${code.toString(16)}`);
  const length = buf.readUInt32LE(8);
  if (length !== buf.length - HEADER_LENGTH) throw bad(`header length ${length} but ${buf.length - HEADER_LENGTH} bytes follow`);
  return { status: buf.readUInt32LE(12), data: buf.subarray(16) };
}

/** Bounds-checked little-endian reader over response data. */
class Data {
  private at = 0;
  constructor(private readonly buf: Buffer, private readonly what: string) {}
  private need(n: number): void {
    if (n > this.buf.length - this.at) {
      throw new AmtError('amthi.protocol', `AMT's answer to ${this.what} is truncated (needs ${n} bytes at offset ${this.at} of ${this.buf.length}).`);
    }
  }
  u8(): number {
    this.need(1);
    return this.buf.readUInt8(this.at++);
  }
  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16LE(this.at);
    this.at += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.at);
    this.at += 4;
    return v;
  }
  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return b;
  }
  /** AMT_ANSI_STRING: u16 length + bytes. */
  ansi(): string {
    return this.bytes(this.u16()).toString('latin1');
  }
  /** AMT_UNICODE_STRING: u16 length + fixed 20-byte buffer (8-bit chars). */
  fixed20(): string {
    const n = this.u16();
    const body = this.bytes(20);
    if (n > 20) throw new AmtError('amthi.protocol', `AMT's answer to ${this.what} has a ${n}-byte string in a 20-byte field.`);
    return body.subarray(0, n).toString('latin1');
  }
  /** A NUL-padded fixed field. */
  cstring(n: number): string {
    const b = this.bytes(n);
    const end = b.indexOf(0);
    return b.subarray(0, end < 0 ? n : end).toString('latin1');
  }
}

const none = () => Buffer.alloc(0);
const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b;
};

export interface CodeVersions {
  biosVersion: string;
  versions: { description: string; version: string }[];
}

export const GetCodeVersions: AmthiCommand<[], CodeVersions> = {
  name: 'GetCodeVersions',
  code: 0x0400001a,
  request: none,
  decode(data) {
    const d = new Data(data, 'GetCodeVersions');
    const biosVersion = d.cstring(65);
    const count = d.u32();
    if (count > data.length / 44) throw new AmtError('amthi.protocol', `AMT's answer to GetCodeVersions claims ${count} entries in ${data.length} bytes.`);
    const versions = Array.from({ length: count }, () => ({ description: d.fixed20(), version: d.fixed20() }));
    return { biosVersion, versions };
  },
};

export type ProvisioningState = 'pre' | 'in' | 'post';
const PROVISIONING_STATES: ProvisioningState[] = ['pre', 'in', 'post'];

export const GetProvisioningState: AmthiCommand<[], ProvisioningState> = {
  name: 'GetProvisioningState',
  code: 0x04000011,
  request: none,
  decode(data) {
    const v = new Data(data, 'GetProvisioningState').u32();
    const state = PROVISIONING_STATES[v];
    if (!state) throw new AmtError('amthi.protocol', `AMT reported an unknown provisioning state ${v}.`);
    return state;
  },
};

/** `none` = not provisioned; `ccm` = client control mode; `acm` = admin control mode. */
export type ControlMode = 'none' | 'ccm' | 'acm';
const CONTROL_MODES: ControlMode[] = ['none', 'ccm', 'acm'];

export const GetControlMode: AmthiCommand<[], ControlMode> = {
  name: 'GetControlMode',
  code: 0x0400006b,
  request: none,
  decode(data) {
    const v = new Data(data, 'GetControlMode').u32();
    const mode = CONTROL_MODES[v];
    if (!mode) throw new AmtError('amthi.protocol', `AMT reported an unknown control mode ${v}.`);
    return mode;
  },
};

export const GetUUID: AmthiCommand<[], string> = {
  name: 'GetUUID',
  code: 0x0400005c,
  request: none,
  decode(data) {
    return uuidText(new Data(data, 'GetUUID').bytes(16));
  },
};

/** 16 mixed-endian bytes → canonical text (first three groups byte-reversed, §3.4). */
export function uuidText(b: Buffer): string {
  const h = (from: number, to: number, reverse: boolean) => {
    const part = Buffer.from(b.subarray(from, to));
    return (reverse ? part.reverse() : part).toString('hex');
  };
  return `${h(0, 4, true)}-${h(4, 6, true)}-${h(6, 8, true)}-${h(8, 10, false)}-${h(10, 16, false)}`;
}

export interface LocalSystemAccount {
  username: string;
  password: string;
}

export const GetLocalSystemAccount: AmthiCommand<[], LocalSystemAccount> = {
  name: 'GetLocalSystemAccount',
  code: 0x04000067,
  request: () => Buffer.alloc(40), // 40 reserved zero bytes
  decode(data) {
    // 33 + 33 bytes; some firmware adds 2 trailing bytes (docs/wire-notes.md), which we ignore.
    const d = new Data(data, 'GetLocalSystemAccount');
    return { username: d.cstring(33), password: d.cstring(33) };
  },
};

export const GetDNSSuffix: AmthiCommand<[], string> = {
  name: 'GetDNSSuffix',
  code: 0x04000036,
  request: none,
  decode(data) {
    return new Data(data, 'GetDNSSuffix').ansi();
  },
};

export type LanInterface = 'wired' | 'wireless';

export interface LanInterfaceSettings {
  enabled: boolean;
  ipv4: string;
  dhcpEnabled: boolean;
  /** 1 = active, anything else passive (rpc-go's reading). */
  dhcpMode: 'active' | 'passive';
  linkUp: boolean;
  mac: string;
}

export const GetLANInterfaceSettings: AmthiCommand<[LanInterface], LanInterfaceSettings> = {
  name: 'GetLANInterfaceSettings',
  code: 0x04000048,
  request: (which) => u32(which === 'wired' ? 0 : 1),
  decode(data) {
    const d = new Data(data, 'GetLANInterfaceSettings');
    const enabled = d.u32() !== 0;
    const ip = d.u32();
    const dhcpEnabled = d.u32() !== 0;
    const dhcpMode = d.u8() === 1 ? 'active' : 'passive';
    const linkUp = d.u8() === 1;
    const mac = [...d.bytes(6)].map((x) => x.toString(16).padStart(2, '0')).join(':');
    const ipv4 = [ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].join('.');
    return { enabled, ipv4, dhcpEnabled, dhcpMode, linkUp, mac };
  },
};

export const EnumerateHashHandles: AmthiCommand<[], number[]> = {
  name: 'EnumerateHashHandles',
  code: 0x0400002c,
  request: none,
  decode(data) {
    const d = new Data(data, 'EnumerateHashHandles');
    const count = d.u32();
    if (count > (data.length - 4) / 4) throw new AmtError('amthi.protocol', `AMT's answer to EnumerateHashHandles claims ${count} handles in ${data.length} bytes.`);
    return Array.from({ length: count }, () => d.u32());
  },
};

export type HashAlgorithm = 'MD5' | 'SHA-1' | 'SHA-256' | 'SHA-512';
const HASH_ALGORITHMS: { name: HashAlgorithm; size: number }[] = [
  { name: 'MD5', size: 16 },
  { name: 'SHA-1', size: 20 },
  { name: 'SHA-256', size: 32 },
  { name: 'SHA-512', size: 64 },
];

export interface CertHashEntry {
  name: string;
  algorithm: HashAlgorithm;
  /** Hex of the significant bytes (the 64-byte buffer cut to the algorithm's size). */
  hash: string;
  isDefault: boolean;
  isActive: boolean;
}

export const GetCertHashEntry: AmthiCommand<[handle: number], CertHashEntry> = {
  name: 'GetCertHashEntry',
  code: 0x0400002d,
  request: (handle) => u32(handle),
  decode(data) {
    const d = new Data(data, 'GetCertHashEntry');
    const isDefault = d.u32() !== 0;
    const isActive = d.u32() !== 0;
    const buffer = d.bytes(64);
    const algorithmId = d.u8();
    const name = d.ansi();
    const algorithm = HASH_ALGORITHMS[algorithmId];
    if (!algorithm) throw new AmtError('amthi.protocol', `AMT reported an unknown certificate hash algorithm ${algorithmId}.`);
    return { name, algorithm: algorithm.name, hash: buffer.subarray(0, algorithm.size).toString('hex'), isDefault, isActive };
  },
};
