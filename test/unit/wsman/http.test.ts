import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { ConnectionError, ProtocolError, TimeoutError, TlsError } from '../../../server/src/wsman/errors';
import { HttpConnection } from '../../../server/src/wsman/http';
import { HttpResponseParser } from '../../../server/src/wsman/httpParser';
import { tcpTransport, tlsTransport } from '../../../server/src/wsman/transport';
import { TEST_CERT, TEST_CERT_SHA256, TEST_KEY } from './tlsTestCert';
import { startRawServer } from './fakeDevice';

function parseAll(pieces: (string | Buffer)[]) {
  const p = new HttpResponseParser();
  for (const piece of pieces) p.push(Buffer.isBuffer(piece) ? piece : Buffer.from(piece, 'latin1'));
  return p;
}

const CHUNKED_REPLY =
  'HTTP/1.1 200 OK\r\nDate: Mon, 31 Jan 2022 10:23:04 GMT\r\nServer: Intel(R) Active Management Technology 15.0.23.1706\r\n' +
  'Content-Type: application/soap+xml; charset=UTF-8\r\nTransfer-Encoding: chunked\r\n\r\n' +
  '000A\r\n<a:Envelo\xC3\r\n' + // a chunk ending in the middle of a UTF-8 sequence…
  '0019;ext=1\r\n\xA9 xmlns:a="urn:x"></a:Env\r\n' + // …finished by the next one, which carries an extension
  '000A\r\nelope>\r\n\r\n\r\n' +
  '0\r\n\r\n';

test('a chunked reply with upper-case hex sizes decodes to the exact body', () => {
  const p = parseAll([CHUNKED_REPLY]);
  assert.equal(p.done, true);
  const res = p.result();
  assert.equal(res.status, 200);
  assert.equal(res.headers.server, 'Intel(R) Active Management Technology 15.0.23.1706');
  assert.equal(res.body.toString('utf8'), '<a:Enveloé xmlns:a="urn:x"></a:Envelope>\r\n\r\n');
});

test('the same reply fed one byte at a time decodes identically', () => {
  const bytes = Buffer.from(CHUNKED_REPLY, 'latin1');
  const p = new HttpResponseParser();
  for (const b of bytes) p.push(Buffer.from([b]));
  assert.equal(p.result().body.toString('utf8'), parseAll([CHUNKED_REPLY]).result().body.toString('utf8'));
});

test('Content-Length bodies stop at the length; a 100 Continue is skipped', () => {
  const p = parseAll(['HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello']);
  assert.equal(p.result().body.toString(), 'hello');
});

test('a body without length ends with the connection and marks it not reusable', () => {
  const p = parseAll(['HTTP/1.0 200 OK\r\n\r\npart one, ', 'part two']);
  assert.equal(p.done, false);
  assert.equal(p.closeDelimited, true);
  p.end();
  assert.equal(p.result().body.toString(), 'part one, part two');
});

test('a reply cut short or not HTTP at all is a protocol error', () => {
  const cut = parseAll(['HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort']);
  assert.throws(() => cut.end(), ProtocolError);
  assert.throws(() => parseAll(['SSH-2.0-OpenSSH\r\n\r\n']), (e: unknown) => e instanceof ProtocolError && /HTTP status line/.test(e.message));
  assert.throws(() => parseAll(['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n']), ProtocolError);
});

