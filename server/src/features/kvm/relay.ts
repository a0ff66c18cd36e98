/**
 * The backend's redirection relay for a viewer that must never hold the AMT password (spec
 * redirection.md §7.3, the shape of MPS's `redirectInterceptor.ts`): the viewer speaks the whole
 * redirection protocol itself (session start, log-on, SOL/IDE-R/KVM), and the relay rewrites only
 * its log-on — the "challenge me" request gets the backend's user, and the digest response is
 * computed here from the backend-held password and the challenge the device sent. Once the
 * device says the log-on succeeded, bytes pass untouched both ways.
 *
 * `relay()` works on any Duplex for the viewer's side: the editor's KVM viewer reaches it as a
 * websocket (wsRelay.ts, ws's createWebSocketStream); `listenRelay()` serves loopback TCP for
 * tools that speak the redirection protocol themselves.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { challengeRequest, digestResponse, newCnonce, type DigestType } from '../redirection/auth';
import type { RedirectionTarget } from '../redirection/connect';
import type { LogOn } from '../redirection/session';
import * as wire from '../redirection/wire';

type Send = (b: Buffer) => void;

/**
 * The log-on rewriter between a viewer and a device. `fromViewer` / `fromDevice` take raw chunks
 * and call `toDevice` / `toViewer` with what to forward.
 */
export class CredentialInterceptor {
  private readonly acc = { viewer: Buffer.alloc(0), device: Buffer.alloc(0) };
  private challenge?: { realm: string; nonce: string; qop: string };
  private nc = 0;
  /** True once the device accepted the log-on: bytes pass untouched. */
  direct = false;

  constructor(private readonly credentials: LogOn, private readonly toDevice: Send, private readonly toViewer: Send) {}

  fromViewer(chunk: Buffer): void {
    if (this.direct) return this.toDevice(chunk);
    this.acc.viewer = Buffer.concat([this.acc.viewer, chunk]);
    for (let m = this.cut('viewer'); m; m = this.direct ? undefined : this.cut('viewer')) this.toDevice(this.rewrite(m));
    if (this.direct) this.flushViewer();
  }

  fromDevice(chunk: Buffer): void {
    if (this.direct) return this.toViewer(chunk);
    this.acc.device = Buffer.concat([this.acc.device, chunk]);
    for (let m = this.cut('device'); m; m = this.direct ? undefined : this.cut('device')) {
      this.observe(m);
      this.toViewer(m);
    }
    if (this.direct) {
      // What follows the log-on result is the session's own (KVM: 0x41 then RFB) — passed as it came.
      const rest = this.acc.device;
      this.acc.device = Buffer.alloc(0);
      if (rest.length) this.toViewer(rest);
      this.flushViewer();
    }
  }

  private flushViewer(): void {
    const rest = this.acc.viewer;
    this.acc.viewer = Buffer.alloc(0);
    if (rest.length) this.toDevice(rest);
  }

  /** The next whole redirection message from one side, or undefined (waits for more bytes). */
  private cut(side: 'viewer' | 'device'): Buffer | undefined {
    const len = wire.messageLength(this.acc[side]);
    if (len === 0) return undefined;
    const m = this.acc[side].subarray(0, len);
    this.acc[side] = this.acc[side].subarray(len);
    return m;
  }

  private rewrite(m: Buffer): Buffer {
    if (m[0] !== wire.MSG.AUTHENTICATE) return m;
    const type = m[4];
    if (type !== wire.AUTH_TYPE.DIGEST && type !== wire.AUTH_TYPE.DIGEST_2069) return m; // the query (0) passes
    const { user, password } = this.credentials;
    if (!this.challenge) return wire.authenticate(type, challengeRequest(type as DigestType, user));
    const { realm, nonce, qop } = this.challenge;
    const nc = (++this.nc).toString(16).padStart(8, '0');
    return wire.authenticate(type, digestResponse({ type: type as DigestType, user, password, realm, nonce, qop, cnonce: newCnonce(), nc }));
  }

  private observe(m: Buffer): void {
    if (m[0] !== wire.MSG.AUTHENTICATE_REPLY) return;
    const reply = wire.readAuthReply(m);
    if (reply.status === wire.AUTH_STATUS.FAILURE && (reply.type === wire.AUTH_TYPE.DIGEST || reply.type === wire.AUTH_TYPE.DIGEST_2069)) {
      const [realm = '', nonce = '', qop = ''] = wire.readLengthPrefixed(reply.data);
      this.challenge = { realm, nonce, qop };
    } else if (reply.status === wire.AUTH_STATUS.SUCCESS && reply.type !== wire.AUTH_TYPE.QUERY) {
      this.direct = true;
    }
  }
}

/** Relays one viewer to the target's redirection port, logging on with the target's credentials. */
export async function relay(viewer: Duplex, target: RedirectionTarget, signal?: AbortSignal): Promise<void> {
  viewer.pause();
  let device: Duplex;
  let credentials: LogOn;
  try {
    ({ stream: device, credentials } = await target.open(signal));
  } catch (err) {
    viewer.destroy();
    throw err;
  }
  const interceptor = new CredentialInterceptor(credentials, (b) => device.write(b), (b) => viewer.write(b));
  const stop = () => {
    viewer.destroy();
    device.destroy();
  };
  viewer.on('data', (c: Buffer) => {
    try {
      interceptor.fromViewer(c);
    } catch {
      stop(); // a message no rule knows before log-on: the stream cannot be followed
    }
  });
  device.on('data', (c: Buffer) => {
    try {
      interceptor.fromDevice(c);
    } catch {
      stop();
    }
  });
  await new Promise<void>((resolve) => {
    let open = 2;
    const done = () => (--open === 0 ? resolve() : stop());
    viewer.once('close', done);
    device.once('close', done);
    viewer.on('error', () => undefined);
    device.on('error', () => undefined);
    viewer.resume();
  });
}

/** A loopback TCP relay server (127.0.0.1 only) for `target`; port 0 picks a free port. */
export async function listenRelay(target: RedirectionTarget, port = 0): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    relay(socket, target).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
