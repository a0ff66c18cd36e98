/**
 * One CIRA tunnel as the firmware runs it (fleet.md §3): the device is the TLS client and speaks
 * first. In order:
 *  1. PROTOCOLVERSION (1.0, the trigger reason, the system UUID) and SERVICE_REQUEST `auth@…`,
 *     back to back, as AMT does;
 *  2. on SERVICE_ACCEPT: USERAUTH_REQUEST with the MPS user and password (method `password`);
 *  3. on USERAUTH_SUCCESS: SERVICE_REQUEST `pfwd@…`; on its accept one `tcpip-forward` per port,
 *     each after the previous REQUEST_SUCCESS;
 *  4. answers KEEPALIVE_OPTIONS_REQUEST and then sends KEEPALIVE_REQUEST at that interval, ending
 *     the tunnel when the MPS stops echoing;
 *  5. confirms the MPS's CHANNEL_OPEN to a forwarded, served port and hands the channel (a Duplex)
 *     to the device's service; refuses other ports and channel types.
 * The APF messages themselves come from the firmware's LME code (apf-wire.ts, lme-channel.ts).
 */
import type { Duplex } from 'node:stream';
import { APF, AUTH, Cursor, OPEN_FAILURE, PFWD, REASON, build, uuidBytes } from '../firmware/apf-wire';
import { FwChannel } from '../firmware/lme-channel';
import { Deframer } from './framing';

export interface CiraSessionOptions {
  uuid: string;
  user: string;
  password: string;
  /** APF trigger reason in PROTOCOLVERSION: 1 user-initiated, 2 alert, 3 provisioning, 4 periodic. */
  trigger: number;
  /** Host name in tcpip-forward (MPS ignores it). */
  hostname: string;
  forwardPorts: number[];
  /** Ports a channel may be opened to (served by `handleConnection`). */
  servedPorts: number[];
  handleConnection: (stream: Duplex, port: number) => void;
  /** Receive window per channel. */
  windowSize?: number;
  /** Keep-alive interval until the MPS sets one (ms). */
  defaultKeepAliveMs?: number;
}

export type SessionEnd = { why: 'auth-failed' | 'closed' | 'protocol' | 'keepalive'; detail: string };

const MAX_DATA = 4146; // what the firmware puts in one CHANNEL_DATA (as over LME)

export class CiraSession {
  readonly channels = new Map<number, FwChannel>();
  private readonly deframer = new Deframer();
  private nextId = 1;
  private pendingForward?: number;
  private readonly forwardQueue: number[];
  readonly forwarded = new Set<number>();
  private keepAliveTimer?: NodeJS.Timeout;
  private outstandingCookie?: number;
  private cookie = 1;
  private ended = false;
  /** Resolves when the tunnel is up (all ports forwarded); rejects if it ends first. */
  readonly ready: Promise<void>;
  private readyResolve!: () => void;
  private readyReject!: (e: Error) => void;

  constructor(
    private readonly o: CiraSessionOptions,
    private readonly write: (b: Buffer) => void,
    private readonly onEnd: (end: SessionEnd) => void,
  ) {
    this.forwardQueue = [...o.forwardPorts];
    this.ready = new Promise((resolve, reject) => ((this.readyResolve = resolve), (this.readyReject = reject)));
    this.ready.catch(() => undefined);
  }

  start(): void {
    this.write(build(APF.PROTOCOLVERSION, { u32: 1 }, { u32: 0 }, { u32: this.o.trigger }, { raw: uuidBytes(this.o.uuid) }, { raw: Buffer.alloc(64) }));
    this.write(build(APF.SERVICE_REQUEST, { str: AUTH }));
  }

  data(chunk: Buffer): void {
    if (this.ended) return;
    try {
      for (const m of this.deframer.push(chunk)) this.handle(new Cursor(m));
    } catch (err) {
      this.end({ why: 'protocol', detail: (err as Error).message }, true);
    }
  }

  /** The TLS connection ended (or failed). */
  closed(detail: string): void {
    this.end({ why: 'closed', detail }, false);
  }

  /** Firmware-side shutdown of the tunnel (DISCONNECT first). */
  disconnect(): void {
    this.end({ why: 'closed', detail: 'the device closed the tunnel' }, true);
  }

