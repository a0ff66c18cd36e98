/**
 * A deliberately small AMT-like HTTP endpoint for the client tests: raw node:net so the tests
 * control chunking, Connection: close, hangs and Digest challenges byte for byte. It is not the
 * simulator (server/src/sim/); it only knows what each test asks it to answer.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { computeDigestResponse, parseAuthenticateHeader, type DigestInput } from '../../../server/src/wsman/digest';

export interface FakeRequest {
  headers: Record<string, string>;
  body: string;
  socketId: number;
}

export interface FakeReply {
  status?: number;
  body: string;
  contentType?: string;
  /** Send the body in chunks of this size (upper-case hex sizes, as AMT does). */
  chunkSize?: number;
  /** Add Connection: close and close after the reply. */
  close?: boolean;
  /** Close the socket after the reply without saying so (an idle keep-alive timeout). */
  silentClose?: boolean;
  /** Answer after this many milliseconds (a device busy for a while). */
  delayMs?: number;
  /** Send these bytes as the whole HTTP reply (status line included), then close: for hostile replies. */
  raw?: Buffer;
}

export interface FakeDeviceOptions {
  user?: string;
  password?: string;
  realm?: string;
  /** The qop parameter of the challenge, default `auth`. */
  qop?: string;
  /** The algorithm parameter of the challenge (RFC 7616), e.g. `SHA-256`; none by default, as AMT sends. */
  algorithm?: string;
  /** Answers an authenticated request; 'hang' never answers; 'drop' closes the connection without answering (a reset after the request arrived). */
  handler: (req: FakeRequest) => FakeReply | 'hang' | 'drop';
}

export interface FakeDevice {
  port: number;
  /** Every request received, authenticated or not. */
  requests: FakeRequest[];
  /** Requests whose Digest response did not match (a "failed log-on" on real AMT). */
  failedLogons: number;
  connections: number;
  /** The most connections that were open at the same time. */
  maxOpenConnections: number;
  /** The qop values clients answered with. */
  qopsSeen: string[];
  /** Retires the current nonce: the next request using it gets a 401, with stale=true unless `markStale` is false (as AMT always says). */
  expireNonce(markStale?: boolean): void;
  close(): Promise<void>;
}

export const SERVER_HEADER = 'Intel(R) Active Management Technology 15.0.23.1706';

export async function startFakeDevice(opts: FakeDeviceOptions): Promise<FakeDevice> {
  const user = opts.user ?? 'admin';
  const password = opts.password ?? 'P@ssw0rd';
  const realm = opts.realm ?? 'Digest:727734D63A1FC0423736E48DA554E462';
  const qop = opts.qop ?? 'auth';
  let nonce = newNonce();
  const staleNonces = new Set<string>();
  const sockets = new Set<Socket>();
  /** Sockets the device has not closed itself (a 401 closes its connection, as AMT does). */
  const open = new Set<Socket>();

  const device: FakeDevice = {
    port: 0,
    requests: [],
    failedLogons: 0,
    connections: 0,
    maxOpenConnections: 0,
    qopsSeen: [],
    expireNonce(markStale = true) {
      if (markStale) staleNonces.add(nonce);
      nonce = newNonce();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };

  const server: Server = createServer((socket) => {
    const socketId = ++device.connections;
    sockets.add(socket);
    open.add(socket);
    device.maxOpenConnections = Math.max(device.maxOpenConnections, open.size);
    socket.setNoDelay(true);
    socket.on('close', () => {
      sockets.delete(socket);
      open.delete(socket);
    });
    socket.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const lines = buf.subarray(0, end).toString('latin1').split('\r\n').slice(1);
        const headers: Record<string, string> = {};
        for (const l of lines) headers[l.slice(0, l.indexOf(':')).toLowerCase()] = l.slice(l.indexOf(':') + 1).trim();
        const length = Number(headers['content-length'] ?? 0);
        if (buf.length < end + 4 + length) return;
        const body = buf.subarray(end + 4, end + 4 + length).toString('utf8');
        buf = buf.subarray(end + 4 + length);
        handle(socket, { headers, body, socketId });
      }
    });
  });

  function handle(socket: Socket, req: FakeRequest): void {
    device.requests.push(req);
    const auth = req.headers.authorization;
    if (!auth) return challenge(socket, false);
    const params = parseAuthenticateHeader(auth)[0]?.params ?? {};
    if (params.nonce !== nonce) return challenge(socket, staleNonces.has(params.nonce ?? ''));
    if (params.qop) device.qopsSeen.push(params.qop);
    const algorithm = opts.algorithm as DigestInput['algorithm'];
    const expected = computeDigestResponse({
      ...(algorithm ? { algorithm } : {}),
      username: params.username ?? '',
      realm,
      password,
      method: 'POST',
      uri: params.uri ?? '',
      nonce,
      nc: params.nc ?? '',
      cnonce: params.cnonce ?? '',
      ...(params.qop ? { qop: params.qop } : {}),
      body: req.body,
    });
    if (params.username !== user || params.response !== expected) {
      device.failedLogons++;
      nonce = newNonce();
      return challenge(socket, false);
    }
    const answer = opts.handler(req);
    const reply = typeof answer === 'string' ? answer : relatedTo(answer, req.body);
    if (reply === 'hang') return;
    if (reply === 'drop') return void socket.destroy();
    if (reply.delayMs) setTimeout(() => socket.destroyed || send(socket, reply), reply.delayMs);
    else send(socket, reply);
  }

  function challenge(socket: Socket, stale: boolean): void {
    // AMT's exact layout: comma+space between the first two, no spaces after.
    const www = `Digest realm="${realm}", nonce="${nonce}",stale="${stale}",qop="${qop}"${opts.algorithm ? `,algorithm=${opts.algorithm}` : ''}`;
    const html = '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" ><html><body><h2>Log on failed.</h2></body></html>';
    open.delete(socket);
    socket.end(
      `HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: ${www}\r\nContent-Type: text/html\r\nServer: ${SERVER_HEADER}\r\n` +
        `Content-Length: ${Buffer.byteLength(html)}\r\nConnection: close\r\n\r\n${html}`,
    );
  }

  function send(socket: Socket, reply: FakeReply): void {
    if (reply.raw) {
      open.delete(socket);
      socket.end(reply.raw);
      return;
    }
    const body = Buffer.from(reply.body, 'utf8');
    const status = reply.status ?? 200;
    let head = `HTTP/1.1 ${status} ${status === 200 ? 'OK' : status === 400 ? 'Bad Request' : 'Error'}\r\nServer: ${SERVER_HEADER}\r\n`;
    head += `Content-Type: ${reply.contentType ?? 'application/soap+xml; charset=UTF-8'}\r\n`;
    if (reply.close) head += 'Connection: close\r\n';
    if (reply.chunkSize) {
      socket.write(head + 'Transfer-Encoding: chunked\r\n\r\n');
      for (let i = 0; i < body.length; i += reply.chunkSize) {
        const part = body.subarray(i, i + reply.chunkSize);
        socket.write(`${part.length.toString(16).toUpperCase().padStart(4, '0')}\r\n`);
        socket.write(Buffer.concat([part, Buffer.from('\r\n')]));
      }
      socket.write('0\r\n\r\n');
    } else {
      socket.write(`${head}Content-Length: ${body.length}\r\n\r\n`);
      socket.write(body);
    }
    if (reply.close || reply.silentClose) {
      open.delete(socket);
      socket.end();
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  device.port = (server.address() as { port: number }).port;
  return device;
}

function newNonce(): string {
  return randomBytes(24).toString('base64');
}

/** A response envelope in AMT's prefix layout around `body`. */
export function amtEnvelope(action: string, resourceUri: string, body: string, extraNs = ''): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<a:Envelope xmlns:a="http://www.w3.org/2003/05/soap-envelope" xmlns:b="http://schemas.xmlsoap.org/ws/2004/08/addressing" ' +
    `xmlns:c="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ${extraNs}>` +
    '<a:Header><b:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</b:To><b:RelatesTo>1</b:RelatesTo>' +
    `<b:Action a:mustUnderstand="true">${action}</b:Action><b:MessageID>uuid:00000000-8086-8086-8086-000000000001</b:MessageID>` +
    `<c:ResourceURI>${resourceUri}</c:ResourceURI></a:Header><a:Body>${body}</a:Body></a:Envelope>`
  );
}

