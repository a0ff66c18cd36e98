/**
 * One AMT_MessageLog record (21 bytes, base64) decoded once, into every field the CLI and the
 * editor show: time, source, event (IPMI sensor type), severity, entity and a readable
 * description. Descriptions follow MeshCommander's `_GetEventDetailStr` (Intel AMT SDK: "Event
 * Log" / PET event data); sensor types and entity names are those of the IPMI 2.0 specification
 * (tables 42-3 and 43-13).
 */
import type { LogRecord } from '../../protocol';
import { AGENT_STATES } from '../watchdog/agents';

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

/** IPMI sensor types AMT logs (IPMI 2.0 table 42-3; 0xC0+ are OEM, here Intel AMT). */
const SENSOR_TYPES: Record<number, string> = {
  0x05: 'Physical security', 0x06: 'Platform security violation', 0x0f: 'System firmware progress', 0x12: 'System event',
  0x1e: 'Boot error', 0x20: 'OS critical stop', 0x23: 'Watchdog', 0x24: 'Platform alert', 0x25: 'Entity presence',
  0xc0: 'Intel AMT (OEM)', 0xc1: 'Intel AMT (OEM)',
};
/** PET event source types seen in AMT logs. */
const SOURCE_TYPES: Record<number, string> = { 0x00: 'Platform firmware', 0x68: 'ASF 1.0' };

/** Decodes one base64 record; a record shorter than 21 bytes says so in its description. */
export function decodeLogRecord(base64: string): LogRecord {
  const b = Buffer.from(base64, 'base64');
  const at = (i: number) => b[i] ?? 0;
  const data = [...b.subarray(13, 21)];
  const sensorType = at(5);
  const short = b.length < 21;
  return {
    time: short ? '' : new Date(b.readUInt32LE(0) * 1000).toISOString(),
    timestamp: b.length >= 4 ? b.readUInt32LE(0) : 0,
    source: SOURCE_TYPES[at(8)] ?? `Source 0x${hex(at(8))}`,
    sourceType: at(8),
    event: SENSOR_TYPES[sensorType] ?? `Sensor type ${sensorType}`,
    sensorType,
    eventType: at(6),
    eventOffset: at(7),
    severity: short ? 'Unknown' : SEVERITY[at(9)] ?? `Severity ${at(9)}`,
    severityCode: at(9),
    entity: short ? '' : ENTITY[at(11)] ?? `Entity ${at(11)}`,
    entityInstance: at(12),
    sensorNumber: at(10),
    deviceAddress: at(4),
    description: short
      ? `A record of ${b.length} bytes, shorter than the 21 AMT writes; it cannot be decoded.`
      : sensorType === 0x12 && data[0] === 0xaa
        ? agentWatchdogText(data)
        : describe(sensorType, at(7), data),
    eventData: data,
    raw: base64,
  };
}

/** System Firmware Progress codes (event data 2 of sensor type 0Fh; IPMI 2.0 table 42-3). */
const FIRMWARE_PROGRESS: Readonly<Record<number, string>> = {
  0x00: 'unspecified', 0x01: 'memory initialization', 0x02: 'hard-disk initialization', 0x03: 'secondary processor initialization',
  0x04: 'user authentication', 0x05: 'user-initiated system setup', 0x06: 'USB resource configuration', 0x07: 'PCI resource configuration',
  0x08: 'option ROM initialization', 0x09: 'video initialization', 0x0a: 'cache initialization', 0x0b: 'SM bus initialization',
  0x0c: 'keyboard controller initialization', 0x0d: 'management controller initialization', 0x12: 'calling the operating system wake-up vector',
  0x13: 'starting the operating system boot process', 0x14: 'baseboard initialization', 0x16: 'floppy initialization',
  0x17: 'keyboard test', 0x18: 'pointing device test', 0x19: 'primary processor initialization',
};

function describe(sensorType: number, offset: number, d: number[]): string {
  switch (sensorType) {
    case 5:
      return offset === 0 ? 'Case intrusion' : `Chassis intrusion event (offset ${offset})`;
    case 6:
      return `Authentication failed ${d[1]! + (d[2]! << 8)} times`;
    case 15:
      return offset === 0 ? `System firmware error (code ${d[1]})` : `System firmware progress: ${FIRMWARE_PROGRESS[d[1]!] ?? `code ${d[1]}`}`;
    case 18:
      return d[0] === 0xaa ? 'Agent watchdog state changed' : 'System event';
    case 30:
      return 'No bootable media';
    case 32:
      return 'Operating system lockup or power interrupt';
    case 35:
      return d[0] === 64 ? 'BIOS POST watchdog timeout' : 'System boot failure';
    case 36:
      return filterMatchText(d);
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

/** Sensor 36: EventData[0] the interface (0xAA wired), [1..4] the filter handle big-endian (MeshCommander). */
function filterMatchText(d: number[]): string {
  const handle = ((d[1]! << 24) | (d[2]! << 16) | (d[3]! << 8) | d[4]!) >>> 0;
  const where = d[0] === 0xaa ? 'wired' : d[0] === 1 ? 'wireless' : `interface ${d[0]}`;
  const what =
    handle === 0xfffffffd ? 'The all-received-packets filter' : handle === 0xfffffffc ? 'The all-outbound-packets filter'
      : handle === 0xfffffffa ? 'The spoofed-packet filter' : `System Defense filter ${handle}`;
  return `${what} was matched (${where})`;
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
