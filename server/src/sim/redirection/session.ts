/**
 * One console connection to the redirection service: the session manager's part (0x10 start,
 * 0x13 authentication, 0x12 end) and then the session kind's own handler (sol.ts, ider.ts, KVM).
 *
 * Refusals, as the session manager gives them (0x11 status): TYPE_UNKNOWN for a tag other than
 * `SOL `, `IDER`, `KVMR`; UNSUPPORTED when the kind is disabled (AMT_RedirectionService.EnabledState
 * bit 0 IDE-R, bit 1 SOL; CIM_KVMRedirectionSAP not enabled); BUSY while another connection holds
 * a session of the same kind (held from its successful 0x10 until it ends); ERROR (0xFF) for
 * IDE-R or KVM when user consent is required and not given (inferred, docs/simulator.md). Before
 * authentication succeeds, any message other than 0x10/0x13 ends the connection; so does a
 * message the protocol does not have. Every end is noted with its reason (logs.ts).
 */
import type { Duplex } from 'node:stream';
import type { SimDevice } from '../device';
import type { HostScreen, HostSerial, IderAttachPoint } from '../host/links';
import { authenticate, type NonceBook } from './auth';
import { logSession, nextConnectionId, note } from './logs';
import { MSG, SESSION_TAGS, START_STATUS, WireError, nextMessage, startReply, type SessionKind } from './wire';

/** What the host lends the redirection service (host/links.ts); either may be missing. */
export interface HostLinks {
  serial?: HostSerial;
  ider?: IderAttachPoint;
  /** The host's screen, for KVM. */
  screen?: HostScreen;
}

/** What every connection of one device's service shares. */
export interface ServiceContext {
  readonly device: SimDevice;
  readonly nonces: NonceBook;
  readonly basicAuth: boolean;
  /** How long a started session may take to log on (LOG_ON_TIMEOUT_MS unless a test shortens it). */
  readonly logOnTimeoutMs: number;
  links(): HostLinks;
  /** The connection holding each kind's session. */
  readonly active: Map<SessionKind, Connection>;
}

/** A session kind's handler, given the messages after authentication. */
export interface KindHandler {
  handle(message: Buffer): void;
  /** The connection is ending (`error` says why when it was not the console's orderly end). */
  ended(error?: string): void;
  /** Work is outstanding, so the console going away now is an error (an IDE-R packet in flight). */
  busy?(): boolean;
  /** Set once the kind takes the stream raw (KVM after 0x41: RFB): every later byte goes here. */
  rawInput?: (bytes: Buffer) => void;
}

export type HandlerFactory = (conn: Connection) => KindHandler;

const OPT_IN_ALL = 0xffffffff;
/**
 * A connection that started a session must log on within this long, or it is ended and its
 * session kind freed (inferred; no source gives the firmware's limit — amtterm itself gives up
 * after 20 s without data, so real consoles finish well within it).
 */
export const LOG_ON_TIMEOUT_MS = 60_000;
const OPT_IN = { Received: 3, InSession: 4, NotStarted: 0 } as const;

export class Connection {
  readonly id: number;
  kind?: SessionKind;
  user?: string;
  private acc: Buffer = Buffer.alloc(0);
  private handler?: KindHandler;
  private started = false;
  private consent = false;
  private closed = false;
  private logOnTimer?: NodeJS.Timeout;

  constructor(
    readonly ctx: ServiceContext,
    private readonly stream: Duplex,
    readonly info: { readonly local: boolean; readonly address: string },
    private readonly handlers: Readonly<Record<SessionKind, HandlerFactory>>,
  ) {
    this.id = nextConnectionId(ctx.device);
    stream.on('data', (chunk: Buffer) => this.data(chunk));
    stream.on('error', (err: Error) => this.end(`the connection failed: ${err.message}`, true));
    const gone = () => this.end('the console closed the connection', this.handler?.busy?.() ?? false);
    stream.on('close', gone);
    stream.on('end', gone);
  }

