/**
 * The subset of the FUSE kernel protocol (linux/fuse.h, protocol 7.31) that the emulated MEI device
 * speaks over /dev/fuse: byte layouts only, no state. Layouts and opcodes are from the Linux
 * kernel's include/uapi/linux/fuse.h. No npm FUSE binding exposes ioctl or poll, hence this
 * hand-written codec (docs/simulator.md "The firmware side over MEI").
 *
 * Every read of /dev/fuse yields exactly one request (`fuse_in_header` + body); every reply is one
 * write (`fuse_out_header` + body) whose `error` is a negative errno.
 */

export const Op = {
  LOOKUP: 1,
  FORGET: 2,
  GETATTR: 3,
  SETATTR: 4,
  OPEN: 14,
  READ: 15,
  WRITE: 16,
  RELEASE: 18,
  FLUSH: 25,
  INIT: 26,
  INTERRUPT: 36,
  DESTROY: 38,
  IOCTL: 39,
  POLL: 40,
  BATCH_FORGET: 42,
} as const;

export const IN_HEADER_SIZE = 40;
export const OUT_HEADER_SIZE = 16;
/** The minor we answer INIT with (the kernel offers up to 7.45; every minor from 12 to 45 was seen to work). */
export const FUSE_MINOR = 31;
/** Largest WRITE payload we accept; MEI messages are a few KiB. */
export const MAX_WRITE = 65536;
/** A read of /dev/fuse must have room for the biggest request: header + write_in + MAX_WRITE. */
export const READ_BUFFER_SIZE = MAX_WRITE + 4096;

/** OPEN reply flags. DIRECT_IO: no page cache (else reads see EOF and writes never arrive).
 * NONSEEKABLE|STREAM: no f_pos lock, so a blocked read does not freeze a write on the same fd. */
export const FOPEN_DIRECT_IO = 1;
export const FOPEN_NONSEEKABLE = 4;
export const FOPEN_STREAM = 16;
export const FUSE_POLL_SCHEDULE_NOTIFY = 1;
export const FUSE_NOTIFY_POLL = 1;

export const S_IFREG = 0o100000;

export interface FuseRequest {
  opcode: number;
  unique: bigint;
  nodeid: bigint;
  uid: number;
  gid: number;
  pid: number;
  /** Everything after the 40-byte header. */
  body: Buffer;
}

export function parseRequest(buf: Buffer): FuseRequest {
  if (buf.length < IN_HEADER_SIZE) throw new Error(`FUSE request of ${buf.length} bytes is shorter than its header`);
  const len = buf.readUInt32LE(0);
  if (len !== buf.length) throw new Error(`FUSE request says ${len} bytes but ${buf.length} were read`);
  return {
    opcode: buf.readUInt32LE(4),
    unique: buf.readBigUInt64LE(8),
    nodeid: buf.readBigUInt64LE(16),
    uid: buf.readUInt32LE(24),
    gid: buf.readUInt32LE(28),
    pid: buf.readUInt32LE(32),
    body: buf.subarray(IN_HEADER_SIZE),
  };
}

/** A reply: header with error 0 and the body. */
export function reply(unique: bigint, body: Buffer = Buffer.alloc(0)): Buffer {
  const out = Buffer.alloc(OUT_HEADER_SIZE + body.length);
  out.writeUInt32LE(out.length, 0);
  out.writeInt32LE(0, 4);
  out.writeBigUInt64LE(unique, 8);
  body.copy(out, OUT_HEADER_SIZE);
  return out;
}

/** An error reply: header only, error = -errno. */
export function replyError(unique: bigint, errno: number): Buffer {
  const out = Buffer.alloc(OUT_HEADER_SIZE);
  out.writeUInt32LE(OUT_HEADER_SIZE, 0);
  out.writeInt32LE(-Math.abs(errno), 4);
  out.writeBigUInt64LE(unique, 8);
  return out;
}

/** Unsolicited FUSE_NOTIFY_POLL: wakes whoever polls the file registered under `kh`. */
export function notifyPoll(kh: bigint): Buffer {
  const out = Buffer.alloc(OUT_HEADER_SIZE + 8);
  out.writeUInt32LE(out.length, 0);
  out.writeInt32LE(FUSE_NOTIFY_POLL, 4);
  out.writeBigUInt64LE(0n, 8);
  out.writeBigUInt64LE(kh, OUT_HEADER_SIZE);
  return out;
}

// ---- request bodies -------------------------------------------------------------------------

export interface InitIn { major: number; minor: number; maxReadahead: number; flags: number }
export function parseInit(body: Buffer): InitIn {
  return { major: body.readUInt32LE(0), minor: body.readUInt32LE(4), maxReadahead: body.readUInt32LE(8), flags: body.readUInt32LE(12) };
}

/** OPEN: open(2) flags @0. */
export function parseOpen(body: Buffer): { flags: number } {
  return { flags: body.readUInt32LE(0) };
}

