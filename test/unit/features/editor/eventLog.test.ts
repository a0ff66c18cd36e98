/** Event-log records (AMT_MessageLog, spec/wsman-amt.md §4.9) decoded into lines a person reads. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeEventRecord } from '../../../../server/src/features/editor/eventLog';

describe('event log records', () => {
  test("the spec's worked example is ten failed authentications, critical, from the management engine", () => {
    const r = decodeEventRecord('Y8iYZf8GbwVoEP8mYaoKAAAAAAAA');
    assert.equal(r.time, '2024-01-06T03:26:27.000Z');
    assert.equal(r.description, 'Authentication failed 10 times');
    assert.equal(r.severity, 'Critical');
    assert.equal(r.entity, 'Intel(r) ME');
    assert.equal(r.raw, 'Y8iYZf8GbwVoEP8mYaoKAAAAAAAA');
  });

  test('a record shorter than 21 bytes is reported, not misread', () => {
    const r = decodeEventRecord(Buffer.from([1, 2, 3]).toString('base64'));
    assert.match(r.description, /3 bytes, shorter than the 21/);
  });

  test('SOL and IDE-R session records name the session', () => {
    const b = Buffer.alloc(21);
    b[5] = 192;
    b.set([0xaa, 0x30, 2], 13);
    assert.equal(decodeEventRecord(b.toString('base64')).description, 'IDE-R session opened');
  });
});
