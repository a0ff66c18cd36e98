/**
 * A MeiConnection whose descriptor belongs to a worker thread (io-worker.ts): the main thread
 * only posts and receives whole messages, never waits in a syscall on the device, and gets every
 * message the driver had ready in one batch. Used for the long-lived, busy LME connection (APF);
 * a short AMTHI exchange is cheaper inline (device.ts) than starting a thread for it.
 *
 * Writes made in one turn of the event loop go to the worker in one post (one wake-up); they are
 * written in call order, and each write's promise settles when the driver took it.
 */
import fs from 'node:fs';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import { AmtError } from '../errors';
import { cancelled, Errno, meiError } from './errno';
import { clientLabel } from './guid';
import type { FromWorker, IoWorkerInput, ToWorker } from './io-worker';
import { EFD_CLOEXEC, EFD_NONBLOCK, type MeiLibc } from './libc';
import type { MeiConnection } from './types';

/** The bundles (dist/cli.js, dist/server.js) carry the worker as its own file beside them. */
export const BUNDLED_IO_WORKER = 'mei-io-worker.js';
const WAKE = Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]); // eventfd adds this u64 to its counter

interface WorkerEntry {
  file: string;
  execArgv: string[];
}

interface Pending {
  id: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

interface Reader {
  resolve: (b: Buffer) => void;
  reject: (e: Error) => void;
}

/** Hands the connected `fd` to a new I/O worker; from now on the connection owns it. */
export function threadedConnection(libc: MeiLibc, fd: number, path: string, guid: string, maxMessageLength: number, protocolVersion: number): MeiConnection {
  let entry: WorkerEntry;
  try {
    entry = ioWorkerEntry();
  } catch (err) {
    libc.close(fd);
    throw err;
  }
  const wakeFd = libc.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wakeFd < 0) {
    const errno = libc.errno();
    libc.close(fd);
    throw meiError(errno, { op: 'open', path, guid });
  }
  return new ThreadedMeiConnection(libc, entry, fd, wakeFd, path, guid, maxMessageLength, protocolVersion);
}

class ThreadedMeiConnection implements MeiConnection {
  private readonly worker: Worker;
  private readonly port: MessageChannel['port1'];
  private readonly inbox: Buffer[] = [];
  private readonly readers: Reader[] = [];
  /** Writes posted and not yet confirmed, oldest first. */
  private readonly writes: Pending[] = [];
  /** Writes of this turn, posted together in a microtask. */
  private outbox: Uint8Array[] = [];
  private outboxFirstId = 1;
  private nextWriteId = 1;
  private readFailure?: AmtError;
  private writeFailure?: AmtError;
  private closing?: Promise<void>;
  private fdClosed = false;
  private exited = false;

