/** An event-log record opened from the Event log: the rows' order, click command and the document with every decoded field. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventLogDocument, eventLogRows } from '../../../client/src/model/eventLogDetail';
import { decodeLogRecord } from '../../../server/src/features/log';

/** 21 bytes: time 2026-12-03T10:00:00Z, sensor type 0x20 (OS critical stop), severity 16, entity 35 (Operating system). */
function record(seconds: number, sensorType = 0x20): string {
  const b = Buffer.alloc(21);
  b.writeUInt32LE(seconds, 0);
  b[4] = 0x20;
  b[5] = sensorType;
  b[6] = 0x6f;
  b[7] = 0x01;
  b[8] = 0x68;
  b[9] = 16;
  b[10] = 0xff;
  b[11] = 35;
  b[12] = 0;
  b.set([0x40, 0x01, 0x02, 0x03, 0, 0, 0, 0], 13);
  return b.toString('base64');
}

const older = decodeLogRecord(record(Date.UTC(2026, 11, 3, 9, 0, 0) / 1000, 0x05));
const newer = decodeLogRecord(record(Date.UTC(2026, 11, 3, 10, 0, 0) / 1000));

test('event-log rows list the newest first and open the record they show when clicked', () => {
  const rows = eventLogRows([older, newer], 'base', 'sim');
  assert.deepEqual(rows.map((r) => r.label), ['Operating system lockup or power interrupt', 'Chassis intrusion event (offset 1)']);
  assert.equal(rows[0]!.description, '2026-12-03 10:00:00Z · Critical');
  assert.deepEqual(rows[0]!.command, { id: 'amt.eventLog.open', title: 'Open Event Record', args: ['sim', newer, 0, 2] });
});

test('the record document names what happened and every decoded field with its code', () => {
  const doc = eventLogDocument(newer, 'Simulator', { index: 0, total: 2 });
  const lines = doc.split('\n');
  assert.equal(lines[0], '# Operating system lockup or power interrupt');
  assert.match(doc, /Event log record 1 of 2 \(1 is the newest\) on Simulator\./);
  for (const row of [
    '| Time | 2026-12-03T10:00:00Z (Unix 1796292000) |',
    '| Severity | Critical (16) |',
    '| Event | OS critical stop (sensor type 0x20) |',
    '| Event type | 0x6f |',
    '| Event offset | 0x01 |',
    '| Source | ASF 1.0 (0x68) |',
    '| Entity | Operating system (instance 0) |',
    '| Sensor number | 255 |',
    '| Device address | 0x20 |',
    '| Event data | 0x40 0x01 0x02 0x03 0x00 0x00 0x00 0x00 |',
  ]) assert.ok(lines.includes(row), `${row} in\n${doc}`);
  assert.ok(lines.includes(newer.raw), 'the record bytes');
});
