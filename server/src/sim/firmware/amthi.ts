/**
 * The simulated AMTHI (PTHI) client (Intel LMS MEIClient sources; docs/simulator.md "The firmware
 * side over MEI"). Requests carry the 12-byte little-endian
 * header (version 1.1, command, length); every answer is the same header with the response bit
 * (0x00800000) set, a u32 status and the data. Command codes and status values are duplicated
 * from the spec on purpose: the simulator does not import product code.
 */
import type { FirmwareClient, FirmwareConnection, FirmwareSession } from '../mei/firmware';
import { uuidBytes } from './apf-wire';
import type { DeviceFacts, LanFacts } from './facts';
import { newStartupState, startupAnswer } from './amthi-startup';

export const AMTHI_GUID = '12f80028-b4b7-4b2d-aca8-46e0ff65814c';

const CMD = {
  UNPROVISION: 0x04000010,
  GET_PROVISIONING_STATE: 0x04000011,
  GET_CODE_VERSIONS: 0x0400001a,
  ENUMERATE_HASH_HANDLES: 0x0400002c,
  GET_CERT_HASH_ENTRY: 0x0400002d,
  GET_DNS_SUFFIX: 0x04000036,
  GET_DNS_SUFFIX_LIST: 0x0400003e,
  GET_LAN_INTERFACE_SETTINGS: 0x04000048,
  GET_UUID: 0x0400005c,
  GET_LOCAL_SYSTEM_ACCOUNT: 0x04000067,
  GET_CONTROL_MODE: 0x0400006b,
} as const;

const STATUS = {
  SUCCESS: 0,
  INVALID_MESSAGE_LENGTH: 0x4,
  INVALID_PARAMETER: 0x24,
  INVALID_COMMAND: 0x803,
  INVALID_HANDLE: 0x805,
  INTERFACE_DOES_NOT_EXIST: 2501,
} as const;

/** Thrown inside a handler to answer with a status and no data. */
class Status {
  constructor(readonly code: number) {}
}

export class AmthiFirmware implements FirmwareClient {
  readonly guid = AMTHI_GUID;
  readonly protocolVersion = 1;
  readonly singleConnection = false;
  /** What LMS's start-up queries read and set (SetHostFQDN), shared by every connection. */
  readonly startup = newStartupState();

  constructor(private readonly facts: DeviceFacts, readonly maxMessageLength = 4155) {}

  open(connection: FirmwareConnection): FirmwareSession {
    return {
      onMessage: (message) => connection.send(this.answer(message)),
      onClose: () => {},
    };
  }

  private answer(req: Buffer): Buffer {
    const command = req.length >= 8 ? req.readUInt32LE(4) : 0;
    const reply = (status: number, data: Buffer = Buffer.alloc(0)) => {
      const head = Buffer.alloc(16);
      head.writeUInt8(1, 0);
      head.writeUInt8(1, 1);
      head.writeUInt32LE((command | 0x00800000) >>> 0, 4);
      head.writeUInt32LE(4 + data.length, 8);
      head.writeUInt32LE(status, 12);
      return Buffer.concat([head, data]);
    };
    if (req.length < 12 || req[0] !== 1 || req[1] !== 1 || req.readUInt32LE(8) !== req.length - 12) {
      return reply(STATUS.INVALID_MESSAGE_LENGTH);
    }
    const injected = this.facts.amthiFailures?.[command];
    if (injected !== undefined) return reply(injected);
    try {
      return reply(STATUS.SUCCESS, this.data(command, req.subarray(12)));
    } catch (e) {
      if (e instanceof Status) return reply(e.code);
      throw e;
    }
  }

