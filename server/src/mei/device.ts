/**
 * The product's access to /dev/meiN (Linux kernel documentation, "Intel(R) Management Engine
 * Interface (Intel(R) MEI)", driver-api/mei): open, connect to a firmware client by GUID with
 * IOCTL_MEI_CONNECT_CLIENT, one message per write, one message per read, close.
 *
 * With `thread: true` the connection's I/O runs on a worker thread (threaded.ts); otherwise inline,
 * as follows.
 *
 * The fd is opened O_NONBLOCK. A read first tries the fd at once; only when nothing is waiting does
 * it wait with poll(2) on the libuv threadpool, in slices of at most POLL_SLICE_MS. A blocking
 * read(2) would pin a pool thread until the firmware speaks (four of them freeze all of Node's fs),
 * and the driver has no way to cancel it (mei_fops has no flush). Slices make every wait end by
 * itself, so an abort, a timeout or close() takes effect at once for the caller, and the pool thread
 * is back within one slice.
 */
import { AmtError } from '../errors';
import { cancelled, Errno, meiError, type MeiErrorContext } from './errno';
import { clientLabel, guidToUuidLe } from './guid';
import { meiLibc, O_CLOEXEC, O_NONBLOCK, O_RDWR, POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, type MeiLibc } from './libc';
import { threadedConnection } from './threaded';
import type { MeiConnection } from './types';

/** _IOWR('H', 0x01, struct mei_connect_client_data) — 16 bytes in and out. */
export const IOCTL_MEI_CONNECT_CLIENT = 0xc0104801;
/** Where the driver puts its devices; LMS tries them in this order too. */
export const DEFAULT_MEI_PATHS = ['/dev/mei0', '/dev/mei1', '/dev/mei2', '/dev/mei3'] as const;
/** Longest a single poll(2) may hold a libuv pool thread. */
export const POLL_SLICE_MS = 100;

export interface OpenMeiOptions {
  /** Device file; by default the first of /dev/mei0 … /dev/mei3 that opens and has the client. */
  path?: string;
  /** Firmware client GUID, canonical text form. */
  guid: string;
  signal?: AbortSignal;
  /**
   * Do the connection's I/O on a worker thread of its own (threaded.ts): for a long-lived, busy
   * connection such as APF's. Starting the thread costs a few tens of milliseconds, more than a
   * short AMTHI exchange gains, so the default is inline.
   */
  thread?: boolean;
}

/** Opens the MEI device and connects to one firmware client. Rejects with an AmtError (`mei.*`). */
export async function openMei(options: OpenMeiOptions): Promise<MeiConnection> {
  const uuid = guidToUuidLe(options.guid);
  const libc = meiLibc();
  const paths = options.path ? [options.path] : [...DEFAULT_MEI_PATHS];
  const failures: AmtError[] = [];
  for (const path of paths) {
    throwIfAborted(options.signal, `Opening ${path} was cancelled.`);
    try {
      return connectAt(libc, path, options.guid, uuid, options.thread ?? false);
    } catch (err) {
      if (!(err instanceof AmtError)) throw err;
      failures.push(err);
    }
  }
  // Several devices tried: the most telling failure wins (permission, busy, absent client) over
  // "no such file", which just means that device number does not exist.
  if (paths.length > 1 && failures.every((e) => e.code === 'mei.enoent')) {
    throw meiError(Errno.ENOENT, { op: 'open', path: `${paths[0]} (nor ${paths.slice(1).join(', ')})` });
  }
  throw failures.find((e) => e.code !== 'mei.enoent') ?? failures[0];
}

function connectAt(libc: MeiLibc, path: string, guid: string, uuid: Buffer, thread: boolean): MeiConnection {
  const fd = libc.open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw meiError(libc.errno(), { op: 'open', path });
  // struct mei_connect_client_data: the GUID goes in; max_msg_length (u32) and
  // protocol_version (u8) come back over the same bytes.
  const data = Buffer.alloc(16);
  uuid.copy(data);
  if (libc.ioctl(fd, IOCTL_MEI_CONNECT_CLIENT, data) < 0) {
    const errno = libc.errno();
    libc.close(fd);
    throw meiError(errno, { op: 'connect', path, guid });
  }
  const [maxMessageLength, protocolVersion] = [data.readUInt32LE(0), data.readUInt8(4)];
  if (thread) return threadedConnection(libc, fd, path, guid, maxMessageLength, protocolVersion);
  return new MeiDeviceConnection(libc, fd, path, guid, maxMessageLength, protocolVersion);
}

class MeiDeviceConnection implements MeiConnection {
  /** Aborted by close(): every wait in progress ends at once. */
  private readonly closing = new AbortController();
  /** poll(2) calls still running on the pool: the fd must outlive them (its number could be reused). */
  private readonly polls = new Set<Promise<unknown>>();
  private closed: Promise<void> | undefined;
  private writeTail: Promise<void> = Promise.resolve();

