/** Builds the requests the kernel sends to a FUSE daemon, for tests of the codec and the device model. */
import * as P from '../../../../server/src/sim/mei/fuse-proto';

/** fuse_in_header + body. */
export function request(opcode: number, unique: bigint, body: Buffer = Buffer.alloc(0), ids = { uid: 0, gid: 0, pid: 1 }): Buffer {
  const b = Buffer.alloc(P.IN_HEADER_SIZE + body.length);
  b.writeUInt32LE(b.length, 0);
  b.writeUInt32LE(opcode, 4);
  b.writeBigUInt64LE(unique, 8);
  b.writeBigUInt64LE(1n, 16);
  b.writeUInt32LE(ids.uid, 24);
  b.writeUInt32LE(ids.gid, 28);
  b.writeUInt32LE(ids.pid, 32);
  body.copy(b, P.IN_HEADER_SIZE);
  return b;
}

export function initBody(minor = 45): Buffer {
  const b = Buffer.alloc(64);
  b.writeUInt32LE(7, 0);
  b.writeUInt32LE(minor, 4);
  b.writeUInt32LE(131072, 8);
  return b;
}

export function fhBody(fh: bigint, size = 16): Buffer {
  const b = Buffer.alloc(size);
  b.writeBigUInt64LE(fh, 0);
  return b;
}

export function readBody(fh: bigint, size: number, flags = 0o2): Buffer {
  const b = fhBody(fh, 40);
  b.writeUInt32LE(size, 16);
  b.writeUInt32LE(flags, 32);
  return b;
}

export function writeBody(fh: bigint, data: Buffer): Buffer {
  const b = fhBody(fh, 40);
  b.writeUInt32LE(data.length, 16);
  return Buffer.concat([b, data]);
}

export function ioctlBody(fh: bigint, cmd: number, input: Buffer, outSize = input.length): Buffer {
  const b = fhBody(fh, 32);
  b.writeUInt32LE(cmd, 12);
  b.writeUInt32LE(input.length, 24);
  b.writeUInt32LE(outSize, 28);
  return Buffer.concat([b, input]);
}

export function pollBody(fh: bigint, kh: bigint, scheduleNotify = true): Buffer {
  const b = fhBody(fh, 24);
  b.writeBigUInt64LE(kh, 8);
  b.writeUInt32LE(scheduleNotify ? P.FUSE_POLL_SCHEDULE_NOTIFY : 0, 16);
  b.writeUInt32LE(0x1, 20);
  return b;
}

export function interruptBody(target: bigint): Buffer {
  return fhBody(target, 8);
}