/** READ: fh @0, size @16, the file's current f_flags @32 (so O_NONBLOCK set later by fcntl shows). */
export function parseRead(body: Buffer): { fh: bigint; size: number; flags: number } {
  return { fh: body.readBigUInt64LE(0), size: body.readUInt32LE(16), flags: body.readUInt32LE(32) };
}

/** WRITE: fh @0, size @16, data @40. */
export function parseWrite(body: Buffer): { fh: bigint; size: number; data: Buffer } {
  const size = body.readUInt32LE(16);
  return { fh: body.readBigUInt64LE(0), size, data: body.subarray(40, 40 + size) };
}

/**
 * IOCTL: fh @0, flags @8, cmd @12, arg @16, in_size @24, out_size @28, input @32. `arg` is the
 * caller's raw argument (a user-space address for pointer ioctls); the kernel passes the pointed-to
 * bytes only for the directions the ioctl number declares.
 */
export function parseIoctl(body: Buffer): { fh: bigint; flags: number; cmd: number; arg: bigint; inSize: number; outSize: number; data: Buffer } {
  const inSize = body.readUInt32LE(24);
  return {
    fh: body.readBigUInt64LE(0),
    flags: body.readUInt32LE(8),
    cmd: body.readUInt32LE(12),
    arg: body.readBigUInt64LE(16),
    inSize,
    outSize: body.readUInt32LE(28),
    data: body.subarray(32, 32 + inSize),
  };
}

/** POLL: fh @0, kh @8, flags @16, events @20. */
export function parsePoll(body: Buffer): { fh: bigint; kh: bigint; flags: number; events: number } {
  return { fh: body.readBigUInt64LE(0), kh: body.readBigUInt64LE(8), flags: body.readUInt32LE(16), events: body.readUInt32LE(20) };
}

/** INTERRUPT: the unique of the request to interrupt. */
export function parseInterrupt(body: Buffer): bigint {
  return body.readBigUInt64LE(0);
}

/** FLUSH, RELEASE: fh @0. */
export function parseFh(body: Buffer): bigint {
  return body.readBigUInt64LE(0);
}

// ---- reply bodies ---------------------------------------------------------------------------

/** fuse_init_out, 64 bytes. Flags 0: we need no optional capability. */
export function encodeInitOut(opts: { minor: number; maxReadahead: number; maxWrite: number }): Buffer {
  const out = Buffer.alloc(64);
  out.writeUInt32LE(7, 0);
  out.writeUInt32LE(opts.minor, 4);
  out.writeUInt32LE(opts.maxReadahead, 8);
  out.writeUInt32LE(0, 12);
  out.writeUInt16LE(16, 16); // max_background
  out.writeUInt16LE(12, 18); // congestion_threshold
  out.writeUInt32LE(opts.maxWrite, 20);
  out.writeUInt32LE(1, 24); // time_gran
  return out;
}

export interface FileAttr { ino: bigint; mode: number; uid: number; gid: number; timeSec: bigint }

/** fuse_attr_out, 104 bytes: attr_valid @0 then the 88-byte fuse_attr @16. */
export function encodeAttrOut(attr: FileAttr, validSec: bigint): Buffer {
  const out = Buffer.alloc(104);
  out.writeBigUInt64LE(validSec, 0);
  const a = 16;
  out.writeBigUInt64LE(attr.ino, a + 0);
  out.writeBigUInt64LE(0n, a + 8); // size
  out.writeBigUInt64LE(attr.timeSec, a + 24); // atime
  out.writeBigUInt64LE(attr.timeSec, a + 32); // mtime
  out.writeBigUInt64LE(attr.timeSec, a + 40); // ctime
  out.writeUInt32LE(attr.mode, a + 60);
  out.writeUInt32LE(1, a + 64); // nlink
  out.writeUInt32LE(attr.uid, a + 68);
  out.writeUInt32LE(attr.gid, a + 72);
  out.writeUInt32LE(4096, a + 80); // blksize
  return out;
}

/** fuse_open_out, 16 bytes: fh, open_flags. */
export function encodeOpenOut(fh: bigint, openFlags: number): Buffer {
  const out = Buffer.alloc(16);
  out.writeBigUInt64LE(fh, 0);
  out.writeUInt32LE(openFlags, 8);
  return out;
}

/** fuse_write_out, 8 bytes: bytes written. */
export function encodeWriteOut(size: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeUInt32LE(size, 0);
  return out;
}

/** fuse_ioctl_out (result, flags, in_iovs, out_iovs) followed by the output bytes. */
export function encodeIoctlOut(result: number, output: Buffer): Buffer {
  const out = Buffer.alloc(16 + output.length);
  out.writeInt32LE(result, 0);
  output.copy(out, 16);
  return out;
}

/** fuse_poll_out, 8 bytes: revents. */
export function encodePollOut(revents: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeUInt32LE(revents, 0);
  return out;
}
