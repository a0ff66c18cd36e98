/**
 * The device's HTTP front: `POST /wsman` with Digest, AMT's headers, chunked SOAP replies,
 * keep-alive except after 400/401 (AMT closes those); `GET /` serves a tiny page and any other
 * path is 404. Node's own http/https server does the HTTP/1.1 work; it accepts any Duplex through
 * its 'connection' event, which is how APF channels and in-memory pairs get in.
 *
 * Order of checks, cheapest first, so an unauthenticated client cannot make the device parse
 * anything big: body size (413 as soon as the declared or received size passes MAX_BODY), then
 * Digest — except for a body small enough to be an Identify, the one request AMT answers without
 * authentication — and only then the XML. docs/simulator.md ("Before the XML") has the reasons.
 */
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import type { SimDevice } from './device';
import { DigestGuard } from './digest';
import { indexPage, plainPage, unauthorizedPage } from './html';
import type { WsmanService } from './wsman-service';

/** Larger requests are refused with 413 before they are read to the end (AMT's own limit is far smaller). */
export const MAX_BODY = 1024 * 1024;
/**
 * Only a body up to this size may be an unauthenticated Identify; anything larger must pass Digest
 * before it is parsed. An Identify envelope is a few hundred bytes.
 */
export const MAX_IDENTIFY_BODY = 4096;
/** Reply chunk size: AMT writes its replies in several HTTP chunks (seen in recorded traffic). */
const CHUNK = 1024;

export interface HttpFront {
  readonly server: http.Server | https.Server;
  feed(stream: Duplex): void;
  close(): Promise<void>;
}

export function createHttpFront(
  device: SimDevice,
  service: WsmanService,
  tls?: { key: string | Buffer; cert: string | Buffer },
  /** Another interface on the same port (legacy/front.ts): answers a request itself when it returns true. */
  takeOver?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean,
): HttpFront {
  const guard = new DigestGuard(device);
  const fed = new Set<Duplex>();
  const serverHeader = `Intel(R) Active Management Technology ${device.identity.firmwareVersion}.${device.identity.firmwareBuild}`;

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    res.setHeader('Server', serverHeader);
    res.setHeader('X-Frame-Options', 'DENY');
    if (takeOver?.(req, res)) return;
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/wsman') {
      req.resume();
      if (req.method === 'GET' && (path === '/' || path === '/index.htm')) {
        return sendHtml(res, 200, indexPage(device.identity.name, device.identity.firmwareVersion));
      }
      return sendHtml(res, 404, plainPage(404, 'Not Found'));
    }
    if (req.method !== 'POST') {
      req.resume();
      res.setHeader('Allow', 'POST');
      return sendHtml(res, 405, plainPage(405, 'Method Not Allowed'));
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY) return tooLarge(req, res);
    readBody(req)
      .then((body) => {
        if (body === undefined) return tooLarge(req, res);
        // Identify is the only request answered without Digest, and only a small body can be one:
        // a cheap size and text test decides whether parsing it before authentication is allowed.
        const small = !device.settings.identifyRequiresAuth && body.length <= MAX_IDENTIFY_BODY && body.includes('Identify');
        const identify = small ? service.identifyRequest(body.toString('utf8')) : undefined;
        let user: string | undefined;
        if (!identify) {
          const verdict = guard.verify('POST', req.url ?? '/wsman', req.headers.authorization, body);
          if (!verdict.ok) {
            if (verdict.wrongPassword) device.recordFailedLogin(verdict.user ?? '', req.socket.remoteAddress);
            return sendUnauthorized(res, guard.challenge(verdict.stale));
          }
          // An entry limited to local (or network) access cannot log in over the other interface.
          if (!device.accounts.permits(verdict.user, fed.has(req.socket))) return sendUnauthorized(res, guard.challenge(false));
          user = verdict.user;
        }
        const caller = user === undefined ? undefined : { user, address: req.socket.remoteAddress };
        const reply = service.handle(body.toString('utf8'), identify, caller);
        sendSoap(res, reply.status, reply.xml, reply.fault);
      })
      .catch(() => res.destroy());
  };

  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, handler) : http.createServer(handler);

  return {
    server,
    feed(stream: Duplex) {
      fed.add(stream);
      stream.once('close', () => fed.delete(stream));
      // A fed stream that breaks or is destroyed on close() (AbortError from composed Duplexes)
      // ends its connection; it must not become an uncaught error of the whole process.
      stream.on('error', () => stream.destroy());
      server.emit('connection', stream);
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of fed) s.destroy();
      });
    },
  };
}

/** The whole body, or undefined as soon as it passes MAX_BODY (the rest is then not waited for). */
export function readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) return void parts.push(c);
      req.off('data', onData);
      parts.length = 0;
      resolve(undefined);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

/**
 * 413 with `Connection: close`: Node's server then ends the connection once the reply is sent, and
 * the rest of the body is discarded meanwhile, never buffered (an endless chunked body ends there).
 */
export function tooLarge(req: http.IncomingMessage, res: http.ServerResponse): void {
  req.resume();
  res.setHeader('Connection', 'close');
  sendHtml(res, 413, plainPage(413, 'Request Entity Too Large'));
}

function sendSoap(res: http.ServerResponse, status: number, xml: string, close: boolean): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/soap+xml; charset=UTF-8');
  if (close) res.setHeader('Connection', 'close');
  // No Content-Length: Node then sends Transfer-Encoding: chunked, one chunk per write.
  const data = Buffer.from(xml, 'utf8');
  for (let i = 0; i < data.length; i += CHUNK) res.write(data.subarray(i, i + CHUNK));
  res.end();
}

export function sendUnauthorized(res: http.ServerResponse, challenge: string): void {
  const body = Buffer.from(unauthorizedPage(), 'utf8');
  res.writeHead(401, {
    'WWW-Authenticate': challenge,
    'Content-Type': 'text/html',
    'Content-Length': body.length,
    Connection: 'close',
  });
  res.end(body);
}

export function sendHtml(res: http.ServerResponse, status: number, html: string): void {
  const body = Buffer.from(html, 'utf8');
  res.writeHead(status, { 'Content-Type': 'text/html', 'Content-Length': body.length });
  res.end(body);
}
