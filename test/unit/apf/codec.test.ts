import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AmtError } from '../../../server/src/errors';
import { decode, encode, type ApfMessage } from '../../../server/src/apf/codec';

/** Hex with spaces, plus 'quoted ascii' pieces, → bytes. */
function bytes(spec: string): Buffer {
  const parts = spec.match(/'[^']*'|[0-9a-fA-F]+/g) ?? [];
  return Buffer.concat(parts.map((p) => (p.startsWith("'") ? Buffer.from(p.slice(1, -1)) : Buffer.from(p, 'hex'))));
}

const uuid = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
const PFWD = "'pfwd@amt.intel.com'";

/** Each message type with its bytes written out by hand from the APF message layouts Intel LMS and MPS use. */
const vectors: { name: string; msg: ApfMessage; wire: Buffer }[] = [
  { name: 'DISCONNECT', msg: { type: 'disconnect', reason: 2 }, wire: bytes('01 00000002 0000') },
  { name: 'SERVICE_REQUEST', msg: { type: 'service-request', service: 'pfwd@amt.intel.com' }, wire: bytes(`05 00000012 ${PFWD}`) },
  { name: 'SERVICE_ACCEPT', msg: { type: 'service-accept', service: 'auth@amt.intel.com' }, wire: bytes("06 00000012 'auth@amt.intel.com'") },
  {
    name: 'USERAUTH_REQUEST (password)',
    msg: { type: 'userauth-request', username: 'u', service: 'pfwd@amt.intel.com', method: 'password', password: 'p' },
    wire: bytes(`32 00000001 'u' 00000012 ${PFWD} 00000008 'password' 00 00000001 'p'`),
  },
  {
    name: 'USERAUTH_REQUEST (none)',
    msg: { type: 'userauth-request', username: '', service: 'pfwd@amt.intel.com', method: 'none' },
    wire: bytes(`32 00000000 00000012 ${PFWD} 00000004 'none'`),
  },
  { name: 'USERAUTH_FAILURE', msg: { type: 'userauth-failure', methods: 'password' }, wire: bytes("33 00000008 'password' 0000") },
  { name: 'USERAUTH_SUCCESS', msg: { type: 'userauth-success' }, wire: bytes('34') },
  {
    name: 'GLOBAL_REQUEST tcpip-forward',
    msg: { type: 'tcpip-forward', wantReply: true, address: '127.0.0.1', port: 16992 },
    wire: bytes("50 0000000d 'tcpip-forward' 01 00000009 '127.0.0.1' 00004260"),
  },
  {
    name: 'GLOBAL_REQUEST cancel-tcpip-forward',
    msg: { type: 'cancel-tcpip-forward', wantReply: false, address: '0.0.0.0', port: 16993 },
    wire: bytes("50 00000014 'cancel-tcpip-forward' 00 00000007 '0.0.0.0' 00004261"),
  },
  {
    name: 'GLOBAL_REQUEST udp-send-to',
    msg: { type: 'udp-send-to', wantReply: false, address: '1.2.3.4', port: 623, originatorAddress: '5.6.7.8', originatorPort: 1024, data: Buffer.from([1, 2, 3]) },
    wire: bytes("50 00000019 'udp-send-to@amt.intel.com' 00 00000007 '1.2.3.4' 0000026f 00000007 '5.6.7.8' 00000400 00000003 010203"),
  },
  {
    name: 'GLOBAL_REQUEST (other name)',
    msg: { type: 'global-request', name: 'x', wantReply: true, data: Buffer.from([0xaa, 0xbb]) },
    wire: bytes("50 00000001 'x' 01 aabb"),
  },
  { name: 'REQUEST_SUCCESS (port)', msg: { type: 'request-success', port: 16992 }, wire: bytes('51 00004260') },
  { name: 'REQUEST_SUCCESS (no port)', msg: { type: 'request-success' }, wire: bytes('51') },
  { name: 'REQUEST_FAILURE', msg: { type: 'request-failure' }, wire: bytes('52') },
  {
    name: 'CHANNEL_OPEN',
    msg: { type: 'channel-open', channelType: 'forwarded-tcpip', senderChannel: 1, initialWindow: 0x8000, address: '127.0.0.1', port: 16992, originatorAddress: '127.0.0.1', originatorPort: 16992 },
    wire: bytes("5a 0000000f 'forwarded-tcpip' 00000001 00008000 ffffffff 00000009 '127.0.0.1' 00004260 00000009 '127.0.0.1' 00004260"),
  },
  {
    name: 'CHANNEL_OPEN_CONFIRMATION',
    msg: { type: 'channel-open-confirmation', recipientChannel: 1, senderChannel: 0x100, initialWindow: 0x2000 },
    wire: bytes('5b 00000001 00000100 00002000 ffffffff'),
  },
  { name: 'CHANNEL_OPEN_FAILURE', msg: { type: 'channel-open-failure', recipientChannel: 1, reason: 2 }, wire: bytes('5c 00000001 00000002 00000000 00000000') },
  { name: 'CHANNEL_WINDOW_ADJUST', msg: { type: 'channel-window-adjust', recipientChannel: 0x100, bytesToAdd: 4096 }, wire: bytes('5d 00000100 00001000') },
  { name: 'CHANNEL_DATA', msg: { type: 'channel-data', recipientChannel: 0x100, data: Buffer.from('abc') }, wire: bytes("5e 00000100 00000003 'abc'") },
  { name: 'CHANNEL_CLOSE', msg: { type: 'channel-close', recipientChannel: 0x100 }, wire: bytes('61 00000100') },
  {
    name: 'PROTOCOLVERSION',
    msg: { type: 'protocol-version', major: 1, minor: 0, triggerReason: 254, uuid },
    wire: Buffer.concat([bytes('c0 00000001 00000000 000000fe'), uuid, Buffer.alloc(64)]),
  },
  { name: 'KEEPALIVE_REQUEST', msg: { type: 'keepalive-request', cookie: 0x12345678 }, wire: bytes('d0 12345678') },
  { name: 'KEEPALIVE_REPLY', msg: { type: 'keepalive-reply', cookie: 0x12345678 }, wire: bytes('d1 12345678') },
  { name: 'KEEPALIVE_OPTIONS_REQUEST', msg: { type: 'keepalive-options-request', intervalSeconds: 30, timeoutSeconds: 0 }, wire: bytes('d2 0000001e 00000000') },
  { name: 'KEEPALIVE_OPTIONS_REPLY', msg: { type: 'keepalive-options-reply', intervalSeconds: 30, timeoutSeconds: 90 }, wire: bytes('d3 0000001e 0000005a') },
];

