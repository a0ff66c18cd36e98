/**
 * IDE redirection on an authenticated link (spec redirection.md §4): StartIDERRedirection, the
 * drives enabled with DisableEnableFeatures (start mode next boot / graceful / now), then every
 * ATAPI packet of the host answered from the images (scsi.ts) — reads streamed from disk in
 * chunks no larger than the read buffer the firmware announced. The firmware's sequence numbers
 * are checked (0 for 0x41, then one more per IDE-R message); ResetOccurred is answered after the
 * command in progress; START STOP UNIT with LoEj ends the session as "ejected".
 *
 * Events: `progress` (IderCounters) after each read; `ended` (state 'ejected' | 'ended', reason?:
 * string — absent when closed on request or ejected).
 */
import { EventEmitter } from 'node:events';
import { AmtError } from '../../errors';
import type { DiskImage } from './image';
import { ScsiDrive, type ScsiAnswer } from './scsi';
import { RedirectionLink, replyOrTimeout, startRedirectionSession, type LogOn } from './session';
import * as wire from './wire';

/** DisableEnableFeatures start modes (spec §4.5). */
export const START_MODE = { 'next-boot': 0x08, graceful: 0x10, now: 0x18 } as const;
export type StartMode = keyof typeof START_MODE;

export interface IderOptions {
  credentials: LogOn;
  cd?: DiskImage;
  floppy?: DiskImage;
  startMode?: StartMode;
  timeoutMs?: number;
}

export interface IderCounters { sectorsRead: number; bytesRead: number; mbPerSecond: number; state: 'waiting' | 'reading' }

/** Disk reads are done in slabs of at most this much, then cut to the read buffer. */
const SLAB = 1 << 20;

export class IderSession extends EventEmitter {
  private outSeq = 0;
  private inSeq = 0;
  private readBuffer = 8192;
  private readonly drives: Record<number, ScsiDrive>;
  private work: Promise<void> = Promise.resolve();
  private done = false;
  private endReply?: () => void;
  private enabled?: { resolve: () => void; reject: (e: Error) => void };
  private readonly samples: { at: number; bytes: number }[] = [];
  readonly counters: IderCounters = { sectorsRead: 0, bytesRead: 0, mbPerSecond: 0, state: 'waiting' };

  private constructor(readonly link: RedirectionLink, private readonly options: IderOptions) {
    super();
    this.drives = { 0xb0: new ScsiDrive('cd', options.cd), 0xa0: new ScsiDrive('floppy', options.floppy) };
  }

