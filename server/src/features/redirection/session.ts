/**
 * A redirection connection (one session type per connection): the message link over any Duplex
 * (TCP, TLS, an APF channel), and the session-manager handshake every session type starts with —
 * StartRedirectionSession with its tag, then digest log-on (spec redirection.md §2).
 *
 * Why not Intel's @device-management-toolkit/ui-toolkit (AMTRedirector, AMTIDER): it is browser
 * code bound to a WebSocket relay URL (`webrelay.ashx`) and the browser FileReader, it keeps
 * bytes in JS strings, and its digest log-on has `authUri = ''` and a stray space in the hash
 * input (`${qop} :`), which only works because MPS/Console rewrite its log-on messages. None of
 * that fits a Node backend talking to port 16994 directly, so the protocol is written here.
 *
 * A wrong password is reported once and never retried: AMT locks an account after repeated
 * failures, so only the user may decide to try again.
 */
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { AmtError } from '../../errors';
import { challengeRequest, digestResponse, newCnonce, type DigestType } from './auth';
import { startRefusal, type SessionKind } from './refusals';
import * as wire from './wire';

const HANDSHAKE_TIMEOUT_MS = 20000;

/**
 * Whole messages from a stream. Until `onMessage` is set, messages queue for `next()` (the
 * handshake reads one answer at a time); afterwards every message goes to the handler.
 * Emits `close` (error?: AmtError) once.
 */
export class RedirectionLink extends EventEmitter {
  private readonly reader = new wire.MessageReader();
  private readonly queue: Buffer[] = [];
  private waiter?: { resolve: (m: Buffer) => void; reject: (e: Error) => void };
  private handler?: (m: Buffer) => void;
  private ended?: AmtError | null;
  /** What next() waits for, to name it if the link closes meanwhile. */
  private waitingFor = '';
  /** Bytes received (none at all means the device closed without answering). */
  bytesIn = 0;
  /** When the last byte arrived (Date.now()). */
  lastReceived = Date.now();

  /** The handlers put on the stream, so detach() can take exactly them off. */
  private readonly listeners_: { data: (chunk: Buffer) => void; error: (err: NodeJS.ErrnoException) => void; close: () => void; end: () => void };

  constructor(private readonly stream: Duplex, readonly label: string) {
    super();
    this.listeners_ = {
      data: (chunk: Buffer) => this.onData(chunk),
      error: (err: NodeJS.ErrnoException) => this.finish(new AmtError('redir.closed', `The redirection connection to ${label} failed (${err.code ?? err.message}); check the network and retry.`, { cause: err })),
      close: () => this.finish(null),
      end: () => this.finish(null),
    };
    const l = this.listeners_;
    stream.on('data', l.data).on('error', l.error).on('close', l.close).on('end', l.end);
  }

  get closed(): boolean {
    return this.ended !== undefined;
  }

  send(buf: Buffer): void {
    if (this.closed) return;
    this.stream.write(buf);
  }

  /** Writes the parts in one go (corked) and says whether the stream wants more now (false: wait for drained()). */
  sendParts(parts: readonly Buffer[]): boolean {
    if (this.closed) return true;
    this.stream.cork();
    let ok = true;
    for (const p of parts) ok = this.stream.write(p);
    this.stream.uncork();
    return ok;
  }

  /** Resolves when the stream's buffer has drained (or the link closed). */
  drained(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => (this.stream.off('drain', done), this.off('close', done), resolve());
      this.stream.once('drain', done);
      this.once('close', done);
    });
  }

  /** The next message, waiting up to `timeoutMs`; `what` names the awaited answer in errors. */
  next(what: string, timeoutMs = HANDSHAKE_TIMEOUT_MS): Promise<Buffer> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.ended !== undefined) return Promise.reject(this.ended ?? this.closedError(what));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new AmtError('timeout', `${this.label} did not send ${what} within ${timeoutMs / 1000} s; the redirection service may be hung, so retry or reset AMT.`));
      }, timeoutMs);
      this.waiter = {
        resolve: (m) => (clearTimeout(timer), resolve(m)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
      this.waitingFor = what;
    });
  }

  /** From now on every message goes to `fn` (queued ones first). */
  onMessage(fn: (m: Buffer) => void): void {
    this.handler = fn;
    for (const m of this.queue.splice(0)) fn(m);
  }

  /**
   * Hands the stream over to another protocol (KVM: RFB after the 0x41): stops reading it and
   * returns the bytes read but not yet delivered. The link counts as closed afterwards.
   */
  detach(): { stream: Duplex; leftover: Buffer } {
    const l = this.listeners_;
    this.stream.off('data', l.data).off('error', l.error).off('close', l.close).off('end', l.end);
    const leftover = Buffer.concat([...this.queue.splice(0), this.reader.take()]);
    this.ended = null;
    return { stream: this.stream, leftover };
  }

  /** Ends the connection after what was written (no more messages are delivered). */
  close(): void {
    this.finish(null);
    if (this.stream.destroyed) return;
    this.stream.end();
    setTimeout(() => this.stream.destroy(), 1000).unref();
  }

  private onData(chunk: Buffer): void {
    this.bytesIn += chunk.length;
    this.lastReceived = Date.now();
    let messages: Buffer[];
    try {
      messages = this.reader.push(chunk);
    } catch (err) {
      this.finish(err as AmtError);
      this.stream.destroy();
      return;
    }
    for (const m of messages) {
      if (this.closed) return;
      const w = this.waiter;
      if (w) {
        this.waiter = undefined;
        w.resolve(m);
      } else if (this.handler) this.handler(m);
      else this.queue.push(m);
    }
  }

  private closedError(what: string): AmtError {
    return new AmtError('redir.closed', `${this.label} closed the redirection connection while this client waited for ${what}; retry, and check the device's redirection settings if it keeps happening.`);
  }

  private finish(err: AmtError | null): void {
    if (this.ended !== undefined) return;
    this.ended = err;
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(err ?? this.closedError(this.waitingFor || 'an answer'));
    this.emit('close', err ?? undefined);
  }
}

