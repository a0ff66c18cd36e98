/**
 * Exact-length reads from a stream, for RFB (which, unlike the redirection layer, has no length
 * rule per message: each reader knows how many bytes come next). One read waits at a time.
 */
import type { Duplex } from 'node:stream';
import { AmtError } from '../../errors';

const DEFAULT_TIMEOUT_MS = 20000;

export class ByteReader {
  private chunks: Buffer[] = [];
  private length = 0;
  private waiter?: { n: number; resolve: (b: Buffer) => void; reject: (e: Error) => void; what: string };
  private ended?: AmtError;

  constructor(private readonly stream: Duplex, readonly label: string, private readonly timeoutMs = DEFAULT_TIMEOUT_MS) {
    stream.on('data', (chunk: Buffer) => this.push(chunk));
    stream.on('error', (err: NodeJS.ErrnoException) => this.finish(new AmtError('redir.closed', `The KVM connection to ${label} failed (${err.code ?? err.message}); check the network and retry.`, { cause: err })));
    stream.on('end', () => this.finish());
    stream.on('close', () => this.finish());
  }

  push(chunk: Buffer): void {
    if (!chunk.length) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
    this.serve();
  }

  /** The next `n` bytes; `what` names them in errors; timeoutMs 0 waits for ever. */
  read(n: number, what: string, timeoutMs = this.timeoutMs): Promise<Buffer> {
    if (this.waiter) return Promise.reject(new Error('ByteReader: one read at a time'));
    if (n === 0) return Promise.resolve(Buffer.alloc(0));
    if (this.length >= n) return Promise.resolve(this.take(n));
    if (this.ended) return Promise.reject(this.closedError(what));
    return new Promise((resolve, reject) => {
      const timer = timeoutMs > 0 ? setTimeout(() => {
        this.waiter = undefined;
        reject(new AmtError('timeout', `${this.label} did not send ${what} within ${timeoutMs / 1000} s; the KVM server may be hung, so close other viewers and retry.`));
      }, timeoutMs) : undefined;
      this.waiter = {
        n, what,
        resolve: (b) => (clearTimeout(timer), resolve(b)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
    });
  }

  /** Ends the stream after what was written; resolves once it closed (at most 2 s). */
  end(): Promise<void> {
    if (this.stream.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => (this.stream.destroy(), resolve()), 2000);
      timer.unref();
      this.stream.once('close', () => (clearTimeout(timer), resolve()));
      this.stream.end();
      this.finish();
    });
  }

  private serve(): void {
    const w = this.waiter;
    if (w && this.length >= w.n) {
      this.waiter = undefined;
      w.resolve(this.take(w.n));
    }
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.length = rest.length;
    return out;
  }

  private closedError(what: string): AmtError {
    return this.ended?.code === 'redir.closed' && this.ended.cause ? this.ended : new AmtError('redir.closed', `${this.label} closed the KVM session while the viewer waited for ${what}; check that no other viewer took it over and retry.`);
  }

  private finish(err?: AmtError): void {
    if (this.ended) return;
    this.ended = err ?? new AmtError('redir.closed', `${this.label} closed the KVM session.`);
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(err ?? this.closedError(w.what));
  }
}
