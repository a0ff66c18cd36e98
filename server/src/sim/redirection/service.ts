/**
 * The firmware's redirection service (docs/simulator.md "Redirection"): plain TCP on the
 * redirection port (AMT: 16994) and TLS on the TLS port (16995) with the device's TLS identity, and
 * the same service for streams fed in from the host side (APF channels to 16994/16995, as LMS
 * forwards them). The listener follows AMT_RedirectionService.ListenerEnabled: a Put that sets it
 * false closes the ports (connections are refused), true opens them again on the same ports.
 * When the remote TLS settings refuse plain connections, a plain TCP connection is reset, as the
 * WS-Man port does (security/front.ts).
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import type { SimDevice } from '../device';
import { onCommit } from '../security/commit';
import { securityState, tlsIdentity } from '../security/state';
import type { PropMap } from '../values';
import { NonceBook } from './auth';
import { kvmHandler } from '../kvm/handler';
import { iderHandler } from './ider';
import { note } from './logs';
import { redirectionServiceOf, registerRedirection, type RedirectionControl } from './registry';
import { Connection, LOG_ON_TIMEOUT_MS, type HandlerFactory, type HostLinks, type ServiceContext } from './session';
import { solHandler } from './sol';
import type { SessionKind } from './wire';

export const REDIRECTION_PORT = 16994;
export const REDIRECTION_TLS_PORT = 16995;

export interface RedirectionOptions {
  host: string;
  /** Plain TCP port (0 = any free one); no TCP listener when undefined. */
  port?: number;
  /** TLS port (0 = any free one); no TLS listener when undefined. */
  tlsPort?: number;
  /** Accept authentication type 1 (user and password in clear), as AMT before 7.0 or with MEBx's legacy option. */
  basicAuth?: boolean;
  /** How long a started session may take to log on; default LOG_ON_TIMEOUT_MS (60 s). */
  logOnTimeoutMs?: number;
}

export class RedirectionService implements RedirectionControl {
  /** The bound plain and TLS ports (kept while the listener is off, to reopen on the same ones). */
  port?: number;
  tlsPort?: number;
  private readonly ctx: ServiceContext;
  private tcp?: net.Server;
  private secure?: tls.Server;
  private tlsServer?: tls.Server;
  private readonly connections = new Set<Connection>();
  private override?: HostLinks;
  private closed = false;
  private readonly handlers: Readonly<Record<SessionKind, HandlerFactory>> = { SOL: solHandler, IDER: iderHandler, KVMR: kvmHandler };

  constructor(readonly device: SimDevice, private readonly options: RedirectionOptions) {
    this.ctx = {
      device,
      nonces: new NonceBook(device),
      basicAuth: options.basicAuth ?? false,
      logOnTimeoutMs: options.logOnTimeoutMs ?? LOG_ON_TIMEOUT_MS,
      links: () => this.override ?? hostLinks(device),
      active: new Map(),
    };
    registerRedirection(device, this);
    // A CommitChanges that puts another certificate in force applies to both TLS servers.
    onCommit(device, () => {
      for (const server of [this.tlsServer, this.secure]) server?.setSecureContext(tlsIdentity(device));
    });
    device.on('put', ({ className, changed }: { className: string; instance: PropMap; changed: string[] }) => {
      if (className !== 'AMT_RedirectionService' || !changed.includes('ListenerEnabled')) return;
      this.follow().catch((err: Error) =>
        note(device, { id: 0, address: '', local: false, event: 'refused', reason: `the redirection port could not be opened again: ${err.message}` }));
    });
  }

  /** Replaces what the host lends (tests use stand-ins until a real host serves them). */
  setHostLinks(links: HostLinks | undefined): void {
    this.override = links;
  }

  /** Kinds with an authenticated session open now. */
  get openKinds(): SessionKind[] {
    return [...this.ctx.active].filter(([, c]) => c.user !== undefined).map(([k]) => k);
  }

