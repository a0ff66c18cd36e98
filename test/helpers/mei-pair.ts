/**
 * An in-memory MEI device for unit tests: the product's `MeiConnection` on one side, simulated
 * `FirmwareClient`s on the other. It keeps the driver's rules that matter to protocol code
 * (Linux kernel Documentation/driver-api/mei): whole messages both ways, EFBIG above maxMessageLength, ENOTTY for an unknown
 * client, EBUSY for a second connection to a single-connection client, delivery on a later tick
 * (never re-entrant), and `reset()` — the ME resets: queued messages are lost, every pending and
 * later read/write fails with ENODEV, and each firmware session gets onClose().
 */
import { AmtError } from '../../server/src/errors';
import type { MeiConnection } from '../../server/src/mei/types';
import type { FirmwareClient, FirmwareSession } from '../../server/src/sim/mei/firmware';

const enodev = (why: string) => new AmtError('mei.enodev', `ENODEV: ${why}`);

class MemoryConnection implements MeiConnection {
  readonly maxMessageLength: number;
  readonly protocolVersion: number;
  session?: FirmwareSession;
  private readonly inbox: Buffer[] = [];
  private readonly readers: { resolve: (b: Buffer) => void; reject: (e: Error) => void }[] = [];
  private hostClosed = false;
  private firmwareClosed = false;
  private failure?: AmtError;
  /** Every message the host wrote, for assertions. */
  readonly written: Buffer[] = [];

  constructor(client: FirmwareClient, private readonly onGone: (c: MemoryConnection) => void) {
    this.maxMessageLength = client.maxMessageLength;
    this.protocolVersion = client.protocolVersion;
  }

  async write(message: Buffer, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.failure) throw this.failure;
    if (this.hostClosed) throw enodev('the connection is closed');
    if (this.firmwareClosed) throw enodev('the firmware closed the connection');
    if (message.length > this.maxMessageLength) {
      throw new AmtError('mei.efbig', `EFBIG: a ${message.length}-byte message exceeds the client's ${this.maxMessageLength}-byte limit`);
    }
    if (message.length === 0) return;
    const copy = Buffer.from(message);
    this.written.push(copy);
    // A write that returned is queued: it still reaches the firmware if the host closes right after.
    setImmediate(() => {
      if (!this.failure && !this.firmwareClosed) this.session?.onMessage(copy);
    });
  }

  read(options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      if (options.signal?.aborted) return reject(new AmtError('cancelled', 'The read was cancelled.'));
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => settle(() => reject(new AmtError('cancelled', 'The read was cancelled.')));
      const settle = (fn: () => void) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        const i = this.readers.indexOf(reader);
        if (i >= 0) this.readers.splice(i, 1);
        fn();
      };
      const reader = {
        resolve: (b: Buffer) => settle(() => resolve(b)),
        reject: (e: Error) => settle(() => reject(e)),
      };
      this.readers.push(reader);
      if (options.timeoutMs !== undefined) {
        timer = setTimeout(() => reader.reject(new AmtError('timeout', `The read timed out after ${options.timeoutMs} ms.`)), options.timeoutMs);
      }
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.pump();
    });
  }

  async close(): Promise<void> {
    if (this.hostClosed) return;
    this.hostClosed = true;
    this.failReaders(new AmtError('mei.closed', 'The MEI connection was closed.'));
    this.onGone(this);
    setImmediate(() => this.session?.onClose());
  }

  /** Firmware → host. */
  deliver(message: Buffer): void {
    if (message.length > this.maxMessageLength) {
      throw new Error(`simulated firmware sent ${message.length} bytes, above its own ${this.maxMessageLength}-byte limit`);
    }
    const copy = Buffer.from(message);
    setImmediate(() => {
      if (this.failure || this.hostClosed) return;
      this.inbox.push(copy);
      this.pump();
    });
  }

  /** The firmware dropped the connection: queued messages can still be read, then ENODEV. */
  firmwareClose(): void {
    setImmediate(() => {
      this.firmwareClosed = true;
      this.onGone(this);
      this.pump();
    });
  }

  reset(): void {
    if (this.hostClosed || this.failure) return;
    this.failure = enodev('the ME was reset');
    this.inbox.length = 0;
    this.failReaders(this.failure);
    this.onGone(this);
    this.session?.onClose();
  }

  private pump(): void {
    while (this.readers.length > 0 && this.inbox.length > 0) this.readers[0].resolve(this.inbox.shift()!);
    if (this.failure) this.failReaders(this.failure);
    else if (this.firmwareClosed && this.inbox.length === 0) this.failReaders(enodev('the firmware closed the connection'));
  }

  private failReaders(err: Error): void {
    for (const r of [...this.readers]) r.reject(err);
  }
}

export interface MemoryMei {
  /** Connects to a client by GUID, like open + IOCTL_MEI_CONNECT_CLIENT. */
  open(guid: string): Promise<MeiConnection & { readonly written: Buffer[] }>;
  /** Simulates an ME reset: every open connection fails with ENODEV. */
  reset(): void;
  /** Connections currently open. */
  readonly openCount: number;
}

export function memoryMei(clients: FirmwareClient[]): MemoryMei {
  const open = new Set<MemoryConnection>();
  const clientOf = new Map<MemoryConnection, FirmwareClient>();
  return {
    async open(guid) {
      await new Promise((r) => setImmediate(r));
      const client = clients.find((c) => c.guid.toLowerCase() === guid.toLowerCase());
      if (!client) throw new AmtError('mei.enotty', `ENOTTY: no firmware client ${guid}`);
      if (client.singleConnection && [...open].some((c) => clientOf.get(c) === client)) {
        throw new AmtError('mei.ebusy', `EBUSY: client ${guid} is already connected`);
      }
      const conn = new MemoryConnection(client, (c) => open.delete(c));
      open.add(conn);
      clientOf.set(conn, client);
      conn.session = client.open({ send: (m) => conn.deliver(m), close: () => conn.firmwareClose() });
      return conn;
    },
    reset() {
      for (const c of [...open]) c.reset();
    },
    get openCount() {
      return open.size;
    },
  };
}
