/**
 * The LMS role of APF over one MEI connection to the LME client (docs/wire-notes.md; the Intel AMT
 * SDK's "Intel AMT Port Forwarding (APF) Protocol" and the open-source Intel LMS).
 *
 * Start-up: we send PROTOCOLVERSION 1.0 (trigger LME_REQUEST) as soon as we start, as LMS does;
 * MeshAgent shows the firmware may instead send its version first and wait
 * for ours — both orders end in the same state here: the firmware's version is "agreement", and
 * one that arrives after agreement is answered by sending ours again (LMS rule). Then the firmware
 * asks for `pfwd@amt.intel.com` (and maybe `auth@…` + USERAUTH), and sends one `tcpip-forward`
 * GLOBAL_REQUEST per port it wants exposed; we accept and record them. `start` resolves once 16992
 * or 16993 has been forwarded (LMS waits 5 s for that), later forwards still arrive as events.
 *
 * Channels go the other way: we open them (`forwarded-tcpip`) to a forwarded port and get an
 * `ApfChannel` Duplex. Messages breaking the order LMS enforces end the session with
 * DISCONNECT(PROTOCOL_ERROR), as LMS does.
 */
import { EventEmitter } from 'node:events';
import { AmtError } from '../errors';
import type { MeiConnection } from '../mei/types';
import { ApfChannel, type ChannelLink } from './channel';
import { decode, encode, type ApfMessage } from './codec';
import { ChannelType, DisconnectReason, MessageType, OpenFailureReason, Service, TriggerReason, nameOf } from './constants';

const channelMessageType: Record<string, number> = {
  'channel-window-adjust': MessageType.CHANNEL_WINDOW_ADJUST,
  'channel-data': MessageType.CHANNEL_DATA,
  'channel-close': MessageType.CHANNEL_CLOSE,
};

export interface ApfTraceEvent {
  direction: 'send' | 'receive';
  /** The decoded message; passwords in USERAUTH_REQUEST are replaced by `***`. */
  message: ApfMessage;
}

export interface ApfSessionOptions {
  /** Cancels `start` (the handshake). Close a started session with `close()`. */
  signal?: AbortSignal;
  /** Called with every message sent and received; must not throw (exceptions are ignored). */
  trace?: (event: ApfTraceEvent) => void;
  /** Handshake limit: version, pfwd and a forward of 16992/16993. Default 5000 ms, as LMS. */
  timeoutMs?: number;
  /** Receive window we advertise per channel. Default 32 KiB. */
  windowSize?: number;
  /** The 16 UUID bytes of our PROTOCOLVERSION (LMS sends zeros). */
  systemUuid?: Buffer;
  /**
   * Takes a channel the firmware opens to the host (AMT delivering an event to a subscriber on this
   * host, as it does through LMS); returns false to refuse it. Without it such channels are refused.
   */
  incoming?: (channel: ApfChannel, request: IncomingChannel) => boolean;
}

/** What the firmware's CHANNEL_OPEN asked for. */
export interface IncomingChannel {
  address: string;
  port: number;
  originatorAddress: string;
  originatorPort: number;
}

export interface ForwardedPort {
  address: string;
  port: number;
}

export interface OpenChannelOptions {
  port: number;
  signal?: AbortSignal;
  /** How long to wait for CHANNEL_OPEN_CONFIRMATION. Default 15000 ms. */
  timeoutMs?: number;
  /** Originator fields of CHANNEL_OPEN; default 127.0.0.1 and the target port (as MeshAgent). */
  originator?: ForwardedPort;
}

const DEFAULT_WINDOW = 32 * 1024;
const WEB_PORTS = [16992, 16993];
/** How long openChannel waits for the firmware to forward a port it has not forwarded yet. */
const FORWARD_WAIT_MS = 1000;

/**
 * Events: `forward` (ForwardedPort) and `cancel-forward` (ForwardedPort) as the firmware changes
 * its forwards; `close` (error?: AmtError) once, when the session ends for any reason.
 */
export class ApfSession extends EventEmitter {
  private readonly channels = new Map<number, ApfChannel>();
  private readonly pendingOpens = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private readonly pings = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private readonly forwards: ForwardedPort[] = [];
  private readonly loop = new AbortController();
  private readonly windowSize: number;
  private readonly link: ChannelLink;
  /** The last write queued; the MEI connection is closed after it settled. */
  private lastWrite: Promise<void> = Promise.resolve();
  private nextChannelId = 1;
  private nextCookie = 1;
  private agreed = false;
  private pfwdAccepted = false;
  private ended?: AmtError;
  private ready?: { resolve: () => void; reject: (e: Error) => void };
  /** The firmware's PROTOCOLVERSION, once received. */
  firmwareVersion?: { major: number; minor: number; triggerReason: number; uuid: Buffer };

