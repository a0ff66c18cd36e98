/**
 * AMT_MessageLog records: 21 bytes each, base64 on the wire (docs/simulator.md "Events and logs").
 * TimeStamp is little-endian Unix seconds; the other fields are single bytes; EventData is 8 bytes.
 */

export interface LogRecord {
  readonly timestamp: number;
  readonly deviceAddress: number;
  readonly sensorType: number;
  readonly eventType: number;
  readonly eventOffset: number;
  readonly sourceType: number;
  readonly severity: number;
  readonly sensorNumber: number;
  readonly entity: number;
  readonly entityInstance: number;
  readonly eventData: readonly number[];
}

export const RECORD_SIZE = 21;

export function encodeRecord(r: LogRecord): Buffer {
  const b = Buffer.alloc(RECORD_SIZE);
  b.writeUInt32LE(r.timestamp >>> 0, 0);
  const bytes = [
    r.deviceAddress, r.sensorType, r.eventType, r.eventOffset, r.sourceType,
    r.severity, r.sensorNumber, r.entity, r.entityInstance,
  ];
  bytes.forEach((v, i) => b.writeUInt8(v & 0xff, 4 + i));
  for (let i = 0; i < 8; i++) b.writeUInt8((r.eventData[i] ?? 0) & 0xff, 13 + i);
  return b;
}

export function decodeRecord(b: Buffer): LogRecord {
  return {
    timestamp: b.readUInt32LE(0),
    deviceAddress: b[4], sensorType: b[5], eventType: b[6], eventOffset: b[7], sourceType: b[8],
    severity: b[9], sensorNumber: b[10], entity: b[11], entityInstance: b[12],
    eventData: [...b.subarray(13, 21)],
  };
}

/** Defaults for fields a caller of SimDevice.addLogRecord leaves out (an ASF sensor-specific event). */
export const RECORD_DEFAULTS: Omit<LogRecord, 'timestamp' | 'sensorType' | 'eventData'> = {
  deviceAddress: 0xff,
  eventType: 0x6f,
  eventOffset: 0,
  sourceType: 0x68,
  severity: 0x01,
  sensorNumber: 0xff,
  entity: 0,
  entityInstance: 0,
};

/**
 * A few records a freshly booted device has, each decodable by MeshCommander-style decoders:
 * BIOS progress, one authentication failure count, a SOL session open/close, firmware start.
 */
export function bootRecords(nowSeconds: number): LogRecord[] {
  const at = (agoSeconds: number) => nowSeconds - agoSeconds;
  return [
    { ...RECORD_DEFAULTS, timestamp: at(3600), sensorType: 15, eventOffset: 2, entity: 34, eventData: [0x40, 0x13] },
    { ...RECORD_DEFAULTS, timestamp: at(3500), sensorType: 37, eventOffset: 0, entity: 34, eventData: [] },
    { ...RECORD_DEFAULTS, timestamp: at(1800), sensorType: 6, eventOffset: 5, severity: 0x10, entity: 38, entityInstance: 97, eventData: [0xaa, 3, 0] },
    { ...RECORD_DEFAULTS, timestamp: at(600), sensorType: 192, eventOffset: 0, entity: 38, entityInstance: 97, eventData: [0xaa, 0x30, 0x00] },
    { ...RECORD_DEFAULTS, timestamp: at(300), sensorType: 192, eventOffset: 0, entity: 38, entityInstance: 97, eventData: [0xaa, 0x30, 0x01] },
  ];
}