  private handle(m: Cursor): void {
    switch (m.type) {
      case APF.SERVICE_ACCEPT: {
        const name = m.str();
        if (name === AUTH) {
          return this.write(build(APF.USERAUTH_REQUEST, { str: this.o.user }, { str: PFWD }, { str: 'password' }, { u8: 0 }, { str: this.o.password }));
        }
        if (name === PFWD) return this.nextForward();
        return;
      }
      case APF.USERAUTH_SUCCESS:
        return this.write(build(APF.SERVICE_REQUEST, { str: PFWD }));
      case APF.USERAUTH_FAILURE:
        return this.end({ why: 'auth-failed', detail: `the MPS refused user "${this.o.user}"` }, false);
      case APF.REQUEST_SUCCESS:
      case APF.REQUEST_FAILURE: {
        const port = this.pendingForward;
        this.pendingForward = undefined;
        if (port !== undefined && m.type === APF.REQUEST_SUCCESS) this.forwarded.add(port);
        return this.nextForward();
      }
      case APF.KEEPALIVE_OPTIONS_REQUEST: {
        const interval = m.u32();
        const timeout = m.u32();
        this.write(build(APF.KEEPALIVE_OPTIONS_REPLY, { u32: interval }, { u32: timeout }));
        return this.keepAlive(interval > 0 ? interval * 1000 : undefined);
      }
      case APF.KEEPALIVE_REQUEST:
        return this.write(build(APF.KEEPALIVE_REPLY, { u32: m.u32() }));
      case APF.KEEPALIVE_REPLY:
        if (m.u32() === this.outstandingCookie) this.outstandingCookie = undefined;
        return;
      case APF.CHANNEL_OPEN:
        return this.channelOpen(m);
      case APF.CHANNEL_WINDOW_ADJUST: {
        const ch = this.channels.get(m.u32());
        return ch?.hostAdjust(m.u32());
      }
      case APF.CHANNEL_DATA: {
        const ch = this.channels.get(m.u32());
        const data = Buffer.from(m.bytes());
        if (ch && !ch.hostData(data)) this.end({ why: 'protocol', detail: `the MPS sent more than channel ${ch.id}'s window` }, true);
        return;
      }
      case APF.CHANNEL_CLOSE:
        return this.channels.get(m.u32())?.hostClose();
      case APF.CHANNEL_OPEN_CONFIRMATION:
      case APF.CHANNEL_OPEN_FAILURE:
        return; // the firmware opens no channels over CIRA
      case APF.DISCONNECT:
        return this.end({ why: 'closed', detail: `the MPS sent DISCONNECT (reason ${m.u32()})` }, false);
      default:
        throw new Error(`unexpected APF message type ${m.type}`);
    }
  }

  private nextForward(): void {
    const port = this.forwardQueue.shift();
    if (port === undefined) {
      // MPS sends KEEPALIVE_OPTIONS only after the forward for 5900; start our own timer anyway.
      if (!this.keepAliveTimer) this.keepAlive(undefined);
      return this.readyResolve();
    }
    this.pendingForward = port;
    this.write(build(APF.GLOBAL_REQUEST, { str: 'tcpip-forward' }, { u8: 1 }, { str: this.o.hostname }, { u32: port }));
  }

  private keepAlive(intervalMs: number | undefined): void {
    if (this.keepAliveTimer) clearInterval(this.keepAliveTimer);
    const every = intervalMs ?? this.o.defaultKeepAliveMs ?? 30_000;
    this.keepAliveTimer = setInterval(() => {
      if (this.outstandingCookie !== undefined) {
        return this.end({ why: 'keepalive', detail: `the MPS did not answer keep-alive ${this.outstandingCookie} within ${every} ms` }, true);
      }
      this.outstandingCookie = this.cookie++;
      this.write(build(APF.KEEPALIVE_REQUEST, { u32: this.outstandingCookie }));
    }, every);
    this.keepAliveTimer.unref();
  }

  private channelOpen(m: Cursor): void {
    const type = m.str();
    const mpsId = m.u32();
    const mpsWindow = m.u32();
    m.u32(); // reserved
    m.str(); // connected address (MPS sends it empty)
    const port = m.u32();
    const refuse = (reason: number) => this.write(build(APF.CHANNEL_OPEN_FAILURE, { u32: mpsId }, { u32: reason }, { u32: 0 }, { u32: 0 }));
    if (type !== 'forwarded-tcpip') return refuse(OPEN_FAILURE.UNKNOWN_CHANNEL_TYPE);
    if (!this.forwarded.has(port) || !this.o.servedPorts.includes(port)) return refuse(OPEN_FAILURE.CONNECT_FAILED);
    const id = this.nextId++;
    const window = this.o.windowSize ?? 16384;
    const channel = new FwChannel(
      { send: (b) => this.write(b), maxData: MAX_DATA, release: (c) => this.channels.delete(c.id) },
      id, mpsId, port, mpsWindow, window,
    );
    this.channels.set(id, channel);
    this.write(build(APF.CHANNEL_OPEN_CONFIRMATION, { u32: mpsId }, { u32: id }, { u32: window }, { u32: 0xffffffff }));
    this.o.handleConnection(channel, port);
  }

  private end(end: SessionEnd, sendDisconnect: boolean): void {
    if (this.ended) return;
    if (sendDisconnect) {
      try {
        this.write(build(APF.DISCONNECT, { u32: end.why === 'protocol' ? REASON.PROTOCOL_ERROR : REASON.BY_APPLICATION }, { raw: Buffer.alloc(2) }));
      } catch {
        /* the connection is already gone */
      }
    }
    this.ended = true;
    if (this.keepAliveTimer) clearInterval(this.keepAliveTimer);
    for (const ch of this.channels.values()) ch.hostGone();
    this.channels.clear();
    this.readyReject(new Error(end.detail));
    this.onEnd(end);
  }
}
