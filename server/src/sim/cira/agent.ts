/**
 * The firmware's CIRA agent for one device: keeps a tunnel to its MPS while it has one configured,
 * and dials again with exponential back-off (plus jitter) when the MPS goes away or refuses the
 * tunnel. A refused user name or password waits the longest back-off, as a device retries only at
 * its next periodic trigger. While the tunnel is up AMT_RemoteAccessService.IsRemoteTunnelConnected
 * reads true.
 */
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { CiraSession, type SessionEnd } from './session';

export interface MpsEndpoint {
  host: string;
  port: number;
  user: string;
  password: string;
  /** PEM root(s) the device trusts for the MPS certificate (AddTrustedRootCertificate). */
  ca: string | string[];
  /** Name the MPS certificate must carry (AddMpServer's CN); default `host`. */
  servername?: string;
  /** APF trigger reason: 1 user-initiated, 4 periodic (default). */
  trigger?: number;
}

export type CiraState = 'off' | 'connecting' | 'connected' | 'waiting' | 'auth-failed';

export interface CiraAgentOptions {
  uuid: string;
  hostname: string;
  handleConnection: (stream: Duplex, port: number) => void;
  /** Ports to forward; default 16992, 16994, 5900 (WS-Man, redirection, and 5900 so that MPS sends keep-alive options). */
  forwardPorts?: number[];
  servedPorts?: number[];
  /** First retry delay and the ceiling (ms); default 1000 and 30000. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Called on every state change. */
  onState?: (state: CiraState, detail?: string) => void;
}

export class CiraAgent extends EventEmitter {
  state: CiraState = 'off';
  /** Why the last tunnel ended, or why the last dial failed. */
  lastError?: string;
  /** Tunnels made so far (for tests of reconnects). */
  connects = 0;
  private endpoint?: MpsEndpoint;
  private socket?: tls.TLSSocket;
  private session?: CiraSession;
  private timer?: NodeJS.Timeout;
  private delay: number;
  private closed = false;

  constructor(private readonly o: CiraAgentOptions) {
    super();
    this.delay = o.backoff?.initialMs ?? 1000;
  }

  /** Sets (or with undefined, removes) the MPS; an unchanged endpoint keeps the tunnel. */
  configure(endpoint: MpsEndpoint | undefined): void {
    const same = JSON.stringify(endpoint) === JSON.stringify(this.endpoint);
    if (same && this.state !== 'off') return;
    this.endpoint = endpoint;
    this.teardown('the MPS configuration changed');
    this.delay = this.o.backoff?.initialMs ?? 1000;
    if (endpoint && !this.closed) this.dial();
    else this.setState('off');
  }

  /** Resolves once the tunnel is up (rejects after `timeoutMs`). */
  whenConnected(timeoutMs = 30_000): Promise<void> {
    if (this.state === 'connected') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('state', on);
        reject(new Error(`no CIRA tunnel within ${timeoutMs} ms (${this.state}${this.lastError ? `: ${this.lastError}` : ''})`));
      }, timeoutMs);
      const on = (s: CiraState) => {
        if (s !== 'connected') return;
        clearTimeout(timer);
        this.off('state', on);
        resolve();
      };
      this.on('state', on);
    });
  }

  /** Cuts the TCP connection without any APF goodbye, as a device losing its network does. */
  drop(): void {
    this.socket?.destroy();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.endpoint = undefined;
    this.session?.disconnect();
    this.teardown('the device shut down');
    this.setState('off');
  }

  private dial(): void {
    const ep = this.endpoint;
    if (!ep || this.closed) return;
    this.setState('connecting');
    const socket = tls.connect({ host: ep.host, port: ep.port, ca: ep.ca, servername: ep.servername ?? ep.host, minVersion: 'TLSv1.2' });
    this.socket = socket;
    let ended = false;
    const session = new CiraSession(
      {
        uuid: this.o.uuid,
        user: ep.user,
        password: ep.password,
        trigger: ep.trigger ?? 4,
        hostname: this.o.hostname,
        forwardPorts: this.o.forwardPorts ?? [16992, 16994, 5900],
        servedPorts: this.o.servedPorts ?? [16992, 16994],
        handleConnection: this.o.handleConnection,
      },
      (b) => {
        if (!socket.destroyed) socket.write(b);
      },
      (end) => {
        ended = true;
        socket.destroy();
        this.ended(socket, end);
      },
    );
    this.session = session;
    socket.once('secureConnect', () => session.start());
    socket.on('data', (d: Buffer) => session.data(d));
    socket.on('error', (err) => (this.lastError = err.message));
    socket.once('close', () => {
      if (!ended) session.closed(this.lastError ?? 'the MPS closed the connection');
    });
    session.ready.then(() => {
      if (this.socket !== socket) return;
      this.connects++;
      this.delay = this.o.backoff?.initialMs ?? 1000;
      this.lastError = undefined;
      this.setState('connected');
    }, () => undefined);
  }

  private ended(socket: tls.TLSSocket, end: SessionEnd): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    this.session = undefined;
    this.lastError = end.detail;
    if (this.closed || !this.endpoint) return this.setState('off');
    const max = this.o.backoff?.maxMs ?? 30_000;
    const wait = end.why === 'auth-failed' ? max : this.delay;
    this.delay = Math.min(max, this.delay * 2);
    this.setState(end.why === 'auth-failed' ? 'auth-failed' : 'waiting', end.detail);
    this.timer = setTimeout(() => this.dial(), wait * (0.8 + Math.random() * 0.4));
    this.timer.unref();
  }

  private teardown(why: string): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const s = this.socket;
    this.socket = undefined;
    this.session?.closed(why);
    this.session = undefined;
    s?.destroy();
  }

  private setState(state: CiraState, detail?: string): void {
    if (this.state === state) return;
    this.state = state;
    this.o.onState?.(state, detail);
    this.emit('state', state, detail);
  }
}
