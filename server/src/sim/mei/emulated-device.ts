/**
 * The emulated MEI device as a state machine over decoded FUSE requests: per-fd connection state,
 * whole messages, and the errno the real driver returns (Linux kernel
 * Documentation/driver-api/mei/ and drivers/misc/mei/). No I/O here: replies and events go to `DeviceOutput`, so the
 * logic is unit-testable without /dev/fuse, and the worker loop stays a thin shell around it.
 */
import { constants } from 'node:os';
import type { ClientInfo, FuseDevice, NodeAttributes } from './bridge';
import * as P from './fuse-proto';

const E = constants.errno;
const O_NONBLOCK = 0o4000;
export const IOCTL_MEI_CONNECT_CLIENT = 0xc0104801;
const POLLIN = 0x001, POLLOUT = 0x004, POLLERR = 0x008, POLLRDNORM = 0x040, POLLWRNORM = 0x100;
/** Interrupts can overtake the request they target (the kernel queues them first); remember a few. */
const MAX_EARLY_INTERRUPTS = 256;

export type DeviceOutputEvent =
  | { type: 'ready' }
  | { type: 'open'; conn: number; guid: string }
  | { type: 'message'; conn: number; data: Uint8Array }
  | { type: 'close'; conn: number }
  | { type: 'warning'; message: string };

export interface DeviceOutput {
  /** One reply or notification for /dev/fuse. */
  write(frame: Buffer): void;
  event(e: DeviceOutputEvent): void;
}

interface OpenFile {
  fh: bigint;
  state: 'fresh' | 'connected' | 'disconnected';
  conn?: { id: number; client: ClientInfo };
  /** Whole firmware messages; the head may be the rest of a message a short read left behind. */
  inbox: Buffer[];
  /** Blocking READs waiting for a message, oldest first. */
  reads: { unique: bigint; size: number }[];
  /** Poll handle the kernel asked us to notify. */
  kh?: bigint;
}

/** `uuid_le` bytes → canonical lower-case GUID (first three fields are little-endian). */
export function uuidLeToGuid(b: Buffer): string {
  const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
  const tail = b.subarray(8, 16).toString('hex');
  return `${hex(b.readUInt32LE(0), 8)}-${hex(b.readUInt16LE(4), 4)}-${hex(b.readUInt16LE(6), 4)}-${tail.slice(0, 4)}-${tail.slice(4)}`;
}

export class EmulatedMeiDevice implements FuseDevice {
  private readonly clients = new Map<string, ClientInfo>();
  private readonly files = new Map<bigint, OpenFile>();
  private readonly conns = new Map<number, OpenFile>();
  private readonly earlyInterrupts = new Set<bigint>();
  private nextFh = 1n;
  private nextConn = 1;
  private readonly timeSec = BigInt(Math.floor(Date.now() / 1000));

  constructor(
    clients: ClientInfo[],
    private readonly attr: NodeAttributes,
    private readonly out: DeviceOutput,
  ) {
    for (const c of clients) this.clients.set(c.guid.toLowerCase(), c);
  }

  /** One request from the kernel. */
  handle(req: P.FuseRequest): void {
    const { unique, body } = req;
    switch (req.opcode) {
      case P.Op.INIT: {
        const init = P.parseInit(body);
        const minor = Math.min(init.minor, P.FUSE_MINOR);
        this.out.write(P.reply(unique, P.encodeInitOut({ minor, maxReadahead: init.maxReadahead, maxWrite: P.MAX_WRITE })));
        this.out.event({ type: 'ready' });
        return;
      }
      case P.Op.GETATTR:
      case P.Op.SETATTR: // e.g. open(O_TRUNC): a device has nothing to truncate; report the node unchanged
        this.out.write(P.reply(unique, P.encodeAttrOut({ ino: 1n, mode: P.S_IFREG | (this.attr.mode & 0o7777), uid: this.attr.uid, gid: this.attr.gid, timeSec: this.timeSec }, 1n)));
        return;
      case P.Op.OPEN: {
        const fh = this.nextFh++;
        this.files.set(fh, { fh, state: 'fresh', inbox: [], reads: [] });
        this.out.write(P.reply(unique, P.encodeOpenOut(fh, P.FOPEN_DIRECT_IO | P.FOPEN_NONSEEKABLE | P.FOPEN_STREAM)));
        return;
      }
      case P.Op.READ:
        return this.read(unique, P.parseRead(body));
      case P.Op.WRITE:
        return this.write(unique, P.parseWrite(body));
      case P.Op.IOCTL:
        return this.ioctl(unique, P.parseIoctl(body));
      case P.Op.POLL:
        return this.poll(unique, P.parsePoll(body));
      case P.Op.INTERRUPT:
        return this.interrupt(P.parseInterrupt(body));
      case P.Op.FLUSH:
        // The real mei_fops has no flush: close() from another thread does not cancel a blocked read.
        this.out.write(P.reply(unique));
        return;
      case P.Op.RELEASE:
        return this.release(unique, P.parseFh(body));
      case P.Op.FORGET:
      case P.Op.BATCH_FORGET:
        return; // never answered
      case P.Op.DESTROY:
        this.out.write(P.reply(unique));
        return;
      default:
        this.out.write(P.replyError(unique, E.ENOSYS));
    }
  }

  /** Firmware → host: queue one whole message for connection `conn`. Unknown/stale ids are ignored. */
  firmwareSend(conn: number, data: Buffer): void {
    const file = this.conns.get(conn);
    if (!file) return;
    file.inbox.push(data);
    this.deliver(file);
  }

  /** The firmware drops one connection: the host's next read/write on it fails with ENODEV. */
  firmwareDrop(conn: number): void {
    const file = this.conns.get(conn);
    if (file) this.disconnect(file);
  }