/** The DestinationUnreachable fault (WS-Addressing, DMTF DSP0226) as AMT sends it, in its fault prefix layout. */
export const DESTINATION_UNREACHABLE_FAULT =
  '<?xml version="1.0" encoding="UTF-8"?>' +
  '<a:Envelope xmlns:g="http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd" xmlns:f="http://schemas.xmlsoap.org/ws/2004/08/eventing" ' +
  'xmlns:e="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:d="http://schemas.xmlsoap.org/ws/2004/09/transfer" ' +
  'xmlns:c="http://schemas.xmlsoap.org/ws/2004/09/enumeration" xmlns:b="http://schemas.xmlsoap.org/ws/2004/08/addressing" ' +
  'xmlns:a="http://www.w3.org/2003/05/soap-envelope" xmlns:h="http://schemas.xmlsoap.org/ws/2005/02/trust" ' +
  'xmlns:i="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
  '<a:Header><b:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</b:To><b:RelatesTo>0</b:RelatesTo>' +
  '<b:Action a:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/08/addressing/fault</b:Action>' +
  '<b:MessageID>uuid:00000000-8086-8086-8086-000000000061</b:MessageID></a:Header>' +
  '<a:Body><a:Fault><a:Code><a:Value>a:Sender</a:Value><a:Subcode><a:Value>b:DestinationUnreachable</a:Value></a:Subcode></a:Code>' +
  '<a:Reason><a:Text xml:lang="en-US">No route can be determined to reach the destination role defined by the WSAddressing To.</a:Text></a:Reason>' +
  '<a:Detail></a:Detail></a:Fault></a:Body></a:Envelope>';

/** As AMT does, the reply's RelatesTo carries the request's MessageID (amtEnvelope writes a placeholder). */
function relatedTo(reply: FakeReply, requestBody: string): FakeReply {
  const id = /<(?:\w+:)?MessageID>([^<]*)</.exec(requestBody)?.[1];
  if (id === undefined || !reply.body.includes('<b:RelatesTo>')) return reply;
  return { ...reply, body: reply.body.replace(/<b:RelatesTo>[^<]*<\/b:RelatesTo>/, `<b:RelatesTo>${id}</b:RelatesTo>`) };
}

/** A raw TCP server on loopback that, once a request arrives, lets `answer` do anything to the socket. */
export async function startRawServer(answer: (socket: Socket) => void) {
  const sockets = new Set<Socket>();
  const server = createServer((socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    socket.once('data', () => answer(socket));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
