/**
 * Hostile HTTP replies against the WS-Man client over real loopback sockets: a 100 MB body, a slow
 * loris, an endless chunked body, an oversized head in one read, garbage status lines, and seeded
 * random byte mutations of a recorded AMT 200 reply. Each must end with a typed error (an AmtError
 * with a code) or a correct result: no crash, no hang. Seeded from FUZZ_SEED (printed), bounded by
 * FUZZ_CASES (default 400 mutations), well under a minute in total.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { AmtError } from '../../server/src/errors';
import { WsmanClient } from '../../server/src/wsman/client';
import { ConnectionError, ProtocolError, TimeoutError } from '../../server/src/wsman/errors';
import { HttpConnection } from '../../server/src/wsman/http';
import { tcpTransport } from '../../server/src/wsman/transport';
import { startFakeDevice, startRawServer } from '../unit/wsman/fakeDevice';
import { seededRandom } from '../helpers/seeded';

const SEED = Number(process.env.FUZZ_SEED ?? 20261202) >>> 0;
const CASES = Number(process.env.FUZZ_CASES ?? 400);

const rng = seededRandom;


const post = { method: 'POST', path: '/wsman', headers: { 'Content-Type': 'application/soap+xml;charset=UTF-8' }, body: Buffer.from('<x/>') };

async function outcome(answer: (socket: Socket) => void, opts: { timeoutMs: number; maxBody?: number }): Promise<unknown> {
  const srv = await startRawServer(answer);
  const http = new HttpConnection(tcpTransport('127.0.0.1', srv.port), `127.0.0.1:${srv.port}`);
  try {
    await http.request(post, { operation: 'Get', ...opts });
    return undefined;
  } catch (err) {
    return err;
  } finally {
    http.close();
    await srv.close();
  }
}

/** Writes `piece` as fast as the socket takes it, until the socket is gone. */
function flood(socket: Socket, piece: Buffer): void {
  const pump = () => {
    while (!socket.destroyed && socket.write(piece));
  };
  socket.on('drain', pump);
  pump();
}

test('a 100 MB body announced by Content-Length is refused at the head', async () => {
  const err = await outcome((s) => {
    s.write('HTTP/1.1 200 OK\r\nContent-Length: 104857600\r\n\r\n');
    flood(s, Buffer.alloc(64 * 1024, 0x41));
  }, { timeoutMs: 10_000 });
  assert.ok(err instanceof ProtocolError, String(err));
  assert.match(err.message, /larger than 64 MiB/);
});

test('a 100 MB chunked body stops at the 64 MiB cap', async () => {
  const chunk = Buffer.from(`10000\r\n${'B'.repeat(0x10000)}\r\n`);
  const err = await outcome((s) => {
    s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
    flood(s, chunk);
  }, { timeoutMs: 30_000 });
  assert.ok(err instanceof ProtocolError, String(err));
  assert.match(err.message, /larger than 64 MiB/);
});

test('an endless chunked body of tiny chunks ends with a typed error within the timeout', async () => {
  const err = await outcome((s) => {
    s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
    flood(s, Buffer.from('1\r\nx\r\n'.repeat(10_000)));
  }, { timeoutMs: 1500, maxBody: 256 * 1024 });
  assert.ok(err instanceof ProtocolError || err instanceof TimeoutError, String(err));
});

test('endless trailer lines after the last chunk are refused', async () => {
  const err = await outcome((s) => {
    s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n');
    flood(s, Buffer.from('X-Trailer: yes\r\n'.repeat(1000)));
  }, { timeoutMs: 5000 });
  assert.ok(err instanceof ProtocolError, String(err));
  assert.match(err.message, /trailer/);
});

test('a slow loris (one byte every 50 ms) ends with TimeoutError at the limit', async () => {
  const err = await outcome((s) => {
    const text = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello');
    let i = 0;
    const t = setInterval(() => (s.destroyed || i >= text.length ? clearInterval(t) : s.write(text.subarray(i, ++i))), 50);
  }, { timeoutMs: 400 });
  assert.ok(err instanceof TimeoutError, String(err));
});

