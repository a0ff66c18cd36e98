/**
 * The device target registry: which devices the backend knows and how to reach them. It is the one
 * piece of long-lived backend state DESIGN.md allows, so it is a class instance owned by the entry
 * point (main.ts, cli.ts), never a module singleton.
 *
 * Kinds:
 * - `sim`: an embedded simulator, started in this process on first connect and stopped on dispose.
 * - `remote`: an AMT device over HTTP (16992) or HTTPS (16993). The password is never stored here:
 *   it arrives with each call and lives only inside the WsmanClient built for it.
 * - `local`: AMT on this machine through our own APF session over the MEI device; `lms`: through
 *   an installed LMS on 127.0.0.1:16992; `auto`: whichever of the two is there (targets/local/).
 *   Without a password these use AMT's local system account, read from AMTHI.
 *
 * Clients are cached per target and user; a different password for the same user replaces the
 * client. Each client tells the registry the outcome of every exchange (WsmanClient's
 * `onOutcome`), which sets the target's state: connected, error, or wrong-password — a refused
 * password is remembered (passwords.ts) and not sent again until the user gives another. Every
 * state change is announced as that one target's change (added / updated / removed).
 */
import { AmtError } from '../errors';
import type { Credentials, TargetChange, TargetInfo, TargetKind, TargetState } from '../protocol';
import { WsmanClient, tcpTransport, tlsTransport, type WsmanClientOptions } from '../wsman';
import { AuthError, CancelledError } from '../wsman/errors';
import { DEFAULT_ACCOUNT, startSimulator, type Simulator } from '../sim';
import { formatHost, parseDeviceUrl } from './address';
import { Passwords } from './passwords';
import { LocalTarget } from './local/target';
import type { LocalTargetSpec, MpsTargetSpec, RemoteTargetSpec, SimTargetSpec, TargetSpec } from './specs';
import { mpsEntryInfo, mpsRedirectionEndpoint } from './mps-target';
import type { RedirectionEndpoint } from './redirection';
import type { LocalTrace } from './local/trace';

/**
 * Receives trace lines: `http` = one redacted WS-Man request or response; `apf` / `mei` = one
 * decoded APF message or one MEI message in hex (local targets; firmware debugging).
 */
export type TraceSink = (targetId: string, direction: 'request' | 'response', text: string, layer?: 'http' | 'apf' | 'mei') => void;

export type { LocalTargetSpec, MpsTargetSpec, RemoteTargetSpec, SimTargetSpec, TargetSpec } from './specs';

/** User name shown (and used as cache key) when a local target runs on AMT's local system account. */
export const LOCAL_ACCOUNT = '(local system account)';

export interface TargetRegistryOptions {
  /**
   * The embedded simulator as target `sim`: true (default) for 127.0.0.1 on a free port, an object
   * for a fixed host/port/account, false for none.
   */
  simulator?: boolean | Omit<SimTargetSpec, 'kind'>;
  /** Per-request timeout for new clients (ms), or a function read each time a client is made. */
  timeoutMs?: number | (() => number);
  /** Called with the one target that was added, removed, or changed state. */
  onChange?: (change: TargetChange) => void;
  /** Receives the redacted WS-Man wire trace of every client. */
  trace?: TraceSink;
}

export interface ConnectOptions {
  signal?: AbortSignal;
  /** Make one authenticated request (Get AMT_GeneralSettings) before returning a new client. */
  verify?: boolean;
}

export const DEFAULT_SIM_ID = 'sim';

interface RunningSim {
  url: string;
  host: string;
  port: number;
  /** The simulator itself (its device model), for features that extend the embedded one. */
  sim: Simulator;
  close(): Promise<void> | void;
}

interface Entry {
  spec: TargetSpec & { id: string; label: string };
  info: TargetInfo;
  /** Remote: the parsed URL. */
  endpoint?: { tls: boolean; host: string; port: number };
  sim?: RunningSim;
  simStarting?: Promise<RunningSim>;
  /** local / lms / auto. */
  local?: LocalTarget;
  /** Clients per user, and the passwords the device refused. */
  passwords: Passwords;
}

