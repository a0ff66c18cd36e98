/**
 * The device's HTTP front (spec §3): `POST /wsman` with Digest, AMT's headers, chunked SOAP
 * replies, keep-alive except after 400/401 (AMT closes those); `GET /` serves a tiny page and any
 * other path is 404. Node's own http/https server does the HTTP/1.1 work; it accepts any Duplex
 * through its 'connection' event, which is how APF channels and in-memory pairs get in.
 */
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import type { SimDevice } from './device';
import { DigestGuard } from './digest';
import { indexPage, plainPage, unauthorizedPage } from './html';
import type { WsmanService } from './wsman-service';

/** Larger requests are refused before parsing (AMT's limits are far smaller). */
const MAX_BODY = 1024 * 1024;
/** Reply chunk size: AMT splits replies into several chunks (spec §1.3). */
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
): HttpFront {
  const guard = new DigestGuard(device);
  const fed = new Set<Duplex>();
  const serverHeader = `Intel(R) Active Management Technology ${device.identity.firmwareVersion}.${device.identity.firmwareBuild}`;

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    res.setHeader('Server', serverHeader);
    res.setHeader('X-Frame-Options', 'DENY');
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
    readBody(req)
      .then((body) => {
        if (body === undefined) {
          res.setHeader('Connection', 'close');
          return sendHtml(res, 413, plainPage(413, 'Request Entity Too Large'));
        }
        const xml = body.toString('utf8');
        // Cheap text test first: only a body that mentions Identify is parsed before authentication.
        const open = !device.settings.identifyRequiresAuth && xml.includes('Identify') && service.isIdentify(xml);
        if (!open) {
          const verdict = guard.verify('POST', req.url ?? '/wsman', req.headers.authorization, body);
          if (!verdict.ok) {
            if (verdict.wrongPassword) device.recordFailedLogin(verdict.user ?? '');
            return sendUnauthorized(res, guard.challenge(verdict.stale));
          }
        }
        const reply = service.handle(xml);
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

function readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) tooBig = true;
      else parts.push(c);
    });
    req.on('end', () => resolve(tooBig ? undefined : Buffer.concat(parts)));
    req.on('error', reject);
  });
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

function sendUnauthorized(res: http.ServerResponse, challenge: string): void {
  const body = Buffer.from(unauthorizedPage(), 'utf8');
  res.writeHead(401, {
    'WWW-Authenticate': challenge,
    'Content-Type': 'text/html',
    'Content-Length': body.length,
    Connection: 'close',
  });
  res.end(body);
}

function sendHtml(res: http.ServerResponse, status: number, html: string): void {
  const body = Buffer.from(html, 'utf8');
  res.writeHead(status, { 'Content-Type': 'text/html', 'Content-Length': body.length });
  res.end(body);
}