  /** Firmware reset: every connection is dropped (the fds may reconnect). Emits `close` for each. */
  reset(): void {
    for (const [id, file] of [...this.conns]) {
      this.disconnect(file);
      this.out.event({ type: 'close', conn: id });
    }
  }

  private read(unique: bigint, r: { fh: bigint; size: number; flags: number }): void {
    const file = this.files.get(r.fh);
    if (this.earlyInterrupts.delete(unique)) return this.out.write(P.replyError(unique, E.EINTR));
    if (!file || file.state !== 'connected') return this.out.write(P.replyError(unique, E.ENODEV));
    if (r.size === 0) return this.out.write(P.reply(unique));
    if (file.inbox.length > 0) return this.out.write(P.reply(unique, take(file, r.size)));
    if (r.flags & O_NONBLOCK) return this.out.write(P.replyError(unique, E.EAGAIN));
    file.reads.push({ unique, size: r.size });
  }

  private write(unique: bigint, w: { fh: bigint; size: number; data: Buffer }): void {
    const file = this.files.get(w.fh);
    if (!file || file.state !== 'connected' || !file.conn) return this.out.write(P.replyError(unique, E.ENODEV));
    if (w.size > file.conn.client.maxMessageLength) return this.out.write(P.replyError(unique, E.EFBIG));
    // A copy with its own ArrayBuffer: `w.data` views the worker's read buffer, and postMessage
    // would clone a whole pooled ArrayBuffer.
    if (w.size > 0) this.out.event({ type: 'message', conn: file.conn.id, data: new Uint8Array(w.data) });
    this.out.write(P.reply(unique, P.encodeWriteOut(w.size)));
  }

  private ioctl(unique: bigint, io: ReturnType<typeof P.parseIoctl>): void {
    const file = this.files.get(io.fh);
    if (!file) return this.out.write(P.replyError(unique, E.EBADF));
    if (io.cmd !== IOCTL_MEI_CONNECT_CLIENT) return this.out.write(P.replyError(unique, E.ENOTTY));
    if (io.inSize < 16 || io.outSize < 16) return this.out.write(P.replyError(unique, E.EINVAL));
    if (file.state === 'connected') return this.out.write(P.replyError(unique, E.EBUSY));
    const guid = uuidLeToGuid(io.data);
    const client = this.clients.get(guid);
    if (!client) return this.out.write(P.replyError(unique, E.ENOTTY));
    if (client.singleConnection && [...this.conns.values()].some((f) => f.conn?.client === client)) {
      return this.out.write(P.replyError(unique, E.EBUSY));
    }
    const id = this.nextConn++;
    file.state = 'connected';
    file.conn = { id, client };
    file.inbox = [];
    this.conns.set(id, file);
    this.out.event({ type: 'open', conn: id, guid: client.guid });
    // Like the driver, only max_msg_length and protocol_version overwrite the caller's union.
    const result = Buffer.from(io.data.subarray(0, 16));
    result.writeUInt32LE(client.maxMessageLength, 0);
    result.writeUInt8(client.protocolVersion, 4);
    this.out.write(P.reply(unique, P.encodeIoctlOut(0, result)));
  }

  private poll(unique: bigint, p: { fh: bigint; kh: bigint; flags: number }): void {
    const file = this.files.get(p.fh);
    if (!file) return this.out.write(P.replyError(unique, E.EBADF));
    if (p.flags & P.FUSE_POLL_SCHEDULE_NOTIFY) file.kh = p.kh;
    let revents = POLLERR;
    if (file.state === 'connected') revents = POLLOUT | POLLWRNORM | (file.inbox.length > 0 ? POLLIN | POLLRDNORM : 0);
    this.out.write(P.reply(unique, P.encodePollOut(revents)));
  }

  private interrupt(target: bigint): void {
    for (const file of this.files.values()) {
      const i = file.reads.findIndex((r) => r.unique === target);
      if (i >= 0) {
        file.reads.splice(i, 1);
        this.out.write(P.replyError(target, E.EINTR));
        return;
      }
    }
    // Not seen yet (or already answered): remember it in case the READ is still on its way.
    this.earlyInterrupts.add(target);
    if (this.earlyInterrupts.size > MAX_EARLY_INTERRUPTS) this.earlyInterrupts.delete(this.earlyInterrupts.values().next().value!);
  }

  private release(unique: bigint, fh: bigint): void {
    const file = this.files.get(fh);
    if (file) {
      this.files.delete(fh);
      if (file.conn && file.state === 'connected') this.out.event({ type: 'close', conn: file.conn.id });
      this.disconnect(file);
    }
    this.out.write(P.reply(unique));
  }

  private disconnect(file: OpenFile): void {
    if (file.conn) this.conns.delete(file.conn.id);
    if (file.state === 'connected') file.state = 'disconnected';
    file.inbox = [];
    for (const r of file.reads.splice(0)) this.out.write(P.replyError(r.unique, E.ENODEV));
    this.notify(file);
  }

  /** Answers waiting reads from the inbox, then wakes pollers. */
  private deliver(file: OpenFile): void {
    while (file.reads.length > 0 && file.inbox.length > 0) {
      const r = file.reads.shift()!;
      this.out.write(P.reply(r.unique, take(file, r.size)));
    }
    this.notify(file);
  }

  private notify(file: OpenFile): void {
    if (file.kh !== undefined) this.out.write(P.notifyPoll(file.kh));
  }
}

/** Up to `size` bytes of the head message; a short read leaves the rest for the next read, as the driver does. */
function take(file: OpenFile, size: number): Buffer {
  const head = file.inbox[0];
  if (head.length <= size) {
    file.inbox.shift();
    return head;
  }
  file.inbox[0] = head.subarray(size);
  return head.subarray(0, size);
}
