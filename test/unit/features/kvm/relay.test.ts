/**
 * The relay's credential interceptor on hand-built redirection messages (spec §7.3): the viewer's
 * user and digest never reach the device, the device's challenge is answered with the backend's
 * account, messages split across chunks are whole before rewriting, and after the log-on result
 * every byte (KVM's 0x41 and RFB included, even in the same chunk) passes untouched.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { challengeRequest, digestHash, digestResponse } from '../../../../server/src/features/redirection/auth';
import * as wire from '../../../../server/src/features/redirection/wire';
import { CredentialInterceptor } from '../../../../server/src/features/kvm/relay';

test('the log-on is rewritten with the backend account; afterwards bytes pass as they are', () => {
  const toDevice: Buffer[] = [];
  const toViewer: Buffer[] = [];
  const i = new CredentialInterceptor({ user: 'admin', password: 'P@ssw0rd' }, (b) => toDevice.push(b), (b) => toViewer.push(b));
  const start = wire.startSession('KVMR');
  const query = wire.authenticate(0);
  i.fromViewer(Buffer.concat([start, query.subarray(0, 3)]));
  i.fromViewer(query.subarray(3));
  assert.deepEqual(toDevice, [start, query], 'session start and the query pass, the split query whole');

  const viewerAsk = wire.authenticate(4, challengeRequest(4, 'viewer'));
  i.fromViewer(viewerAsk);
  assert.deepEqual(wire.readLengthPrefixed(wire.readAuthReply(toDevice[2]!).data)[0], 'admin');

  const challenge = Buffer.concat([Buffer.from([0x14, 1, 0, 0, 4, 0, 0, 0, 0]), wire.lengthPrefixed(['Digest:ABC', 'n0nce', 'auth'])]);
  challenge.writeUInt32LE(challenge.length - 9, 5);
  i.fromDevice(challenge);
  assert.deepEqual(toViewer.at(-1), challenge, 'the challenge reaches the viewer');

  i.fromViewer(wire.authenticate(4, digestResponse({ type: 4, user: 'viewer', password: 'guess', realm: 'Digest:ABC', nonce: 'n0nce', qop: 'auth', cnonce: 'c' })));
  const [user, realm, nonce, , cnonce, nc, response, qop] = wire.readLengthPrefixed(wire.readAuthReply(toDevice[3]!).data);
  assert.deepEqual([user, realm, nonce, nc, qop], ['admin', 'Digest:ABC', 'n0nce', '00000001', 'auth']);
  assert.equal(response, digestHash({ type: 4, user: 'admin', password: 'P@ssw0rd', realm: 'Digest:ABC', nonce: 'n0nce', qop: 'auth', cnonce: cnonce!, nc: '00000001' }));
  assert.doesNotMatch(Buffer.concat(toDevice).toString('latin1'), /viewer|guess/);
  assert.equal(i.direct, false);

  // Log-on result, 0x41 and the start of RFB in one chunk: all reach the viewer byte for byte.
  const tail = Buffer.concat([Buffer.from([0x14, 0, 0, 0, 4, 0, 0, 0, 0]), Buffer.from([0x41, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('RFB 003.008\n')]);
  toViewer.length = 0;
  i.fromDevice(tail);
  assert.equal(i.direct, true);
  assert.deepEqual(Buffer.concat(toViewer), tail);
  const rfb = Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0, 0x52, 0x46, 0x42]);
  toDevice.length = 0;
  i.fromViewer(rfb);
  assert.deepEqual(Buffer.concat(toDevice), rfb);
});
