/**
 * The simulated LME client: the firmware end of APF (docs/simulator.md "The firmware side over MEI"; Intel LMS sources).
 *
 * What the firmware does, in order, on each host connection:
 *  1. sends its PROTOCOLVERSION (1.0) unprompted — LMS waits for it; if the host speaks first
 *     (LMS, or our product) the firmware still sends exactly one of its own;
 *  2. once the host's PROTOCOLVERSION arrived: SERVICE_REQUEST `auth@…` + USERAUTH_REQUEST
 *     (only with `requestAuth`), then SERVICE_REQUEST `pfwd@amt.intel.com`;
 *  3. after SERVICE_ACCEPT(pfwd): one `tcpip-forward` GLOBAL_REQUEST per port, each sent after
 *     the previous reply (LMS needs 16992 or 16993 within 5 s);
 *  4. answers the host's CHANNEL_OPEN to a forwarded, served port (WS-Man 16992/16993,
 *     redirection 16994/16995), and hands the channel to `handleConnection`; keep-alives are answered; the host's DISCONNECT ends the connection.
 * Host messages that break this order or the windows are recorded in `violations` and answered
 * with DISCONNECT(PROTOCOL_ERROR), so tests notice a misbehaving host.
 */
import type { Duplex } from 'node:stream';
import type { FirmwareClient, FirmwareConnection, FirmwareSession } from '../mei/firmware';
import { APF, AUTH, Cursor, LME_TRIGGER, OPEN_FAILURE, PFWD, REASON, build, uuidBytes } from './apf-wire';
import { FwChannel } from './lme-channel';

export interface LmeFirmwareOptions {
  /** Receives every channel the host opens to a served port; `port` is 16992, 16993, … */
  handleConnection: (stream: Duplex, port: number) => void;
  /** Ports requested with tcpip-forward, in order. Default 16992–16995, 623, 664 (the ports Intel LMS forwards: WS-Man, redirection, ASF). */
  forwardPorts?: number[];
  /** Ports a channel may be opened to. Default 16992–16995 (WS-Man and redirection, plain and TLS). */
  channelPorts?: number[];
  /** Address field of tcpip-forward (LMS reads it as the AMT FQDN). Default `127.0.0.1`. */
  forwardAddress?: string;
  /** Receive window per channel. Default 8192. */
  windowSize?: number;
  maxMessageLength?: number;
  /** Also run `auth@amt.intel.com` + USERAUTH before pfwd (not seen on LME in any public source). */
  requestAuth?: boolean;
  /** System UUID sent in PROTOCOLVERSION. */
  systemUuid?: string;
  /** The firmware's APF version. Default 1.0. */
  apfVersion?: { major: number; minor: number };
  /** Accept one host connection at a time, as older AMT does (a second opener gets EBUSY). Default false. */
  singleConnection?: boolean;
}

const DEFAULT_FORWARDS: readonly number[] = [16992, 16993, 16994, 16995, 623, 664];
const DEFAULT_CHANNELS: readonly number[] = [16992, 16993, 16994, 16995];

export const LME_GUID = '6733a4db-0476-4e7b-b3af-bcfc29bee7a7'; // duplicated on purpose (Linux MEI client GUID)

export class LmeFirmware implements FirmwareClient {
  readonly guid = LME_GUID;
  readonly protocolVersion = 1;
  readonly maxMessageLength: number;
  readonly singleConnection: boolean; // newer AMT accepts more than one LME connection (Intel LMS)
  /** Host protocol violations seen so far (human-readable), for tests and logs. */
  readonly violations: string[] = [];
  /** Host messages ignored as real firmware ignores them (e.g. for a channel it does not know). */
  readonly ignored: string[] = [];
  private readonly sessions = new Set<LmeSession>();
  /** Channels the firmware opened to the host (event deliveries through LMS), for tests. */
  hostOpens = 0;

  constructor(readonly options: LmeFirmwareOptions) {
    this.maxMessageLength = options.maxMessageLength ?? 4155;
    this.singleConnection = options.singleConnection ?? false;
  }