  get listenerEnabled(): boolean {
    return this.device.instances('AMT_RedirectionService')[0]?.ListenerEnabled !== false;
  }

  /** Binds the configured ports (when the listener is enabled). */
  async start(): Promise<void> {
    await this.follow();
  }

  /** A stream from the host side (an APF channel to 16994 or 16995). */
  handleConnection(stream: Duplex, amtPort: number): void {
    stream.on('error', () => stream.destroy());
    if (!this.listenerEnabled || this.closed) return void stream.destroy();
    if (amtPort === REDIRECTION_TLS_PORT) return void this.tlsFront().emit('connection', stream);
    if (!securityState(this.device).tls.localAcceptsPlain) return void stream.destroy();
    this.serve(stream, true, '');
  }

  /** Ends every session (each is logged) and closes the ports. */
  async close(): Promise<void> {
    this.closed = true;
    for (const c of [...this.connections]) c.end('the simulator is closing');
    await Promise.all([closeServer(this.tcp), closeServer(this.secure)]);
    this.tcp = this.secure = undefined;
    if (redirectionServiceOf(this.device) === this) registerRedirection(this.device, undefined);
  }

  /** Ends the session of this kind (AMT_RedirectionService.TerminateSession); false when none is open. */
  terminate(kind: SessionKind): boolean {
    const c = this.ctx.active.get(kind);
    c?.end('terminated by AMT_RedirectionService.TerminateSession');
    return c !== undefined;
  }

  private serve(stream: Duplex, local: boolean, address: string): void {
    const conn = new Connection(this.ctx, stream, { local, address }, this.handlers);
    this.connections.add(conn);
    stream.once('close', () => this.connections.delete(conn));
  }

  private tlsFront(): tls.Server {
    // Only streams from the host side (APF channels to 16995) come through here.
    if (!this.tlsServer) {
      this.tlsServer = tls.createServer(tlsIdentity(this.device), (socket) => {
        socket.on('error', () => socket.destroy());
        this.serve(socket, true, '');
      });
      this.tlsServer.on('tlsClientError', () => {});
    }
    return this.tlsServer;
  }

  /** Opens or closes the ports as ListenerEnabled says. */
  private async follow(): Promise<void> {
    if (this.closed) return;
    if (!this.listenerEnabled) {
      const [tcp, secure] = [this.tcp, this.secure];
      this.tcp = this.secure = undefined;
      await Promise.all([closeServer(tcp), closeServer(secure)]);
      return;
    }
    const host = this.options.host;
    if (!this.tcp && this.options.port !== undefined) {
      const server = net.createServer((socket) => {
        socket.setNoDelay(true);
        if (!securityState(this.device).tls.remoteAcceptsPlain) return void socket.resetAndDestroy();
        socket.on('error', () => socket.destroy());
        this.serve(socket, false, socket.remoteAddress ?? '');
      });
      this.tcp = server;
      this.port = await listen(server, this.port ?? this.options.port, host);
    }
    if (!this.secure && this.options.tlsPort !== undefined) {
      // Its own server on the TLS port; streams from APF share the lazily made tlsFront().
      const server = tls.createServer(tlsIdentity(this.device), (socket) => {
        socket.setNoDelay(true);
        socket.on('error', () => socket.destroy());
        this.serve(socket, false, socket.remoteAddress ?? '');
      });
      server.on('tlsClientError', () => {});
      this.secure = server;
      this.tlsPort = await listen(server, this.tlsPort ?? this.options.tlsPort, host);
    }
  }
}

/** What the device's simulated host lends (host/host.ts implements links.ts). */
function hostLinks(device: SimDevice): HostLinks {
  return { serial: device.host.serial, ider: device.host, screen: device.host.serial };
}

function listen(server: net.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : port);
    });
  });
}

function closeServer(server: net.Server | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  return new Promise((resolve) => server.close(() => resolve()));
}