  static async open(link: RedirectionLink, options: IderOptions): Promise<IderSession> {
    const s = new IderSession(link, options);
    try {
      await startRedirectionSession(link, { kind: 'IDE-R', credentials: options.credentials, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
      link.send(wire.iderStart(s.outSeq++));
      const m = await link.next('the answer to StartIDERRedirection', options.timeoutMs);
      if (m[0] !== wire.MSG.IDER_START_REPLY) throw new AmtError('redir.protocol', `${link.label} sent message 0x${m[0]!.toString(16)} instead of the answer to StartIDERRedirection; the session was ended.`);
      s.checkSequence(m);
      const reply = wire.readIderStartReply(m);
      if (reply.status !== 0) throw new AmtError('redir.refused', `${link.label} refused to start IDE redirection (status 0x${reply.status.toString(16)}); check that IDE-R is enabled and that no user consent is pending, then retry.`);
      if (reply.readBuffer > 0) s.readBuffer = reply.readBuffer;
      const enabled = new Promise<void>((resolve, reject) => (s.enabled = { resolve, reject }));
      link.onMessage((msg) => s.onMessage(msg));
      const lost = (err?: AmtError) => s.finish('ended', err?.message ?? `${link.label} closed the IDE-R session (another console may have ended it, or AMT was reset).`);
      link.once('close', lost);
      // The device may have closed right after its 0x41, before the listener above existed.
      if (link.closed) lost();
      link.send(wire.iderFeatures(s.outSeq++, 3, 0x01 | START_MODE[options.startMode ?? 'next-boot']));
      const t = options.timeoutMs ?? 20000;
      const timer = setTimeout(() => s.enabled?.reject(new AmtError('timeout', `${link.label} did not answer the request to enable the IDE-R drives within ${t / 1000} s; the redirection service may be hung, so retry or reset AMT.`)), t);
      await enabled.finally(() => clearTimeout(timer));
    } catch (err) {
      s.done = true;
      link.close();
      throw err;
    }
    return s;
  }

  get open(): boolean {
    return !this.done;
  }

  /** Ends IDE-R as amtterm does: 0x42, wait for 0x43 (at most 2 s), 0x12, close. */
  async close(state: 'ended' | 'ejected' = 'ended'): Promise<void> {
    if (this.done || this.endReply) return;
    const reply = replyOrTimeout();
    this.endReply = reply.resolve;
    this.link.send(wire.iderHeader(wire.MSG.IDER_END, this.outSeq++));
    await reply.done;
    this.link.send(wire.endSession());
    this.finish(state, undefined);
  }

  private checkSequence(m: Buffer): void {
    const seq = m.readUInt32LE(4);
    if (seq !== this.inSeq) throw new AmtError('redir.protocol', `${this.link.label} numbered an IDE-R message ${seq} where ${this.inSeq} was due; the session was ended.`);
    this.inSeq++;
  }

  private onMessage(m: Buffer): void {
    if (this.done) return;
    try {
      this.checkSequence(m);
    } catch (err) {
      this.fail((err as Error).message);
      return;
    }
    switch (m[0]) {
      case wire.MSG.IDER_FEATURES_REPLY: {
        const ok = m[8] === 3 && m.readUInt32LE(9) === 1;
        if (ok) this.enabled?.resolve();
        else this.enabled?.reject(new AmtError('redir.refused', `${this.link.label} refused to enable the IDE-R drives (DisableEnableFeatures answered ${m.readUInt32LE(9)}); check that IDE-R is enabled (\`amtwb redirection --ider on\`) and retry.`));
        this.enabled = undefined;
        break;
      }
      case wire.MSG.IDER_COMMAND: this.queue(() => this.command(m)); break;
      case wire.MSG.IDER_RESET:
        this.queue(async () => {
          for (const d of Object.values(this.drives)) d.reset();
          this.link.send(wire.iderHeader(wire.MSG.IDER_RESET_REPLY, this.outSeq++));
        });
        break;
      case wire.MSG.IDER_PING: this.link.send(wire.iderHeader(wire.MSG.IDER_PONG, this.outSeq++)); break;
      case wire.MSG.IDER_HEARTBEAT: break;
      case wire.MSG.IDER_DATA_FROM_HOST: break; // writes were refused as write-protected already
      case wire.MSG.IDER_END_REPLY:
        if (this.endReply) this.endReply();
        else this.finish('ended', `${this.link.label} ended the IDE-R session.`);
        break;
      case wire.MSG.IDER_ERROR:
        this.fail(`${this.link.label} reported an IDE-R error (code ${m[8]}); the session was ended, so start it again.`);
        break;
      default:
        this.fail(`${this.link.label} sent message 0x${m[0]!.toString(16)}, which does not belong in an IDE-R session; the session was ended.`);
    }
  }

  private queue(job: () => Promise<void>): void {
    this.work = this.work.then(job).catch((err: Error) => this.fail(err.message));
  }

  private async command(m: Buffer): Promise<void> {
    if (this.done) return;
    const cmd = wire.readIderCommand(m);
    const drive = this.drives[cmd.device]!;
    const answer: ScsiAnswer = cmd.ataCommand === 0xa0 ? drive.answer(cmd.cdb) : { kind: 'check', sense: { key: 0x05, asc: 0x20, ascq: 0 } };
    switch (answer.kind) {
      case 'good': this.link.send(wire.iderCommandEnd(this.outSeq++, cmd.device)); break;
      case 'check': this.link.send(wire.iderCommandEnd(this.outSeq++, cmd.device, answer.sense)); break;
      case 'data': this.sendData(cmd.device, answer.data, true, cmd.dma); break;
      case 'read': await this.read(drive.image!, cmd.device, answer.lba, answer.count, cmd.dma); break;
      case 'eject':
        this.link.send(wire.iderCommandEnd(this.outSeq++, cmd.device));
        await this.close('ejected');
        break;
    }
  }

  private sendData(device: number, data: Buffer, last: boolean, dma: boolean): Promise<void> {
    const chunk = this.readBuffer;
    const parts: Buffer[] = [];
    for (let i = 0; i < data.length; i += chunk) {
      const end = Math.min(data.length, i + chunk);
      parts.push(...wire.iderDataToHostParts(this.outSeq++, device, data.subarray(i, end), last && end === data.length, dma));
    }
    return this.link.sendParts(parts) ? Promise.resolve() : this.link.drained();
  }

  private async read(image: DiskImage, device: number, lba: number, count: number, dma: boolean): Promise<void> {
    this.counters.state = 'reading';
    const perSlab = Math.max(1, Math.floor(SLAB / image.blockSize));
    for (let done = 0; done < count && !this.done; ) {
      const n = Math.min(perSlab, count - done);
      const bytes = await image.read(lba + done, n);
      done += n;
      await this.sendData(device, bytes, done === count, dma);
      this.count(n, bytes.length);
    }
    this.emit('progress', { ...this.counters });
  }

  private count(sectors: number, bytes: number): void {
    const now = Date.now();
    this.counters.sectorsRead += sectors;
    this.counters.bytesRead += bytes;
    this.samples.push({ at: now, bytes });
    while (this.samples.length && now - this.samples[0]!.at > 1000) this.samples.shift();
    const span = Math.max(now - (this.samples[0]?.at ?? now), 1000) / 1000;
    this.counters.mbPerSecond = this.samples.reduce((n, s) => n + s.bytes, 0) / 1e6 / span;
  }

  private fail(reason: string): void {
    this.finish('ended', reason);
  }

  private finish(state: 'ended' | 'ejected', reason: string | undefined): void {
    if (this.done) return;
    this.done = true;
    this.endReply?.(); // a close() waiting for 0x43 need not wait once the link is gone
    this.enabled?.reject(new AmtError('redir.closed', reason ?? `${this.link.label} closed the IDE-R session before its drives were enabled.`));
    this.enabled = undefined;
    this.link.close();
    this.emit('ended', state, reason);
  }
}