test('an oversized head in one read is refused', async () => {
  const err = await outcome((s) => s.end(`HTTP/1.1 200 OK\r\nX-Big: ${'h'.repeat(200 * 1024)}\r\nContent-Length: 0\r\n\r\n`), { timeoutMs: 5000 });
  assert.ok(err instanceof ProtocolError, String(err));
  assert.match(err.message, /64 KiB/);
});

test('garbage status lines are protocol errors', async () => {
  const garbage = [
    'ICY 200 OK\r\n\r\n',
    'HTTP/1.1\r\n\r\n',
    'HTTP/1.1 20 OK\r\n\r\n',
    'HTTP/x.y 200 OK\r\n\r\n',
    '\r\n\r\n',
    '\x00\x01\x02\x03\x04\x05\x06\x07',
    'SSH-2.0-OpenSSH_9.6\r\n',
    'HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXY',
  ];
  for (const g of garbage) {
    const err = await outcome((s) => s.end(Buffer.from(g, 'latin1')), { timeoutMs: 3000 });
    assert.ok(err instanceof ProtocolError || err instanceof ConnectionError, `${JSON.stringify(g)} → ${String(err)}`);
  }
});

const RECORDED = readFileSync(join(__dirname, '../fixtures/real-amt/amt/general/get.xml'), 'utf8');

/** The recorded AMT_GeneralSettings reply related to `messageId`, framed as AMT frames it (chunked, upper-case sizes). */
function recordedReply(messageId: string): Buffer {
  const xml = Buffer.from(RECORDED.replace(/(<(?:\w+:)?RelatesTo>)[^<]*(<)/, `$1${messageId}$2`), 'utf8');
  const parts: Buffer[] = [Buffer.from('HTTP/1.1 200 OK\r\nServer: Intel(R) Active Management Technology 15.0.23.1706\r\nContent-Type: application/soap+xml; charset=UTF-8\r\nTransfer-Encoding: chunked\r\n\r\n', 'latin1')];
  for (let i = 0; i < xml.length; i += 700) {
    const piece = xml.subarray(i, i + 700);
    parts.push(Buffer.from(`${piece.length.toString(16).toUpperCase()}\r\n`, 'latin1'), piece, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

function mutate(bytes: Buffer, next: () => number): Buffer {
  const out = [...bytes];
  const edits = 1 + Math.floor(next() * 8);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(next() * out.length);
    const kind = Math.floor(next() * 5);
    if (kind === 0) out[at] = Math.floor(next() * 256);
    else if (kind === 1) out.splice(at, 1);
    else if (kind === 2) out.splice(at, 0, Math.floor(next() * 256));
    else if (kind === 3) out.splice(at, Math.floor(next() * 64));
    else out.length = at; // cut short
  }
  return Buffer.from(out);
}

test(`seeded mutations of a recorded 200 reply end in a result or a typed error (FUZZ_SEED=${SEED}, ${CASES} cases)`, async (t) => {
  const next = rng(SEED);
  let mutating = false;
  const device = await startFakeDevice({
    handler: (req) => {
      const base = recordedReply(/<(?:\w+:)?MessageID>([^<]*)</.exec(req.body)?.[1] ?? '');
      return { body: '', raw: mutating ? mutate(base, next) : base };
    },
  });
  const client = new WsmanClient({ transport: tcpTransport('127.0.0.1', device.port), user: 'admin', password: 'P@ssw0rd', timeoutMs: 1000 });
  const tally: Record<string, number> = {};
  try {
    assert.equal((await client.get('AMT_GeneralSettings')).className, 'AMT_GeneralSettings', 'the unmutated reply is accepted');
    mutating = true;
    for (let i = 0; i < CASES; i++) {
      try {
        await client.get('AMT_GeneralSettings');
        tally.accepted = (tally.accepted ?? 0) + 1;
      } catch (err) {
        assert.ok(err instanceof AmtError && typeof err.code === 'string', `case ${i}: untyped ${String((err as Error)?.stack ?? err)}`);
        assert.ok(err.message.length > 0 && !err.message.includes('P@ssw0rd'));
        tally[err.code] = (tally[err.code] ?? 0) + 1;
      }
    }
  } finally {
    client.close();
    await device.close();
  }
  t.diagnostic(`outcomes: ${JSON.stringify(tally)}`);
  assert.ok(Object.keys(tally).length > 1, 'the mutations reached more than one outcome');
});
