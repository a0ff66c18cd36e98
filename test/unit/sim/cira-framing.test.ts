/** CIRA's byte stream cut into APF messages by each type's layout, however TLS splits or joins them. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { APF, build } from '../../../server/src/sim/firmware/apf-wire';
import { Deframer } from '../../../server/src/sim/cira/framing';

const open = build(APF.CHANNEL_OPEN, { str: 'forwarded-tcpip' }, { u32: 4 }, { u32: 81920 }, { u32: 0xffffffff }, { str: '' }, { u32: 16992 }, { str: '1.2.3.4' }, { u32: 1028 });
const data = build(APF.CHANNEL_DATA, { u32: 7 }, { str: 'POST /wsman HTTP/1.1\r\n' });
const messages = [
  build(APF.SERVICE_ACCEPT, { str: 'auth@amt.intel.com' }),
  build(APF.USERAUTH_SUCCESS),
  build(APF.REQUEST_SUCCESS, { u32: 16992 }),
  build(APF.KEEPALIVE_OPTIONS_REQUEST, { u32: 30 }, { u32: 0 }),
  open,
  data,
  build(APF.CHANNEL_WINDOW_ADJUST, { u32: 7 }, { u32: 4096 }),
  build(APF.CHANNEL_CLOSE, { u32: 7 }),
  build(APF.KEEPALIVE_REPLY, { u32: 3 }),
];

test('messages joined in one chunk come out one by one', () => {
  assert.deepEqual(new Deframer().push(Buffer.concat(messages)), messages);
});

test('a stream split at every byte gives the same messages', () => {
  const d = new Deframer();
  const all = Buffer.concat(messages);
  const out: Buffer[] = [];
  for (let i = 0; i < all.length; i++) out.push(...d.push(all.subarray(i, i + 1)));
  assert.deepEqual(out, messages);
});

test("MPS's 15-byte USERAUTH_FAILURE is one message", () => {
  const failure = Buffer.concat([build(APF.USERAUTH_FAILURE, { str: 'password' }), Buffer.alloc(2)]);
  assert.equal(failure.length, 15);
  assert.deepEqual(new Deframer().push(failure), [failure]);
});

test('an unknown message type ends the stream with a sentence', () => {
  assert.throws(() => new Deframer().push(Buffer.of(0x77, 0, 0)), /unknown APF message type 119 from the MPS/);
});