  open(connection: FirmwareConnection): FirmwareSession {
    const session = new LmeSession(this, connection, () => this.sessions.delete(session));
    this.sessions.add(session);
    return session;
  }

  /** Open channels across all host connections. */
  get channelCount(): number {
    let n = 0;
    for (const s of this.sessions) n += s.channels.size;
    return n;
  }

  /**
   * Opens a channel from the firmware to the host, as AMT does to deliver an event to a subscriber
   * on the host through LMS (CHANNEL_OPEN "forwarded-tcpip" to `port` on the host's loopback).
   * Undefined when no host connection has port forwarding running.
   */
  openToHost(port: number): Promise<Duplex> | undefined {
    const session = [...this.sessions].find((s) => s.forwarding);
    if (session) this.hostOpens++;
    return session?.openToHost(port);
  }

  /** Sends DISCONNECT(reason) on every connection and drops them (firmware shutting APF down). */
  disconnect(reason: number = REASON.BY_APPLICATION): void {
    for (const s of [...this.sessions]) s.disconnect(reason);
  }

  /** Sends KEEPALIVE_REQUEST on every connection; resolves when each host echoed the cookie. */
  ping(timeoutMs = 2000): Promise<void> {
    return Promise.all([...this.sessions].map((s) => s.ping(timeoutMs))).then(() => {});
  }
}

class LmeSession implements FirmwareSession {
  readonly channels = new Map<number, FwChannel>();
  private hostVersion = false;
  private pfwd = false;
  private awaiting?: 'auth-accept' | 'userauth' | 'pfwd-accept';
  private forwardQueue: number[];
  private pendingForward?: number;
  private readonly forwarded = new Set<number>();
  private nextId = 0x100;
  private nextCookie = 1;
  private readonly pings = new Map<number, () => void>();
  private closed = false;
  private readonly o: LmeFirmwareOptions;
  /** Channels the firmware opened, waiting for the host's answer, by our id. */
  private readonly opening = new Map<number, { port: number; window: number; resolve: (c: FwChannel) => void; reject: (e: Error) => void }>();

  constructor(private readonly fw: LmeFirmware, private readonly conn: FirmwareConnection, private readonly onGone: () => void) {
    this.o = fw.options;
    this.forwardQueue = [...(this.o.forwardPorts ?? DEFAULT_FORWARDS)];
    const v = this.o.apfVersion ?? { major: 1, minor: 0 };
    const uuid = uuidBytes(this.o.systemUuid ?? '00000000-0000-0000-0000-000000000000');
    this.send(build(APF.PROTOCOLVERSION, { u32: v.major }, { u32: v.minor }, { u32: LME_TRIGGER }, { raw: uuid }, { raw: Buffer.alloc(64) }));
  }

  onMessage(message: Buffer): void {
    if (this.closed) return;
    try {
      this.handle(new Cursor(message));
    } catch (err) {
      this.violation(err instanceof Error ? err.message : String(err));
    }
  }

  onClose(): void {
    this.teardown();
  }

