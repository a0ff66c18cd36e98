/**
 * The firmware event log (AMT_MessageLog, spec wsman-amt.md §4.9) with every record field decoded:
 * time, source, event (sensor type), severity, entity and a readable description. Reading the
 * log and the MeshCommander-style descriptions are the editor's (features/editor/eventLog.ts);
 * this adds the remaining fields and details the agent-watchdog records (sensor type 18), whose
 * GUID and new state the editor's one-line view leaves out.
 */
import { decodeEventRecord, readEventLog, type LogClient } from './editor/eventLog';
import { AGENT_STATES } from './agentPresence';

export interface DecodedLogRecord {
  /** ISO 8601 from the record's Unix seconds. */
  time: string;
  timestamp: number;
  /** EventSourceType label, e.g. `ASF 1.0` for 0x68. */
  source: string;
  sourceType: number;
  /** The IPMI sensor type's name, e.g. `OS critical stop`. */
  event: string;
  sensorType: number;
  eventType: number;
  eventOffset: number;
  severity: string;
  severityCode: number;
  entity: string;
  entityInstance: number;
  sensorNumber: number;
  deviceAddress: number;
  description: string;
  eventData: number[];
  /** The 21 record bytes, base64. */
  raw: string;
}

/** IPMI sensor types AMT logs (IPMI 2.0 table 42-3; 0xC0+ are OEM, here Intel AMT). */
const SENSOR_TYPES: Record<number, string> = {
  0x05: 'Physical security', 0x06: 'Platform security violation', 0x0f: 'System firmware progress', 0x12: 'System event',
  0x1e: 'Boot error', 0x20: 'OS critical stop', 0x23: 'Watchdog', 0x24: 'Platform alert', 0x25: 'Entity presence',
  0xc0: 'Intel AMT (OEM)', 0xc1: 'Intel AMT (OEM)',
};
/** PET event source types seen in AMT logs. */
const SOURCE_TYPES: Record<number, string> = { 0x00: 'Platform firmware', 0x68: 'ASF 1.0' };

/** Decodes one base64 record; short records keep what the editor's decoder says about them. */
export function decodeLogRecord(base64: string): DecodedLogRecord {
  const view = decodeEventRecord(base64);
  const b = Buffer.from(base64, 'base64');
  const at = (i: number) => b[i] ?? 0;
  const data = [...b.subarray(13, 21)];
  const sensorType = at(5);
  return {
    time: view.time,
    timestamp: b.length >= 4 ? b.readUInt32LE(0) : 0,
    source: SOURCE_TYPES[at(8)] ?? `Source 0x${hex(at(8))}`,
    sourceType: at(8),
    event: SENSOR_TYPES[sensorType] ?? `Sensor type ${sensorType}`,
    sensorType,
    eventType: at(6),
    eventOffset: at(7),
    severity: view.severity,
    severityCode: at(9),
    entity: view.entity,
    entityInstance: at(12),
    sensorNumber: at(10),
    deviceAddress: at(4),
    description: sensorType === 0x12 && data[0] === 0xaa ? agentWatchdogText(data) : view.description,
    eventData: data,
    raw: base64,
  };
}

/** Reads the whole log, oldest first. */
export async function readMessageLog(client: LogClient, signal?: AbortSignal): Promise<DecodedLogRecord[]> {
  const views = await readEventLog(client, signal);
  return views.map((v) => decodeLogRecord(v.raw));
}

/** EventData 0xAA, GUID bytes 0–5 (little-endian fields), new state: as MeshCommander decodes it. */
function agentWatchdogText(d: number[]): string {
  const first = [d[4], d[3], d[2], d[1]].map((x) => hex(x ?? 0)).join('');
  const second = [d[6], d[5]].map((x) => hex(x ?? 0)).join('');
  const state = d[7] ?? 0;
  return `Agent watchdog ${first}-${second}-… changed to ${AGENT_STATES[state] ?? `state ${state}`}`;
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}
