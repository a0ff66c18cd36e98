/**
 * An emulated Linux watchdog device as the mei_wdt driver presents it (Linux drivers/watchdog/mei_wdt.c, Documentation/watchdog/watchdog-api.rst),
 * over decoded FUSE requests, in front of the firmware's watchdog client. The watchdog core's
 * rules and the driver's state machine, in brief:
 *
 * - identity `iamt_wdt`, options 0x8480 (KEEPALIVEPING|SETTIMEOUT|ALARMONLY, no MAGICCLOSE),
 *   firmware_version = the client's protocol version; timeout 120 s default, 120..65535 allowed.
 * - single open (a second open → EBUSY); open starts the watchdog but sends nothing yet;
 * - write() of ≥1 byte or WDIOC_KEEPALIVE pings: the start/heartbeat message with the current
 *   timeout (pings do nothing while the watchdog is disabled); SETTIMEOUT stores, pings when
 *   active, and writes the timeout back; SETOPTIONS DISABLECARD stops, ENABLECARD starts;
 * - GETSTATUS/GETBOOTSTATUS 0, GETPRETIMEOUT 0, SETPRETIMEOUT/GETTIMELEFT EOPNOTSUPP, other → ENOTTY;
 * - close always stops (no magic close): STOP goes out if the driver had pinged.
 *
 * Like the driver, a syscall that sends a message returns only once the firmware has it: the reply
 * is held until the main thread acknowledges the message (`handled`). So an async caller knows the
 * firmware state is updated when its call returns. A caller blocking the main thread (a synchronous
 * syscall in the same process as the simulator) would never let that happen, so a held reply is
 * released after HOLD_LIMIT_MS with a warning instead of hanging.
 *
 * FUSE specifics: the first close (FLUSH) of the opening descriptor ends the session (release may
 * arrive after close() returned, and the next open must not see EBUSY; a dup'ed descriptor is not
 * modelled). SETOPTIONS is declared _IOR, so the kernel passes no input bytes for it: its argument
 * is read from the caller's memory through /proc/<pid>/mem, which is what get_user() does in the
 * kernel (the emulation runs as root).
 */
import fs from 'node:fs';
import { constants } from 'node:os';
import type { ClientInfo, FuseDevice, NodeAttributes } from './bridge';
import type { DeviceOutput } from './emulated-device';
import * as P from './fuse-proto';

const E = constants.errno;

export const WDIOC = {
  GETSUPPORT: 0x80285700,
  GETSTATUS: 0x80045701,
  GETBOOTSTATUS: 0x80045702,
  GETTEMP: 0x80045703,
  SETOPTIONS: 0x80045704,
  KEEPALIVE: 0x80045705,
  SETTIMEOUT: 0xc0045706,
  GETTIMEOUT: 0x80045707,
  SETPRETIMEOUT: 0xc0045708,
  GETPRETIMEOUT: 0x80045709,
  GETTIMELEFT: 0x8004570a,
} as const;
const WDIOS_DISABLECARD = 0x1;
const WDIOS_ENABLECARD = 0x2;
export const MEI_WDT = { identity: 'iamt_wdt', options: 0x8480, minTimeout: 120, maxTimeout: 65535, defaultTimeout: 120 } as const;
const STOP = Buffer.of(0x02, 0x02, 0x14, 0x10);
const START_RES = 0x83;
const WDSTATE_NOT_REQUIRED = 0x01;
export const HOLD_LIMIT_MS = 2000;

/** mei_wdt's states: idle, started (opened, no ping yet), running (pinged), not required (unregistered). */
type DriverState = 'idle' | 'start' | 'running' | 'not-required';

interface Held {
  /** The reply frame to write once the firmware has the message (absent: no syscall waits). */
  frame?: Buffer;
  deadline: number;
}

/** Reads `length` bytes at `address` in process `pid` (get_user for _IOR ioctls). */
export type MemoryReader = (pid: number, address: bigint, length: number) => Buffer | undefined;

export class EmulatedWatchdogDevice implements FuseDevice {
  private owner: bigint | undefined;
  /** The watchdog core's "active" flag: started by open/ENABLECARD, cleared by stop. */
  private active = false;
  private state: DriverState = 'idle';
  private timeout: number = MEI_WDT.defaultTimeout;
  private conn: number | undefined;
  private nextConn = 1;
  private nextFh = 1n;
  /** One entry per message sent, oldest first; the firmware acknowledges them in order. */
  private readonly held: Held[] = [];
  private warned = false;
  private readonly timeSec = BigInt(Math.floor(Date.now() / 1000));

