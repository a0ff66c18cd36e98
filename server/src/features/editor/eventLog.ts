/**
 * The hardware event log (AMT_MessageLog, spec/wsman-amt.md §4.9): PositionToFirstRecord, then
 * GetRecords until NoMoreRecords, each 21-byte record decoded into a line a person can read.
 * Descriptions follow MeshCommander's `_GetEventDetailStr` for the sensor types the spec lists;
 * entity names are the IPMI entity IDs.
 */
import type { EventLogRecordView } from '../../protocol';
import type { WsValue } from '../../wsman/types';

export interface LogClient {
  invoke(
    cls: string,
    method: string,
    input: Record<string, string>,
    selectors?: undefined,
    call?: { signal?: AbortSignal },
  ): Promise<{ returnValue: number; returnMeaning: string; output: Record<string, WsValue> }>;
}

/** Records per GetRecords call: what MeshCommander asks for (the log's usual capacity). */
const MAX_READ = 390;
/** A bound on the loop, should a device never say NoMoreRecords. */
const MAX_CALLS = 50;

const SEVERITY: Record<number, string> = { 0: 'Unspecified', 1: 'Monitor', 2: 'Information', 4: 'OK', 8: 'Non-critical', 16: 'Critical', 32: 'Non-recoverable' };

const ENTITY = [
  'Unspecified', 'Other', 'Unknown', 'Processor', 'Disk', 'Peripheral bay', 'System management module', 'System board',
  'Memory module', 'Processor module', 'Power supply', 'Add-in card', 'Front panel board', 'Back panel board',
  'Power system board', 'Drive backplane', 'System internal expansion board', 'Other system board', 'Processor board',
  'Power unit', 'Power module', 'Power management', 'Chassis back panel board', 'System chassis', 'Sub-chassis',
  'Other chassis board', 'Disk drive bay', 'Peripheral bay', 'Device bay', 'Fan', 'Cooling unit', 'Cable/interconnect',
  'Memory device', 'System management software', 'BIOS', 'Operating system', 'System bus', 'Group',
  'Intel(r) ME', 'External environment', 'Battery',
];

/** Reads the whole log, oldest first. An empty log is no error (GetRecords/Position say "no record"). */
export async function readEventLog(client: LogClient, signal?: AbortSignal): Promise<EventLogRecordView[]> {
  const first = await client.invoke('AMT_MessageLog', 'PositionToFirstRecord', {}, undefined, { signal });
  if (first.returnValue !== 0) return [];
  let iteration = text(first.output.IterationIdentifier) ?? '1';
  const records: EventLogRecordView[] = [];
  for (let call = 0; call < MAX_CALLS; call++) {
    const page = await client.invoke('AMT_MessageLog', 'GetRecords', { IterationIdentifier: iteration, MaxReadRecords: String(MAX_READ) }, undefined, { signal });
    if (page.returnValue !== 0) break;
    const raw = page.output.RecordArray;
    for (const r of Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]) {
      if (typeof r === 'string' && r.trim() !== '') records.push(decodeEventRecord(r.trim()));
    }
    iteration = text(page.output.IterationIdentifier) ?? iteration;
    if (text(page.output.NoMoreRecords) !== 'false') break;
  }
  return records;
}

export function decodeEventRecord(base64: string): EventLogRecordView {
  const b = Buffer.from(base64, 'base64');
  if (b.length < 21) {
    return { time: '', severity: 'Unknown', description: `A record of ${b.length} bytes, shorter than the 21 AMT writes; it cannot be decoded.`, entity: '', raw: base64 };
  }
  const sensorType = b[5]!;
  const offset = b[7]!;
  const data = [...b.subarray(13, 21)];
  return {
    time: new Date(b.readUInt32LE(0) * 1000).toISOString(),
    severity: SEVERITY[b[9]!] ?? `Severity ${b[9]}`,
    description: describe(sensorType, offset, data),
    entity: ENTITY[b[11]!] ?? `Entity ${b[11]}`,
    raw: base64,
  };
}

function describe(sensorType: number, offset: number, d: number[]): string {
  switch (sensorType) {
    case 5:
      return offset === 0 ? 'Case intrusion' : `Chassis intrusion event (offset ${offset})`;
    case 6:
      return `Authentication failed ${d[1]! + (d[2]! << 8)} times`;
    case 15:
      return offset === 0 ? `System firmware error (code ${d[1]})` : `System firmware progress (code ${d[1]})`;
    case 18:
      return d[0] === 0xaa ? 'Agent watchdog state changed' : 'System event';
    case 30:
      return 'No bootable media';
    case 32:
      return 'Operating system lockup or power interrupt';
    case 35:
      return d[0] === 64 ? 'BIOS POST watchdog timeout' : 'System boot failure';
    case 36:
      return 'System Defense filter matched';
    case 37:
      return 'System firmware started';
    case 192:
      if (d[0] === 0xaa && d[1] === 0x30) return ['SOL session opened', 'SOL session closed', 'IDE-R session opened', 'IDE-R session closed'][d[2]!] ?? 'Redirection session event';
      return 'Security policy invoked';
    case 193:
      return d[0] === 0xaa && d[1] === 0x30 ? 'User requested a remote connection' : 'Remote connection event';
    default:
      return `Sensor type ${sensorType}, event offset ${offset}`;
  }
}

function text(v: WsValue | undefined): string | undefined {
  return typeof v === 'string' ? v.trim() : undefined;
}