  constructor(
    private readonly libc: MeiLibc,
    private readonly fd: number,
    readonly path: string,
    readonly guid: string,
    readonly maxMessageLength: number,
    readonly protocolVersion: number,
  ) {}

  /** Writes go out in call order: one that must wait (EAGAIN) holds back those after it. */
  write(message: Buffer, signal?: AbortSignal): Promise<void> {
    const written = this.writeTail.then(() => this.writeOne(message, signal));
    this.writeTail = written.catch(() => {});
    return written;
  }

  private async writeOne(message: Buffer, signal?: AbortSignal): Promise<void> {
    const ctx: MeiErrorContext = { op: 'write', path: this.path, guid: this.guid, length: message.length, maxMessageLength: this.maxMessageLength };
    // The driver would say EFBIG too; checking first keeps the message off the wire entirely.
    if (message.length > this.maxMessageLength) throw meiError(Errno.EFBIG, ctx);
    for (;;) {
      this.throwIfClosed();
      throwIfAborted(signal, `Writing to ${this.path} was cancelled.`);
      if (this.libc.write(this.fd, message, message.length) >= 0) return;
      const errno = this.libc.errno();
      if (errno === Errno.EINTR) continue;
      if (errno !== Errno.EAGAIN) throw meiError(errno, ctx);
      // EAGAIN: the driver's transmit queue is full; wait until it drains.
      await this.waitFor(POLLOUT, POLL_SLICE_MS, signal);
    }
  }

  async read(options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<Buffer> {
    const { signal, timeoutMs } = options;
    const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
    // A message always fits: the firmware never sends more than max_msg_length.
    const buf = Buffer.allocUnsafe(Math.max(this.maxMessageLength, 1));
    let pollSaid = 0;
    for (;;) {
      this.throwIfClosed();
      throwIfAborted(signal, `Reading from ${clientLabel(this.guid)} on ${this.path} was cancelled.`);
      const n = this.libc.read(this.fd, buf, buf.length);
      if (n >= 0) return Buffer.from(buf.subarray(0, n));
      const errno = this.libc.errno();
      if (errno !== Errno.EAGAIN && errno !== Errno.EINTR) throw meiError(errno, { op: 'read', path: this.path, guid: this.guid });
      // poll said "error" but read has nothing to report: the driver's view of a dead connection.
      if (pollSaid & (POLLERR | POLLHUP | POLLNVAL)) throw meiError(Errno.ENODEV, { op: 'read', path: this.path, guid: this.guid });
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new AmtError('timeout', `No message from ${clientLabel(this.guid)} on ${this.path} within ${timeoutMs} ms: the firmware did not answer; retry, or check that AMT is enabled.`);
      }
      pollSaid = await this.waitFor(POLLIN, Math.min(POLL_SLICE_MS, left), signal);
    }
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      this.closing.abort();
      await Promise.allSettled([...this.polls]);
      this.libc.close(this.fd);
    })();
    return this.closed;
  }

  /**
   * One poll(2) slice; resolves with revents (0 on timeout). Abort or close settle the returned
   * promise at once while the slice itself finishes on the pool, tracked in `polls`.
   */
  private waitFor(events: number, timeoutMs: number, signal: AbortSignal | undefined): Promise<number> {
    const slice = this.libc.pollAsync(this.fd, events, Math.max(0, Math.ceil(timeoutMs)));
    this.polls.add(slice);
    void slice.finally(() => this.polls.delete(slice)).catch(() => {});
    return new Promise<number>((resolve, reject) => {
      const stop = () => {
        cleanup();
        reject(this.closing.signal.aborted ? this.closedError() : cancelled(signal, `Waiting on ${this.path} was cancelled.`));
      };
      const cleanup = () => {
        signal?.removeEventListener('abort', stop);
        this.closing.signal.removeEventListener('abort', stop);
      };
      signal?.addEventListener('abort', stop, { once: true });
      this.closing.signal.addEventListener('abort', stop, { once: true });
      slice.then(
        (r) => {
          cleanup();
          if (r.result < 0 && r.errno !== Errno.EINTR) reject(meiError(r.errno, { op: 'poll', path: this.path, guid: this.guid }));
          else resolve(r.result > 0 ? r.revents : 0);
        },
        (err) => {
          cleanup();
          reject(err);
        },
      );
    });
  }

  private throwIfClosed(): void {
    if (this.closing.signal.aborted) throw this.closedError();
  }

  private closedError(): AmtError {
    return new AmtError('mei.closed', `The MEI connection to ${clientLabel(this.guid)} on ${this.path} is closed: open a new one.`);
  }
}

function throwIfAborted(signal: AbortSignal | undefined, message: string): void {
  if (signal?.aborted) throw cancelled(signal, message);
}
