/**
 * One APF channel as a Node Duplex, so an HTTP client runs over it exactly as over a TCP socket.
 *
 * Flow control (as in the SSH connection protocol, RFC 4254 §5.2, which APF follows): we never
 * send more than the firmware's window and never more than one MEI message (max − 9 payload
 * bytes) per CHANNEL_DATA; our own receive window is granted back with CHANNEL_WINDOW_ADJUST when
 * the consumer asks for more (`_read`), batched to half a window so a bulk transfer does not cost
 * one adjust per message. A write of several messages queues them all at once (the MEI connection
 * keeps them in order) instead of waiting for each to reach the device.
 *
 * Close (RFC 4254 §5.3): `end()` sends CHANNEL_CLOSE and keeps reading until the firmware's
 * CHANNEL_CLOSE arrives (half-close); a CHANNEL_CLOSE from the firmware is answered at once, ends
 * the readable side, and makes later writes fail.
 *
 * Errors: the device side must never crash the process. A channel whose session ends while its
 * CHANNEL_OPEN is still unanswered is closed without an error (the caller of openChannel gets
 * that error instead), and an error nobody listens for is kept in `errored` rather than thrown
 * (see `emit`).
 */
import { Duplex } from 'node:stream';
import { AmtError } from '../errors';
import type { ApfMessage } from './codec';
import { CHANNEL_DATA_HEADER } from './constants';

/** What a channel needs from its session. */
export interface ChannelLink {
  send(msg: ApfMessage): Promise<void>;
  readonly maxMessageLength: number;
  /** Both sides have sent CHANNEL_CLOSE (or the session died): forget this channel. */
  release(channel: ApfChannel): void;
}

type State = 'opening' | 'open' | 'done';

const MAX_U32 = 0xffffffff;

export class ApfChannel extends Duplex {
  /** The firmware's id for this channel (valid once open). */
  remoteId = 0;
  private state: State = 'opening';
  private txWindow = 0;
  /** Bytes of our advertised window the firmware has not used yet. */
  private rxRemaining: number;
  private closeSent = false;
  private closeReceived = false;
  private windowWaiter?: { resolve: () => void; reject: (e: Error) => void };

  constructor(
    private readonly link: ChannelLink,
    /** Our id: the sender channel in CHANNEL_OPEN, the recipient in everything the firmware sends. */
    readonly localId: number,
    /** The AMT port this channel reaches (16992, 16993, …). */
    readonly port: number,
    private readonly rxWindowSize: number,
  ) {
    // allowHalfOpen false: once the firmware closed and everything was read, finish our side too.
    super({ allowHalfOpen: false, readableHighWaterMark: rxWindowSize });
    this.rxRemaining = rxWindowSize;
  }

  /** Both CHANNEL_CLOSEs went through, or the session ended: nothing more flows on APF. */
  get apfClosed(): boolean {
    return this.state === 'done';
  }

  /** Still waiting for CHANNEL_OPEN_CONFIRMATION (or its failure). */
  get opening(): boolean {
    return this.state === 'opening';
  }