/** A raw server answering each request with its own sequence number, counting sockets. */
async function countingServer(opts: { closeAfter?: number } = {}) {
  const stats = { connections: 0, requests: 0, heads: [] as string[] };
  const server = createServer((socket: Socket) => {
    stats.connections++;
    socket.on('error', () => undefined);
    let buf = '';
    socket.on('data', (d) => {
      buf += d.toString('latin1');
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.slice(0, end);
        const len = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (buf.length < end + 4 + len) return;
        buf = buf.slice(end + 4 + len);
        stats.heads.push(head);
        const n = ++stats.requests;
        const body = `reply ${n}`;
        socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
        if (opts.closeAfter && n % opts.closeAfter === 0) {
          // Like an idle timeout: whatever arrives after the close is never processed.
          socket.end();
          socket.removeAllListeners('data');
          return;
        }
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { stats, port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const post = (body: string) => ({ method: 'POST', path: '/wsman', headers: { 'Content-Type': 'application/soap+xml;charset=UTF-8' }, body: Buffer.from(body) });

test('requests carry Host, Content-Type and Content-Length, and keep-alive reuses one socket', async () => {
  const srv = await countingServer();
  const http = new HttpConnection(tcpTransport('127.0.0.1', srv.port), `127.0.0.1:${srv.port}`);
  try {
    const bodies = [];
    for (let i = 0; i < 3; i++) bodies.push((await http.request(post('<x/>'))).body.toString());
    assert.deepEqual(bodies, ['reply 1', 'reply 2', 'reply 3']);
    assert.equal(srv.stats.connections, 1);
    assert.match(srv.stats.heads[0]!, /^POST \/wsman HTTP\/1\.1\r\n/);
    assert.match(srv.stats.heads[0]!, new RegExp(`\\r\\nHost: 127\\.0\\.0\\.1:${srv.port}\\r\\n`));
    assert.match(srv.stats.heads[0]!, /\r\nContent-Type: application\/soap\+xml;charset=UTF-8\r\n/);
    assert.match(srv.stats.heads[0]!, /\r\nContent-Length: 4$/);
  } finally {
    http.close();
    await srv.close();
  }
});

test('concurrent requests are queued one at a time and answered in order', async () => {
  const srv = await countingServer();
  const http = new HttpConnection(tcpTransport('127.0.0.1', srv.port), 'h');
  try {
    const replies = await Promise.all([1, 2, 3, 4].map(() => http.request(post('<x/>'))));
    assert.deepEqual(replies.map((r) => r.body.toString()), ['reply 1', 'reply 2', 'reply 3', 'reply 4']);
    assert.equal(srv.stats.connections, 1);
  } finally {
    http.close();
    await srv.close();
  }
});

test('when the device closed an idle keep-alive connection the next request reconnects transparently', async () => {
  const srv = await countingServer({ closeAfter: 1 });
  const http = new HttpConnection(tcpTransport('127.0.0.1', srv.port), 'h');
  try {
    assert.equal((await http.request(post('a'))).body.toString(), 'reply 1');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await http.request(post('b'))).body.toString(), 'reply 2');
    assert.equal(srv.stats.connections, 2);
  } finally {
    http.close();
    await srv.close();
  }
});

test('back-to-back Gets racing a device that closes after every reply all succeed', async () => {
  const srv = await countingServer({ closeAfter: 1 });
  const http = new HttpConnection(tcpTransport('127.0.0.1', srv.port), 'h');
  try {
    const bodies = [];
    for (let i = 0; i < 5; i++) bodies.push((await http.request(post('x'), { operation: 'Get' })).body.toString());
    assert.deepEqual(bodies, ['reply 1', 'reply 2', 'reply 3', 'reply 4', 'reply 5']);
  } finally {
    http.close();
    await srv.close();
  }
});

test('a refused connection is a ConnectionError naming host:port and the fix', async () => {
  const srv = await countingServer();
  const port = srv.port;
  await srv.close();
  const http = new HttpConnection(tcpTransport('127.0.0.1', port), 'h');
  await assert.rejects(http.request(post('x')), (err: unknown) => {
    assert.ok(err instanceof ConnectionError);
    assert.equal(err.code, 'connection');
    assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port} was refused`));
    assert.match(err.message, /16992/);
    return true;
  });
});

async function tlsServer() {
  const server = createTlsServer({ key: TEST_KEY, cert: TEST_CERT }, (socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

test('TLS refuses a self-signed certificate by default and prints the fingerprint to pin', async () => {
  const srv = await tlsServer();
  try {
    const transport = tlsTransport('127.0.0.1', srv.port);
    await assert.rejects(transport.open(), (err: unknown) => {
      assert.ok(err instanceof TlsError);
      assert.equal(err.code, 'tls.untrusted');
      assert.equal(err.fingerprint256, TEST_CERT_SHA256);
      assert.ok(err.message.includes(TEST_CERT_SHA256));
      assert.match(err.message, /not trusted .*pinning its SHA-256 fingerprint/);
      return true;
    });
  } finally {
    await srv.close();
  }
});

test('TLS accepts the certificate when its fingerprint is pinned (any spelling) or its CA is given', async () => {
  const srv = await tlsServer();
  try {
    const pinned = tlsTransport('127.0.0.1', srv.port, { trustedFingerprint256: TEST_CERT_SHA256.replace(/:/g, '').toLowerCase() });
    const viaPin = new HttpConnection(pinned, 'h');
    assert.equal((await viaPin.request(post('x'))).body.toString(), 'ok');
    viaPin.close();
    const viaCa = new HttpConnection(tlsTransport('127.0.0.1', srv.port, { ca: TEST_CERT }), 'h');
    assert.equal((await viaCa.request(post('x'))).body.toString(), 'ok');
    viaCa.close();
  } finally {
    await srv.close();
  }
});

test('TLS with a different pinned fingerprint refuses and says the certificate changed', async () => {
  const srv = await tlsServer();
  try {
    const wrong = tlsTransport('127.0.0.1', srv.port, { trustedFingerprint256: 'AA'.repeat(32) });
    await assert.rejects(wrong.open(), (err: unknown) => err instanceof TlsError && err.code === 'tls.pin-mismatch' && err.message.includes(TEST_CERT_SHA256));
  } finally {
    await srv.close();
  }
});

test('the 64 KiB header limit holds when the whole oversized head arrives in one read', () => {
  const head = `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(70 * 1024)}\r\nContent-Length: 2\r\n\r\nok`;
  assert.throws(() => parseAll([head]), (e: unknown) => e instanceof ProtocolError && /headers are larger than 64 KiB/.test(e.message));
});

test('the 4 KiB chunk-line limit holds when the long line arrives in one read', () => {
  const reply = `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;${'x'.repeat(5000)}\r\nhello\r\n0\r\n\r\n`;
  assert.throws(() => parseAll([reply]), (e: unknown) => e instanceof ProtocolError && /longer than 4 KiB/.test(e.message));
});

test('a head trickled one byte at a time is scanned once, not once per byte', () => {
  // 60 KiB of header one byte per push: quadratic rescanning would take minutes, linear takes milliseconds.
  const p = new HttpResponseParser();
  const bytes = Buffer.from(`HTTP/1.1 200 OK\r\nX-Pad: ${'p'.repeat(60 * 1024)}\r\nContent-Length: 2\r\n\r\nok`, 'latin1');
  for (let i = 0; i < bytes.length; i++) p.push(bytes.subarray(i, i + 1));
  assert.equal(p.result().body.toString(), 'ok');
});

test('a Content-Length over the body cap is refused as soon as the head arrives', () => {
  const p = new HttpResponseParser({ maxBody: 1024 });
  assert.throws(() => p.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 104857600\r\n\r\n')), (e: unknown) => e instanceof ProtocolError && /larger than 1024 bytes, the most this client accepts/.test(e.message));
});

test('a body of many tiny chunks decodes exactly', () => {
  let reply = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
  const expected = 'abcdefghij'.repeat(500);
  for (const ch of expected) reply += `1\r\n${ch}\r\n`;
  reply += '0\r\n\r\n';
  assert.equal(parseAll([reply]).result().body.toString(), expected);
});

test('TLS bytes in reply to plain HTTP say to use https', () => {
  // A TLS alert record (content type 21, version 3.1), what a TLS server answers to plaintext.
  assert.throws(() => parseAll([Buffer.from([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x32])]), (e: unknown) => e instanceof ProtocolError && /expects TLS; connect with https/.test(e.message));
});

test('plain HTTP to a real TLS port fails with a hint to use https', async () => {
  const srv = await tlsServer();
  const http = new HttpConnection(tcpTransport('127.0.0.1', srv.port), 'h');
  try {
    await assert.rejects(http.request(post('x'), { operation: 'Get', timeoutMs: 5000 }), (err: unknown) => {
      assert.ok(err instanceof ProtocolError || err instanceof ConnectionError, String(err));
      assert.match((err as Error).message, /https/);
      return true;
    });
  } finally {
    http.close();
    await srv.close();
  }
});


test('a reply trickling in byte by byte ends with TimeoutError at the limit counted from the write', async () => {
  const srv = await startRawServer((socket) => {
    socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n');
    const t = setInterval(() => (socket.destroyed ? clearInterval(t) : socket.write('x')), 20);
  });
  const http = new HttpConnection(tcpTransport('127.0.0.1', srv.port), 'h');
  try {
    await assert.rejects(http.request(post('x'), { operation: 'Get', timeoutMs: 300 }), (err: unknown) => err instanceof TimeoutError && /did not answer within 0\.3 s/.test(err.message));
  } finally {
    http.close();
    await srv.close();
  }
});

test('a timed-out Put says it may have been applied', async () => {
  const srv = await startRawServer(() => undefined);
  const http = new HttpConnection(tcpTransport('127.0.0.1', srv.port), 'h');
  try {
    await assert.rejects(http.request(post('x'), { operation: 'Put', timeoutMs: 200 }), (err: unknown) => err instanceof TimeoutError && /the Put may have been applied/.test(err.message));
  } finally {
    http.close();
    await srv.close();
  }
});

test('an endless chunked body ends with the body-cap error', async () => {
  const srv = await startRawServer((socket) => {
    socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
    const chunk = Buffer.from(`4000\r\n${'z'.repeat(0x4000)}\r\n`);
    const pump = () => {
      while (!socket.destroyed && socket.write(chunk));
    };
    socket.on('drain', pump);
    pump();
  });
  const http = new HttpConnection(tcpTransport('127.0.0.1', srv.port), 'h');
  try {
    await assert.rejects(http.request(post('x'), { operation: 'Get', timeoutMs: 20_000, maxBody: 1024 * 1024 }), (err: unknown) => err instanceof ProtocolError && /larger than 1 MiB/.test(err.message));
  } finally {
    http.close();
    await srv.close();
  }
});
