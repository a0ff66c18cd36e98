/**
 * One APF channel as the firmware sees it: a Duplex handed to the device's service (e.g. its HTTP
 * server). The firmware honours the host's window (never more than granted, at most one MEI
 * message per CHANNEL_DATA) and grants its own window back as the service reads.
 *
 * Close: a CHANNEL_CLOSE from the host ends the readable side only; the service may still answer,
 * and our CHANNEL_CLOSE goes out when it ends its side (the host keeps reading until then, as LMS does).
 */
import { Duplex } from 'node:stream';
import { APF, build } from './apf-wire';

export interface FwChannelLink {
  send(message: Buffer): void;
  readonly maxData: number;
  /** Both CHANNEL_CLOSEs are through: drop the channel. */
  release(channel: FwChannel): void;
}

export class FwChannel extends Duplex {
  private txWindow: number;
  private rxRemaining: number;
  private closeSent = false;
  private closeReceived = false;
  private wake?: () => void;
  /** Set by the service as a net.Socket would have it; informational. */
  readonly remoteAddress = '127.0.0.1';

  constructor(
    private readonly link: FwChannelLink,
    readonly id: number,
    readonly hostId: number,
    readonly port: number,
    hostWindow: number,
    private readonly rxWindow: number,
  ) {
    super({ allowHalfOpen: true });
    this.txWindow = hostWindow;
    this.rxRemaining = rxWindow;
  }

  // net.Socket methods node:http calls on its connections.
  setTimeout(): this { return this; }
  setNoDelay(): this { return this; }
  setKeepAlive(): this { return this; }

  /** Returns false when the host broke the window (the caller treats that as a protocol error). */
  hostData(data: Buffer): boolean {
    if (data.length > this.rxRemaining) return false;
    this.rxRemaining -= data.length;
    if (!this.readableEnded && !this.destroyed) this.push(data);
    return true;
  }

  hostAdjust(bytes: number): void {
    this.txWindow = Math.min(0xffffffff, this.txWindow + bytes);
    this.wake?.();
  }

  hostClose(): void {
    this.closeReceived = true;
    if (!this.destroyed) this.push(null);
    this.wake?.();
    this.maybeRelease();
  }

  /** The host went away (reset, disconnect): nothing more will flow. */
  hostGone(): void {
    this.closeSent = this.closeReceived = true;
    this.wake?.();
    this.destroy();
  }

  override _read(): void {
    const used = this.rxWindow - this.rxRemaining;
    if (used === 0 || this.closeReceived) return;
    this.rxRemaining = this.rxWindow;
    this.link.send(build(APF.CHANNEL_WINDOW_ADJUST, { u32: this.hostId }, { u32: used }));
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.pump(chunk).then(() => cb(), cb);
  }

  /** Writes the service made together (node:http corks a response) leave in as few messages as fit, as real firmware forwards what its TCP stack holds. */
  override _writev(chunks: { chunk: Buffer }[], cb: (err?: Error | null) => void): void {
    this.pump(Buffer.concat(chunks.map((c) => c.chunk))).then(() => cb(), cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.sendClose();
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.sendClose();
    this.wake?.();
    cb(err);
  }

  private async pump(data: Buffer): Promise<void> {
    let at = 0;
    while (at < data.length) {
      if (this.closeSent) throw new Error('channel closed');
      if (this.txWindow === 0) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      const n = Math.min(this.txWindow, this.link.maxData, data.length - at);
      this.txWindow -= n;
      this.link.send(build(APF.CHANNEL_DATA, { u32: this.hostId }, { str: data.subarray(at, at + n) }));
      at += n;
    }
  }

  private sendClose(): void {
    if (this.closeSent) return;
    this.closeSent = true;
    this.link.send(build(APF.CHANNEL_CLOSE, { u32: this.hostId }));
    this.maybeRelease();
  }

  private maybeRelease(): void {
    if (this.closeSent && this.closeReceived) this.link.release(this);
  }
}