  constructor(
    private readonly libc: MeiLibc,
    entry: WorkerEntry,
    private readonly fd: number,
    private readonly wakeFd: number,
    readonly path: string,
    readonly guid: string,
    readonly maxMessageLength: number,
    readonly protocolVersion: number,
  ) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const input: IoWorkerInput = { fd, wakeFd, maxMessageLength, port: port2 };
    this.worker = new Worker(entry.file, { workerData: input, transferList: [port2], execArgv: entry.execArgv });
    port1.on('message', (m: FromWorker) => this.onWorker(m));
    this.worker.on('error', (err) => this.failAll(new AmtError('mei.worker', `The MEI I/O thread for ${this.where} failed (${err.message}); reconnect.`, { cause: err })));
    this.worker.once('exit', () => this.onExit());
  }

  write(message: Buffer, signal?: AbortSignal): Promise<void> {
    if (message.length > this.maxMessageLength) {
      return Promise.reject(meiError(Errno.EFBIG, { op: 'write', path: this.path, guid: this.guid, length: message.length, maxMessageLength: this.maxMessageLength }));
    }
    if (this.closing) return Promise.reject(this.closedError());
    if (this.writeFailure) return Promise.reject(this.writeFailure);
    if (signal?.aborted) return Promise.reject(new AmtError('cancelled', `Writing to ${this.path} was cancelled.`, { cause: signal.reason }));
    if (message.length === 0) return Promise.resolve(); // nothing reaches the driver
    const id = this.nextWriteId++;
    if (this.outbox.length === 0) {
      this.outboxFirstId = id;
      queueMicrotask(() => this.flush());
    }
    this.outbox.push(new Uint8Array(message)); // a copy with its own ArrayBuffer, transferred below
    return new Promise<void>((resolve, reject) => this.writes.push({ id, resolve, reject }));
  }

  read(options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<Buffer> {
    const { signal, timeoutMs } = options;
    if (this.inbox.length > 0) return Promise.resolve(this.inbox.shift()!);
    if (this.closing) return Promise.reject(this.closedError());
    if (this.readFailure) return Promise.reject(this.readFailure);
    if (signal?.aborted) return Promise.reject(cancelled(signal, `Reading from ${this.where} was cancelled.`));
    return new Promise<Buffer>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const settle = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const i = this.readers.indexOf(reader);
        if (i >= 0) this.readers.splice(i, 1);
      };
      const reader: Reader = {
        resolve: (b) => (settle(), resolve(b)),
        reject: (e) => (settle(), reject(e)),
      };
      const onAbort = () => reader.reject(cancelled(signal, `Reading from ${this.where} was cancelled.`));
      this.readers.push(reader);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => reader.reject(new AmtError('timeout',
          `No message from ${this.where} within ${timeoutMs} ms: the firmware did not answer; retry, or check that AMT is enabled.`)), timeoutMs);
      }
    });
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.flush();
      const closed = this.closedError();
      for (const r of [...this.readers]) r.reject(closed);
      this.inbox.length = 0;
      if (this.exited) return resolve();
      this.worker.once('exit', () => resolve());
      this.post({ t: 'close' });
    });
    return this.closing;
  }

  private get where(): string {
    return `${clientLabel(this.guid)} on ${this.path}`;
  }

  private flush(): void {
    if (this.outbox.length === 0) return;
    const messages = this.outbox;
    this.outbox = [];
    this.post({ t: 'write', firstId: this.outboxFirstId, messages }, messages.map((m) => m.buffer as ArrayBuffer));
  }

  private post(m: ToWorker, transfer?: ArrayBuffer[]): void {
    if (this.exited) return;
    this.port.postMessage(m, transfer);
    try {
      fs.writeSync(this.wakeFd, WAKE);
    } catch {
      // EAGAIN: the counter is saturated, so a wake-up is pending anyway.
    }
  }

  private onWorker(m: FromWorker): void {
    switch (m.t) {
      case 'read':
        for (const u of m.messages) {
          const message = Buffer.from(u.buffer, u.byteOffset, u.byteLength);
          const reader = this.readers.shift();
          if (reader) reader.resolve(message);
          else if (!this.closing) this.inbox.push(message);
        }
        return;
      case 'written':
        while (this.writes.length > 0 && this.writes[0]!.id <= m.upTo) this.writes.shift()!.resolve();
        return;
      case 'write-failed':
        this.writeFailure = meiError(m.errno, { op: 'write', path: this.path, guid: this.guid });
        for (const w of this.writes.splice(0)) w.reject(this.writeFailure);
        return;
      case 'read-failed':
        this.readFailure = meiError(m.errno, { op: 'read', path: this.path, guid: this.guid });
        for (const r of [...this.readers]) r.reject(this.readFailure);
        return;
      case 'closed':
        this.fdClosed = true;
        return;
    }
  }

  private onExit(): void {
    this.exited = true;
    this.port.close();
    // A worker that died without closing the descriptor: close it here, so it does not leak.
    if (!this.fdClosed) this.libc.close(this.fd);
    this.libc.close(this.wakeFd);
    this.failAll(this.closing ? this.closedError() : new AmtError('mei.worker', `The MEI I/O thread for ${this.where} stopped; reconnect.`));
  }

  private failAll(err: AmtError): void {
    this.readFailure ??= err;
    this.writeFailure ??= err;
    for (const r of [...this.readers]) r.reject(this.readFailure);
    for (const w of this.writes.splice(0)) w.reject(this.writeFailure);
    if (!this.exited) void this.worker.terminate().catch(() => undefined);
  }

  private closedError(): AmtError {
    return new AmtError('mei.closed', `The MEI connection to ${this.where} is closed: open a new one.`);
  }
}

/**
 * Where the worker script is, in both ways this code runs: from source under tsx (tests), the .ts
 * file beside this one, started with tsx's CommonJS hook (a worker does not inherit `--import tsx`
 * on Node 20); bundled, dist/mei-io-worker.js beside the bundle (esbuild.mjs builds it).
 */
function ioWorkerEntry(): WorkerEntry {
  const source = join(__dirname, 'io-worker.ts');
  if (existsSync(source)) return { file: source, execArgv: ['--require', createRequire(__filename).resolve('tsx/cjs')] };
  const bundled = join(__dirname, BUNDLED_IO_WORKER);
  if (existsSync(bundled)) return { file: bundled, execArgv: [] };
  throw new AmtError('mei.worker', `The MEI I/O worker is missing (looked for ${bundled}): rebuild with "npm run build", which bundles it beside the CLI.`);
}