export { formatHost, parseDeviceUrl } from './address';

export class TargetRegistry {
  private readonly entries = new Map<string, Entry>();
  private disposed = false;

  constructor(private readonly options: TargetRegistryOptions = {}) {
    const sim = options.simulator ?? true;
    if (sim !== false) {
      this.add({ kind: 'sim', id: DEFAULT_SIM_ID, label: 'Simulator', ...(sim === true ? {} : sim) }, { silent: true, removable: false });
    }
  }

  /** Every target, in the order they were added. */
  list(): TargetInfo[] {
    return [...this.entries.values()].map((e) => ({ ...e.info }));
  }

  /** One target, or undefined. */
  get(id: string): TargetInfo | undefined {
    const e = this.entries.get(id);
    return e ? { ...e.info } : undefined;
  }

  /** One target, or an AmtError naming the known ones. */
  info(id: string): TargetInfo {
    return { ...this.entry(id).info };
  }

  /** Adds a target and returns it. Throws for invalid URLs, duplicates, and kinds not available yet. */
  add(spec: TargetSpec, internal: { silent?: boolean; removable?: boolean } = {}): TargetInfo {
    this.assertOpen();
    let entry: Entry;
    if (spec.kind === 'sim') {
      const id = spec.id ?? this.freeId('sim');
      entry = {
        spec: { ...spec, id, label: spec.label ?? `Simulator (${id})` },
        info: { id, kind: 'sim', label: spec.label ?? `Simulator (${id})`, user: spec.user ?? DEFAULT_ACCOUNT.user, removable: internal.removable ?? true, state: 'disconnected' },
        passwords: new Passwords(),
      };
    } else if (spec.kind === 'remote') {
      const endpoint = parseDeviceUrl(spec.url);
      if (!spec.user) throw new AmtError('target.invalid', `No user name was given for ${spec.url}; add the device again with the AMT user name (for example admin).`);
      const url = `${endpoint.tls ? 'https' : 'http'}://${formatHost(endpoint.host)}:${endpoint.port}`;
      const id = spec.id ?? `${spec.user}@${formatHost(endpoint.host)}:${endpoint.port}`;
      const label = spec.label || `${formatHost(endpoint.host)}:${endpoint.port}`;
      entry = {
        spec: { ...spec, id, label },
        info: { id, kind: 'remote', label, url, user: spec.user, removable: internal.removable ?? true, state: 'disconnected' },
        endpoint,
        passwords: new Passwords(),
      };
    } else if (spec.kind === 'local' || spec.kind === 'lms' || spec.kind === 'auto') {
      entry = this.localEntry(spec, internal.removable ?? true);
    } else if (spec.kind === 'mps') {
      const info = mpsEntryInfo(spec, internal.removable ?? true);
      entry = { spec: { ...spec, id: info.id, label: info.label }, info, passwords: new Passwords() };
    } else {
      throw new AmtError('target.invalid', `Unknown device kind "${(spec as { kind: string }).kind}"; use "sim", "remote", "local", "lms" or "auto".`);
    }
    if (this.entries.has(entry.info.id)) {
      throw new AmtError('target.exists', `A device "${entry.info.id}" is already in the list; pick it from the list or remove it first.`);
    }
    this.entries.set(entry.info.id, entry);
    if (!internal.silent) this.options.onChange?.({ kind: 'added', target: { ...entry.info } });
    return { ...entry.info };
  }

  /** Removes a target, closing its clients (and its simulator). */
  async remove(id: string): Promise<void> {
    const e = this.entry(id);
    if (!e.info.removable) {
      throw new AmtError('target.not-removable', `"${e.info.label}" is built in and cannot be removed; turn the simulator off in the amt.simulator.enabled setting instead.`);
    }
    this.entries.delete(id);
    await this.shutdown(e);
    this.options.onChange?.({ kind: 'removed', targetId: id });
  }

