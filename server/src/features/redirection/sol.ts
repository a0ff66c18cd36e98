/**
 * Serial-over-LAN on an authenticated redirection link (spec redirection.md §3): StartSOLRedirection
 * with MeshCommander's settings, the 0x27 settings message, data both ways, a heartbeat every 2 s,
 * the host's power state from 0x29 controls, and a clean end (0x22, wait 0x23, 0x12).
 *
 * Events: `data` (Buffer, the host's serial output), `power` (boolean, host powered on),
 * `ended` (reason?: string — absent when closed on request).
 */
import { EventEmitter } from 'node:events';
import { AmtError } from '../../errors';
import { RedirectionLink, replyOrTimeout, startRedirectionSession, type LogOn } from './session';
import * as wire from './wire';

export interface SolOptions {
  credentials: LogOn;
  /** Heartbeat period (ms); default 2000 as MeshCommander. */
  heartbeatMs?: number;
  /** The device counts as gone after this long without a byte once it sent heartbeats (ms); default 30000. */
  silenceMs?: number;
  timeoutMs?: number;
}

export class SolSession extends EventEmitter {
  private seq = 1;
  private heartbeat?: NodeJS.Timeout;
  private endReply?: () => void;
  private closing = false;
  private done = false;
  private deviceBeats = false;
  /** From the last 0x29 controls (true until the host says otherwise). */
  hostPowered = true;

  private constructor(readonly link: RedirectionLink, private readonly options: SolOptions) {
    super();
  }

  /** Starts SOL on a fresh link: session handshake, log-on, 0x20/0x21, 0x27, heartbeats. */
  static async open(link: RedirectionLink, options: SolOptions): Promise<SolSession> {
    const s = new SolSession(link, options);
    try {
      await startRedirectionSession(link, { kind: 'SOL', credentials: options.credentials, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
      link.send(wire.solStart(s.seq++));
      let reply: Buffer;
      for (;;) {
        reply = await link.next('the answer to StartSOLRedirection', options.timeoutMs);
        if (reply[0] === wire.MSG.SOL_START_REPLY) break;
        if (reply[0] !== wire.MSG.SOL_HEARTBEAT) throw new AmtError('redir.protocol', `${link.label} sent message 0x${reply[0]!.toString(16)} instead of the answer to StartSOLRedirection; the session was ended.`);
      }
      if (reply[1] !== 0) throw new AmtError('redir.refused', `${link.label} refused to start serial-over-LAN (status ${reply[1]}); check that SOL is enabled (\`amtwb redirection --sol on\`) and retry.`);
      link.send(wire.solSettingsMessage(s.seq++));
    } catch (err) {
      link.close();
      throw err;
    }
    s.begin();
    return s;
  }

  /** Keystrokes to the host (split to the device's 10000-byte buffer). */
  write(bytes: Buffer): void {
    if (this.done || this.closing) return;
    for (let i = 0; i < bytes.length; i += wire.SOL_SETTINGS.maxTxBuffer) {
      this.link.send(wire.solData(this.seq++, bytes.subarray(i, i + wire.SOL_SETTINGS.maxTxBuffer)));
    }
  }

  /** Ends SOL as amtterm does: 0x22, wait for 0x23 (at most 2 s), 0x12, close. */
  async close(): Promise<void> {
    if (this.done || this.closing) return;
    this.closing = true;
    const reply = replyOrTimeout();
    this.endReply = reply.resolve;
    this.link.send(wire.solHeader(wire.MSG.SOL_END, this.seq++));
    await reply.done;
    this.link.send(wire.endSession());
    this.finish(undefined);
  }

  get open(): boolean {
    return !this.done;
  }

  private begin(): void {
    const every = this.options.heartbeatMs ?? 2000;
    const silence = this.options.silenceMs ?? 30000;
    this.heartbeat = setInterval(() => {
      if (this.deviceBeats && Date.now() - this.link.lastReceived > silence) {
        this.finish(`${this.link.label} stopped answering for ${silence >= 1000 ? `${Math.round(silence / 1000)} s` : `${silence} ms`}, so the SOL session was ended; check that the device is on the network and open it again.`);
        return;
      }
      this.link.send(wire.solHeader(wire.MSG.SOL_HEARTBEAT, this.seq++));
    }, every);
    this.heartbeat.unref();
    const lost = (err?: AmtError) => {
      if (this.closing) this.endReply?.(); // no 0x23 can come any more
      else this.finish(err?.message ?? `${this.link.label} closed the SOL session (another console may have ended it with TerminateSession, or AMT was reset).`);
    };
    this.link.once('close', lost);
    this.link.onMessage((m) => this.onMessage(m));
    // The device may have closed right after its 0x21, before the listener above existed.
    if (this.link.closed) lost();
  }

  private onMessage(m: Buffer): void {
    switch (m[0]) {
      case wire.MSG.SOL_FROM_HOST:
        this.emit('data', Buffer.from(wire.readSolData(m)));
        break;
      case wire.MSG.SOL_CONTROLS: {
        const powered = (m[9]! & wire.SOL_STATUS_POWERED) !== 0;
        if (powered !== this.hostPowered) {
          this.hostPowered = powered;
          this.emit('power', powered);
        }
        break;
      }
      case wire.MSG.SOL_HEARTBEAT:
        this.deviceBeats = true;
        break;
      case wire.MSG.SOL_PING:
        this.deviceBeats = true;
        this.link.send(wire.solHeader(wire.MSG.SOL_PING, m.readUInt32LE(4))); // amtterm echoes pings
        break;
      case wire.MSG.SOL_PONG:
        break;
      case wire.MSG.SOL_END_REPLY:
        if (this.endReply) this.endReply();
        else this.finish(`${this.link.label} ended the SOL session.`);
        break;
      default:
        this.finish(`${this.link.label} sent message 0x${m[0]!.toString(16)}, which does not belong in a SOL session; the session was ended.`);
    }
  }

  private finish(reason: string | undefined): void {
    if (this.done) return;
    this.done = true;
    this.endReply?.(); // a close() waiting for 0x23 need not wait once the link is gone
    clearInterval(this.heartbeat);
    this.link.close();
    this.emit('ended', reason);
  }
}
