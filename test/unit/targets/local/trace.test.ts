/**
 * The firmware-debugging trace of the local path: MEI messages in hex, APF messages decoded, and
 * never a credential — not the local system account's password, not an Authorization value.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { encode, LME_GUID } from '../../../../server/src/apf';
import { AMTHI_GUID } from '../../../../server/src/amthi';
import type { MeiConnection } from '../../../../server/src/mei/types';
import { describeApf, tracedMei } from '../../../../server/src/targets/local/trace';

/** A connection that reads back whatever it is given. */
function fakeMei(answer: Buffer): MeiConnection {
  return { maxMessageLength: 4155, protocolVersion: 1, write: async () => {}, read: async () => answer, close: async () => {} };
}

describe('local trace', () => {
  test('APF messages are one line: the type, then the fields in order, payloads by size', () => {
    assert.equal(describeApf({ type: 'channel-data', recipientChannel: 3, data: Buffer.alloc(1024) }), 'CHANNEL_DATA recipientChannel=3 data=(1024 bytes)');
    assert.equal(describeApf({ type: 'service-request', service: 'pfwd@amt.intel.com' }), 'SERVICE_REQUEST service="pfwd@amt.intel.com"');
  });

  test('MEI messages are hex, labelled with the client name', async () => {
    const lines: string[] = [];
    const mei = tracedMei(fakeMei(Buffer.from([1, 2])), LME_GUID, (_d, _l, text) => lines.push(text));
    await mei.write(Buffer.from([0xab, 0xcd]));
    await mei.read();
    assert.deepEqual(lines, ['MEI write LME (2 bytes) abcd', 'MEI read LME (2 bytes) 0102']);
  });

  test('the password in the GetLocalSystemAccount answer is zeroed, the user name kept', async () => {
    const answer = Buffer.alloc(16 + 68);
    answer.writeUInt32LE(0x04800067, 4);
    answer.write('$$OsAdmin', 16, 'latin1');
    answer.write('hunter2', 16 + 33, 'latin1');
    const lines: string[] = [];
    await tracedMei(fakeMei(answer), AMTHI_GUID, (_d, _l, text) => lines.push(text)).read();
    assert.ok(lines[0]!.includes(Buffer.from('$$OsAdmin').toString('hex')));
    assert.ok(!lines[0]!.includes(Buffer.from('hunter2').toString('hex')));
    assert.match(lines[0]!, /\(password bytes zeroed\)$/);
  });

  test("the password in the firmware's USERAUTH_REQUEST is zeroed, the user and service kept", async () => {
    const message = encode({ type: 'userauth-request', username: 'admin', service: 'pfwd@amt.intel.com', method: 'password', password: 'hunter2' });
    const lines: string[] = [];
    await tracedMei(fakeMei(message), LME_GUID, (_d, _l, text) => lines.push(text)).read();
    assert.ok(!lines[0]!.includes(Buffer.from('hunter2').toString('hex')), lines[0]);
    for (const kept of ['admin', 'pfwd@amt.intel.com', 'password']) assert.ok(lines[0]!.includes(Buffer.from(kept).toString('hex')), kept);
    assert.match(lines[0]!, /\(password bytes zeroed\)$/);
  });

  test('HTTP secrets inside CHANNEL_DATA are zeroed, the rest of the request stays readable', async () => {
    const http = 'POST /wsman HTTP/1.1\r\nAuthorization: Digest username="admin", response="0123abcd"\r\n\r\n<h:DigestPassword>s3cret</h:DigestPassword>';
    const message = encode({ type: 'channel-data', recipientChannel: 7, data: Buffer.from(http, 'latin1') });
    const lines: string[] = [];
    await tracedMei(fakeMei(message), LME_GUID, (_d, _l, text) => lines.push(text)).write(message);
    const hex = lines[0]!;
    for (const secret of ['Digest username', '0123abcd', 's3cret']) assert.ok(!hex.includes(Buffer.from(secret).toString('hex')), secret);
    assert.ok(hex.includes(Buffer.from('POST /wsman').toString('hex')));
    assert.match(hex, /\(secrets zeroed\)$/);
  });

  test('a sink that throws does not break the connection', async () => {
    const mei = tracedMei(fakeMei(Buffer.from([1])), LME_GUID, () => {
      throw new Error('broken sink');
    });
    await mei.write(Buffer.from([1]));
    assert.deepEqual(await mei.read(), Buffer.from([1]));
  });
});
