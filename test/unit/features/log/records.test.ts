/**
 * AMT_MessageLog records (21 bytes each, IPMI PET layout; Intel AMT SDK "Event Log") decoded once
 * into every field the CLI and the editor show, and what happened in words.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeLogRecord } from '../../../../server/src/features/log';
import { encodeRecord, RECORD_DEFAULTS } from '../../../../server/src/sim/message-log';

test('the worked example (ten failed log-ons) decodes to every field and "Authentication failed 10 times"', () => {
  const r = decodeLogRecord('Y8iYZf8GbwVoEP8mYaoKAAAAAAAA');
  assert.equal(r.timestamp, 0x6598c863);
  assert.equal(r.time, '2024-01-06T03:26:27.000Z');
  assert.equal(r.deviceAddress, 255);
  assert.equal(r.sensorType, 6);
  assert.equal(r.eventType, 0x6f);
  assert.equal(r.eventOffset, 5);
  assert.equal(r.sourceType, 0x68);
  assert.equal(r.source, 'ASF 1.0');
  assert.equal(r.severityCode, 16);
  assert.equal(r.severity, 'Critical');
  assert.equal(r.event, 'Platform security violation');
  assert.equal(r.entityInstance, 97);
  assert.deepEqual(r.eventData, [0xaa, 0x0a, 0, 0, 0, 0, 0, 0]);
  assert.equal(r.description, 'Authentication failed 10 times');
});

test('an OS hang (sensor type 0x20) reads as an operating system lockup', () => {
  const raw = encodeRecord({ ...RECORD_DEFAULTS, timestamp: 1700000000, sensorType: 0x20, eventOffset: 1, severity: 0x10, entity: 35, eventData: [] }).toString('base64');
  const r = decodeLogRecord(raw);
  assert.equal(r.event, 'OS critical stop');
  assert.equal(r.description, 'Operating system lockup or power interrupt');
  assert.equal(r.severity, 'Critical');
  assert.equal(r.time, '2023-11-14T22:13:20.000Z');
});

test('an agent-watchdog record names the GUID’s first fields and the new state', () => {
  // DeviceID bytes of GUID 03020100-0504-…: 00 01 02 03 04 05 …; state 8 = Expired.
  const raw = encodeRecord({ ...RECORD_DEFAULTS, timestamp: 1, sensorType: 18, eventData: [0xaa, 0, 1, 2, 3, 4, 5, 8] }).toString('base64');
  assert.equal(decodeLogRecord(raw).description, 'Agent watchdog 03020100-0504-… changed to Expired');
});


describe('event log records', () => {
  test("the worked example is ten failed authentications, critical, from the management engine", () => {
    const r = decodeLogRecord('Y8iYZf8GbwVoEP8mYaoKAAAAAAAA');
    assert.equal(r.time, '2024-01-06T03:26:27.000Z');
    assert.equal(r.description, 'Authentication failed 10 times');
    assert.equal(r.severity, 'Critical');
    assert.equal(r.entity, 'Intel(r) ME');
    assert.equal(r.raw, 'Y8iYZf8GbwVoEP8mYaoKAAAAAAAA');
  });

  test('a record shorter than 21 bytes is reported, not misread', () => {
    const r = decodeLogRecord(Buffer.from([1, 2, 3]).toString('base64'));
    assert.match(r.description, /3 bytes, shorter than the 21/);
    assert.equal(r.time, '');
  });

  test('SOL and IDE-R session records name the session', () => {
    const b = Buffer.alloc(21);
    b[5] = 192;
    b.set([0xaa, 0x30, 2], 13);
    assert.equal(decodeLogRecord(b.toString('base64')).description, 'IDE-R session opened');
  });
});