  private data(command: number, body: Buffer): Buffer {
    const f = this.facts;
    const expect = (n: number) => {
      if (body.length !== n) throw new Status(STATUS.INVALID_MESSAGE_LENGTH);
    };
    switch (command) {
      case CMD.GET_PROVISIONING_STATE:
        expect(0);
        return u32(f.provisioningState);
      case CMD.UNPROVISION: {
        // u32 mode (LMS UnprovisionCommand); the SDK says CCM ignores it. rpc-go reads a u32 state back.
        expect(4);
        if (!f.unprovision) throw new Status(STATUS.INVALID_COMMAND);
        const status = f.unprovision();
        if (status !== 0) throw new Status(status);
        return u32(0);
      }
      case CMD.GET_CONTROL_MODE:
        expect(0);
        return u32(f.controlMode);
      case CMD.GET_UUID:
        expect(0);
        return uuidBytes(f.uuid);
      case CMD.GET_DNS_SUFFIX:
        expect(0);
        return ansi(f.dnsSuffix);
      case CMD.GET_DNS_SUFFIX_LIST: {
        expect(0);
        const list = Buffer.from(f.dnsSuffix ? `${f.dnsSuffix}\0` : '', 'latin1');
        return Buffer.concat([u16(list.length), list]);
      }
      case CMD.GET_CODE_VERSIONS: {
        expect(0);
        const bios = Buffer.alloc(65);
        bios.write(f.biosVersion.slice(0, 64), 'latin1');
        const entries = f.codeVersions.map((v) => Buffer.concat([fixed20(v.description), fixed20(v.version)]));
        return Buffer.concat([bios, u32(entries.length), ...entries]);
      }
      case CMD.GET_LOCAL_SYSTEM_ACCOUNT: {
        expect(40);
        // 33 + 33 NUL-terminated fields and 2 trailing bytes: MeshAgent insists on 68, LMS reads 66 (Intel LMS and MeshAgent sources).
        const out = Buffer.alloc(68);
        out.write(f.localSystemAccount.username.slice(0, 32), 0, 'latin1');
        out.write(f.localSystemAccount.password.slice(0, 32), 33, 'latin1');
        return out;
      }
      case CMD.GET_LAN_INTERFACE_SETTINGS: {
        expect(4);
        const index = body.readUInt32LE(0);
        if (index > 1) throw new Status(STATUS.INVALID_PARAMETER);
        const lan = index === 0 ? f.wired : f.wireless;
        if (!lan) throw new Status(STATUS.INTERFACE_DOES_NOT_EXIST);
        return lanSettings(lan);
      }
      case CMD.ENUMERATE_HASH_HANDLES:
        expect(0);
        return Buffer.concat([u32(f.certificateHashes.length), ...f.certificateHashes.map((_, i) => u32(i + 1))]);
      case CMD.GET_CERT_HASH_ENTRY: {
        expect(4);
        const entry = f.certificateHashes[body.readUInt32LE(0) - 1];
        if (!entry) throw new Status(STATUS.INVALID_HANDLE);
        const hash = Buffer.alloc(64);
        Buffer.from(entry.hash, 'hex').copy(hash);
        return Buffer.concat([u32(entry.isDefault ? 1 : 0), u32(entry.isActive ? 1 : 0), hash, Buffer.of(entry.algorithm), ansi(entry.name)]);
      }
      default: {
        const answer = startupAnswer(command, body, this.startup);
        if (answer === undefined) throw new Status(STATUS.INVALID_COMMAND);
        if (typeof answer === 'number') throw new Status(answer);
        return answer;
      }
    }
  }
}

function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b;
}

function u16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v);
  return b;
}

/** AMT_ANSI_STRING: u16 length + bytes. */
function ansi(s: string): Buffer {
  const body = Buffer.from(s, 'latin1');
  return Buffer.concat([u16(body.length), body]);
}

/** AMT_UNICODE_STRING (8-bit chars despite the name): u16 length + fixed 20-byte buffer. */
function fixed20(s: string): Buffer {
  const out = Buffer.alloc(22);
  const n = out.write(s.slice(0, 20), 2, 'latin1');
  out.writeUInt16LE(n, 0);
  return out;
}

function lanSettings(lan: LanFacts): Buffer {
  const out = Buffer.alloc(20);
  out.writeUInt32LE(lan.enabled ? 1 : 0, 0);
  // CFG_IPv4_ADDRESS: the u32's numeric value is the address (0x01020304 = 1.2.3.4), little-endian on the wire.
  out.writeUInt32LE(lan.ipv4.split('.').reduce((acc, part) => acc * 256 + Number(part), 0) >>> 0, 4);
  out.writeUInt32LE(lan.dhcpEnabled ? 1 : 0, 8);
  out.writeUInt8(lan.dhcpIpMode, 12);
  out.writeUInt8(lan.linkUp ? 1 : 0, 13);
  Buffer.from(lan.mac.replace(/[:-]/g, ''), 'hex').copy(out, 14);
  return out;
}