  get device(): SimDevice {
    return this.ctx.device;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send(bytes: Buffer): void {
    if (!this.closed && !this.stream.destroyed) this.stream.write(bytes);
  }

  /** The kind's session really began (SOL started, IDE-R opened): audit and event log. */
  opened(): void {
    if (this.started || !this.kind) return;
    this.started = true;
    logSession(this.device, this.kind, true, this.user, this.info.address);
    note(this.device, { id: this.id, kind: this.kind, user: this.user, address: this.info.address, local: this.info.local, event: 'opened' });
  }

  /** Ends the connection; `error` marks an end the console did not ask for. */
  end(reason: string, error = false): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.logOnTimer);
    this.handler?.ended(error ? reason : undefined);
    if (this.kind && this.ctx.active.get(this.kind) === this) this.ctx.active.delete(this.kind);
    if (this.consent) this.releaseConsent();
    if (this.started && this.kind) logSession(this.device, this.kind, false, this.user, this.info.address);
    note(this.device, {
      id: this.id, kind: this.kind, user: this.user, address: this.info.address, local: this.info.local,
      event: error ? 'ended-by-error' : 'closed', reason,
    });
    if (!this.stream.destroyed) this.stream.end(() => this.stream.destroy());
  }

  private data(chunk: Buffer): void {
    if (this.closed) return;
    if (this.handler?.rawInput) return this.handler.rawInput(chunk);
    this.acc = this.acc.length === 0 ? chunk : Buffer.concat([this.acc, chunk]);
    try {
      for (;;) {
        const m = nextMessage(this.acc, this.kind === 'KVMR');
        if (!m) break;
        this.acc = this.acc.subarray(m.length);
        this.message(Buffer.from(m));
        if (this.closed) return;
        if (this.handler?.rawInput) {
          const rest = this.acc;
          this.acc = Buffer.alloc(0);
          if (rest.length > 0) this.handler.rawInput(Buffer.from(rest));
          return;
        }
      }
    } catch (err) {
      // Whatever a console sends ends its own session only: a fault of ours while handling it
      // must not take the simulator (and every other session) down with it.
      if (err instanceof WireError) this.end(`the console sent bytes outside the protocol (${err.message})`, true);
      else this.end(`the firmware failed while handling the console's message (${err instanceof Error ? err.message : String(err)})`, true);
    }
  }

  private message(m: Buffer): void {
    const type = m[0];
    if (type === MSG.EndSession) return this.end('the console ended the session (0x12)');
    if (!this.kind) {
      if (type !== MSG.StartSession) return this.end(`message 0x${hex(type)} before StartRedirectionSession`, true);
      return this.start(m);
    }
    if (type === MSG.StartSession) return this.end('a second StartRedirectionSession on one connection', true);
    if (!this.user) {
      if (type !== MSG.Authenticate) return this.end(`message 0x${hex(type)} before authentication succeeded`, true);
      return this.auth(m);
    }
    if (type === MSG.Authenticate) return this.end('AuthenticateSession after authentication succeeded', true);
    this.handler ??= this.handlers[this.kind](this);
    this.handler.handle(m);
  }

  private start(m: Buffer): void {
    const tag = m.subarray(4, 8).toString('latin1');
    const kind = SESSION_TAGS[tag];
    const refuse = (status: number, why: string) => {
      this.send(startReply(status));
      note(this.device, { id: this.id, kind, address: this.info.address, local: this.info.local, event: 'refused', reason: why });
      this.end(why);
    };
    if (!kind) return refuse(START_STATUS.TypeUnknown, `unknown session type "${tag.replace(/[^\x20-\x7e]/g, '?')}"`);
    if (!featureEnabled(this.device, kind)) return refuse(START_STATUS.Unsupported, `${kind} is disabled on the device`);
    if (this.ctx.active.has(kind)) return refuse(START_STATUS.Busy, `a ${kind} session is already open`);
    if (consentMissing(this.device, kind)) return refuse(START_STATUS.Error, `${kind} needs user consent first (IPS_OptInService)`);
    this.kind = kind;
    this.ctx.active.set(kind, this);
    this.send(startReply(START_STATUS.Success));
    const ms = this.ctx.logOnTimeoutMs;
    this.logOnTimer = setTimeout(() => this.end(`no log-on within ${ms} ms of StartRedirectionSession`, true), ms);
    this.logOnTimer.unref();
  }

  private auth(m: Buffer): void {
    const outcome = authenticate({ ...this.ctx, local: this.info.local, address: this.info.address }, m);
    this.send(outcome.reply);
    if (outcome.failure) {
      note(this.device, { id: this.id, kind: this.kind, user: outcome.user, address: this.info.address, local: this.info.local, event: 'auth-failed', reason: outcome.failure });
      return;
    }
    if (outcome.user === undefined) return;
    clearTimeout(this.logOnTimer);
    this.user = outcome.user;
    this.takeConsent();
  }

  /** A session that needed consent puts IPS_OptInService.OptInState at 4 while it runs. */
  private takeConsent(): void {
    const optIn = this.device.instances('IPS_OptInService')[0];
    if (!optIn || !this.kind || !consentApplies(this.device, this.kind)) return;
    this.consent = true;
    if (optIn.OptInState !== OPT_IN.InSession) {
      optIn.OptInState = OPT_IN.InSession;
      this.device.emit('opt-in', { state: OPT_IN.InSession });
    }
  }

  private releaseConsent(): void {
    const others = [...this.ctx.active.values()].some((c) => c !== this && c.consent);
    const optIn = this.device.instances('IPS_OptInService')[0];
    if (others || !optIn || optIn.OptInState !== OPT_IN.InSession) return;
    // The consent lapses with the last session that used it (inferred, spec §6.2).
    optIn.OptInState = OPT_IN.NotStarted;
    delete this.device.optIn.code;
    delete this.device.optIn.expiresAt;
    this.device.emit('opt-in', { state: OPT_IN.NotStarted });
  }
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}

export function featureEnabled(device: SimDevice, kind: SessionKind): boolean {
  if (kind === 'KVMR') {
    const sap = device.instances('CIM_KVMRedirectionSAP')[0];
    return sap !== undefined && (sap.EnabledState === 2 || sap.EnabledState === 6);
  }
  const state = Number(device.instances('AMT_RedirectionService')[0]?.EnabledState ?? 0);
  return (state & (kind === 'IDER' ? 1 : 2)) !== 0;
}

/** Whether the consent policy covers this kind: KVM whenever consent is required, IDE-R when it is required for everything. */
function consentApplies(device: SimDevice, kind: SessionKind): boolean {
  const optIn = device.instances('IPS_OptInService')[0];
  if (!optIn || kind === 'SOL') return false;
  const required = Number(optIn.OptInRequired ?? 0);
  return kind === 'KVMR' ? required !== 0 : required === OPT_IN_ALL;
}

function consentMissing(device: SimDevice, kind: SessionKind): boolean {
  if (!consentApplies(device, kind)) return false;
  const state = device.instances('IPS_OptInService')[0]?.OptInState;
  return state !== OPT_IN.Received && state !== OPT_IN.InSession;
}
