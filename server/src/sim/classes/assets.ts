/**
 * Asset tables and the enumerable event log.
 *
 * AMT_AssetTableService lists `SMbios:130` and `SMbios:131` (as recorded); AMT_AssetTable holds
 * one row per table, TableData = base64 of the raw SMBIOS structure (intel/lms types it base64):
 * the SMBIOS header (u8 type, u8 length, u16 handle; DMTF DSP0134 "Structure header format"),
 * the formatted area, then the string set ending in a double NUL. Types 130/131 are Intel OEM
 * structures; their formatted areas here ("$AMT" with the AMT feature flags, "vPro" with the
 * firmware version) are the simulator's rendering, not copied from a device.
 *
 * AMT_EventLogEntry is an enumerable view of the AMT_MessageLog records (intel/lms class model;
 * RecordID, TimeStamp and CreationClassName as the recorded reply has them), oldest first.
 */
import type { SimDevice } from '../device';
import type { LogRecord } from '../message-log';
import type { PropMap } from '../values';
import { amtService, SERVICE_PROPS } from './common';
import type { ClassDef } from './types';

const TABLE_SERVICE = 'AMT_AssetTableService';
const TABLE = 'AMT_AssetTable';
const EVENT_LOG_ENTRY = 'AMT_EventLogEntry';

/** One SMBIOS structure: header, formatted area, strings (each NUL-terminated) and the closing NUL. */
export function smbiosStructure(type: number, handle: number, formatted: Buffer, strings: readonly string[] = []): Buffer {
  const header = Buffer.from([type, 4 + formatted.length, handle & 0xff, handle >> 8]);
  const set = strings.length ? Buffer.concat([...strings.map((s) => Buffer.from(`${s}\0`, 'latin1')), Buffer.from([0])]) : Buffer.from([0, 0]);
  return Buffer.concat([header, formatted, set]);
}

function amtStructure(): Buffer {
  // "$AMT", then feature flags (AMT supported, enabled, IDE-R, SOL, network), a 0xA5 marker, capability bytes, KVM.
  return smbiosStructure(130, 0x0082, Buffer.concat([Buffer.from('$AMT', 'latin1'), Buffer.from([1, 1, 1, 1, 1, 0xa5, 0x2f, 0x02, 0, 0, 1, 0])]));
}

function vproStructure(device: SimDevice): Buffer {
  const [major, minor, hotfix] = device.identity.firmwareVersion.split('.').map((n) => Number(n) || 0);
  const body = Buffer.alloc(28);
  // Illustrative capability words (the simulator's rendering), then the ME firmware version.
  body.writeUInt32LE(0x0000_0f7f, 0);
  body.writeUInt16LE(major, 4);
  body.writeUInt16LE(minor, 6);
  body.writeUInt16LE(hotfix, 8);
  body.writeUInt16LE(Number(device.identity.firmwareBuild) || 0, 10);
  body.writeUInt32LE(0x0000_0001, 12);
  body.writeUInt32LE(0x0000_001f, 16);
  body.write('vPro', 20, 'latin1');
  return smbiosStructure(131, 0x0083, body);
}

/** What the entries were last built from: the log's length and its newest record. */
const BUILT = new WeakMap<SimDevice, { n: number; last: LogRecord | undefined }>();

function syncEventLog(device: SimDevice): void {
  const records = device.logRecords();
  const last = records[records.length - 1];
  const built = BUILT.get(device);
  const list = device.instances(EVENT_LOG_ENTRY);
  if (built && built.n === records.length && built.last === last && list.length === records.length) return;
  list.length = 0;
  records.forEach((r, i) => list.push(entry(r, i + 1)));
  BUILT.set(device, { n: records.length, last });
}

function entry(r: LogRecord, id: number): PropMap {
  return {
    CreationClassName: EVENT_LOG_ENTRY,
    DeviceAddress: r.deviceAddress,
    ElementName: 'Event Log Entry',
    Entity: r.entity,
    EntityInstance: r.entityInstance,
    EventData: [...r.eventData],
    EventOffset: r.eventOffset,
    EventSensorType: r.sensorType,
    EventSeverity: r.severity,
    EventSourceType: r.sourceType,
    EventType: r.eventType,
    InstanceID: `Intel(r) AMT:Event Log Entry ${id}`,
    RecordID: id,
    SensorNumber: r.sensorNumber,
    TimeStamp: r.timestamp,
  };
}

export const ASSET_CLASSES: readonly ClassDef[] = [
  {
    name: TABLE_SERVICE,
    commonNs: true,
    props: { ...SERVICE_PROPS, TableTypes: 'string[]' },
    initial: () => [amtService(TABLE_SERVICE, 'Intel(r) AMT Asset Table Service', { TableTypes: ['SMbios:130', 'SMbios:131'] })],
    methods: {
      // The BIOS refreshes the media table at the next boot; nothing here changes before that.
      RequestMediaDeviceTableUpdate: { inputs: { FullUpdate: 'boolean req', Sticky: 'boolean req' }, run: () => ({ returnValue: 0 }) },
    },
  },
  {
    name: TABLE,
    props: { ElementName: 'string', InstanceID: 'string key', TableData: 'base64', TableType: 'uint32 key', TableTypeInfo: 'string' },
    initial: (d) => [
      { ElementName: 'Intel(r) AMT Asset Table', InstanceID: '1', TableData: amtStructure().toString('base64'), TableType: 130, TableTypeInfo: 'SMbios:130' },
      { ElementName: 'Intel(r) AMT Asset Table', InstanceID: '2', TableData: vproStructure(d).toString('base64'), TableType: 131, TableTypeInfo: 'SMbios:131' },
    ],
  },
  {
    name: EVENT_LOG_ENTRY,
    commonNs: true,
    props: {
      CreationClassName: 'string', DeviceAddress: 'uint8', ElementName: 'string', Entity: 'uint8', EntityInstance: 'uint8', EventData: 'uint8[]',
      EventOffset: 'uint8', EventSensorType: 'uint8', EventSeverity: 'uint8', EventSourceType: 'uint8', EventType: 'uint8',
      InstanceID: 'string key', RecordID: 'uint32', SensorNumber: 'uint8', TimeStamp: 'uint32',
    },
    initial: () => [],
    refresh: syncEventLog,
  },
];