function assertProtocolError(fn: () => unknown, label: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  assert.ok(thrown instanceof AmtError, `${label}: expected an AmtError, got ${thrown === undefined ? 'a result' : String(thrown)}`);
  assert.equal((thrown as AmtError).code, 'apf.protocol', label);
}

for (const v of vectors) {
  test(`${v.name} encodes to the spec's bytes and decodes back`, () => {
    assert.deepEqual(encode(v.msg), v.wire);
    assert.deepEqual(decode(v.wire), v.msg);
    assert.deepEqual(decode(encode(v.msg)), v.msg);
  });
}

test('the fixed sizes match the spec table (DISCONNECT 7, PROTOCOLVERSION 93, confirmations 17, …)', () => {
  const size = (name: string) => vectors.find((v) => v.name === name)!.wire.length;
  assert.equal(size('DISCONNECT'), 7);
  assert.equal(size('PROTOCOLVERSION'), 93);
  assert.equal(size('CHANNEL_OPEN_CONFIRMATION'), 17);
  assert.equal(size('CHANNEL_OPEN_FAILURE'), 17);
  assert.equal(size('CHANNEL_WINDOW_ADJUST'), 9);
  assert.equal(size('CHANNEL_CLOSE'), 5);
  assert.equal(size('KEEPALIVE_REQUEST'), 5);
  assert.equal(size('KEEPALIVE_OPTIONS_REQUEST'), 9);
  assert.equal(size('GLOBAL_REQUEST tcpip-forward'), 14 + 13 + 9);
  assert.equal(size('CHANNEL_OPEN'), 33 + 15 + 9 + 9);
});

/** Prefixes that are themselves complete messages (an optional tail that may be absent). */
const validPrefix: Record<string, number[]> = {
  'REQUEST_SUCCESS (port)': [1],
  USERAUTH_FAILURE: [13, 14], // the 0–2 byte trailer (docs/wire-notes.md)
  'GLOBAL_REQUEST (other name)': [7, 8],
};

test('a message cut short at any offset is an apf.protocol error (never an out-of-bounds read)', () => {
  for (const v of vectors) {
    for (let n = 0; n < v.wire.length; n++) {
      if (validPrefix[v.name]?.includes(n)) {
        assert.doesNotThrow(() => decode(v.wire.subarray(0, n)), `${v.name} cut to ${n}`);
        continue;
      }
      assertProtocolError(() => decode(v.wire.subarray(0, n)), `${v.name} cut to ${n} bytes`);
    }
  }
});

