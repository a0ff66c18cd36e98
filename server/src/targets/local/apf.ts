/**
 * Our own LMS: one APF session over the MEI device's LME client, opened on first use and opened
 * again on the next use after it ended (a firmware reset drops every MEI connection with ENODEV).
 * Everything that needs AMT's local ports — the `local` target's WS-Man clients and the `amtwb
 * lms` forwarder — asks this object for the live session.
 */
import { AmtError } from '../../errors';
import { openMei } from '../../mei/device';
import type { MeiConnection } from '../../mei/types';
import { ApfSession, LME_GUID } from '../../apf';
import { forwardToLoopback } from '../../apf/incoming';
import { apfTracer, tracedMei, type LocalTrace } from './trace';

export interface LocalApfOptions {
  /** The MEI device file; by default the first of /dev/mei0 … /dev/mei3 that has the LME client. */
  meiPath?: string;
  trace?: LocalTrace;
  /** APF handshake limit (ms); default 5000, as LMS. */
  handshakeTimeoutMs?: number;
  /** Receive window per channel (bytes); default the session's 32 KiB. */
  windowSize?: number;
}

/**
 * Opens a MEI connection to a firmware client, traced when a trace is set. `thread`: do its I/O
 * on a worker thread (for the APF session; see mei/threaded.ts).
 */
export type MeiOpen = (guid: string, options?: { signal?: AbortSignal; thread?: boolean }) => Promise<MeiConnection>;

export function meiOpener(meiPath: string | undefined, trace?: LocalTrace): MeiOpen {
  return async (guid, options = {}) => {
    const mei = await openMei({
      guid,
      ...(meiPath ? { path: meiPath } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.thread ? { thread: true } : {}),
    });
    return trace ? tracedMei(mei, guid, trace) : mei;
  };
}

export class LocalApf {
  readonly open: MeiOpen;
  private current?: { session: ApfSession; mei: MeiConnection };
  private starting?: Promise<ApfSession>;
  private closed = false;
  /** Sessions that ended by themselves, with why (one listener per session, however many clients). */
  private readonly ended = new WeakMap<ApfSession, AmtError>();
  /** Sessions started so far; a second one means the first ended (reset, or the ME went away). */
  sessionsStarted = 0;

  constructor(readonly options: LocalApfOptions = {}) {
    this.open = meiOpener(options.meiPath, options.trace);
  }

  /** Where the MEI device is looked for, for messages. */
  get where(): string {
    return this.options.meiPath ?? '/dev/mei0 … /dev/mei3';
  }

  /**
   * The live session, starting one when there is none. Concurrent callers share one start; the
   * caller's signal stops only its own wait, not the start others may be waiting for.
   */
  async session(signal?: AbortSignal): Promise<ApfSession> {
    if (this.closed) throw new AmtError('target.disposed', 'The local AMT connection has been closed.');
    if (this.current && !this.current.session.closed) return this.current.session;
    this.starting ??= this.start().finally(() => (this.starting = undefined));
    return signal ? raceSignal(this.starting, signal) : this.starting;
  }

  /** Whether `session` ended by itself — a firmware reset or the ME going away — not by close(). */
  lost(session: ApfSession): boolean {
    return this.ended.has(session);
  }

  /**
   * Ends the session (DISCONNECT to the firmware) and refuses new ones. Resolves once the MEI fd is
   * closed: ApfSession closes it in the background, and an fd closed later — after an emulated
   * device in this process has stopped serving — would block its thread in the kernel's FUSE flush.
   */
  async close(): Promise<void> {
    this.closed = true;
    await this.starting?.catch(() => undefined);
    const current = this.current;
    this.current = undefined;
    await current?.session.close();
    await current?.mei.close(); // idempotent: the same close ApfSession started
  }

  private async start(): Promise<ApfSession> {
    const mei = await this.open(LME_GUID, { thread: true });
    const trace = this.options.trace;
    const session = await ApfSession.start(mei, {
      incoming: forwardToLoopback,
      ...(trace ? { trace: apfTracer(trace) } : {}),
      ...(this.options.handshakeTimeoutMs ? { timeoutMs: this.options.handshakeTimeoutMs } : {}),
      ...(this.options.windowSize ? { windowSize: this.options.windowSize } : {}),
    });
    if (this.closed) {
      await session.close();
      await mei.close();
      throw new AmtError('target.disposed', 'The local AMT connection was closed while it was opening.');
    }
    session.once('close', (err?: AmtError) => err && this.ended.set(session, err));
    this.sessionsStarted += 1;
    this.current = { session, mei };
    return session;
  }
}

function raceSignal<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new AmtError('cancelled', 'Opening the local connection to AMT was cancelled.', { cause: signal.reason }));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AmtError('cancelled', 'Opening the local connection to AMT was cancelled.', { cause: signal.reason }));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => (signal.removeEventListener('abort', onAbort), resolve(v)),
      (e) => (signal.removeEventListener('abort', onAbort), reject(e)),
    );
  });
}