  constructor(
    private readonly client: ClientInfo,
    private readonly attr: NodeAttributes,
    private readonly out: DeviceOutput,
    private readonly readMemory: MemoryReader = readProcessMemory,
  ) {}

  handle(req: P.FuseRequest): void {
    const { unique, body } = req;
    switch (req.opcode) {
      case P.Op.INIT: {
        const init = P.parseInit(body);
        this.out.write(P.reply(unique, P.encodeInitOut({ minor: Math.min(init.minor, P.FUSE_MINOR), maxReadahead: init.maxReadahead, maxWrite: P.MAX_WRITE })));
        this.out.event({ type: 'ready' });
        return;
      }
      case P.Op.GETATTR:
      case P.Op.SETATTR:
        this.out.write(P.reply(unique, P.encodeAttrOut({ ino: 1n, mode: P.S_IFREG | (this.attr.mode & 0o7777), uid: this.attr.uid, gid: this.attr.gid, timeSec: this.timeSec }, 1n)));
        return;
      case P.Op.OPEN:
        return this.open(unique);
      case P.Op.READ:
        return this.out.write(P.replyError(unique, E.EINVAL)); // watchdog_fops has no read
      case P.Op.WRITE:
        return this.write(unique, P.parseWrite(body));
      case P.Op.IOCTL:
        return this.ioctl(unique, req.pid, P.parseIoctl(body));
      case P.Op.POLL:
        return this.out.write(P.replyError(unique, E.ENOSYS)); // no poll: the kernel falls back to "ready"
      case P.Op.FLUSH:
        return this.close(P.parseFh(body), unique);
      case P.Op.RELEASE:
        this.close(P.parseFh(body));
        this.out.write(P.reply(unique));
        return;
      case P.Op.INTERRUPT:
      case P.Op.FORGET:
      case P.Op.BATCH_FORGET:
        return; // a held ping waits killably, as in the driver; the others are never answered
      case P.Op.DESTROY:
        this.out.write(P.reply(unique));
        return;
      default:
        this.out.write(P.replyError(unique, E.ENOSYS));
    }
  }

  /** Firmware → driver: the start response. wdstate "not required" unregisters the device. */
  firmwareSend(conn: number, data: Buffer): void {
    if (conn !== this.conn) return;
    if (data.length >= 6 && data[2] === START_RES && data[5]! & WDSTATE_NOT_REQUIRED) this.state = 'not-required';
  }

  firmwareDrop(conn: number): void {
    if (conn !== this.conn) return;
    this.conn = undefined; // reconnected on the next message
    this.releaseHeld();
  }

  /** Firmware reset: the connection is gone; the next message reconnects. */
  reset(): void {
    if (this.conn !== undefined) this.out.event({ type: 'close', conn: this.conn });
    this.conn = undefined;
    this.releaseHeld();
  }

  handled(conn: number): void {
    if (conn !== this.conn) return;
    const h = this.held.shift();
    if (h?.frame) this.out.write(h.frame);
  }

  tick(now: number): number | undefined {
    for (const h of this.held) {
      if (h.frame && h.deadline <= now) {
        this.out.write(h.frame);
        h.frame = undefined;
        if (!this.warned) {
          this.warned = true;
          this.out.event({ type: 'warning', message: `the watchdog firmware did not take a message within ${HOLD_LIMIT_MS} ms; the call returned anyway (is the simulator's thread blocked in a synchronous call on the device?)` });
        }
      }
    }
    const waiting = this.held.filter((h) => h.frame).map((h) => h.deadline);
    return waiting.length ? Math.min(...waiting) : undefined;
  }

  private open(unique: bigint): void {
    if (this.state === 'not-required') return this.out.write(P.replyError(unique, E.ENODEV));
    if (this.owner !== undefined) return this.out.write(P.replyError(unique, E.EBUSY));
    const fh = this.nextFh++;
    this.owner = fh;
    this.start();
    this.out.write(P.reply(unique, P.encodeOpenOut(fh, P.FOPEN_DIRECT_IO | P.FOPEN_NONSEEKABLE | P.FOPEN_STREAM)));
  }

  private close(fh: bigint, unique?: bigint): void {
    if (fh !== this.owner) {
      if (unique !== undefined) this.out.write(P.reply(unique));
      return;
    }
    this.owner = undefined;
    this.stop(unique === undefined ? undefined : P.reply(unique));
  }

  private write(unique: bigint, w: { fh: bigint; size: number }): void {
    const err = this.check(w.fh);
    if (err) return this.out.write(P.replyError(unique, err));
    const frame = P.reply(unique, P.encodeWriteOut(w.size));
    if (w.size === 0) return this.out.write(frame);
    this.ping(frame);
  }

