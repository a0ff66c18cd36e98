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

/** Status line plus headers, and separately the trailer section of a chunked body. */
export const MAX_HEAD = 64 * 1024;
/** A chunk-size line, with its extensions. */
export const MAX_CHUNK_LINE = 4096;
/** Default cap on a reply body. */
export const MAX_BODY = 64 * 1024 * 1024;
/** Parts smaller than this are copied into a staging buffer, so a body of tiny chunks stays compact. */
const SMALL_PART = 1024;
const STAGING = 16 * 1024;

type BodyMode = { kind: 'none' } | { kind: 'length'; remaining: number } | { kind: 'chunked' } | { kind: 'close' };
type ChunkState = 'size' | 'data' | 'data-end' | 'trailer';

export interface ParserOptions {
  /** Largest body accepted, in bytes; default 64 MiB. */
  maxBody?: number;
}

export class HttpResponseParser {
  readonly #maxBody: number;
  #buf: Buffer = Buffer.alloc(0);
  /** Where the next search for a line end may start in #buf (bytes before it were already scanned). */
  #scanFrom = 0;
  #received = 0;
  #head: Omit<HttpResponse, 'body'> | undefined;
  #mode: BodyMode | undefined;
  #chunkState: ChunkState = 'size';
  #chunkRemaining = 0;
  #trailerBytes = 0;
  #parts: Buffer[] = [];
  #staging: Buffer | undefined;
  #stagingUsed = 0;
  #bodyLength = 0;
  #done = false;

  constructor(opts: ParserOptions = {}) {
    this.#maxBody = opts.maxBody ?? MAX_BODY;
  }

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
    this.#flushStaging();
    const body = this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts, this.#bodyLength);
    return { ...this.#head, body };
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
    if (this.#scanFrom === 0 && this.#buf.length >= 2) {
      const b0 = this.#buf[0]!;
      // A TLS record (alert 0x15, handshake 0x16, version 3.x): plain HTTP reached a TLS port.
      if ((b0 === 0x15 || b0 === 0x16) && this.#buf[1] === 0x03) {
        throw new ProtocolError('The device answered with TLS bytes instead of HTTP, so this port expects TLS; connect with https (AMT serves TLS on 16993 and plain HTTP on 16992).');
      }
    }
    if (this.#scanFrom === 0 && this.#buf.length >= 5 && this.#buf.toString('latin1', 0, 5) !== 'HTTP/') {
      throw notHttp(this.#buf.subarray(0, Math.min(this.#buf.length, 60)).toString('latin1').split('\r\n')[0]!);
    }
    const end = this.#buf.indexOf('\r\n\r\n', this.#scanFrom, 'latin1');
    if (end < 0 || end > MAX_HEAD) {
      if (end > MAX_HEAD || this.#buf.length > MAX_HEAD) throw new ProtocolError('The HTTP reply headers are larger than 64 KiB; this is not an AMT WS-Man endpoint, so check the address and port.');
      this.#scanFrom = Math.max(0, this.#buf.length - 3);
      return false;
    }
    const head = this.#buf.subarray(0, end).toString('latin1');
    this.#buf = this.#buf.subarray(end + 4);
    this.#scanFrom = 0;
    const [statusLine = '', ...lines] = head.split('\r\n');
    const m = /^HTTP\/(\d\.\d) (\d{3})(?: (.*))?$/.exec(statusLine);
    if (!m) throw notHttp(statusLine);
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
    this.#mode = bodyMode(status, headers, this.#maxBody);
    return true;
  }

  #readChunked(): boolean {
    for (;;) {
      if (this.#chunkState === 'size' || this.#chunkState === 'trailer') {
        const eol = this.#buf.indexOf('\r\n', this.#scanFrom, 'latin1');
        if (eol < 0 || eol > MAX_CHUNK_LINE) {
          if (eol > MAX_CHUNK_LINE || this.#buf.length > MAX_CHUNK_LINE) throw broken('A chunk-size or trailer line of the HTTP reply is longer than 4 KiB');
          this.#scanFrom = Math.max(0, this.#buf.length - 1);
          return false;
        }
        const line = this.#buf.subarray(0, eol).toString('latin1');
        this.#buf = this.#buf.subarray(eol + 2);
        this.#scanFrom = 0;
        if (this.#chunkState === 'trailer') {
          this.#trailerBytes += eol + 2;
          if (this.#trailerBytes > MAX_HEAD) throw broken('The trailer of the chunked HTTP reply is larger than 64 KiB');
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
    if (this.#bodyLength > this.#maxBody) throw tooLarge(this.#maxBody);
    const part = this.#buf.subarray(0, n);
    this.#buf = this.#buf.subarray(n);
    if (n >= SMALL_PART) {
      this.#flushStaging();
      this.#parts.push(part);
      return;
    }
    // Tiny chunks (a hostile or odd sender) are copied together: a million 1-byte chunks must not
    // become a million Buffer views.
    if (!this.#staging || this.#stagingUsed + n > this.#staging.length) {
      this.#flushStaging();
      this.#staging = Buffer.allocUnsafe(STAGING);
    }
    part.copy(this.#staging!, this.#stagingUsed);
    this.#stagingUsed += n;
  }

  #flushStaging(): void {
    if (this.#staging && this.#stagingUsed > 0) this.#parts.push(this.#staging.subarray(0, this.#stagingUsed));
    this.#staging = undefined;
    this.#stagingUsed = 0;
  }
}

function tooLarge(max: number): ProtocolError {
  const size = max % (1024 * 1024) === 0 ? `${max / (1024 * 1024)} MiB` : `${max} bytes`;
  return new ProtocolError(`The HTTP reply body is larger than ${size}, the most this client accepts; ask for less (a smaller MaxElements in Pull) or check that the address is an AMT device.`);
}

function notHttp(statusLine: string): ProtocolError {
  const printable = statusLine.slice(0, 60).replace(/[^\x20-\x7e]/g, '?');
  return new ProtocolError(`The reply does not start with an HTTP status line (got "${printable}"); check that this port serves WS-Man over HTTP.`);
}

function bodyMode(status: number, headers: Record<string, string>, maxBody: number): BodyMode {
  if (status === 204 || status === 304) return { kind: 'none' };
  if (/\bchunked\b/i.test(headers['transfer-encoding'] ?? '')) return { kind: 'chunked' };
  const length = headers['content-length'];
  if (length !== undefined) {
    const value = length.split(',')[0]!.trim();
    if (!/^\d+$/.test(value)) throw broken(`The HTTP reply has an invalid Content-Length "${length}"`);
    const n = Number(value);
    if (n > maxBody) throw tooLarge(maxBody);
    return n === 0 ? { kind: 'none' } : { kind: 'length', remaining: n };
  }
  return { kind: 'close' };
}

/** A reply that breaks HTTP framing: what is wrong, then what to check. */
function broken(what: string): ProtocolError {
  return new ProtocolError(`${what}, so it is not valid HTTP; check that the address and port are an AMT device's WS-Man port (16992 or 16993) with no proxy rewriting the traffic, and retry.`);
}
