import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeDigestResponse, DigestAuth, parseAuthenticateHeader, pickDigestChallenge } from '../../../server/src/wsman/digest';

test("AMT's challenge layout parses: comma-space first, then commas without spaces", () => {
  const ch = pickDigestChallenge('Digest realm="Digest:727734D63A1FC0423736E48DA554E462", nonce="B9AX94iAAAAAAAAAx6rrSfPHGUrx/3uA",stale="false",qop="auth"');
  assert.deepEqual(ch, {
    realm: 'Digest:727734D63A1FC0423736E48DA554E462',
    nonce: 'B9AX94iAAAAAAAAAx6rrSfPHGUrx/3uA',
    qop: ['auth'],
    stale: false,
  });
});

test('unquoted values and spaces around = are accepted', () => {
  const ch = pickDigestChallenge('Digest realm = "r" , nonce=abc,stale=TRUE, qop=auth, algorithm=MD5');
  assert.deepEqual(ch, { realm: 'r', nonce: 'abc', qop: ['auth'], stale: true, algorithm: 'MD5' });
});

test('AMT 16.1\'s qop="auth-int, auth" lists both and the client answers auth', () => {
  const ch = pickDigestChallenge('Digest realm="Digest:A4070000000000000000000000000000", nonce="n",stale="false",qop="auth-int, auth"')!;
  assert.deepEqual(ch.qop, ['auth-int', 'auth']);
  const auth = new DigestAuth('admin', 'pw');
  auth.accept(ch);
  assert.match(auth.authorize('POST', '/wsman')!.header, /qop="auth"/);
});

test('several challenges in one header are split, escapes in quoted strings honoured', () => {
  const list = parseAuthenticateHeader('Negotiate YIIabc==, Basic realm="x", Digest realm="a \\"quoted\\" realm", nonce="n1"');
  assert.deepEqual(
    list.map((c) => c.scheme),
    ['Negotiate', 'Basic', 'Digest'],
  );
  assert.equal(list[0]!.token68, 'YIIabc==');
  assert.equal(list[2]!.params.realm, 'a "quoted" realm');
  assert.equal(pickDigestChallenge('Basic realm="x"'), undefined);
  assert.equal(pickDigestChallenge('Negotiate, Digest realm="r", nonce="n"')?.nonce, 'n');
});

test('a stale challenge is flagged', () => {
  assert.equal(pickDigestChallenge('Digest realm="r", nonce="n",stale="true",qop="auth"')?.stale, true);
});

test('response hash matches the RFC 2617 example (Mufasa)', () => {
  const response = computeDigestResponse({
    username: 'Mufasa',
    realm: 'testrealm@host.com',
    password: 'Circle Of Life',
    method: 'GET',
    uri: '/dir/index.html',
    nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
    nc: '00000001',
    cnonce: '0a4f113b',
    qop: 'auth',
  });
  assert.equal(response, '6629fae49393a05397450978507c4ef1');
});

test('the SHA-256 variant matches the RFC 7616 example', () => {
  const response = computeDigestResponse({
    algorithm: 'SHA-256',
    username: 'Mufasa',
    realm: 'http-auth@example.org',
    password: 'Circle of Life',
    method: 'GET',
    uri: '/dir/index.html',
    nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
    nc: '00000001',
    cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
    qop: 'auth',
  });
  assert.equal(response, '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
});

test('the Authorization header carries every field, nc as 8 hex digits counting up on one nonce', () => {
  const auth = new DigestAuth('admin', 'P@ssw0rd');
  assert.equal(auth.authorize('POST', '/wsman'), undefined, 'no header before the first challenge');
  auth.accept({ realm: 'Digest:R', nonce: 'N', qop: ['auth'], stale: false, opaque: 'O' });
  const first = auth.authorize('POST', '/wsman')!;
  const second = auth.authorize('POST', '/wsman')!;
  assert.equal(first.fresh, true);
  assert.equal(second.fresh, false);
  const p1 = parseAuthenticateHeader(first.header)[0]!;
  const p2 = parseAuthenticateHeader(second.header)[0]!;
  assert.equal(p1.scheme, 'Digest');
  assert.equal(p1.params.username, 'admin');
  assert.equal(p1.params.realm, 'Digest:R');
  assert.equal(p1.params.nonce, 'N');
  assert.equal(p1.params.uri, '/wsman');
  assert.equal(p1.params.opaque, 'O');
  assert.equal(p1.params.nc, '00000001');
  assert.equal(p2.params.nc, '00000002');
  assert.match(p1.params.cnonce!, /^[0-9a-f]{32}$/);
  assert.notEqual(p1.params.cnonce, p2.params.cnonce);
  assert.equal(
    p1.params.response,
    computeDigestResponse({ username: 'admin', realm: 'Digest:R', password: 'P@ssw0rd', method: 'POST', uri: '/wsman', nonce: 'N', nc: '00000001', cnonce: p1.params.cnonce!, qop: 'auth' }),
  );
  assert.ok(!first.header.includes('P@ssw0rd'));
});

test('nc goes past 9 in hex and restarts with a new nonce', () => {
  const auth = new DigestAuth('u', 'p');
  auth.accept({ realm: 'r', nonce: 'n1', qop: ['auth'], stale: false });
  let last = '';
  for (let i = 0; i < 10; i++) last = parseAuthenticateHeader(auth.authorize('POST', '/wsman')!.header)[0]!.params.nc!;
  assert.equal(last, '0000000a');
  auth.accept({ realm: 'r', nonce: 'n2', qop: ['auth'], stale: true });
  const next = auth.authorize('POST', '/wsman')!;
  assert.equal(parseAuthenticateHeader(next.header)[0]!.params.nc, '00000001');
  assert.equal(next.fresh, true);
});

test('the password is not visible when the credentials object is inspected or serialized', async () => {
  const { inspect } = await import('node:util');
  const auth = new DigestAuth('admin', 'S3cret!');
  assert.ok(!inspect(auth, { showHidden: true, depth: 5 }).includes('S3cret!'));
  assert.ok(!JSON.stringify(auth).includes('S3cret!'));
});