  private constructor(private readonly mei: MeiConnection, private readonly options: ApfSessionOptions) {
    super();
    this.windowSize = options.windowSize ?? DEFAULT_WINDOW;
    this.link = {
      send: (msg) => this.send(msg),
      maxMessageLength: mei.maxMessageLength,
      release: (channel) => this.channels.delete(channel.localId),
    };
  }

  /** Runs the handshake over `mei` (connected to the LME client); the session owns `mei` from now on. */
  static async start(mei: MeiConnection, options: ApfSessionOptions = {}): Promise<ApfSession> {
    const session = new ApfSession(mei, options);
    await session.handshake();
    return session;
  }

  /** Ports the firmware asked us to forward, in the order it asked. */
  get forwardedPorts(): number[] {
    return [...new Set(this.forwards.map((f) => f.port))];
  }

  get closed(): boolean {
    return this.ended !== undefined;
  }

  /** Opens a `forwarded-tcpip` channel to an AMT port; resolves with the channel as a Duplex. */
  async openChannel(options: OpenChannelOptions): Promise<ApfChannel> {
    this.throwIfEnded();
    const { port, signal } = options;
    signal?.throwIfAborted();
    if (!this.forwardedPorts.includes(port)) await this.forwardOf(port, signal);
    const id = this.allocateChannelId();
    const channel = new ApfChannel(this.link, id, port, this.windowSize);
    this.channels.set(id, channel);
    const opened = new Promise<void>((resolve, reject) => this.pendingOpens.set(id, { resolve, reject }));
    opened.catch(() => {}); // awaited below; this only keeps an early session end from being "unhandled"
    const origin = options.originator ?? { address: '127.0.0.1', port };
    const limit = options.timeoutMs ?? 15000;
    try {
      await this.send({
        type: 'channel-open', channelType: ChannelType.FORWARDED_TCPIP, senderChannel: id, initialWindow: this.windowSize,
        address: '127.0.0.1', port, originatorAddress: origin.address, originatorPort: origin.port,
      });
      await withLimit(opened, limit, signal,
        () => new AmtError('timeout', `AMT did not answer the request to open port ${port} within ${limit / 1000} s; retry, or reset the ME if it keeps happening.`));
    } catch (err) {
      this.pendingOpens.delete(id);
      channel.destroy(); // a late confirmation is answered with CHANNEL_CLOSE by the channel
      throw err;
    }
    return channel;
  }

  /**
   * Waits a moment for the firmware to forward `port`: `start` returns after the first web port,
   * and the firmware may still be sending its other tcpip-forward requests.
   */
  private async forwardOf(port: number, signal?: AbortSignal): Promise<void> {
    let onForward: ((f: ForwardedPort) => void) | undefined;
    let onClose: (() => void) | undefined;
    const settled = new Promise<void>((resolve, reject) => {
      onForward = (f) => f.port === port && resolve();
      onClose = () => reject(this.ended);
      this.on('forward', onForward);
      this.on('close', onClose);
    });
    try {
      await withLimit(settled, FORWARD_WAIT_MS, signal, () => new AmtError('apf.not-forwarded',
        `AMT does not forward port ${port} over the local connection (it forwards ${this.forwardedPorts.join(', ') || 'no ports'}); use one of those ports.`));
    } finally {
      this.off('forward', onForward!);
      this.off('close', onClose!);
    }
  }