  /**
   * A client for the target. Credentials default to the simulator's account for `sim` targets and
   * are required (at least the password) for remote ones. A cached client is reused when the user
   * and password are unchanged.
   */
  async connect(
    id: string,
    credentials?: Credentials | { user?: string; password?: string },
    signalOrOptions?: AbortSignal | ConnectOptions,
  ): Promise<WsmanClient> {
    this.assertOpen();
    const opts: ConnectOptions = isAbortSignal(signalOrOptions) ? { signal: signalOrOptions } : (signalOrOptions ?? {});
    const e = this.entry(id);
    opts.signal?.throwIfAborted();
    if (e.local) return this.connectLocal(e, e.local, credentials, opts);

    let host: string;
    let port: number;
    let tls = false;
    let user: string;
    let password: string | undefined = credentials?.password;
    if (e.spec.kind === 'sim') {
      const sim = await this.ensureSim(e);
      host = sim.host;
      port = sim.port;
      const simUser = e.spec.user ?? DEFAULT_ACCOUNT.user;
      user = credentials?.user || simUser;
      if (password === undefined && user === simUser) password = e.spec.password ?? DEFAULT_ACCOUNT.password;
    } else if (e.spec.kind === 'remote' && e.endpoint) {
      ({ host, port, tls } = e.endpoint);
      user = credentials?.user || e.spec.user;
    } else if (e.spec.kind === 'mps') {
      host = e.spec.guid;
      port = 16992;
      user = credentials?.user || e.spec.user || DEFAULT_ACCOUNT.user;
    } else {
      throw new AmtError('target.invalid', `"${e.info.label}" has no way to be reached.`);
    }
    if (password === undefined || password === '') {
      throw new AmtError('auth.missing', `No password was given for user "${user}" on ${e.info.label}; enter the AMT password for that account.`);
    }

    const timeout = this.timeout();
    const secret = e.passwords.secret(user, password);
    this.assertNotRefused(e, user, secret);
    const cached = e.passwords.take(user, secret, timeout);
    if (cached) return opts.verify ? this.verify(e, cached, opts.signal) : cached;

    const transport = e.spec.kind === 'mps'
      ? e.spec.server().relayTransport(e.spec.guid, 16992)
      : tls && e.spec.kind === 'remote'
      ? tlsTransport(host, port, {
          ...(e.spec.ca ? { ca: e.spec.ca } : {}),
          ...(e.spec.trustedFingerprint256 ? { trustedFingerprint256: e.spec.trustedFingerprint256 } : {}),
          ...(e.spec.rejectUnauthorized !== undefined ? { rejectUnauthorized: e.spec.rejectUnauthorized } : {}),
        })
      : tcpTransport(host, port);
    const sink = this.options.trace;
    let client: WsmanClient | undefined;
    client = new WsmanClient({
      transport,
      user,
      password,
      ...(timeout ? { timeoutMs: timeout } : {}),
      ...(sink ? { trace: (ev: { direction: 'request' | 'response'; text: string }) => sink(e.info.id, ev.direction, ev.text) } : {}),
      onOutcome: (outcome) => this.outcome(e, user, client, outcome),
    });
    e.passwords.clients.set(user, { secret, timeout, client });
    return opts.verify ? this.verify(e, client, opts.signal) : client;
  }

  private timeout(): number | undefined {
    return typeof this.options.timeoutMs === 'function' ? this.options.timeoutMs() : this.options.timeoutMs;
  }

  /** A password the device refused is not sent again: the user must give another. */
  private assertNotRefused(e: Entry, user: string, secret: string): void {
    if (!e.passwords.isRefused(user, secret)) return;
    this.setState(e, 'wrong-password', wrongPasswordSentence(e, user));
    throw new AmtError(
      'auth.rejected',
      `${e.info.label} refused this password for ${user}, so it was not sent again (AMT locks the account after repeated failures); enter the password again.`,
    );
  }

