/** The simulator writes audit records byte for byte as the recorded AMT device did (test/fixtures/real-amt/amt/auditlog/readrecords.xml). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { encodeRecord } from '../../../server/src/sim/audit/log';

const fixture = readFileSync(path.resolve(__dirname, '..', '..', 'fixtures', 'real-amt', 'amt', 'auditlog', 'readrecords.xml'), 'utf8');
const recorded = [...fixture.matchAll(/<g:EventRecords>([^<]+)<\/g:EventRecords>/g)].map((m) => m[1]);

test('a local firmware-update record encodes exactly as the recorded one', () => {
  assert.equal(recorded.length, 2);
  const first = Buffer.from(recorded[0], 'base64');
  // 1900 Firmware Updated, local initiator, no address; extended data = the two versions (MC decoder).
  const ours = encodeRecord({ appId: 19, eventId: 0, time: first.readUInt32BE(5), address: '', extended: first.subarray(first.length - 16).toString('hex') });
  assert.equal(ours, recorded[0]);
});

test('a Digest initiator is written as type 0, a length and the user name, before the time stamp', () => {
  const b = Buffer.from(encodeRecord({ appId: 16, eventId: 2, user: 'admin', time: 0x01020304, address: '10.0.0.9', extended: '000361626364' }), 'base64');
  assert.deepEqual([b.readUInt16BE(0), b.readUInt16BE(2), b[4], b[5]], [16, 2, 0, 5]);
  assert.equal(b.subarray(6, 11).toString(), 'admin');
  assert.equal(b.readUInt32BE(11), 0x01020304);
  assert.equal(b[15], 0, 'MCLocationType 0 for an IPv4 address');
  assert.equal(b.subarray(17, 17 + b[16]).toString(), '10.0.0.9');
  assert.equal(b.length, 17 + 8 + 1 + 6);
});