  /** Sends KEEPALIVE_REQUEST and waits for the matching reply. */
  async ping(options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<void> {
    this.throwIfEnded();
    const cookie = this.nextCookie++ >>> 0;
    const replied = new Promise<void>((resolve, reject) => this.pings.set(cookie, { resolve, reject }));
    replied.catch(() => {}); // awaited below
    const limit = options.timeoutMs ?? 5000;
    try {
      await this.send({ type: 'keepalive-request', cookie });
      await withLimit(replied, limit, options.signal,
        () => new AmtError('timeout', `AMT did not answer a keep-alive within ${limit / 1000} s; the port-forwarding session may be stuck — reconnect.`));
    } finally {
      this.pings.delete(cookie);
    }
  }

  /** Sends DISCONNECT(BY_APPLICATION), closes every channel and the MEI connection. */
  async close(): Promise<void> {
    if (this.ended) return;
    await this.send({ type: 'disconnect', reason: DisconnectReason.BY_APPLICATION }).catch(() => {});
    this.end(new AmtError('apf.closed', 'The local port-forwarding session to AMT was closed.'), false);
  }

  private async handshake(): Promise<void> {
    const { signal } = this.options;
    const limit = this.options.timeoutMs ?? 5000;
    const ready = new Promise<void>((resolve, reject) => (this.ready = { resolve, reject }));
    void this.readLoop();
    void this.send({
      type: 'protocol-version', major: 1, minor: 0, triggerReason: TriggerReason.LME_REQUEST,
      uuid: this.options.systemUuid ?? Buffer.alloc(16),
    }).catch(() => {});
    try {
      await withLimit(ready, limit, signal, () => new AmtError('timeout', this.stalledMessage(limit)));
    } catch (err) {
      const e = err instanceof AmtError ? err : new AmtError('cancelled', 'Opening the local port-forwarding session to AMT was cancelled.', { cause: err });
      this.end(e, false);
      throw e;
    } finally {
      this.ready = undefined;
    }
  }

  private stalledMessage(limit: number): string {
    const s = `${limit / 1000} s`;
    if (!this.agreed) return `AMT did not answer the APF protocol-version handshake on the LME client within ${s}; the firmware may be busy or another LMS holds the connection — stop LMS or reset the ME and retry.`;
    if (!this.pfwdAccepted) return `AMT did not request the port-forwarding service within ${s} after the handshake; reset the ME and retry.`;
    return `AMT did not ask to forward port 16992 or 16993 within ${s} (it asked for: ${this.forwardedPorts.join(', ') || 'nothing'}); AMT's web service may be disabled.`;
  }

  private async readLoop(): Promise<void> {
    while (!this.ended) {
      let buf: Buffer;
      try {
        buf = await this.mei.read({ signal: this.loop.signal });
      } catch (err) {
        this.end(connectionLost(err), true);
        return;
      }
      if (this.ended) return;
      if (buf.length === 0) continue; // an empty read carries no message
      try {
        const msg = decode(buf, { maxLength: this.mei.maxMessageLength });
        this.trace('receive', msg);
        this.handle(msg);
      } catch (err) {
        this.violation(err instanceof AmtError ? err : new AmtError('apf.protocol', String(err), { cause: err }));
      }
    }
  }

  private handle(msg: ApfMessage): void {
    switch (msg.type) {
      case 'protocol-version':
        return this.onProtocolVersion(msg);
      case 'service-request':
        if (!this.agreed) throw outOfOrder('SERVICE_REQUEST');
        if (msg.service !== Service.PFWD && msg.service !== Service.AUTH) {
          void this.send({ type: 'disconnect', reason: DisconnectReason.SERVICE_NOT_AVAILABLE }).catch(() => {});
          this.end(new AmtError('apf.protocol', `AMT asked for an unknown APF service "${msg.service}"; the session was ended.`), true);
          return;
        }
        if (msg.service === Service.PFWD) this.pfwdAccepted = true;
        void this.reply({ type: 'service-accept', service: msg.service });
        return this.checkReady();
      case 'userauth-request':
        if (!this.agreed) throw outOfOrder('USERAUTH_REQUEST');
        return void this.reply({ type: 'userauth-success' }); // over LME, LMS accepts every user-auth
      case 'tcpip-forward':
      case 'cancel-tcpip-forward':
      case 'udp-send-to':
      case 'global-request':
        this.requireForwarding('GLOBAL_REQUEST');
        return this.onGlobalRequest(msg);
      case 'channel-open':
        this.requireForwarding('CHANNEL_OPEN');
        return this.onIncoming(msg);
      case 'channel-open-confirmation':
      case 'channel-open-failure':
      case 'channel-window-adjust':
      case 'channel-data':
      case 'channel-close':
        this.requireForwarding('CHANNEL message');
        return this.onChannelMessage(msg);
      case 'keepalive-request':
        return void this.reply({ type: 'keepalive-reply', cookie: msg.cookie });
      case 'keepalive-options-request':
        return void this.reply({ type: 'keepalive-options-reply', intervalSeconds: msg.intervalSeconds, timeoutSeconds: msg.timeoutSeconds });
      case 'keepalive-reply':
        return this.pings.get(msg.cookie)?.resolve();
      case 'disconnect':
        this.end(new AmtError('apf.disconnected', `AMT ended the local port-forwarding session (reason: ${nameOf(DisconnectReason, msg.reason)}); reconnect to continue.`), true);
        return;
      default:
        return; // replies to requests we never send (SERVICE_ACCEPT, REQUEST_SUCCESS, …): nothing to do
    }
  }

  /** A firmware-opened channel (event delivery): confirmed when a consumer takes it, else refused. */
  private onIncoming(msg: Extract<ApfMessage, { type: 'channel-open' }>): void {
    const refuse = (reason: number) => void this.reply({ type: 'channel-open-failure', recipientChannel: msg.senderChannel, reason });
    if (msg.channelType !== ChannelType.FORWARDED_TCPIP) return refuse(OpenFailureReason.UNKNOWN_CHANNEL_TYPE);
    if (!this.options.incoming) return refuse(OpenFailureReason.ADMINISTRATIVELY_PROHIBITED);
    const id = this.allocateChannelId();
    const channel = new ApfChannel(this.link, id, msg.port, this.windowSize);
    channel.opened(msg.senderChannel, msg.initialWindow);
    const request = { address: msg.address, port: msg.port, originatorAddress: msg.originatorAddress, originatorPort: msg.originatorPort };
    this.channels.set(id, channel);
    void this.reply({ type: 'channel-open-confirmation', recipientChannel: msg.senderChannel, senderChannel: id, initialWindow: this.windowSize });
    if (!this.options.incoming(channel, request)) channel.end();
  }

  private onProtocolVersion(msg: Extract<ApfMessage, { type: 'protocol-version' }>): void {
    if (msg.major < 1) {
      void this.send({ type: 'disconnect', reason: DisconnectReason.PROTOCOL_VERSION_NOT_SUPPORTED }).catch(() => {});
      this.end(new AmtError('apf.unsupported-version', `AMT speaks APF ${msg.major}.${msg.minor}, older than the 1.0 this tool needs; update the AMT firmware.`), true);
      return;
    }
    if (this.agreed) {
      void this.reply({ type: 'protocol-version', major: 1, minor: 0, triggerReason: TriggerReason.LME_REQUEST, uuid: this.options.systemUuid ?? Buffer.alloc(16) });
    }
    this.agreed = true;
    this.firmwareVersion = { major: msg.major, minor: msg.minor, triggerReason: msg.triggerReason, uuid: msg.uuid };
  }

  private onGlobalRequest(msg: Extract<ApfMessage, { type: 'tcpip-forward' | 'cancel-tcpip-forward' | 'udp-send-to' | 'global-request' }>): void {
    const answer = (ok: boolean, port?: number) => {
      if (msg.wantReply) void this.reply(ok ? { type: 'request-success', port } : { type: 'request-failure' });
    };
    if (msg.type === 'tcpip-forward') {
      const duplicate = this.forwards.some((f) => f.address === msg.address && f.port === msg.port);
      if (duplicate) return answer(false);
      const forward = { address: msg.address, port: msg.port };
      this.forwards.push(forward);
      answer(true, msg.port);
      this.emit('forward', forward);
      return this.checkReady();
    }
    if (msg.type === 'cancel-tcpip-forward') {
      const i = this.forwards.findIndex((f) => f.address === msg.address && f.port === msg.port);
      if (i < 0) return answer(false);
      const [forward] = this.forwards.splice(i, 1);
      answer(true);
      this.emit('cancel-forward', forward);
      return;
    }
    answer(false); // udp-send-to and unknown requests: we send no datagrams (as MeshAgent)
  }

  private onChannelMessage(msg: Extract<ApfMessage, { recipientChannel: number }>): void {
    const channel = this.channels.get(msg.recipientChannel);
    if (!channel) return; // a straggler for a channel already released
    // The firmware answers an open exactly once, and says nothing else on a channel before that.
    const answer = msg.type === 'channel-open-confirmation' || msg.type === 'channel-open-failure';
    if (answer !== channel.opening) {
      throw new AmtError('apf.protocol', answer
        ? `AMT answered the opening of channel ${channel.localId} (port ${channel.port}) twice; the session was ended.`
        : `AMT sent ${nameOf(MessageType, channelMessageType[msg.type])} on channel ${channel.localId} (port ${channel.port}) before confirming it; the session was ended.`);
    }
    switch (msg.type) {
      case 'channel-open-confirmation': {
        const pending = this.pendingOpens.get(channel.localId);
        this.pendingOpens.delete(channel.localId);
        channel.opened(msg.senderChannel, msg.initialWindow);
        return pending?.resolve();
      }
      case 'channel-open-failure': {
        const pending = this.pendingOpens.get(channel.localId);
        this.pendingOpens.delete(channel.localId);
        this.channels.delete(channel.localId);
        channel.destroy(); // still opening: nobody holds it, so no error to report on it
        return pending?.reject(new AmtError('apf.open-failed',
          `AMT refused a connection to port ${channel.port} (${nameOf(OpenFailureReason, msg.reason)}); it forwards ${this.forwardedPorts.join(', ') || 'no ports'}.`));
      }
      case 'channel-window-adjust':
        return channel.onWindowAdjust(msg.bytesToAdd);
      case 'channel-data':
        return channel.onData(msg.data);
      case 'channel-close':
        return channel.onClose();
    }
  }

  private requireForwarding(what: string): void {
    if (!this.agreed || !this.pfwdAccepted) throw outOfOrder(what);
  }

  private checkReady(): void {
    if (this.agreed && this.pfwdAccepted && this.forwards.some((f) => WEB_PORTS.includes(f.port))) this.ready?.resolve();
  }

  /** A protocol error from the firmware: tell it (as LMS does) and end the session. */
  private violation(err: AmtError): void {
    void this.send({ type: 'disconnect', reason: DisconnectReason.PROTOCOL_ERROR }).catch(() => {});
    this.end(err, true);
  }

  /** Sends a reply; a failed write already ended the session, so nothing is left to do here. */
  private reply(msg: ApfMessage): Promise<void> {
    return this.send(msg).catch(() => {});
  }

  /**
   * Queues one message at once: the MEI connection writes in call order, so messages of all
   * channels stay in order without waiting for each other to reach the device.
   */
  private send(msg: ApfMessage): Promise<void> {
    if (this.ended) return Promise.reject(this.ended);
    let buf: Buffer;
    try {
      buf = encode(msg, { maxLength: this.mei.maxMessageLength });
    } catch (err) {
      return Promise.reject(err);
    }
    this.trace('send', msg);
    const written = this.mei.write(buf);
    this.lastWrite = written.catch(() => {});
    return written.catch((err) => {
      this.end(connectionLost(err), true);
      throw this.ended;
    });
  }

  private trace(direction: ApfTraceEvent['direction'], message: ApfMessage): void {
    if (!this.options.trace) return;
    const safe = message.type === 'userauth-request' && message.password !== undefined ? { ...message, password: '***' } : message;
    try {
      this.options.trace({ direction, message: safe });
    } catch {
      // tracing must never disturb the session
    }
  }

  private end(err: AmtError, emitError: boolean): void {
    if (this.ended) return;
    this.ended = err;
    this.loop.abort(err);
    this.ready?.reject(err);
    for (const p of [...this.pendingOpens.values(), ...this.pings.values()]) p.reject(err);
    this.pendingOpens.clear();
    this.pings.clear();
    for (const channel of this.channels.values()) channel.abort(err);
    this.channels.clear();
    void this.lastWrite.then(() => this.mei.close()).catch(() => {});
    this.emit('close', emitError ? err : undefined);
  }

  private throwIfEnded(): void {
    if (this.ended) throw this.ended;
  }

  private allocateChannelId(): number {
    while (this.channels.has(this.nextChannelId) || this.nextChannelId === 0) {
      this.nextChannelId = (this.nextChannelId + 1) >>> 0;
    }
    const id = this.nextChannelId;
    this.nextChannelId = (id + 1) >>> 0;
    return id;
  }
}

function outOfOrder(what: string): AmtError {
  return new AmtError('apf.protocol', `AMT sent ${what} before the APF handshake allowed it; the session was ended.`);
}

function connectionLost(cause: unknown): AmtError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new AmtError('apf.connection-lost',
    `The connection to AMT's port-forwarding client (LME) was lost (${detail}); the ME was probably reset — reconnect to continue.`, { cause });
}

/** Waits for `p`, failing after `ms` or when `signal` aborts. */
async function withLimit<T>(p: Promise<T>, ms: number, signal: AbortSignal | undefined, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
    if (signal) {
      onAbort = () => reject(new AmtError('cancelled', 'The operation was cancelled.', { cause: signal.reason }));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  try {
    return await Promise.race([p, limit]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}