  /**
   * A Duplex with no 'error' listener makes Node throw the error as an uncaught exception, which
   * would let a firmware reset or a malformed message kill the CLI, the backend or `amtwb lms`.
   * Here such an error is only recorded: `errored` holds it, and the channel still emits 'close'.
   * Consumers that listen (HTTP, pipes, async iteration) get 'error' as usual.
   */
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'error' && this.listenerCount('error') === 0) return false;
    return super.emit(event, ...args);
  }

  // net.Socket look-alikes that HTTP clients call; an APF channel has nothing to configure.
  setTimeout(): this { return this; }
  setNoDelay(): this { return this; }
  setKeepAlive(): this { return this; }

  /** CHANNEL_OPEN_CONFIRMATION arrived. */
  opened(remoteId: number, initialWindow: number): void {
    this.remoteId = remoteId;
    this.txWindow = initialWindow;
    this.state = 'open';
    // Destroyed while the open was in flight: the firmware now has a channel we do not want.
    if (this.destroyed) this.sendClose();
  }

  onWindowAdjust(bytes: number): void {
    this.txWindow = Math.min(MAX_U32, this.txWindow + bytes);
    const waiter = this.windowWaiter;
    this.windowWaiter = undefined;
    waiter?.resolve();
  }

  onData(data: Buffer): void {
    if (this.closeReceived) return;
    if (data.length > this.rxRemaining) {
      this.sendClose();
      this.destroy(new AmtError('apf.protocol',
        `AMT sent ${data.length} bytes on the channel to port ${this.port} but only ${this.rxRemaining} fitted in the window; the channel was closed.`));
      return;
    }
    this.rxRemaining -= data.length;
    if (!this.destroyed) this.push(data);
  }

  onClose(): void {
    this.closeReceived = true;
    this.sendClose(); // answer at once, as LMS does
    this.failWaiter(closedByFirmware(this.port));
    if (!this.destroyed) this.push(null);
    this.finishIfDone();
  }

  /**
   * The session ended (reset, disconnect, close): fail everything still running. A channel still
   * opening was never handed to anyone; openChannel rejects with `err`, so it closes quietly.
   */
  abort(err: Error): void {
    const wasOpening = this.state === 'opening';
    this.state = 'done';
    this.closeSent = this.closeReceived = true;
    this.failWaiter(err);
    this.destroy(wasOpening ? undefined : err);
  }

  override _read(): void {
    if (this.state !== 'open' || this.closeReceived) return;
    const used = this.rxWindowSize - this.rxRemaining;
    if (used === 0 || used < this.rxWindowSize / 2) return; // the firmware still has ≥ half a window
    this.rxRemaining += used;
    void this.link.send({ type: 'channel-window-adjust', recipientChannel: this.remoteId, bytesToAdd: used }).catch(() => {});
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.sendData(chunk).then(() => cb(), cb);
  }

  override _writev(chunks: { chunk: Buffer }[], cb: (err?: Error | null) => void): void {
    this.sendData(Buffer.concat(chunks.map((c) => c.chunk))).then(() => cb(), cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.sendClose();
    this.finishIfDone();
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (this.state === 'open') this.sendClose();
    this.failWaiter(err ?? new AmtError('apf.channel-closed', `The channel to AMT port ${this.port} was closed.`));
    this.finishIfDone();
    cb(err);
  }

  /** Queues as many CHANNEL_DATA as the window allows at once; resolves when all were written. */
  private async sendData(data: Buffer): Promise<void> {
    const maxPayload = this.link.maxMessageLength - CHANNEL_DATA_HEADER;
    const sent: Promise<void>[] = [];
    let offset = 0;
    while (offset < data.length) {
      if (this.closeReceived) throw closedByFirmware(this.port);
      if (this.closeSent) throw new AmtError('apf.channel-closed', `The channel to AMT port ${this.port} is already closed.`);
      if (this.txWindow === 0) {
        await new Promise<void>((resolve, reject) => (this.windowWaiter = { resolve, reject }));
        continue;
      }
      const n = Math.min(this.txWindow, maxPayload, data.length - offset);
      this.txWindow -= n;
      const one = this.link.send({ type: 'channel-data', recipientChannel: this.remoteId, data: data.subarray(offset, offset + n) });
      one.catch(() => {}); // reported through Promise.all below, or the loop's own error
      sent.push(one);
      offset += n;
    }
    await Promise.all(sent);
  }

  private sendClose(): void {
    if (this.closeSent || this.state !== 'open') return;
    this.closeSent = true;
    void this.link.send({ type: 'channel-close', recipientChannel: this.remoteId }).catch(() => {});
  }

  private failWaiter(err: Error): void {
    const waiter = this.windowWaiter;
    this.windowWaiter = undefined;
    waiter?.reject(err);
  }

  private finishIfDone(): void {
    if (this.state === 'open' && this.closeSent && this.closeReceived) {
      this.state = 'done';
      this.link.release(this);
    }
  }
}

function closedByFirmware(port: number): AmtError {
  return new AmtError('apf.channel-closed', `AMT closed the channel to port ${port}; open a new connection to continue.`);
}