  /** What one exchange of a client says about its target: reachable, unreachable, or the password refused. */
  private outcome(e: Entry, user: string, client: WsmanClient | undefined, outcome: Parameters<NonNullable<WsmanClientOptions['onOutcome']>>[0]): void {
    if (this.entries.get(e.info.id) !== e) return;
    if (outcome.ok) {
      e.passwords.accepted(user);
      this.setState(e, 'connected');
      return;
    }
    const err = outcome.error;
    if (err instanceof CancelledError) return;
    if (err instanceof AuthError && err.code === 'auth.failed') {
      if (client) e.passwords.refuse(user, client);
      this.setState(e, 'wrong-password', wrongPasswordSentence(e, user));
      return;
    }
    this.setState(e, 'error', err instanceof Error ? err.message : String(err));
  }

  /** Makes one authenticated request (Get AMT_GeneralSettings); the target state follows its outcome. */
  private async verify(e: Entry, client: WsmanClient, signal?: AbortSignal): Promise<WsmanClient> {
    const previous = e.info.state;
    this.setState(e, 'connecting');
    try {
      await client.get('AMT_GeneralSettings', undefined, signal ? { signal } : {});
    } catch (err) {
      if (err instanceof CancelledError) {
        this.setState(e, previous === 'connecting' ? 'disconnected' : previous);
        throw err;
      }
      // The device answered and accepted the credentials (e.g. with a fault for that class).
      if (e.info.state === 'connected') return client;
      throw err;
    }
    return client;
  }

  private localEntry(spec: LocalTargetSpec, removable: boolean): Entry {
    const id = spec.id ?? this.freeId(spec.kind);
    const label = spec.label || { local: 'This computer (MEI)', lms: 'This computer (LMS)', auto: 'This computer' }[spec.kind];
    const sink = this.options.trace;
    const trace: LocalTrace | undefined = sink ? (direction, layer, text) => sink(id, direction === 'send' ? 'request' : 'response', text, layer) : undefined;
    const tls = spec.tls || spec.trustedFingerprint256 || spec.ca
      ? {
          ...(spec.ca ? { ca: spec.ca } : {}),
          ...(spec.trustedFingerprint256 ? { trustedFingerprint256: spec.trustedFingerprint256 } : {}),
          ...(spec.rejectUnauthorized !== undefined ? { rejectUnauthorized: spec.rejectUnauthorized } : {}),
        }
      : undefined;
    const local = new LocalTarget({
      kind: spec.kind,
      ...(spec.meiPath ? { meiPath: spec.meiPath } : {}),
      ...(spec.lmsHost || spec.lmsPort ? { lms: { ...(spec.lmsHost ? { host: spec.lmsHost } : {}), ...(spec.lmsPort ? { port: spec.lmsPort } : {}) } } : {}),
      ...(tls ? { tls } : {}),
    }, trace);
    const kind: TargetKind = spec.kind === 'lms' ? 'lms' : 'local';
    return {
      spec: { ...spec, id, label },
      info: { id, kind, label, ...(spec.kind === 'lms' ? { url: lmsUrl(local) } : {}), user: spec.user ?? LOCAL_ACCOUNT, removable, state: 'disconnected' },
      passwords: new Passwords(),
      local,
    };
  }

