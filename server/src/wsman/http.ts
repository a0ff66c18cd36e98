/**
 * HTTP/1.1 over one Duplex from a Transport: one request at a time (AMT handles one per
 * connection), keep-alive reuse, and a transparent reconnect when the device had closed an idle
 * connection. Aborting a request destroys its connection; the next request opens a new one.
 */
import type { Duplex } from 'node:stream';
import { ConnectionError } from './errors';
import { HttpResponseParser, type HttpResponse } from './httpParser';
import { abortReason, type Transport } from './transport';

export type { HttpResponse } from './httpParser';

export interface HttpRequest {
  method: string;
  path: string;
  /** Extra headers; Host and Content-Length are added here. */
  headers: Record<string, string>;
  body: Buffer;
}

/** Thrown inside when a reused connection turns out to be closed before any reply byte. */
class StaleConnection extends Error {}

export class HttpConnection {
  readonly #transport: Transport;
  readonly #hostHeader: string;
  #socket: Duplex | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(transport: Transport, hostHeader: string) {
    this.#transport = transport;
    this.#hostHeader = hostHeader;
  }

  /** Sends one request after the ones already queued. Rejects with the signal's reason on abort. */
  request(req: HttpRequest, signal?: AbortSignal): Promise<HttpResponse> {
    const run = this.#queue.then(() => this.#send(req, signal));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Serializes the request head + body exactly as it goes on the wire. */
  encode(req: HttpRequest): { head: string; bytes: Buffer } {
    const lines = [`${req.method} ${req.path} HTTP/1.1`, `Host: ${this.#hostHeader}`];
    for (const [name, value] of Object.entries(req.headers)) lines.push(`${name}: ${value}`);
    lines.push(`Content-Length: ${req.body.length}`);
    const head = lines.join('\r\n') + '\r\n\r\n';
    return { head, bytes: Buffer.concat([Buffer.from(head, 'latin1'), req.body]) };
  }

  close(): void {
    this.#socket?.destroy();
    this.#socket = undefined;
  }

  async #send(req: HttpRequest, signal?: AbortSignal): Promise<HttpResponse> {
    const { bytes } = this.encode(req);
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw abortReason(signal);
      const reused = this.#socket !== undefined;
      const socket = this.#socket ?? (await this.#open(signal));
      try {
        return await this.#exchange(socket, bytes, reused, signal);
      } catch (err) {
        // A keep-alive connection the device had already closed: nothing was processed, resend once.
        if (err instanceof StaleConnection && attempt === 0) continue;
        if (err instanceof StaleConnection) {
          throw new ConnectionError(`${this.#transport.describe()} closed the connection without answering; retry, and check that no other client holds the device busy.`, this.#transport.describe());
        }
        throw err;
      }
    }
  }

  async #open(signal?: AbortSignal): Promise<Duplex> {
    const socket = await this.#transport.open(signal);
    // Idle listeners: a device closing or breaking an idle connection only means "reconnect next time".
    const forget = () => {
      if (this.#socket === socket) this.#socket = undefined;
    };
    socket.on('error', forget);
    socket.on('close', forget);
    socket.on('end', () => {
      forget();
      socket.destroy();
    });
    this.#socket = socket;
    return socket;
  }

  #exchange(socket: Duplex, bytes: Buffer, reused: boolean, signal?: AbortSignal): Promise<HttpResponse> {
    return new Promise<HttpResponse>((resolve, reject) => {
      if (signal?.aborted) {
        // A transport that ignored the signal while opening: nothing was sent yet.
        this.#drop(socket);
        return reject(abortReason(signal));
      }
      const parser = new HttpResponseParser();
      let settled = false;
      const finish = (err: unknown, res?: HttpResponse) => {
        if (settled) return;
        settled = true;
        socket.off('data', onData);
        socket.off('end', onEnd);
        socket.off('close', onEnd);
        socket.off('error', onError);
        signal?.removeEventListener('abort', onAbort);
        if (err || !res || parser.closeDelimited || wantsClose(res)) this.#drop(socket);
        if (err) reject(err);
        else resolve(res!);
      };
      const onData = (chunk: Buffer) => {
        try {
          parser.push(chunk);
          if (parser.done) finish(undefined, parser.result());
        } catch (err) {
          finish(err);
        }
      };
      const onEnd = () => {
        if (parser.bytesReceived === 0 && reused) return finish(new StaleConnection());
        try {
          parser.end();
          finish(undefined, parser.result());
        } catch (err) {
          finish(err);
        }
      };
      const onError = (err: NodeJS.ErrnoException) => {
        if (parser.bytesReceived === 0 && reused) return finish(new StaleConnection());
        const target = this.#transport.describe();
        finish(new ConnectionError(`The connection to ${target} failed during the request (${err.code ?? err.message}); retry, and check the network to the device.`, target, { cause: err }));
      };
      const onAbort = () => finish(abortReason(signal!));
      socket.on('data', onData);
      socket.on('end', onEnd);
      socket.on('close', onEnd);
      socket.on('error', onError);
      signal?.addEventListener('abort', onAbort, { once: true });
      socket.write(bytes, (err) => {
        if (err) onError(err as NodeJS.ErrnoException);
      });
    });
  }

  #drop(socket: Duplex): void {
    socket.destroy();
    if (this.#socket === socket) this.#socket = undefined;
  }
}

function wantsClose(res: HttpResponse): boolean {
  const connection = (res.headers.connection ?? '').toLowerCase();
  if (connection.includes('close')) return true;
  return res.httpVersion === '1.0' && !connection.includes('keep-alive');
}

