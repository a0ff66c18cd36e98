import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { AmtError } from '../../../server/src/errors';
import { ApfSession, type ApfSessionOptions, type ApfTraceEvent } from '../../../server/src/apf/session';
import { LME_GUID } from '../../../server/src/apf/constants';
import type { ApfChannel } from '../../../server/src/apf/channel';
import { LmeFirmware, type LmeFirmwareOptions } from '../../../server/src/sim/firmware/lme';
import type { FirmwareClient } from '../../../server/src/sim/mei/firmware';
import { memoryMei } from '../../helpers/mei-pair';

/** Stand-in for the simulator's WS-Man service: a node:http server fed APF channels. */
function deviceHttpServer(): http.Server {
  return http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://amt');
    if (url.pathname === '/hello') return void res.end('hello from AMT');
    if (url.pathname === '/big') {
      const body = Buffer.alloc(Number(url.searchParams.get('n')), 'x');
      return void res.end(body);
    }
    if (url.pathname === '/echo') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => res.end(Buffer.concat(chunks)));
      return;
    }
    res.statusCode = 404;
    res.end();
  });
}

async function setup(t: { after: (fn: () => unknown) => void }, fw: Partial<LmeFirmwareOptions> = {}, options: ApfSessionOptions = {}) {
  const server = deviceHttpServer();
  const ports: number[] = [];
  const lme = new LmeFirmware({ handleConnection: (s, port) => (ports.push(port), server.emit('connection', s)), ...fw });
  const mei = memoryMei([lme]);
  const trace: ApfTraceEvent[] = [];
  const session = await ApfSession.start(await mei.open(LME_GUID), { trace: (e) => trace.push(e), ...options });
  t.after(() => session.close());
  return { lme, mei, session, trace, ports };
}

/** An HTTP/1.1 request through node:http, with the APF channel as its socket. */
function request(channel: Duplex, method: string, path: string, body?: Buffer): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ method, path, host: 'amt', createConnection: () => channel as never }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Resolves once the stream has emitted 'close' (even if that already happened). */
function whenClosed(stream: Duplex): Promise<unknown> {
  return stream.closed ? Promise.resolve() : once(stream, 'close');
}

