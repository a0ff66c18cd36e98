/**
 * The redirection wire codec: what the console builds, byte for byte as the spec's tables give it,
 * and the accumulator that cuts a stream into messages however the bytes arrive.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { challengeRequest, digestHash, digestResponse } from '../../../../server/src/features/redirection/auth';
import * as wire from '../../../../server/src/features/redirection/wire';

test('StartRedirectionSession carries the SOL and IDER tags', () => {
  assert.equal(wire.startSession('SOL ').toString('hex'), '10000000534f4c20');
  assert.equal(wire.startSession('IDER').toString('hex'), '1000000049444552');
});

test('the log-on query is nine bytes and the type-4 challenge request has an empty realm, nonce and qop', () => {
  assert.equal(wire.authenticate(0).toString('hex'), '130000000000000000');
  const msg = wire.authenticate(4, challengeRequest(4, 'admin'));
  // L = len(user) + len(uri) + 8 (spec §2.5 step 3)
  assert.equal(msg.readUInt32LE(5), 5 + 19 + 8);
  assert.deepEqual(wire.readLengthPrefixed(msg.subarray(9)), ['admin', '', '', '/RedirectionService', '', '', '', '']);
  // type 3 leaves out the trailing qop byte
  assert.equal(wire.authenticate(3, challengeRequest(3, 'admin')).readUInt32LE(5), 5 + 19 + 7);
});

test('the digest hash matches RFC 2617 section 3.5 (its example, with its method and URI)', () => {
  const hash = digestHash({
    type: 4, user: 'Mufasa', password: 'Circle Of Life', realm: 'testrealm@host.com',
    nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', qop: 'auth', cnonce: '0a4f113b', nc: '00000001',
    method: 'GET', uri: '/dir/index.html',
  });
  assert.equal(hash, '6629fae49393a05397450978507c4ef1');
});

test('the digest response lists user, realm, nonce, uri, cnonce, nc, response and qop in that order', () => {
  const d = { type: 4 as const, user: 'admin', password: 'P@ssw0rd', realm: 'Digest:0123', nonce: 'abc', qop: 'auth', cnonce: 'c0ffee' };
  const fields = wire.readLengthPrefixed(digestResponse(d));
  assert.deepEqual(fields, ['admin', 'Digest:0123', 'abc', '/RedirectionService', 'c0ffee', '00000002', digestHash(d), 'auth']);
  assert.match(fields[6]!, /^[0-9a-f]{32}$/);
  assert.equal(wire.readLengthPrefixed(digestResponse({ ...d, type: 3 })).length, 7);
});

test('StartSOLRedirection is 24 bytes with MeshCommander settings; SOL data carries its length at 8', () => {
  const start = wire.solStart(1);
  assert.equal(start.length, 24);
  assert.equal(start.toString('hex'), '2000000001000000102764000000102764000000' + '00000000');
  const data = wire.solData(7, Buffer.from('dir\r'));
  assert.equal(data.toString('hex'), '28000000070000000400' + Buffer.from('dir\r').toString('hex'));
  assert.equal(wire.messageLength(data), 14);
  assert.equal(wire.solSettingsMessage(3).toString('hex'), '2700000003000000' + '00001b000000');
});

test('the IDE-R messages have the lengths and registers of the spec tables', () => {
  assert.equal(wire.iderStart(0).toString('hex'), '4000000000000000' + '3075' + '0000' + '204e' + '01000000');
  assert.equal(wire.iderFeatures(1, 3, 0x09).toString('hex'), '4800000001000000' + '03' + '09000000');
  const good = wire.iderCommandEnd(5, 0xb0);
  assert.equal(good.length, 31);
  assert.equal(good.subarray(20).toString('hex'), 'c500030000' + '00b050' + '000000');
  const check = wire.iderCommandEnd(5, 0xb0, { key: 5, asc: 0x21, ascq: 0 });
  assert.equal(check.subarray(20).toString('hex'), '8750030000' + '00b051' + '052100');
  const chunk = wire.iderDataToHost(6, 0xb0, Buffer.alloc(2048, 1), true, false);
  assert.equal(chunk.length, 34 + 2048);
  assert.equal(chunk[3], 2);
  assert.equal(chunk.readUInt16LE(9), 2048);
  assert.equal(wire.messageLength(chunk), 34 + 2048);
});

test('the reader waits for a split message and cuts concatenated ones apart', () => {
  const reply = Buffer.concat([Buffer.from([0x11, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]), Buffer.from('OK')]);
  const auth = Buffer.from([0x14, 0, 0, 0, 0, 2, 0, 0, 0, 3, 4]);
  const from = Buffer.concat([Buffer.from([0x2a, 0, 0, 0, 9, 0, 0, 0, 3, 0]), Buffer.from('abc')]);
  const stream = Buffer.concat([reply, auth, from]);
  // every split point, one byte at a time, and all at once give the same three messages
  for (const size of [1, 2, 5, 13, stream.length]) {
    const r = new wire.MessageReader();
    const got: Buffer[] = [];
    for (let i = 0; i < stream.length; i += size) got.push(...r.push(stream.subarray(i, i + size)));
    assert.deepEqual(got.map((m) => m.toString('hex')), [reply, auth, from].map((m) => m.toString('hex')), `chunks of ${size}`);
    assert.equal(r.pending, 0);
  }
  assert.deepEqual(wire.readStartReply(reply), { status: 1, oem: Buffer.from('OK') });
  assert.deepEqual([...wire.readAuthReply(auth).data], [3, 4]);
  assert.equal(wire.readSolData(from).toString(), 'abc');
});

test('an unknown message type is a protocol error that names it', () => {
  assert.throws(() => new wire.MessageReader().push(Buffer.from([0x77, 0, 0])), (e: Error & { code?: string }) => e.code === 'redir.protocol' && /0x77/.test(e.message));
});
