/** The redirection session manager over real sockets: refusals, digest log-on, the listener switch. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import net from 'node:net';
import { describe, it } from 'node:test';
import { DEFAULT_ACCOUNT, SimDevice } from '../../../../server/src/sim';
import { RedirectionService } from '../../../../server/src/sim/redirection/service';
import { auditLog } from '../../../../server/src/sim/audit/log';
import { build, payload, resourceUriFor } from '../helpers';
import { simSession } from '../sim-session';
import { Console, authMessage, closeAndWait, readStrings, sessionEnd, startSession, strings } from './console';

const { user, password } = DEFAULT_ACCOUNT;

describe('redirection session manager', () => {
  const s = simSession({ redirectionPort: 0 });
  const closed = (c: Console) => closeAndWait(c, s.sim.device);

  it('answers the authentication query with digest types 3 and 4 and logs the admin on with digest', async () => {
    const c = await Console.tcp(s.sim.redirectionPort!);
    c.send(startSession('SOL '));
    const reply = await c.expect(0x11);
    assert.equal(reply.length, 13);
    assert.equal(reply[1], 0, 'SUCCESS');
    c.send(authMessage(0, Buffer.alloc(0)));
    const query = await c.expect(0x14);
    assert.deepEqual([...query.subarray(9)], [3, 4]);
    await closed(c);
    const d = await Console.tcp(s.sim.redirectionPort!);
    assert.deepEqual(await d.logOn('SOL ', user, password), { start: 0, auth: 0 });
    await closed(d);
  });

  it('answers a wrong password with status 1 and counts one failed log-on (audit 1605)', async () => {
    const before = s.sim.device.failedLogins;
    const audits = auditLog(s.sim.device).records.filter((r) => r.appId === 16 && r.eventId === 5).length;
    const c = await Console.tcp(s.sim.redirectionPort!);
    assert.deepEqual(await c.logOn('SOL ', user, 'wrong-password'), { start: 0, auth: 1 });
    assert.equal(s.sim.device.failedLogins, before + 1);
    assert.equal(auditLog(s.sim.device).records.filter((r) => r.appId === 16 && r.eventId === 5).length, audits + 1);
    await closed(c);
  });

  it('refuses an unknown session tag with TYPE_UNKNOWN and closes', async () => {
    const c = await Console.tcp(s.sim.redirectionPort!);
    c.send(startSession('ABCD'));
    assert.equal((await c.expect(0x11))[1], 1);
    await c.closedByFirmware();
  });

  it('answers BUSY to a second SOL session while one is open, and SUCCESS once it ended', async () => {
    const first = await Console.tcp(s.sim.redirectionPort!);
    assert.deepEqual(await first.logOn('SOL ', user, password), { start: 0, auth: 0 });
    const second = await Console.tcp(s.sim.redirectionPort!);
    second.send(startSession('SOL '));
    assert.equal((await second.expect(0x11))[1], 2, 'BUSY');
    await second.closedByFirmware();
    first.send(Buffer.from([0x12, 0, 0, 0]));
    await first.closedByFirmware();
    const third = await Console.tcp(s.sim.redirectionPort!);
    assert.deepEqual(await third.logOn('SOL ', user, password), { start: 0, auth: 0 });
    await closed(third);
  });

  it('answers UNSUPPORTED for SOL and IDE-R after RequestStateChange(32768), and serves them again after 32771', async () => {
    await s.call('AMT_RedirectionService', 'RequestStateChange', { RequestedState: 32768 });
    for (const tag of ['SOL ', 'IDER']) {
      const c = await Console.tcp(s.sim.redirectionPort!);
      c.send(startSession(tag));
      assert.equal((await c.expect(0x11))[1], 3, `${tag} UNSUPPORTED`);
      await c.closedByFirmware();
    }
    const events = auditLog(s.sim.device).records.filter((r) => r.appId === 18).map((r) => 1800 + r.eventId);
    assert.ok(events.includes(1803) && events.includes(1807), `IDE-R and SoL disabled audited: ${events}`);
    await s.call('AMT_RedirectionService', 'RequestStateChange', { RequestedState: 32771 });
    const c = await Console.tcp(s.sim.redirectionPort!);
    assert.equal((await c.logOn('IDER', user, password)).start, 0);
    await closed(c);
  });

  it('ends a session whose console sends anything but 0x10/0x13 before authenticating, and the next one works', async () => {
    const c = await Console.tcp(s.sim.redirectionPort!);
    c.send(startSession('SOL '));
    await c.expect(0x11);
    const end = sessionEnd(s.sim.device);
    c.send(Buffer.from([0x20, 0, 0, 0, 0, 0, 0, 0, ...Buffer.alloc(16)]));
    const last = await end;
    await c.closedByFirmware();
    assert.equal(last.event, 'ended-by-error');
    assert.match(last.reason!, /before authentication/);
    const d = await Console.tcp(s.sim.redirectionPort!);
    assert.deepEqual(await d.logOn('SOL ', user, password), { start: 0, auth: 0 });
    await closed(d);
  });

  it('ends a connection that sends garbage, logs why, and serves the next one', async () => {
    const c = await Console.tcp(s.sim.redirectionPort!);
    const end = sessionEnd(s.sim.device);
    c.send(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    const last = await end;
    await c.closedByFirmware();
    assert.equal(last.event, 'ended-by-error');
    assert.match(last.reason!, /outside the protocol|before StartRedirectionSession/);
    const d = await Console.tcp(s.sim.redirectionPort!);
    assert.deepEqual(await d.logOn('SOL ', user, password), { start: 0, auth: 0 });
    await closed(d);
  });

  it('accepts messages split byte by byte and several in one write', async () => {
    const c = await Console.tcp(s.sim.redirectionPort!);
    for (const b of startSession('SOL ')) c.send(Buffer.from([b]));
    assert.equal((await c.expect(0x11))[1], 0);
    c.send(Buffer.concat([authMessage(0, Buffer.alloc(0)), authMessage(4, strings(user, '', '', '/RedirectionService', '', '', '', ''))]));
    assert.equal((await c.expect(0x14))[1], 0);
    assert.equal((await c.expect(0x14))[1], 1, 'the challenge');
    await closed(c);
  });

  it('closes the port when ListenerEnabled is put false (connection refused) and reopens it on true', async () => {
    const port = s.sim.redirectionPort!;
    const put = async (enabled: boolean) => {
      const uri = resourceUriFor('AMT_RedirectionService');
      const current = payload((await s.client.post(build.get('AMT_RedirectionService'))).body);
      const body = current.children.map((c) => `<h:${c.local}>${c.local === 'ListenerEnabled' ? enabled : c.text}</h:${c.local}>`).join('');
      const reply = await s.client.post(build.put('AMT_RedirectionService', `<h:AMT_RedirectionService xmlns:h="${uri}">${body}</h:AMT_RedirectionService>`));
      assert.equal(reply.status, 200, reply.body);
    };
    await put(false);
    await assert.rejects(
      new Promise((resolve, reject) => net.connect(port, '127.0.0.1').once('connect', resolve).once('error', reject)),
      /ECONNREFUSED/,
    );
    await put(true);
    const c = await Console.tcp(port);
    assert.deepEqual(await c.logOn('SOL ', user, password), { start: 0, auth: 0 });
    await closed(c);
  });

  it('logs on with digest type 3 (RFC 2069: an empty qop in the challenge, no cnonce or nc in the hash)', async () => {
    const md5 = (t: string) => createHash('md5').update(t).digest('hex');
    const c = await Console.tcp(s.sim.redirectionPort!);
    c.send(startSession('SOL '));
    await c.expect(0x11);
    const uri = '/RedirectionService';
    c.send(authMessage(3, strings(user, '', '', uri, '', '', '')));
    const challenge = await c.expect(0x14);
    assert.equal(challenge[1], 1);
    assert.equal(challenge[4], 3);
    const [realm, nonce, qop] = readStrings(challenge.subarray(9));
    assert.equal(realm, s.sim.device.identity.realm);
    assert.equal(qop, '');
    const response = md5(`${md5(`${user}:${realm}:${password}`)}:${nonce}:${md5(`POST:${uri}`)}`);
    c.send(authMessage(3, strings(user, realm, nonce, uri, 'abc', '00000002', response)));
    const result = await c.expect(0x14);
    assert.equal(result[1], 0);
    await closed(c);
  });

  it('refuses a digest over another URI than /RedirectionService', async () => {
    const c = await Console.tcp(s.sim.redirectionPort!);
    c.send(startSession('SOL '));
    await c.expect(0x11);
    c.send(authMessage(4, strings(user, '', '', '', '', '', '', '')));
    const [realm, nonce] = readStrings((await c.expect(0x14)).subarray(9));
    const md5 = (t: string) => createHash('md5').update(t).digest('hex');
    const response = md5(`${md5(`${user}:${realm}:${password}`)}:${nonce}:00000002:c:auth:${md5('POST:')}`);
    c.send(authMessage(4, strings(user, realm, nonce, '', 'c', '00000002', response, 'auth')));
    assert.equal((await c.expect(0x14))[1], 1);
    await closed(c);
  });
});

describe('redirection log-on deadline', () => {
  it('ends a connection that started a session but never logged on, and frees its session type', async (t) => {
    const device = new SimDevice();
    const service = new RedirectionService(device, { host: '127.0.0.1', port: 0, logOnTimeoutMs: 30 });
    await service.start();
    t.after(async () => {
      await service.close();
      device.dispose();
    });
    const c = await Console.tcp(service.port!);
    const end = sessionEnd(device);
    c.send(startSession('SOL '));
    assert.equal((await c.expect(0x11))[1], 0);
    const e = await end;
    assert.equal(e.event, 'ended-by-error');
    assert.match(e.reason!, /no log-on within 30 ms/);
    await c.closedByFirmware();
    const next = await Console.tcp(service.port!);
    assert.deepEqual(await next.logOn('SOL ', user, password), { start: 0, auth: 0 });
    await closeAndWait(next, device);
  });
});
