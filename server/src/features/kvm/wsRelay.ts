/**
 * The websocket front of the redirection relay (relay.ts) for the editor's KVM viewer: one
 * loopback-only (127.0.0.1) websocket server per backend, started on first use, and a one-time
 * random token per viewer connection in the URL (`ws://127.0.0.1:PORT/kvm/<token>`). A token
 * names the target it was minted for, is accepted once and expires unused after a minute; any
 * other path or token is refused with 401 before the upgrade. Each accepted socket becomes a
 * Duplex (ws's createWebSocketStream) handed to `relay()`, which logs on with the backend-held
 * password — the webview only ever sees the token.
 *
 * The `ws` package is used because Node 20 has no websocket server of its own; writing RFC 6455
 * framing by hand would duplicate a well-kept library.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createWebSocketStream, WebSocketServer, type WebSocket } from 'ws';
import type { RedirectionTarget } from '../redirection/connect';
import { AmtError } from '../../errors';
import { relay } from './relay';
import { kvmConsentSentence, kvmDisabledSentence, kvmState } from './session';

const TOKEN_TTL_MS = 60_000;

interface Ticket { target: RedirectionTarget; expires: number }

export class KvmRelayServer {
  private server?: Server;
  private wss?: WebSocketServer;
  private starting?: Promise<number>;
  private readonly tickets = new Map<string, Ticket>();
  private readonly sockets = new Set<WebSocket>();
  /** Relays that ended, with their error if any (the tests and the handler's log read them). */
  onRelayEnd: (target: string, err?: unknown) => void = () => undefined;

  /** A one-time URL for a viewer of `target`. */
  async mint(target: RedirectionTarget): Promise<{ url: string; token: string }> {
    const port = await this.start();
    const now = Date.now();
    for (const [t, ticket] of this.tickets) if (ticket.expires < now) this.tickets.delete(t);
    const token = randomBytes(24).toString('base64url');
    this.tickets.set(token, { target, expires: now + TOKEN_TTL_MS });
    return { url: `ws://127.0.0.1:${port}/kvm/${token}`, token };
  }

  /** Forgets an unused token (the viewer closed before connecting). */
  revoke(token: string): void {
    this.tickets.delete(token);
  }

  /** Viewers connected now. */
  get connections(): number {
    return this.sockets.size;
  }

  async close(): Promise<void> {
    this.tickets.clear();
    for (const s of this.sockets) s.terminate();
    const server = this.server;
    this.server = undefined;
    this.starting = undefined;
    this.wss?.close();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private start(): Promise<number> {
    this.starting ??= new Promise<number>((resolve, reject) => {
      const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
      const server = createServer((_req, res) => {
        res.writeHead(426, { 'content-type': 'text/plain' }).end('This port serves the AMT Workbench KVM viewer over websocket only.\n');
      });
      server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
        const ticket = this.take(req.url ?? '');
        if (!ticket) {
          socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
          return;
        }
        wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, ticket.target));
      });
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        this.server = server;
        this.wss = wss;
        server.unref();
        resolve((server.address() as AddressInfo).port);
      });
    });
    return this.starting;
  }

  private take(url: string): Ticket | undefined {
    const m = /^\/kvm\/([A-Za-z0-9_-]{32})$/.exec(url);
    if (!m) return undefined;
    const ticket = this.tickets.get(m[1]!);
    this.tickets.delete(m[1]!);
    return ticket && ticket.expires >= Date.now() ? ticket : undefined;
  }

  private accept(ws: WebSocket, target: RedirectionTarget): void {
    this.sockets.add(ws);
    const stream = createWebSocketStream(ws);
    // The Duplex alone does not close when the websocket does (its writable side stays open):
    // destroy it, so the relay ends the device's session too and the next viewer is not BUSY.
    ws.once('close', () => {
      this.sockets.delete(ws);
      stream.destroy();
    });
    stream.on('error', () => undefined);
    relay(stream, target).then(
      () => this.onRelayEnd(target.label),
      (err: unknown) => {
        this.onRelayEnd(target.label, err);
        ws.close(1011, reasonOf(err));
      },
    );
  }
}

/**
 * A viewer URL for `target` once its WS-Man state lets KVM start: KVM switched off (in MEBx or
 * CIM_KVMRedirectionSAP) or consent missing answer with the sentence that says which and how to
 * fix it (code kvm.disabled / kvm.consent) before any websocket opens.
 */
export async function viewerUrl(relayServer: KvmRelayServer, target: RedirectionTarget, signal?: AbortSignal): Promise<{ url: string; token: string }> {
  const client = target.wsman ? await target.wsman(signal) : undefined;
  const why = client ? await kvmState(client, signal) : undefined;
  if (why === 'mebx') throw new AmtError('kvm.disabled', kvmDisabledSentence(target.label, 'MEBx'));
  if (why === 'off') throw new AmtError('kvm.disabled', kvmDisabledSentence(target.label));
  if (why === 'consent') throw new AmtError('kvm.consent', kvmConsentSentence(target.label));
  return relayServer.mint(target);
}

/** A close reason fits 123 bytes. */
function reasonOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const b = Buffer.from(text, 'utf8');
  return b.length <= 123 ? text : `${b.subarray(0, 120).toString('utf8').replace(/\uFFFD+$/, '')}…`;
}