/** Polls until the condition holds: the firmware sees our messages a tick later. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; !condition(); i++) {
    if (i > 1000) throw new Error('condition never became true');
    await new Promise((r) => setImmediate(r));
  }
}

async function forwardsSettled(session: ApfSession, count: number): Promise<void> {
  while (session.forwardedPorts.length < count) await once(session, 'forward');
}

const sent = (trace: ApfTraceEvent[], type: string) => trace.filter((e) => e.direction === 'send' && e.message.type === type);
const received = (trace: ApfTraceEvent[], type: string) => trace.filter((e) => e.direction === 'receive' && e.message.type === type);

test('the handshake agrees on APF 1.0, accepts pfwd and records every port the firmware forwards', async (t) => {
  const { session, trace, lme } = await setup(t);
  await forwardsSettled(session, 6);
  assert.deepEqual(session.forwardedPorts, [16992, 16993, 16994, 16995, 623, 664]);
  assert.deepEqual(session.firmwareVersion && [session.firmwareVersion.major, session.firmwareVersion.minor], [1, 0]);
  assert.equal(sent(trace, 'protocol-version').length, 1);
  assert.deepEqual(sent(trace, 'service-accept').map((e) => e.message), [{ type: 'service-accept', service: 'pfwd@amt.intel.com' }]);
  assert.deepEqual(sent(trace, 'request-success').map((e) => (e.message as { port?: number }).port), [16992, 16993, 16994, 16995, 623, 664]);
  assert.deepEqual(lme.violations, []);
});

test('auth@amt.intel.com and USERAUTH are accepted when the firmware asks for them', async (t) => {
  const { session, trace } = await setup(t, { requestAuth: true });
  assert.ok(session.forwardedPorts.includes(16992));
  assert.deepEqual(sent(trace, 'service-accept').map((e) => (e.message as { service: string }).service), ['auth@amt.intel.com', 'pfwd@amt.intel.com']);
  assert.equal(sent(trace, 'userauth-success').length, 1);
});

test('an HTTP request runs unchanged over a channel to port 16992', async (t) => {
  const { session, ports, lme } = await setup(t);
  const channel = await session.openChannel({ port: 16992 });
  const res = await request(channel, 'GET', '/hello');
  assert.equal(res.status, 200);
  assert.equal(res.body.toString(), 'hello from AMT');
  assert.deepEqual(ports, [16992]);
  await whenClosed(channel);
  await until(() => lme.channelCount === 0);
});

test('20 channels run concurrently and all close cleanly', async (t) => {
  const { session, lme } = await setup(t);
  const results = await Promise.all(
    Array.from({ length: 20 }, async (_, i) => {
      const channel = await session.openChannel({ port: i % 2 ? 16993 : 16992 });
      const res = await request(channel, 'GET', `/big?n=${1000 + i * 997}`);
      await whenClosed(channel);
      return res.body.length;
    }),
  );
  assert.deepEqual(results, Array.from({ length: 20 }, (_, i) => 1000 + i * 997));
  await until(() => lme.channelCount === 0);
  assert.deepEqual(lme.violations, []);
});

test('a 1 MB body crosses many window adjusts both ways, in messages no larger than the MEI limit', async (t) => {
  const { session, trace, lme } = await setup(t);
  const body = randomBytes(1 << 20);
  const channel = await session.openChannel({ port: 16992 });
  const res = await request(channel, 'POST', '/echo', body);
  assert.equal(res.status, 200);
  assert.ok(res.body.equals(body), 'echoed body differs');
  // Firmware window 8 KiB, ours 32 KiB: well over a hundred adjusts one way, dozens the other.
  assert.ok(received(trace, 'channel-window-adjust').length >= 100, `firmware granted ${received(trace, 'channel-window-adjust').length} times`);
  assert.ok(sent(trace, 'channel-window-adjust').length >= 30, `we granted ${sent(trace, 'channel-window-adjust').length} times`);
  const maxPayload = 4155 - 9;
  for (const e of trace) {
    if (e.message.type === 'channel-data') assert.ok(e.message.data.length <= maxPayload);
  }
  assert.deepEqual(lme.violations, [], 'the firmware saw no window overrun');
});

test('ending our side half-closes: the answer still arrives, then both CHANNEL_CLOSEs complete', async (t) => {
  const { session, trace, lme } = await setup(t);
  const channel = await session.openChannel({ port: 16992 });
  const chunks: Buffer[] = [];
  channel.on('data', (c: Buffer) => chunks.push(c));
  channel.end('GET /hello HTTP/1.1\r\nHost: amt\r\n\r\n');
  await once(channel, 'end');
  assert.match(Buffer.concat(chunks).toString(), /^HTTP\/1\.1 200 OK[\s\S]*hello from AMT$/);
  await whenClosed(channel);
  assert.equal(sent(trace, 'channel-close').length, 1);
  assert.equal(received(trace, 'channel-close').length, 1);
  await until(() => lme.channelCount === 0);
});

test('a CHANNEL_CLOSE from the firmware ends the stream and is answered at once', async (t) => {
  const { session, trace } = await setup(t);
  const channel = await session.openChannel({ port: 16992 });
  channel.write('GET /hello HTTP/1.1\r\nHost: amt\r\nConnection: close\r\n\r\n');
  channel.resume();
  await once(channel, 'end');
  assert.equal(received(trace, 'channel-close').length, 1);
  assert.equal(sent(trace, 'channel-close').length, 1);
  await whenClosed(channel);
});

test('writing after the firmware closed the channel fails with a clear error', async (t) => {
  const { session, trace } = await setup(t);
  const channel = await session.openChannel({ port: 16992 });
  channel.write('GET /hello HTTP/1.1\r\nHost: amt\r\nConnection: close\r\n\r\n');
  await until(() => received(trace, 'channel-close').length === 1); // not reading: the stream has not ended yet
  const [err] = await Promise.all([once(channel, 'error').then(([e]) => e as AmtError), channel.write('more')]);
  assert.equal(err.code, 'apf.channel-closed');
  assert.match(err.message, /AMT closed the channel to port 16992/);
});

test('a consumer that stops reading stops the window; reading again resumes the transfer', async (t) => {
  const { session, trace } = await setup(t);
  const channel = await session.openChannel({ port: 16992 });
  channel.write('GET /big?n=1048576 HTTP/1.1\r\nHost: amt\r\nConnection: close\r\n\r\n');
  const receivedBytes = () => received(trace, 'channel-data').reduce((n, e) => n + (e.message as { data: Buffer }).data.length, 0);
  await until(() => receivedBytes() > 0);
  for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
  // At most our window (32 KiB) beyond what the stream buffers (32 KiB high-water mark).
  assert.ok(receivedBytes() <= 64 * 1024, `received ${receivedBytes()} bytes without reading`);
  let total = 0;
  channel.on('data', (c: Buffer) => (total += c.length));
  await once(channel, 'end');
  assert.ok(total > 1048576);
});

test('a port the firmware never forwards is refused after a short wait', async (t) => {
  const { session } = await setup(t);
  await assert.rejects(session.openChannel({ port: 5900 }), (err: AmtError) => {
    assert.equal(err.code, 'apf.not-forwarded');
    assert.match(err.message, /port 5900.*16992, 16993, 16994, 16995, 623, 664/);
    return true;
  });
});

test('keep-alives are answered in both directions', async (t) => {
  const { session, lme, trace } = await setup(t);
  await lme.ping();
  assert.equal(sent(trace, 'keepalive-reply').length, 1);
  await session.ping({ timeoutMs: 1000 });
  assert.equal(received(trace, 'keepalive-reply').length, 1);
});

test('a firmware reset mid-transfer fails every channel with a clear message', async (t) => {
  const { session, mei } = await setup(t);
  const channels: ApfChannel[] = [];
  for (let i = 0; i < 5; i++) channels.push(await session.openChannel({ port: 16992 }));
  const errors = channels.map((c) => once(c, 'error').then(([e]) => e as AmtError));
  const firstData = channels.map((c) => once(c, 'data'));
  for (const c of channels) c.write('GET /big?n=1048576 HTTP/1.1\r\nHost: amt\r\n\r\n');
  await Promise.all(firstData);
  const closed = once(session, 'close');
  mei.reset();
  for (const err of await Promise.all(errors)) {
    assert.ok(err instanceof AmtError);
    assert.equal(err.code, 'apf.connection-lost');
    assert.match(err.message, /reset/);
  }
  const [sessionError] = await closed;
  assert.equal((sessionError as AmtError).code, 'apf.connection-lost');
  await assert.rejects(session.openChannel({ port: 16992 }), { code: 'apf.connection-lost' });
});

test('opening a port the firmware does not serve is refused with the forwarded ports named', async (t) => {
  const { session } = await setup(t);
  await forwardsSettled(session, 6);
  await assert.rejects(session.openChannel({ port: 623 }), (err: AmtError) => {
    assert.equal(err.code, 'apf.open-failed');
    assert.match(err.message, /port 623 \(CONNECT_FAILED\).*16992, 16993, 16994, 16995, 623, 664/);
    return true;
  });
});

test('a DISCONNECT from the firmware closes the session and its channels', async (t) => {
  const { session, lme } = await setup(t);
  const channel = await session.openChannel({ port: 16992 });
  const channelError = once(channel, 'error');
  const closed = once(session, 'close');
  lme.disconnect(11);
  const [err] = await closed;
  assert.equal((err as AmtError).code, 'apf.disconnected');
  assert.match((err as AmtError).message, /BY_APPLICATION/);
  assert.equal(((await channelError)[0] as AmtError).code, 'apf.disconnected');
  assert.equal(session.closed, true);
});

test('close() sends DISCONNECT(BY_APPLICATION) and the firmware drops its channels', async (t) => {
  const { session, lme, trace } = await setup(t);
  const channel = await session.openChannel({ port: 16992 });
  channel.on('error', () => {});
  await session.close();
  assert.deepEqual(sent(trace, 'disconnect').map((e) => e.message), [{ type: 'disconnect', reason: 11 }]);
  await new Promise((r) => setImmediate(r));
  await until(() => lme.channelCount === 0);
  assert.deepEqual(lme.violations, []);
});

test('start fails with a clear timeout when neither 16992 nor 16993 is forwarded', async () => {
  const lme = new LmeFirmware({ handleConnection: () => {}, forwardPorts: [623] });
  const mei = memoryMei([lme]);
  await assert.rejects(ApfSession.start(await mei.open(LME_GUID), { timeoutMs: 200 }), (err: AmtError) => {
    assert.equal(err.code, 'timeout');
    assert.match(err.message, /16992 or 16993.*it asked for: 623/);
    return true;
  });
  assert.equal(mei.openCount, 0, 'the MEI connection was closed');
});

test('firmware older than APF 1.0 is disconnected with PROTOCOL_VERSION_NOT_SUPPORTED', async () => {
  const lme = new LmeFirmware({ handleConnection: () => {}, apfVersion: { major: 0, minor: 9 } });
  const mei = memoryMei([lme]);
  const trace: ApfTraceEvent[] = [];
  await assert.rejects(ApfSession.start(await mei.open(LME_GUID), { trace: (e) => trace.push(e) }), { code: 'apf.unsupported-version' });
  assert.deepEqual(sent(trace, 'disconnect').map((e) => e.message), [{ type: 'disconnect', reason: 8 }]);
});

test('a malformed message from the firmware ends the session with DISCONNECT(PROTOCOL_ERROR)', async () => {
  const written: Buffer[] = [];
  const garbage: FirmwareClient = {
    guid: LME_GUID, protocolVersion: 1, maxMessageLength: 4155, singleConnection: false,
    open(conn) {
      conn.send(Buffer.from([94, 0, 0])); // CHANNEL_DATA cut short
      return { onMessage: (m) => written.push(m), onClose: () => {} };
    },
  };
  const mei = memoryMei([garbage]);
  await assert.rejects(ApfSession.start(await mei.open(LME_GUID)), { code: 'apf.protocol' });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(written.at(-1), Buffer.from([1, 0, 0, 0, 2, 0, 0]));
});

test('aborting start cancels the handshake', async () => {
  const silent: FirmwareClient = {
    guid: LME_GUID, protocolVersion: 1, maxMessageLength: 4155, singleConnection: false,
    open: () => ({ onMessage: () => {}, onClose: () => {} }),
  };
  const mei = memoryMei([silent]);
  const ac = new AbortController();
  const started = ApfSession.start(await mei.open(LME_GUID), { signal: ac.signal });
  ac.abort();
  await assert.rejects(started, { code: 'cancelled' });
});

test('trace hides USERAUTH passwords', async () => {
  const trace: ApfTraceEvent[] = [];
  const fw: FirmwareClient = {
    guid: LME_GUID, protocolVersion: 1, maxMessageLength: 4155, singleConnection: false,
    open(conn) {
      conn.send(Buffer.concat([Buffer.from([192, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 254]), Buffer.alloc(80)]));
      const str = (s: string) => Buffer.concat([Buffer.from([0, 0, 0, s.length]), Buffer.from(s)]);
      conn.send(Buffer.concat([Buffer.from([50]), str('admin'), str('pfwd@amt.intel.com'), str('password'), Buffer.from([0]), str('secret')]));
      return { onMessage: () => {}, onClose: () => {} };
    },
  };
  const mei = memoryMei([fw]);
  const started = ApfSession.start(await mei.open(LME_GUID), { trace: (e) => trace.push(e), timeoutMs: 100 });
  await assert.rejects(started, { code: 'timeout' });
  const auth = received(trace, 'userauth-request')[0].message;
  assert.equal((auth as { password?: string }).password, '***');
  assert.equal(sent(trace, 'userauth-success').length, 1);
});

test('messages for a channel the firmware does not know are ignored: the session and an open channel keep working', async (t) => {
  const { session, lme, trace } = await setup(t);
  const open = await session.openChannel({ port: 16992 });
  const raw = session as unknown as { send(m: import('../../../server/src/apf/codec').ApfMessage): Promise<void> };
  // What LMS does when a close races the open confirmation, plus data and a window adjust for the same stale id.
  await raw.send({ type: 'channel-close', recipientChannel: 0x7777 });
  await raw.send({ type: 'channel-data', recipientChannel: 0x7777, data: Buffer.from('stale') });
  await raw.send({ type: 'channel-window-adjust', recipientChannel: 0x7777, bytesToAdd: 4096 });
  await until(() => lme.ignored.length === 3);
  assert.deepEqual(lme.violations, []);
  assert.equal(received(trace, 'disconnect').length, 0);
  const res = await request(open, 'GET', '/hello');
  assert.equal(res.body.toString(), 'hello from AMT');
  const another = await session.openChannel({ port: 16992 });
  assert.equal((await request(another, 'GET', '/hello')).status, 200);
});

test('a channel the firmware opens to the host is refused without a consumer, and carries bytes both ways with one', async (t) => {
  const refusing = await setup(t);
  await assert.rejects(refusing.lme.openToHost(9999)!, /the host refused the channel to port 9999/);

  const taken: Array<{ channel: ApfChannel; port: number }> = [];
  const { lme } = await setup(t, {}, { incoming: (channel, request) => (taken.push({ channel, port: request.port }), true) });
  const fwSide = await lme.openToHost(9000)!;
  assert.equal(taken.length, 1);
  assert.equal(taken[0]!.port, 9000);
  const hostSide = taken[0]!.channel;
  const got = once(hostSide, 'data');
  fwSide.write('POST /event');
  assert.equal(String((await got)[0]), 'POST /event');
  const back = once(fwSide, 'data');
  hostSide.write('HTTP/1.1 200 OK');
  assert.equal(String((await back)[0]), 'HTTP/1.1 200 OK');
  fwSide.end();
  hostSide.end();
  await Promise.all([whenClosed(fwSide), whenClosed(hostSide)]);
  await until(() => lme.channelCount === 0);
});
