/**
 * HTTP/1.1 over one Duplex from a Transport: one request at a time (AMT handles one per
 * connection), keep-alive reuse, and a reconnect when the device had closed an idle connection.
 *
 * Sending again follows replay.ts and nothing else: when a kept-alive connection (or APF channel)
 * closes before the first reply byte, only a request that may be resent (Get, Enumerate, Pull,
 * Release, Identify) goes out once more on a new connection; any other request fails with
 * OutcomeUnknownError saying it may have been applied and how to check. A request whose
 * connection could not even be opened was never sent, and its error says so.
 *
 * The time limit of a request starts when it is written, not while it waits behind others, and is
 * kept with one timer per connection that is re-armed for each request (no timer or
 * AbortController per request). Aborting a request destroys its connection; the next request opens
 * a new one.
 */
import type { Duplex } from 'node:stream';
import { CancelledError, ConnectionError, OutcomeUnknownError, ProtocolError, TimeoutError } from './errors';
import { HttpResponseParser, type HttpResponse } from './httpParser';
import { mayHaveBeenApplied, mayResend, nameOf, wasNotSent, type WsmanOperation } from './replay';
import { abortReason, type Transport } from './transport';

export type { HttpResponse } from './httpParser';

export interface HttpRequest {
  method: string;
  path: string;
  /** Extra headers; Host and Content-Length are added here. */
  headers: Record<string, string>;
  body: Buffer;
}

export interface SendOptions {
  signal?: AbortSignal;
  /** Limit for the answer, counted from when the request is written; none when absent. */
  timeoutMs?: number;
  /** What the request is: decides whether it may be resent (replay.ts) and words the errors. Unknown requests are never resent. */
  operation?: WsmanOperation;
  /** Largest reply body accepted, default 64 MiB. */
  maxBody?: number;
}

/** The connection closed or broke before the first reply byte. */
class ClosedBeforeReply extends Error {
  constructor(override readonly cause?: NodeJS.ErrnoException) {
    super('closed before reply');
  }
}

interface Job {
  req: HttpRequest;
  opts: SendOptions;
  resolve: (res: HttpResponse) => void;
  reject: (err: unknown) => void;
}

interface Exchange {
  socket: Duplex;
  parser: HttpResponseParser;
  settle: (err: unknown, res?: HttpResponse) => void;
}

export class HttpConnection {
  readonly #transport: Transport;
  readonly #hostHeader: string;
  #socket: Duplex | undefined;
  #jobs: Job[] = [];
  #running = false;
  #current: Exchange | undefined;
  /** One timer per connection, re-armed with refresh() for each request. */
  #timer: NodeJS.Timeout | undefined;
  #timerMs = 0;
  #deadline = 0;
  #onTimeout: (() => void) | undefined;

  constructor(transport: Transport, hostHeader: string) {
    this.#transport = transport;
    this.#hostHeader = hostHeader;
  }

  /** True while a request is being sent or awaited, or waits for this connection. */
  get busy(): boolean {
    return this.#running || this.#jobs.length > 0;
  }

  /**
   * Sends one request after the ones already waiting for this connection. Rejects with the signal's
   * reason on abort. The second argument may be just an AbortSignal (older callers).
   */
  request(req: HttpRequest, options?: AbortSignal | SendOptions): Promise<HttpResponse> {
    const opts: SendOptions = options === undefined ? {} : isSignal(options) ? { signal: options } : options;
    return new Promise<HttpResponse>((resolve, reject) => {
      if (opts.signal?.aborted) return reject(abortReason(opts.signal));
      this.#jobs.push({ req, opts, resolve, reject });
      if (!this.#running) void this.#drain();
    });
  }

  /** Serializes the request head + body exactly as it goes on the wire. */
  encode(req: HttpRequest): { head: string; bytes: Buffer } {
    let head = `${req.method} ${req.path} HTTP/1.1\r\nHost: ${this.#hostHeader}\r\n`;
    for (const name in req.headers) head += `${name}: ${req.headers[name]}\r\n`;
    head += `Content-Length: ${req.body.length}\r\n\r\n`;
    const headLength = Buffer.byteLength(head, 'latin1');
    const bytes = Buffer.allocUnsafe(headLength + req.body.length);
    bytes.write(head, 0, headLength, 'latin1');
    req.body.copy(bytes, headLength);
    return { head, bytes };
  }

  close(): void {
    this.#socket?.destroy();
    this.#socket = undefined;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      for (let job = this.#jobs.shift(); job; job = this.#jobs.shift()) {
        if (job.opts.signal?.aborted) {
          job.reject(abortReason(job.opts.signal));
          continue;
        }
        try {
          job.resolve(await this.#send(job.req, job.opts));
        } catch (err) {
          job.reject(err);
        }
      }
    } finally {
      this.#running = false;
    }
  }