/** The wait for an end reply (0x23, 0x43): resolved by the reply, or after `ms` if none comes. */
export function replyOrTimeout(ms = 2000): { done: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const done = new Promise<void>((r) => {
    resolve = r;
    setTimeout(r, ms).unref();
  });
  return { done, resolve };
}

export interface LogOn {
  user: string;
  password: string;
}

export interface OpenSessionOptions {
  kind: SessionKind;
  credentials: LogOn;
  timeoutMs?: number;
}

/** Runs §2's handshake on a fresh link; resolves once the log-on succeeded. */
export async function startRedirectionSession(link: RedirectionLink, options: OpenSessionOptions): Promise<void> {
  const { kind, credentials } = options;
  const t = options.timeoutMs ?? HANDSHAKE_TIMEOUT_MS;
  const label = link.label;
  link.send(wire.startSession(kind === 'SOL' ? 'SOL ' : kind === 'KVM' ? 'KVMR' : 'IDER'));
  const reply = await expect(link, wire.MSG.START_SESSION_REPLY, 'the answer to StartRedirectionSession', t);
  const { status } = wire.readStartReply(reply);
  if (status !== wire.START_STATUS.SUCCESS) throw startRefusal(status, kind, label);

  link.send(wire.authenticate(wire.AUTH_TYPE.QUERY));
  const offered = wire.readAuthReply(await expect(link, wire.MSG.AUTHENTICATE_REPLY, 'the list of log-on types', t));
  const types = [...offered.data];
  const type: DigestType | undefined = types.includes(wire.AUTH_TYPE.DIGEST) ? wire.AUTH_TYPE.DIGEST : types.includes(wire.AUTH_TYPE.DIGEST_2069) ? wire.AUTH_TYPE.DIGEST_2069 : undefined;
  if (type === undefined) {
    throw new AmtError('auth.unsupported', `${label} offers only redirection log-on types ${types.join(', ') || '(none)'}, and this client speaks digest (3 or 4); enable digest authentication on the device.`);
  }

  link.send(wire.authenticate(type, challengeRequest(type, credentials.user)));
  const challenge = wire.readAuthReply(await expect(link, wire.MSG.AUTHENTICATE_REPLY, 'the log-on challenge', t));
  if (challenge.status === wire.AUTH_STATUS.SUCCESS) return; // no challenge needed
  if (challenge.status !== wire.AUTH_STATUS.FAILURE || challenge.type !== type) {
    throw new AmtError('auth.unsupported', `${label} answered the digest log-on request with status ${challenge.status} for type ${challenge.type}; this firmware's redirection log-on is not one this client speaks.`);
  }
  const [realm = '', nonce = '', qop = ''] = wire.readLengthPrefixed(challenge.data);
  if (type === wire.AUTH_TYPE.DIGEST && qop !== 'auth') {
    throw new AmtError('auth.unsupported', `${label} asked for digest quality of protection "${qop}"; only "auth" is defined for redirection log-on.`);
  }
  link.send(wire.authenticate(type, digestResponse({ type, user: credentials.user, password: credentials.password, realm, nonce, qop, cnonce: newCnonce() })));
  const result = wire.readAuthReply(await expect(link, wire.MSG.AUTHENTICATE_REPLY, 'the log-on result', t));
  if (result.status !== wire.AUTH_STATUS.SUCCESS) {
    throw new AmtError('auth.failed', `${label} refused the password for ${credentials.user} on its redirection port; it was not sent again (AMT locks the account after repeated failures), so check the password before you retry.`);
  }
}

async function expect(link: RedirectionLink, type: number, what: string, timeoutMs: number): Promise<Buffer> {
  for (;;) {
    const m = await link.next(what, timeoutMs);
    if (m[0] === type) return m;
    // A heartbeat or keep-alive may arrive at any time; anything else is out of protocol.
    if (m[0] === wire.MSG.SOL_HEARTBEAT || m[0] === wire.MSG.IDER_HEARTBEAT) continue;
    link.close();
    throw new AmtError('redir.protocol', `${link.label} sent message 0x${m[0]!.toString(16)} instead of ${what}; the session was ended.`);
  }
}
