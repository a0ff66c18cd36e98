/**
 * The KVMR hand-off on the redirection client (spec §2.2, §5.1): the session start carries tag
 * KVMR with byte 1 = 0x01, and a link handed over to RFB gives back the bytes it had read but not
 * delivered, then reads no more and leaves what follows in the stream.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PassThrough } from 'node:stream';
import { RedirectionLink } from '../../../../server/src/features/redirection/session';
import * as wire from '../../../../server/src/features/redirection/wire';

test('StartRedirectionSession for KVM is 10 01 00 00 "KVMR"', () => {
  assert.equal(wire.startSession('KVMR').toString('hex'), '100100004b564d52');
});

test('detach() returns the undelivered bytes and stops reading the stream', async () => {
  const stream = new PassThrough();
  const link = new RedirectionLink(stream, 'the test device');
  // A whole 0x14 (queued: nobody asked yet) and the first half of another.
  const reply = Buffer.from([0x14, 0, 0, 0, 4, 0, 0, 0, 0]);
  stream.write(Buffer.concat([reply, reply.subarray(0, 4)]));
  await new Promise((r) => setImmediate(r));
  const { stream: same, leftover } = link.detach();
  assert.equal(same, stream);
  assert.deepEqual(leftover, Buffer.concat([reply, reply.subarray(0, 4)]));
  const later: Buffer[] = [];
  link.onMessage((m) => later.push(m));
  stream.write(Buffer.from('RFB 003.008\n'));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(later, [], 'the link reads nothing after the hand-off');
  assert.equal(link.closed, true);
  assert.equal(stream.read(12)?.toString(), 'RFB 003.008\n', 'the bytes wait for the next reader');
});