  async #send(req: HttpRequest, opts: SendOptions): Promise<HttpResponse> {
    const { bytes } = this.encode(req);
    const resend = mayResend(opts.operation);
    const target = this.#transport.describe();
    for (let attempt = 0; ; attempt++) {
      if (opts.signal?.aborted) throw abortReason(opts.signal);
      let socket = this.#socket;
      if (socket && !usable(socket)) {
        this.#drop(socket);
        socket = undefined;
      }
      const reused = socket !== undefined;
      if (!socket) {
        try {
          socket = await this.#open(opts.signal);
        } catch (err) {
          throw notSent(err, opts.operation);
        }
      }
      try {
        return await this.#exchange(socket, bytes, opts);
      } catch (err) {
        if (!(err instanceof ClosedBeforeReply)) throw err;
        // A kept-alive connection the device had closed: a request that may be resent goes once more.
        if (reused && resend && attempt === 0) continue;
        const tlsHint = reused ? '' : ' (if the port expects TLS, such as 16993, connect with https)';
        if (!resend) {
          throw new OutcomeUnknownError(
            `${target} closed the connection after ${nameOf(opts.operation)} was sent and before any answer${tlsHint}, so ${mayHaveBeenApplied(opts.operation)}.`,
            opts.operation ?? 'request',
            target,
            err.cause ? { cause: err.cause } : undefined,
          );
        }
        const code = err.cause?.code;
        throw new ConnectionError(
          reused
            ? `${target} closed the connection without answering${code ? ` (${code})` : ''}; retry, and check that no other client holds the device busy.`
            : `${target} closed the connection without answering${code ? ` (${code})` : ''}; if the port expects TLS (AMT serves TLS on 16993) connect with https, otherwise retry and check that no other client holds the device busy.`,
          target,
          err.cause ? { cause: err.cause } : undefined,
        );
      }
    }
  }

  async #open(signal?: AbortSignal): Promise<Duplex> {
    const socket = await this.#transport.open(signal);
    // Listeners for the socket's whole life: they forward to the exchange in progress, and while
    // idle a device closing or breaking the connection only means "reconnect next time".
    socket.on('data', (chunk: Buffer) => {
      const ex = this.#current;
      if (ex && ex.socket === socket) this.#onData(ex, chunk);
    });
    const onClosed = (err?: NodeJS.ErrnoException) => {
      const ex = this.#current;
      if (ex && ex.socket === socket) this.#onClosed(ex, err);
      if (this.#socket === socket) this.#socket = undefined;
    };
    socket.on('error', onClosed);
    socket.on('close', () => onClosed());
    socket.on('end', () => {
      onClosed();
      socket.destroy();
    });
    this.#socket = socket;
    return socket;
  }

  #exchange(socket: Duplex, bytes: Buffer, opts: SendOptions): Promise<HttpResponse> {
    return new Promise<HttpResponse>((resolve, reject) => {
      const { signal } = opts;
      if (signal?.aborted) {
        // A transport that ignored the signal while opening: nothing was sent yet.
        this.#drop(socket);
        return reject(abortReason(signal));
      }
      const parser = new HttpResponseParser(opts.maxBody !== undefined ? { maxBody: opts.maxBody } : {});
      let onAbort: (() => void) | undefined;
      const ex: Exchange = {
        socket,
        parser,
        settle: (err, res) => {
          if (this.#current !== ex) return;
          this.#current = undefined;
          this.#onTimeout = undefined;
          this.#timer?.unref();
          if (onAbort) signal!.removeEventListener('abort', onAbort);
          if (err || !res || parser.closeDelimited || wantsClose(res)) this.#drop(socket);
          if (err) reject(this.#afterSent(err, opts));
          else resolve(res!);
        },
      };
      this.#current = ex;
      if (signal) {
        onAbort = () => ex.settle(abortReason(signal));
        signal.addEventListener('abort', onAbort, { once: true });
      }
      if (opts.timeoutMs !== undefined) this.#arm(opts.timeoutMs, () => ex.settle(this.#timeoutError(opts)));
      socket.write(bytes, (err) => {
        if (err) this.#onClosed(ex, err as NodeJS.ErrnoException);
      });
    });
  }

  #onData(ex: Exchange, chunk: Buffer): void {
    try {
      ex.parser.push(chunk);
      if (ex.parser.done) ex.settle(undefined, ex.parser.result());
    } catch (err) {
      ex.settle(err);
    }
  }

  #onClosed(ex: Exchange, err?: NodeJS.ErrnoException): void {
    if (ex.parser.bytesReceived === 0) return ex.settle(new ClosedBeforeReply(err));
    if (err) {
      const target = this.#transport.describe();
      return ex.settle(new ConnectionError(`The connection to ${target} failed during the reply (${err.code ?? err.message}); retry, and check the network to the device.`, target, { cause: err }));
    }
    try {
      ex.parser.end();
      ex.settle(undefined, ex.parser.result());
    } catch (e) {
      ex.settle(e);
    }
  }

  /** Words a failure after the request was written: a request that changes the device may have been applied. */
  #afterSent(err: unknown, opts: SendOptions): unknown {
    if (err instanceof ClosedBeforeReply) return err;
    if (mayResend(opts.operation)) return err;
    const target = this.#transport.describe();
    if (err instanceof CancelledError) {
      return new CancelledError(`${capital(nameOf(opts.operation))} was cancelled after it was sent to ${target}, so ${mayHaveBeenApplied(opts.operation)}.`);
    }
    if (err instanceof ProtocolError || err instanceof ConnectionError) {
      return new OutcomeUnknownError(`${err.message.replace(/\.$/, '')}; ${mayHaveBeenApplied(opts.operation)}.`, opts.operation ?? 'request', target, { cause: err });
    }
    return err;
  }

  #timeoutError(opts: SendOptions): TimeoutError {
    const ms = opts.timeoutMs!;
    const target = this.#transport.describe();
    const tail = mayResend(opts.operation) || opts.operation === undefined
      ? 'check that the device is on and reachable, or raise the request timeout (amt.requestTimeoutSeconds)'
      : `${mayHaveBeenApplied(opts.operation)}, and if the device is slow raise the request timeout (amt.requestTimeoutSeconds)`;
    return new TimeoutError(`${target} did not answer within ${formatSeconds(ms)} of the request being sent; ${tail}.`, ms);
  }

  /** Arms the connection's one timer for `ms` from now. */
  #arm(ms: number, onTimeout: () => void): void {
    this.#onTimeout = onTimeout;
    this.#deadline = Date.now() + ms;
    if (this.#timer && this.#timerMs === ms) {
      this.#timer.refresh();
      this.#timer.ref();
      return;
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerMs = ms;
    this.#timer = setTimeout(() => this.#fire(), ms);
  }

  #fire(): void {
    const onTimeout = this.#onTimeout;
    if (!onTimeout) return; // idle: the last request finished in time
    const left = this.#deadline - Date.now();
    if (left > 1) {
      this.#timerMs = -1;
      this.#timer = setTimeout(() => this.#fire(), left);
      return;
    }
    onTimeout();
  }

  #drop(socket: Duplex): void {
    socket.destroy();
    if (this.#socket === socket) this.#socket = undefined;
  }
}

function isSignal(x: AbortSignal | SendOptions): x is AbortSignal {
  return typeof (x as AbortSignal).addEventListener === 'function';
}

/** Whether a kept-alive socket can still carry a request; one that is closing provably has not sent it. */
function usable(socket: Duplex): boolean {
  return !socket.destroyed && socket.writable && !socket.readableEnded;
}

/** The connection could not be opened: the request never left, so it may go on a new connection later. */
function notSent(err: unknown, operation: WsmanOperation | undefined): unknown {
  if (err instanceof ConnectionError) {
    return new ConnectionError(`${err.message.replace(/\.$/, '')}; ${wasNotSent(operation)}.`, err.target, { cause: err.cause ?? err, notSent: true });
  }
  return err;
}

function wantsClose(res: HttpResponse): boolean {
  const connection = (res.headers.connection ?? '').toLowerCase();
  if (connection.includes('close')) return true;
  return res.httpVersion === '1.0' && !connection.includes('keep-alive');
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
