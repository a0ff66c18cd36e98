/**
 * Incremental HTTP/1.1 response parser: status line, headers, and a body delimited by
 * Content-Length, chunked encoding (AMT writes upper-case hex sizes and splits XML anywhere) or
 * connection close. Written by hand because the bytes arrive on an arbitrary Duplex (TCP, TLS, an
 * APF channel) where node:http cannot be attached.
 */
import { ProtocolError } from './errors';

export interface HttpResponse {
  httpVersion: string;
  status: number;
  statusText: string;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  /** Status line and header lines as received, for traces. */
  head: string;
}

const MAX_HEAD = 64 * 1024;
const MAX_BODY = 64 * 1024 * 1024;

type BodyMode = { kind: 'none' } | { kind: 'length'; remaining: number } | { kind: 'chunked' } | { kind: 'close' };
type ChunkState = 'size' | 'data' | 'data-end' | 'trailer';

export class HttpResponseParser {
  #buf: Buffer = Buffer.alloc(0);
  #received = 0;
  #head: Omit<HttpResponse, 'body'> | undefined;
  #mode: BodyMode | undefined;
  #chunkState: ChunkState = 'size';
  #chunkRemaining = 0;
  #parts: Buffer[] = [];
  #bodyLength = 0;
  #done = false;

  /** Bytes seen so far; 0 after a dropped keep-alive connection tells the caller it is safe to resend. */
  get bytesReceived(): number {
    return this.#received;
  }

  get done(): boolean {
    return this.#done;
  }

  /** True when the body ends only with the connection, which then cannot be reused. */
  get closeDelimited(): boolean {
    return this.#mode?.kind === 'close';
  }

  push(chunk: Buffer): void {
    if (this.#done) return;
    this.#received += chunk.length;
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    this.#advance();
  }

  /** The connection closed. Completes a close-delimited body, otherwise the reply was cut short. */
  end(): void {
    if (this.#done) return;
    if (this.#mode?.kind === 'close') {
      this.#take(this.#buf.length);
      this.#done = true;
      return;
    }
    throw new ProtocolError(
      `${this.#head ? `The device closed the connection in the middle of the HTTP ${this.#head.status} reply body` : 'The device closed the connection before sending a complete HTTP reply'}; retry the request, and if it keeps happening check that the device is not resetting and no firewall cuts the connection.`,
    );
  }

  result(): HttpResponse {
    if (!this.#done || !this.#head) throw new Error('HTTP response is not complete yet');
    return { ...this.#head, body: Buffer.concat(this.#parts, this.#bodyLength) };
  }

  #advance(): void {
    while (!this.#done) {
      if (!this.#head) {
        if (!this.#readHead()) return;
        continue;
      }
      const mode = this.#mode!;
      if (mode.kind === 'none') {
        this.#done = true;
      } else if (mode.kind === 'length') {
        const n = Math.min(mode.remaining, this.#buf.length);
        this.#take(n);
        mode.remaining -= n;
        if (mode.remaining === 0) this.#done = true;
        return;
      } else if (mode.kind === 'close') {
        this.#take(this.#buf.length);
        return;
      } else if (!this.#readChunked()) {
        return;
      }
    }
  }

  #readHead(): boolean {
    const end = this.#buf.indexOf('\r\n\r\n');
    if (end < 0) {
      if (this.#buf.length > MAX_HEAD) throw new ProtocolError('The HTTP reply headers are larger than 64 KiB; this is not an AMT WS-Man endpoint.');
      return false;
    }
    const head = this.#buf.subarray(0, end).toString('latin1');
    this.#buf = this.#buf.subarray(end + 4);
    const [statusLine = '', ...lines] = head.split('\r\n');
    const m = /^HTTP\/(\d\.\d) (\d{3})(?: (.*))?$/.exec(statusLine);
    if (!m) throw new ProtocolError(`The reply does not start with an HTTP status line (got "${statusLine.slice(0, 60)}"); check that this port serves WS-Man over HTTP${statusLine.startsWith('\x16') ? ' (it looks like TLS: use the TLS port setting)' : ''}.`);
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    const status = Number(m[2]);
    if (status >= 100 && status < 200) return true; // interim (100 Continue): the real reply follows
    this.#head = { httpVersion: m[1]!, status, statusText: m[3] ?? '', headers, head };
    this.#mode = bodyMode(status, headers);
    return true;
  }

  #readChunked(): boolean {
    for (;;) {
      if (this.#chunkState === 'size' || this.#chunkState === 'trailer') {
        const eol = this.#buf.indexOf('\r\n');
        if (eol < 0) {
          if (this.#buf.length > 4096) throw broken('A chunk-size line of the HTTP reply is too long');
          return false;
        }
        const line = this.#buf.subarray(0, eol).toString('latin1');
        this.#buf = this.#buf.subarray(eol + 2);
        if (this.#chunkState === 'trailer') {
          if (line === '') {
            this.#done = true;
            return true;
          }
          continue;
        }
        const hex = line.split(';')[0]!.trim();
        if (!/^[0-9a-fA-F]+$/.test(hex)) throw broken(`The HTTP reply has an invalid chunk size "${line.slice(0, 20)}"`);
        this.#chunkRemaining = parseInt(hex, 16);
        this.#chunkState = this.#chunkRemaining === 0 ? 'trailer' : 'data';
      } else if (this.#chunkState === 'data') {
        const n = Math.min(this.#chunkRemaining, this.#buf.length);
        this.#take(n);
        this.#chunkRemaining -= n;
        if (this.#chunkRemaining > 0) return false;
        this.#chunkState = 'data-end';
      } else {
        if (this.#buf.length < 2) return false;
        if (this.#buf[0] !== 0x0d || this.#buf[1] !== 0x0a) throw broken('A chunk of the HTTP reply is not followed by CRLF');
        this.#buf = this.#buf.subarray(2);
        this.#chunkState = 'size';
      }
    }
  }

  #take(n: number): void {
    if (n === 0) return;
    this.#bodyLength += n;
    if (this.#bodyLength > MAX_BODY) throw broken('The HTTP reply body is larger than 64 MiB');
    this.#parts.push(this.#buf.subarray(0, n));
    this.#buf = this.#buf.subarray(n);
  }
}

function bodyMode(status: number, headers: Record<string, string>): BodyMode {
  if (status === 204 || status === 304) return { kind: 'none' };
  if (/\bchunked\b/i.test(headers['transfer-encoding'] ?? '')) return { kind: 'chunked' };
  const length = headers['content-length'];
  if (length !== undefined) {
    const value = length.split(',')[0]!.trim();
    if (!/^\d+$/.test(value)) throw broken(`The HTTP reply has an invalid Content-Length "${length}"`);
    const n = Number(value);
    return n === 0 ? { kind: 'none' } : { kind: 'length', remaining: n };
  }
  return { kind: 'close' };
}

/** A reply that breaks HTTP framing: what is wrong, then what to check. */
function broken(what: string): ProtocolError {
  return new ProtocolError(`${what}, so it is not valid HTTP; check that the address and port are an AMT device's WS-Man port (16992 or 16993) with no proxy rewriting the traffic, and retry.`);
}
