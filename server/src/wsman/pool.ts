/**
 * A device's few connections. AMT serves one request per connection and accepts only a handful of
 * connections at once, so requests beyond that wait here, in order, without being sent, and a
 * request that waits too long fails with QueueTimeoutError naming the queue (not the device).
 * The request's own time limit starts only when it leaves the queue (http.ts).
 *
 * Each connection carries its own state (the client keeps a Digest nonce and count per connection,
 * because counts from several connections would reach the device out of order). Connections are
 * opened only when every open one is busy, and only one is used until `widen()`: the client calls it
 * once the password has been accepted, so a wrong password costs one failed log-on, not one per
 * connection.
 */
import { QueueTimeoutError } from './errors';
import { HttpConnection, formatSeconds } from './http';
import { abortReason, type Transport } from './transport';

export interface PoolOptions {
  /** Connections at most; default 3 (AMT accepts few at once). */
  maxConnections?: number;
  /** How long a request may wait for a free connection before QueueTimeoutError; default 60000. */
  queueTimeoutMs?: number;
}

export const DEFAULT_MAX_CONNECTIONS = 3;
export const DEFAULT_QUEUE_TIMEOUT_MS = 60_000;

export interface PooledConnection<S> {
  readonly http: HttpConnection;
  readonly state: S;
}

interface Slot<S> extends PooledConnection<S> {
  busy: boolean;
}

interface Waiter<S> {
  resolve: (slot: PooledConnection<S>) => void;
  reject: (err: unknown) => void;
  deadline: number;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  done: boolean;
}

export class ConnectionPool<S> {
  readonly #transport: Transport;
  readonly #hostHeader: string;
  readonly #makeState: () => S;
  readonly #max: number;
  readonly #queueTimeoutMs: number;
  readonly #slots: Slot<S>[] = [];
  /** FIFO with a moving head, so a long queue costs no array shifting. */
  #waiters: (Waiter<S> | undefined)[] = [];
  #head = 0;
  #limit = 1;
  #timer: NodeJS.Timeout | undefined;

  constructor(transport: Transport, hostHeader: string, makeState: () => S, opts: PoolOptions = {}) {
    this.#transport = transport;
    this.#hostHeader = hostHeader;
    this.#makeState = makeState;
    this.#max = Math.max(1, Math.floor(opts.maxConnections ?? DEFAULT_MAX_CONNECTIONS));
    this.#queueTimeoutMs = opts.queueTimeoutMs ?? DEFAULT_QUEUE_TIMEOUT_MS;
  }

  /** Requests waiting for a connection (not yet sent). */
  get waiting(): number {
    let n = 0;
    for (let i = this.#head; i < this.#waiters.length; i++) if (this.#waiters[i] && !this.#waiters[i]!.done) n++;
    return n;
  }

  /** Connections open or opening. */
  get size(): number {
    return this.#slots.length;
  }

  get maxConnections(): number {
    return this.#max;
  }

  /** Allows all `maxConnections` to be used (after the first request proved the credentials). */
  widen(): void {
    if (this.#limit === this.#max) return;
    this.#limit = this.#max;
    this.#dispatch();
  }

  /** A free connection, opened if needed, or a place in the queue. Rejects with the signal's reason or QueueTimeoutError. */
  acquire(signal?: AbortSignal): Promise<PooledConnection<S>> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.#head === this.#waiters.length) {
      const slot = this.#freeSlot();
      if (slot) {
        slot.busy = true;
        return Promise.resolve(slot);
      }
    }
    return new Promise<PooledConnection<S>>((resolve, reject) => {
      const waiter: Waiter<S> = { resolve, reject, deadline: Date.now() + this.#queueTimeoutMs, signal, onAbort: undefined, done: false };
      if (signal) {
        waiter.onAbort = () => this.#settle(waiter, abortReason(signal));
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.#waiters.push(waiter);
      if (!this.#timer) this.#armTimer(this.#queueTimeoutMs);
    });
  }

  /** Gives the connection back; the next waiter gets it. */
  release(conn: PooledConnection<S>): void {
    const slot = conn as Slot<S>;
    slot.busy = false;
    this.#dispatch();
  }

  /** Fails every waiting request with `err` (e.g. the password was refused: none of them may be sent). */
  rejectWaiting(err: unknown): void {
    for (let i = this.#head; i < this.#waiters.length; i++) {
      const w = this.#waiters[i];
      if (w && !w.done) this.#settle(w, err);
    }
    this.#compact();
  }

  close(): void {
    for (const slot of this.#slots) slot.http.close();
    this.#slots.length = 0;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #freeSlot(): Slot<S> | undefined {
    for (const slot of this.#slots) if (!slot.busy) return slot;
    if (this.#slots.length < this.#limit) {
      const slot: Slot<S> = { http: new HttpConnection(this.#transport, this.#hostHeader), state: this.#makeState(), busy: false };
      this.#slots.push(slot);
      return slot;
    }
    return undefined;
  }

  #dispatch(): void {
    while (this.#head < this.#waiters.length) {
      const w = this.#waiters[this.#head];
      if (!w || w.done) {
        this.#head++;
        continue;
      }
      const slot = this.#freeSlot();
      if (!slot) break;
      slot.busy = true;
      this.#head++;
      this.#finish(w);
      w.resolve(slot);
    }
    this.#compact();
  }

  #settle(w: Waiter<S>, err: unknown): void {
    if (w.done) return;
    this.#finish(w);
    w.reject(err);
  }

  #finish(w: Waiter<S>): void {
    w.done = true;
    if (w.onAbort) w.signal!.removeEventListener('abort', w.onAbort);
  }

  #compact(): void {
    if (this.#head === this.#waiters.length) {
      this.#waiters = [];
      this.#head = 0;
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = undefined;
    } else if (this.#head > 1024 && this.#head * 2 > this.#waiters.length) {
      this.#waiters = this.#waiters.slice(this.#head);
      this.#head = 0;
    }
  }

  /** One timer for the whole queue, set for the oldest waiter (the first to expire). */
  #armTimer(ms: number): void {
    this.#timer = setTimeout(() => this.#expire(), Math.max(1, ms));
  }

  #expire(): void {
    this.#timer = undefined;
    const now = Date.now();
    const target = this.#transport.describe();
    while (this.#head < this.#waiters.length) {
      const w = this.#waiters[this.#head];
      if (w && !w.done) {
        if (w.deadline > now) break;
        const busy = this.#slots.length;
        this.#settle(
          w,
          new QueueTimeoutError(
            `The request was not sent: it waited ${formatSeconds(this.#queueTimeoutMs)} in the queue for ${target}, whose ${busy} connection${busy === 1 ? ' was' : 's were'} all busy with earlier requests; the device is answering, so send fewer requests at once or retry later.`,
            this.#queueTimeoutMs,
            target,
          ),
        );
      }
      this.#head++;
    }
    this.#compact();
    const next = this.#waiters[this.#head];
    if (next && !this.#timer) this.#armTimer(next.deadline - now);
  }
}