  private ioctl(unique: bigint, pid: number, io: ReturnType<typeof P.parseIoctl>): void {
    const err = this.check(io.fh);
    if (err) return this.out.write(P.replyError(unique, err));
    const int = (v: number) => {
      const b = Buffer.alloc(4);
      b.writeInt32LE(v);
      return P.reply(unique, P.encodeIoctlOut(0, b));
    };
    const fail = (errno: number) => this.out.write(P.replyError(unique, errno));
    switch (io.cmd) {
      case WDIOC.GETSUPPORT: {
        const info = Buffer.alloc(40);
        info.writeUInt32LE(MEI_WDT.options, 0);
        info.writeUInt32LE(this.client.protocolVersion, 4);
        info.write(MEI_WDT.identity, 8, 'latin1');
        return this.out.write(P.reply(unique, P.encodeIoctlOut(0, info)));
      }
      case WDIOC.GETSTATUS:
      case WDIOC.GETBOOTSTATUS:
      case WDIOC.GETPRETIMEOUT:
        return this.out.write(int(0));
      case WDIOC.GETTIMEOUT:
        return this.out.write(int(this.timeout));
      case WDIOC.KEEPALIVE:
        return this.ping(P.reply(unique, P.encodeIoctlOut(0, Buffer.alloc(0))));
      case WDIOC.SETTIMEOUT: {
        if (io.data.length < 4) return fail(E.EFAULT);
        const t = io.data.readInt32LE(0);
        if (t < MEI_WDT.minTimeout || t > MEI_WDT.maxTimeout) return fail(E.EINVAL);
        this.timeout = t;
        return this.ping(int(t)); // the core pings so the new timeout takes effect at once
      }
      case WDIOC.SETOPTIONS: {
        const arg = this.readMemory(pid, io.arg, 4);
        if (!arg) return fail(E.EFAULT);
        const val = arg.readInt32LE(0);
        if (!(val & (WDIOS_DISABLECARD | WDIOS_ENABLECARD))) return fail(E.ENOTTY); // the core's -ENOIOCTLCMD
        const done = P.reply(unique, P.encodeIoctlOut(0, Buffer.alloc(0)));
        if (val & WDIOS_DISABLECARD) {
          this.stop(val & WDIOS_ENABLECARD ? undefined : done);
          if (!(val & WDIOS_ENABLECARD)) return;
        }
        this.start();
        return this.out.write(done);
      }
      case WDIOC.SETPRETIMEOUT:
      case WDIOC.GETTIMELEFT:
        return fail(E.EOPNOTSUPP);
      default:
        return fail(E.ENOTTY);
    }
  }

  /** The descriptor must be the open one, and the device still registered. */
  private check(fh: bigint): number | undefined {
    if (fh !== this.owner) return E.EBADF;
    if (this.state === 'not-required') return E.ENODEV;
    return undefined;
  }

  private start(): void {
    if (this.active) return;
    this.active = true;
    this.state = 'start';
  }

  /** A ping: the start/heartbeat message with the current timeout, answered once the firmware has it. */
  private ping(frame: Buffer): void {
    if (!this.active) return this.out.write(frame);
    this.state = 'running';
    const m = Buffer.alloc(23);
    m.set([0x02, 0x15, 0x13, 0x10]);
    m.writeUInt16LE(this.timeout, 4);
    this.send(m, frame);
  }

  /** Stop: STOP goes out only if the driver had pinged; answered once the firmware has it. */
  private stop(frame?: Buffer): void {
    const running = this.state === 'running';
    this.active = false;
    if (this.state !== 'not-required') this.state = 'idle';
    if (running) this.send(STOP, frame);
    else if (frame) this.out.write(frame);
  }

  private send(message: Buffer, frame?: Buffer): void {
    if (this.conn === undefined) {
      this.conn = this.nextConn++;
      this.out.event({ type: 'open', conn: this.conn, guid: this.client.guid });
    }
    this.held.push({ frame, deadline: Date.now() + HOLD_LIMIT_MS });
    this.out.event({ type: 'message', conn: this.conn, data: new Uint8Array(message) });
  }

  /** After a reset nothing will acknowledge what was sent: answer whoever waits. */
  private releaseHeld(): void {
    for (const h of this.held.splice(0)) if (h.frame) this.out.write(h.frame);
  }
}

function readProcessMemory(pid: number, address: bigint, length: number): Buffer | undefined {
  if (pid <= 0) return undefined;
  let fd: number | undefined;
  try {
    fd = fs.openSync(`/proc/${pid}/mem`, 'r');
    const buf = Buffer.alloc(length);
    return fs.readSync(fd, buf, 0, length, Number(address)) === length ? buf : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
