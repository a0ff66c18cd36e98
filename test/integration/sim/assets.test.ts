/**
 * AMT_AssetTableService / AMT_AssetTable (SMBIOS structures, base64) and AMT_EventLogEntry (the
 * message log as instances), read over real sockets as a console would.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { build, payload, props, textAt } from './helpers';
import { simSession } from './sim-session';

/** Parses one SMBIOS structure (DMTF DSP0134): header, formatted area, strings up to the double NUL. */
function parseSmbios(b: Buffer): { type: number; length: number; handle: number; formatted: Buffer; strings: string[]; size: number } {
  assert.ok(b.length >= 6, 'shorter than a header and the closing double NUL');
  const length = b[1];
  assert.ok(length >= 4 && length <= b.length - 2, `formatted length ${length} does not fit in ${b.length} bytes`);
  const end = b.indexOf(Buffer.from([0, 0]), length);
  assert.ok(end >= length, 'no double NUL after the formatted area');
  const text = b.subarray(length, end).toString('latin1');
  return { type: b[0], length, handle: b.readUInt16LE(2), formatted: b.subarray(4, length), strings: text ? text.split('\0') : [], size: end + 2 };
}

describe('asset tables and the event-log view', () => {
  const session = simSession();

  async function pullAll(cls: string) {
    const e = await session.client.post(build.enumerate(cls));
    const p = await session.client.post(build.pull(cls, textAt(payload(e.body), 'EnumerationContext')!));
    assert.equal(p.status, 200, p.body);
    return (payload(p.body).children.find((c) => c.local === 'Items')?.children ?? []).map(props);
  }

  test('every table the service lists is an AMT_AssetTable row whose TableData decodes as one SMBIOS structure of that type', async () => {
    const service = props(payload((await session.client.post(build.get('AMT_AssetTableService'))).body));
    const types = [service.TableTypes].flat().map((t) => Number(/^SMbios:(\d+)$/.exec(t)![1]));
    assert.deepEqual(types, [130, 131]);
    const rows = await pullAll('AMT_AssetTable');
    assert.deepEqual(rows.map((r) => Number(r.TableType)), types);
    for (const row of rows) {
      const bytes = Buffer.from(String(row.TableData), 'base64');
      const s = parseSmbios(bytes);
      assert.equal(s.type, Number(row.TableType));
      assert.equal(s.size, bytes.length, 'nothing after the structure');
    }
    const amt = parseSmbios(Buffer.from(String(rows[0].TableData), 'base64'));
    assert.equal(amt.formatted.subarray(0, 4).toString('latin1'), '$AMT');
    const vpro = parseSmbios(Buffer.from(String(rows[1].TableData), 'base64'));
    assert.equal(vpro.formatted.readUInt16LE(4), 16, 'firmware major version 16');
    assert.ok(vpro.formatted.includes(Buffer.from('vPro')));
  });

  test('AMT_EventLogEntry lists the message-log records, and a new record appears', async () => {
    const before = await pullAll('AMT_EventLogEntry');
    assert.equal(before.length, session.sim.device.logRecords().length);
    assert.deepEqual(before.map((e) => Number(e.RecordID)), before.map((_e, i) => i + 1));
    session.sim.device.addLogRecord({ sensorType: 0x0f, eventOffset: 2, eventData: [0x40, 0x13, 1, 2] });
    const after = await pullAll('AMT_EventLogEntry');
    assert.equal(after.length, before.length + 1);
    const last = after[after.length - 1];
    assert.equal(last.EventSensorType, '15');
    assert.equal(last.EventOffset, '2');
    assert.deepEqual([last.EventData].flat().slice(0, 4), ['64', '19', '1', '2']);
  });
});