  ping(timeoutMs: number): Promise<void> {
    const cookie = this.nextCookie++;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`host did not answer keep-alive ${cookie}`)), timeoutMs);
      this.pings.set(cookie, () => (clearTimeout(timer), resolve()));
      this.send(build(APF.KEEPALIVE_REQUEST, { u32: cookie }));
    });
  }

  get forwarding(): boolean {
    return this.hostVersion && this.pfwd && !this.closed;
  }

  openToHost(port: number): Promise<Duplex> {
    const id = this.nextId++;
    const window = this.o.windowSize ?? 8192;
    return new Promise<FwChannel>((resolve, reject) => {
      this.opening.set(id, { port, window, resolve, reject });
      this.send(build(APF.CHANNEL_OPEN, { str: 'forwarded-tcpip' }, { u32: id }, { u32: window }, { u32: 0xffffffff },
        { str: '127.0.0.1' }, { u32: port }, { str: '127.0.0.1' }, { u32: 16992 }));
    });
  }

  /** The host's CHANNEL_OPEN_CONFIRMATION or _FAILURE for a channel the firmware opened. */
  private openAnswer(m: Cursor): void {
    const type = m.type;
    const id = m.u32();
    const pending = this.opening.get(id);
    if (!pending) {
      this.fw.ignored.push(`open answer for unknown channel ${id}`);
      return;
    }
    this.opening.delete(id);
    if (type === APF.CHANNEL_OPEN_FAILURE) {
      const reason = m.u32();
      return pending.reject(new Error(`the host refused the channel to port ${pending.port} (reason ${reason})`));
    }
    const hostId = m.u32();
    const hostWindow = m.u32();
    const channel = new FwChannel(
      { send: (b) => this.send(b), maxData: this.fw.maxMessageLength - 9, release: (c) => this.channels.delete(c.id) },
      id, hostId, pending.port, hostWindow, pending.window,
    );
    this.channels.set(id, channel);
    pending.resolve(channel);
  }

  private handle(m: Cursor): void {
    const forwarding = this.hostVersion && this.pfwd;
    switch (m.type) {
      case APF.PROTOCOLVERSION: {
        const major = m.u32();
        m.u32(); // minor
        m.u32(); // trigger
        m.skip(16 + 64);
        m.end();
        if (major < 1) return this.disconnect(REASON.VERSION_NOT_SUPPORTED);
        if (this.hostVersion) return; // already agreed
        this.hostVersion = true;
        return this.requestService(this.o.requestAuth ? AUTH : PFWD);
      }
      case APF.SERVICE_ACCEPT: {
        const name = m.str();
        m.end();
        if (this.awaiting === 'auth-accept' && name === AUTH) {
          this.awaiting = 'userauth';
          return this.send(build(APF.USERAUTH_REQUEST, { str: '' }, { str: PFWD }, { str: 'none' }));
        }
        if (this.awaiting === 'pfwd-accept' && name === PFWD) {
          this.awaiting = undefined;
          this.pfwd = true;
          return this.nextForward();
        }
        return this.violation(`unexpected SERVICE_ACCEPT "${name}"`);
      }
      case APF.USERAUTH_SUCCESS:
        m.end();
        if (this.awaiting !== 'userauth') return this.violation('unexpected USERAUTH_SUCCESS');
        return this.requestService(PFWD);
      case APF.REQUEST_SUCCESS:
      case APF.REQUEST_FAILURE: {
        const port = this.pendingForward;
        if (port === undefined) return this.violation('a global-request reply with no request outstanding');
        if (m.type === APF.REQUEST_SUCCESS) {
          const bound = m.u32();
          m.end();
          if (bound !== port) return this.violation(`tcpip-forward ${port} was answered with port ${bound}`);
          this.forwarded.add(port);
        } else m.end();
        this.pendingForward = undefined;
        return this.nextForward();
      }
      case APF.CHANNEL_OPEN:
        if (!forwarding) return this.violation('CHANNEL_OPEN before port forwarding started');
        return this.channelOpen(m);
      case APF.CHANNEL_OPEN_CONFIRMATION:
      case APF.CHANNEL_OPEN_FAILURE:
        if (!forwarding) return this.violation('a channel open answer before port forwarding started');
        return this.openAnswer(m);
      case APF.CHANNEL_WINDOW_ADJUST:
      case APF.CHANNEL_DATA:
      case APF.CHANNEL_CLOSE:
        if (!forwarding) return this.violation('a channel message before port forwarding started');
        return this.channelMessage(m);
      case APF.KEEPALIVE_REQUEST: {
        const cookie = m.u32();
        m.end();
        return this.send(build(APF.KEEPALIVE_REPLY, { u32: cookie }));
      }
      case APF.KEEPALIVE_REPLY: {
        const cookie = m.u32();
        m.end();
        this.pings.get(cookie)?.();
        this.pings.delete(cookie);
        return;
      }
      case APF.KEEPALIVE_OPTIONS_REQUEST: {
        const interval = m.u32();
        const timeout = m.u32();
        m.end();
        return this.send(build(APF.KEEPALIVE_OPTIONS_REPLY, { u32: interval }, { u32: timeout }));
      }
      case APF.DISCONNECT:
        m.u32();
        m.skip(2);
        m.end();
        this.teardown();
        this.conn.close();
        return;
      default:
        return this.violation(`unexpected message type ${m.type}`);
    }
  }

  private requestService(name: string): void {
    this.awaiting = name === AUTH ? 'auth-accept' : 'pfwd-accept';
    this.send(build(APF.SERVICE_REQUEST, { str: name }));
  }

  private nextForward(): void {
    const port = this.forwardQueue.shift();
    if (port === undefined) return;
    this.pendingForward = port;
    this.send(build(APF.GLOBAL_REQUEST, { str: 'tcpip-forward' }, { u8: 1 }, { str: this.o.forwardAddress ?? '127.0.0.1' }, { u32: port }));
  }

  private channelOpen(m: Cursor): void {
    const type = m.str();
    const hostId = m.u32();
    const hostWindow = m.u32();
    m.u32(); // reserved
    m.str(); // connected address
    const port = m.u32();
    m.str(); // originator address
    m.u32(); // originator port
    m.end();
    const refuse = (reason: number) =>
      this.send(build(APF.CHANNEL_OPEN_FAILURE, { u32: hostId }, { u32: reason }, { u32: 0 }, { u32: 0 }));
    if (type !== 'forwarded-tcpip') return refuse(OPEN_FAILURE.UNKNOWN_CHANNEL_TYPE);
    const served = this.o.channelPorts ?? DEFAULT_CHANNELS;
    if (!this.forwarded.has(port) || !served.includes(port)) return refuse(OPEN_FAILURE.CONNECT_FAILED);
    const id = this.nextId++;
    const window = this.o.windowSize ?? 8192;
    const channel = new FwChannel(
      { send: (b) => this.send(b), maxData: this.fw.maxMessageLength - 9, release: (c) => this.channels.delete(c.id) },
      id, hostId, port, hostWindow, window,
    );
    this.channels.set(id, channel);
    this.send(build(APF.CHANNEL_OPEN_CONFIRMATION, { u32: hostId }, { u32: id }, { u32: window }, { u32: 0xffffffff }));
    this.o.handleConnection(channel, port);
  }

  private channelMessage(m: Cursor): void {
    const type = m.type;
    const id = m.u32();
    const channel = this.channels.get(id);
    // Real firmware ignores a message for a channel it does not know (LMS routinely closes a channel
    // whose open raced its confirmation, Intel LMS sources); the session and its other channels go on.
    if (!channel) {
      this.fw.ignored.push(`message type ${type} for unknown channel ${id}`);
      return;
    }
    if (type === APF.CHANNEL_WINDOW_ADJUST) {
      const bytes = m.u32();
      m.end();
      return channel.hostAdjust(bytes);
    }
    if (type === APF.CHANNEL_DATA) {
      const data = Buffer.from(m.bytes());
      m.end();
      if (!channel.hostData(data)) return this.violation(`host sent ${data.length} bytes beyond channel ${id}'s window`);
      return;
    }
    m.end();
    channel.hostClose();
  }

  private violation(what: string): void {
    this.fw.violations.push(what);
    this.disconnect(REASON.PROTOCOL_ERROR);
  }

  disconnect(reason: number): void {
    this.send(build(APF.DISCONNECT, { u32: reason }, { raw: Buffer.alloc(2) }));
    this.teardown();
    this.conn.close();
  }

  private send(message: Buffer): void {
    if (!this.closed) this.conn.send(message);
  }

  private teardown(): void {
    if (this.closed) return;
    this.closed = true;
    for (const channel of this.channels.values()) channel.hostGone();
    for (const pending of this.opening.values()) pending.reject(new Error('the host connection closed'));
    this.opening.clear();
    this.channels.clear();
    this.onGone();
  }
}