  /**
   * Local kinds: with a password, that account (user defaulting to the spec's, else admin);
   * without one, AMT's local system account from AMTHI, read for every new session.
   */
  private async connectLocal(e: Entry, local: LocalTarget, credentials: Credentials | { user?: string; password?: string } | undefined, opts: ConnectOptions): Promise<WsmanClient> {
    const spec = e.spec as LocalTargetSpec;
    const password = credentials?.password || undefined;
    const user = password ? credentials?.user || spec.user || DEFAULT_ACCOUNT.user : LOCAL_ACCOUNT;
    const timeout = this.timeout();
    const secret = e.passwords.secret(user, password ?? '');
    if (password) this.assertNotRefused(e, user, secret);
    const cached = e.passwords.take(user, secret, timeout);
    if (cached) return opts.verify ? this.verify(e, cached, opts.signal) : cached;
    const sink = this.options.trace;
    const previous = e.info.state;
    this.setState(e, 'connecting');
    let client: WsmanClient | undefined;
    try {
      client = await local.client({
        ...(password ? { credentials: { user, password } } : {}),
        ...(timeout ? { timeoutMs: timeout } : {}),
        ...(sink ? { trace: (ev: { direction: 'request' | 'response'; text: string }) => sink(e.info.id, ev.direction, ev.text, 'http') } : {}),
        onOutcome: (outcome) => this.outcome(e, user, client, outcome),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
    } catch (err) {
      const cancelled = err instanceof AmtError && err.code === 'cancelled';
      if (cancelled) this.setState(e, previous === 'connecting' ? 'disconnected' : previous);
      else this.setState(e, 'error', (err as Error).message);
      throw err;
    }
    if (local.route === 'lms') {
      e.info.kind = 'lms';
      e.info.url = lmsUrl(local);
    }
    this.setState(e, 'connected');
    e.passwords.clients.set(user, { secret, timeout, client });
    return opts.verify ? this.verify(e, client, opts.signal) : client;
  }

  /** The simulator's base URL (`http://127.0.0.1:PORT`) once started; starts it if needed. */
  async simulatorUrl(id: string = DEFAULT_SIM_ID): Promise<string> {
    const e = this.entry(id);
    if (e.spec.kind !== 'sim') throw new AmtError('target.invalid', `"${e.info.label}" is not a simulator; choose the embedded simulator ("${DEFAULT_SIM_ID}") or another simulated device.`);
    const sim = await this.ensureSim(e);
    return `http://${formatHost(sim.host)}:${sim.port}`;
  }

  /** The running simulator of a `sim` target (started if needed), for features that extend it (the Watchdog view's emulated watchdog). */
  async simulator(id: string = DEFAULT_SIM_ID): Promise<Simulator> {
    const e = this.entry(id);
    if (e.spec.kind !== 'sim') throw new AmtError('target.invalid', `"${e.info.label}" is not a simulator; choose the embedded simulator ("${DEFAULT_SIM_ID}") or another simulated device.`);
    return (await this.ensureSim(e)).sim;
  }

  /** How to reach the target's redirection service (SOL, IDE-R) and with which account; targets/redirection.ts opens it. */
  async redirectionEndpoint(id: string, credentials?: { user?: string; password?: string }): Promise<RedirectionEndpoint> {
    const e = this.entry(id);
    const given = credentials?.password ? { user: credentials.user || e.info.user || DEFAULT_ACCOUNT.user, password: credentials.password } : undefined;
    if (e.local) return { via: 'local', local: e.local, label: e.info.label, ...(given ? { credentials: { ...given, user: credentials?.user || (e.spec as LocalTargetSpec).user || DEFAULT_ACCOUNT.user } } : {}) };
    if (e.spec.kind === 'mps') return mpsRedirectionEndpoint(e.spec as MpsTargetSpec, e.info.label, given);
    if (e.spec.kind === 'sim') {
      const sim = await this.ensureSim(e);
      const user = credentials?.user || e.spec.user || DEFAULT_ACCOUNT.user;
      const password = credentials?.password || (user === (e.spec.user ?? DEFAULT_ACCOUNT.user) ? e.spec.password ?? DEFAULT_ACCOUNT.password : '');
      return { via: 'sim', host: sim.host, sim: sim.sim, label: e.info.label, credentials: { user, password } };
    }
    const spec = e.spec as RemoteTargetSpec;
    const { host, tls } = e.endpoint!;
    const trust = { ...(spec.ca ? { ca: spec.ca } : {}), ...(spec.trustedFingerprint256 ? { trustedFingerprint256: spec.trustedFingerprint256 } : {}), ...(spec.rejectUnauthorized !== undefined ? { rejectUnauthorized: spec.rejectUnauthorized } : {}) };
    return { via: 'tcp', host, port: spec.redirectionPort ?? (tls ? 16995 : 16994), ...(tls ? { tls: trust } : {}), label: e.info.label, ...(given ? { credentials: given } : {}) };
  }

  /** Closes every client and stops every simulator. The registry is unusable afterwards. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((e) => this.shutdown(e)));
  }

  /* ---- internals ---- */

  private entry(id: string): Entry {
    const e = this.entries.get(id);
    if (!e) {
      const known = [...this.entries.keys()];
      throw new AmtError(
        'target.unknown',
        `There is no device "${id}" in the device list; ${known.length ? `use one of ${known.join(', ')}` : 'add the device first'}.`,
      );
    }
    return e;
  }

  private freeId(base: string): string {
    if (!this.entries.has(base)) return base;
    for (let i = 2; ; i++) if (!this.entries.has(`${base}-${i}`)) return `${base}-${i}`;
  }

  private assertOpen(): void {
    if (this.disposed) throw new AmtError('target.disposed', 'The device list has been shut down; restart the AMT Workbench backend.');
  }

  private async ensureSim(e: Entry): Promise<RunningSim> {
    if (e.sim) return e.sim;
    if (!e.simStarting) {
      const spec = e.spec as SimTargetSpec;
      this.setState(e, 'connecting');
      e.simStarting = (async () => {
        try {
          const sim = await startSimulator({
            host: spec.host ?? '127.0.0.1',
            port: spec.port ?? 0,
            user: spec.user ?? DEFAULT_ACCOUNT.user,
            password: spec.password ?? DEFAULT_ACCOUNT.password,
            // Redirection (SOL, IDE-R) on any free port; the product finds it as sim.redirectionPort.
            redirectionPort: 0,
            // The host's network traffic, so System Defense counters move on the page.
            hostTraffic: true,
          });
          const running: RunningSim = { url: sim.url, host: sim.host, port: sim.port, sim, close: () => sim.close() };
          if (this.disposed || !this.entries.has(e.info.id)) {
            await running.close();
            throw new AmtError('target.disposed', 'The device was removed while its simulator was starting; add it again to use it.');
          }
          e.sim = running;
          e.info.url = `http://${formatHost(sim.host)}:${sim.port}`;
          this.setState(e, 'connected');
          return running;
        } catch (err) {
          e.simStarting = undefined;
          if (err instanceof AmtError) {
            this.setState(e, 'error', err.message);
            throw err;
          }
          const reason = (err as NodeJS.ErrnoException)?.code === 'EADDRINUSE'
            ? `port ${spec.port} on ${spec.host ?? '127.0.0.1'} is already in use; choose another port or 0 for any free port`
            : `${(err as Error)?.message ?? String(err)}; check the host and port settings`;
          const wrapped = new AmtError('sim.start', `The embedded simulator could not start: ${reason}.`, { cause: err });
          this.setState(e, 'error', wrapped.message);
          throw wrapped;
        }
      })();
    }
    return e.simStarting;
  }

  private async shutdown(e: Entry): Promise<void> {
    await e.passwords.closeAll();
    const sim = e.sim ?? (e.simStarting ? await e.simStarting.catch(() => undefined) : undefined);
    e.sim = undefined;
    e.simStarting = undefined;
    if (sim) await Promise.resolve(sim.close()).catch(() => undefined);
    await e.local?.close().catch(() => undefined);
  }

  private setState(e: Entry, state: TargetState, error?: string): void {
    if (e.info.state === state && e.info.error === error) return;
    e.info.state = state;
    if (error) e.info.error = error;
    else delete e.info.error;
    if (this.entries.get(e.info.id) === e) this.options.onChange?.({ kind: 'updated', target: { ...e.info } });
  }
}

function wrongPasswordSentence(e: Entry, user: string): string {
  return `Wrong password for ${user} on ${e.info.label}: the device refused it, so it is not sent again; enter the password again.`;
}

function lmsUrl(local: LocalTarget): string {
  const { host, port } = local.lmsEndpoint;
  return `${local.config.tls ? 'https' : 'http'}://${formatHost(host)}:${port}`;
}

function isAbortSignal(v: unknown): v is AbortSignal {
  return typeof AbortSignal !== 'undefined' && v instanceof AbortSignal;
}