test('trailing bytes after a complete fixed-layout message are rejected', () => {
  for (const v of vectors) {
    if (v.name === 'GLOBAL_REQUEST (other name)') continue; // its tail is opaque request data
    assertProtocolError(() => decode(Buffer.concat([v.wire, Buffer.of(0)])), `${v.name} + 1 byte`);
  }
});

test('string and data lengths that disagree with the message are rejected', () => {
  assertProtocolError(() => decode(bytes(`05 ffffffff ${PFWD}`)), 'service name length 2^32-1');
  assertProtocolError(() => decode(bytes(`05 00000011 ${PFWD}`)), 'service name one byte short (trailing byte)');
  assertProtocolError(() => decode(bytes(`05 00000013 ${PFWD}`)), 'service name one byte long');
  assertProtocolError(() => decode(bytes("5e 00000100 00000004 'abc'")), 'CHANNEL_DATA length beyond the message');
  assertProtocolError(() => decode(bytes("5e 00000100 fffffff0 'abc'")), 'CHANNEL_DATA length near 2^32');
  assertProtocolError(() => decode(bytes("50 0000000d 'tcpip-forward' 01 00000009 '127.0.0.1'")), 'tcpip-forward without port');
  assertProtocolError(() => decode(Buffer.concat([bytes('c0 00000001 00000000 000000fe'), uuid, Buffer.alloc(63)])), 'PROTOCOLVERSION of 92 bytes');
});

test('unknown message types are rejected, including SSH types APF does not use', () => {
  const known = new Set([1, 5, 6, 50, 51, 52, 80, 81, 82, 90, 91, 92, 93, 94, 97, 192, 208, 209, 210, 211]);
  for (let t = 0; t < 256; t++) {
    if (known.has(t)) continue;
    assertProtocolError(() => decode(Buffer.from([t, 0, 0, 0, 0, 0, 0, 0, 0])), `type ${t}`);
  }
});

test('messages above the maximum length are rejected before parsing', () => {
  const big = Buffer.concat([bytes('5e 00000001 00000000'), Buffer.alloc(0)]);
  big.writeUInt32BE(70000 - 9, 5);
  assertProtocolError(() => decode(Buffer.concat([big, Buffer.alloc(70000 - 9)])), '70000-byte message, default limit');
  const data = encode({ type: 'channel-data', recipientChannel: 1, data: Buffer.alloc(100) });
  assertProtocolError(() => decode(data, { maxLength: 64 }), '109 bytes over a 64-byte limit');
  assert.doesNotThrow(() => decode(data, { maxLength: 109 }));
});

test('encode refuses values that do not fit the wire format, and results above maxLength', () => {
  assertProtocolError(() => encode({ type: 'channel-close', recipientChannel: -1 }), 'negative channel');
  assertProtocolError(() => encode({ type: 'channel-close', recipientChannel: 2 ** 32 }), 'channel id 2^32');
  assertProtocolError(() => encode({ type: 'channel-window-adjust', recipientChannel: 1, bytesToAdd: 1.5 }), 'fractional count');
  assertProtocolError(() => encode({ type: 'protocol-version', major: 1, minor: 0, triggerReason: 254, uuid: Buffer.alloc(15) }), '15-byte UUID');
  assertProtocolError(() => encode({ type: 'channel-data', recipientChannel: 1, data: Buffer.alloc(4096) }, { maxLength: 4096 }), 'data + 9 > limit');
  assertProtocolError(() => encode({ type: 'bogus' } as unknown as ApfMessage), 'unknown type');
});

test('random bytes never make decode throw anything but an apf.protocol error', () => {
  let seed = 0x2545f491;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
  const types = [1, 5, 6, 50, 51, 52, 80, 81, 82, 90, 91, 92, 93, 94, 97, 192, 208, 209, 210, 211];
  for (let i = 0; i < 20000; i++) {
    const buf = Buffer.from(Array.from({ length: rnd() % 120 }, rnd));
    if (buf.length > 0 && i % 2 === 0) buf[0] = types[rnd() % types.length];
    try {
      decode(buf);
    } catch (err) {
      assert.ok(err instanceof AmtError && err.code === 'apf.protocol', `input ${buf.toString('hex')} threw ${String(err)}`);
    }
  }
});
