/**
 * Hardware inventory (Intel AMT SDK "Hardware Asset"; MeshCommander `PullHardware` and
 * `processHardware`): the CIM classes the BIOS's SMBIOS snapshot fills at boot — chassis,
 * baseboard (CIM_Card), BIOS, processors (CIM_Processor with CIM_Chip for maker and version, the
 * first chips being the CPUs in order), memory modules, storage media (CIM_MediaAccessDevice with
 * the CIM_PhysicalPackage entries after the board for model and serial), the battery — plus the
 * raw SMBIOS asset tables (AMT_AssetTable, decoded by smbios.ts), and the sensors and fans the
 * device serves. A class the device does not serve (a WS-Man fault) is listed in `notServed`;
 * every other error stops the read.
 */
import { AmtError } from '../../errors';
import type { AssetTableView, HardwareRefreshResult, HardwareReport, HardwareSection, SensorView } from '../../protocol';
import { WsmanFaultError, type WsmanClient } from '../../wsman';
import type { WsValue } from '../../wsman/types';
import { wsInt } from '../instances/scalars';
import { decodeSmbios, MEMORY_FORM_FACTORS, MEMORY_TYPES } from './smbios';

export interface CallOptions {
  signal?: AbortSignal;
}

type Props = Record<string, WsValue>;

export const HARDWARE_NOTE = 'Hardware information is gathered by the BIOS at system boot time; a change shows after the next boot.';

/** Reads everything the Hardware page and `amtwb hardware` show. */
export async function readHardware(client: WsmanClient, call: CallOptions = {}): Promise<HardwareReport> {
  const notServed: string[] = [];
  const get = async (cls: string): Promise<Props | undefined> => {
    try {
      return (await client.get(cls, undefined, call)).properties;
    } catch (err) {
      if (err instanceof WsmanFaultError) return void notServed.push(cls);
      throw err;
    }
  };
  const list = async (cls: string): Promise<Props[]> => {
    try {
      return (await client.enumerateAll(cls, {}, call)).flatMap((i) => (i.instance ? [i.instance.properties] : []));
    } catch (err) {
      if (err instanceof WsmanFaultError) return void notServed.push(cls), [];
      throw err;
    }
  };
  // One request at a time, in MeshCommander's order: AMT serves a handful of connections.
  const systemPackage = await get('CIM_ComputerSystemPackage');
  const chassis = await get('CIM_Chassis');
  const card = await get('CIM_Card');
  const bios = await get('CIM_BIOSElement');
  const chips = await list('CIM_Chip');
  const processors = await list('CIM_Processor');
  const memory = await list('CIM_PhysicalMemory');
  const media = await list('CIM_MediaAccessDevice');
  const packages = await list('CIM_PhysicalPackage');
  // A Get of a battery-less platform's CIM_Battery is a fault; its enumeration is simply empty.
  const battery = (await list('CIM_Battery'))[0];
  const tableService = await get('AMT_AssetTableService');
  const tables = await list('AMT_AssetTable');
  const sensors = await list('CIM_Sensor');
  const fans = await list('CIM_Fan');

  const sections: HardwareSection[] = [];
  const add = (id: string, title: string, rows: Array<[string, string | undefined]>) => {
    const kept = rows.filter((r): r is [string, string] => r[1] !== undefined && r[1] !== '');
    if (kept.length) sections.push({ id, title, rows: kept });
  };
  if (chassis || systemPackage) {
    add('platform', 'Platform', [
      ['Manufacturer', text(chassis?.Manufacturer)],
      ['Model', text(chassis?.Model)],
      ['Version', text(chassis?.Version)],
      ['Serial number', text(chassis?.SerialNumber)],
      ['System ID', systemPackage ? guid(text(systemPackage.PlatformGUID)) : undefined],
      ['Chassis type', chassis ? packageType(wsInt(chassis.PackageType)) : undefined],
    ]);
  }
  if (card) {
    add('baseboard', 'Baseboard', [
      ['Manufacturer', text(card.Manufacturer)],
      ['Product name', text(card.Model)],
      ['Version', text(card.Version)],
      ['Serial number', text(card.SerialNumber)],
      ['Asset tag', text(card.Tag)],
      ['Replaceable', card.CanBeFRUed === undefined ? undefined : text(card.CanBeFRUed) === 'true' ? 'Yes' : 'No'],
    ]);
  }
  if (bios) {
    add('bios', 'BIOS', [
      ['Vendor', text(bios.Manufacturer)],
      ['Version', text(bios.SoftwareElementID) || text(bios.Version)],
      ['Release date', cimDate(bios.ReleaseDate)],
    ]);
  }
  processors.forEach((p, i) => {
    const chip = chips[i];
    add(`cpu-${i}`, `Processor ${i + 1}`, [
      ['Manufacturer', text(chip?.Manufacturer)],
      ['Version', text(chip?.Version)],
      ['Family', family(wsInt(p.Family))],
      ['Max socket speed', mhz(wsInt(p.MaxClockSpeed))],
      ['Current speed', mhz(wsInt(p.CurrentClockSpeed))],
      ['Status', CPU_STATUS[wsInt(p.CPUStatus) ?? 0] ?? `code ${text(p.CPUStatus)}`],
    ]);
  });
  memory.forEach((m, i) => {
    const capacity = Number(text(m.Capacity));
    add(`memory-${i}`, `Memory module ${i + 1}`, [
      ['Bank', text(m.BankLabel)],
      ['Manufacturer', text(m.Manufacturer)],
      ['Serial number', text(m.SerialNumber)],
      ['Size', Number.isFinite(capacity) && capacity > 0 ? `${Math.round(capacity / 2 ** 20)} MB` : undefined],
      ['Speed', mhz(wsInt(m.ConfiguredMemoryClockSpeed) || wsInt(m.Speed) || wsInt(m.MaxMemorySpeed))],
      ['Form factor', lookup(MEMORY_FORM_FACTORS, wsInt(m.FormFactor))],
      ['Type', lookup(MEMORY_TYPES, wsInt(m.MemoryType))],
      ['Part number', text(m.PartNumber)],
      ['Asset tag', text(m.Tag)],
    ]);
  });
  // The packages after the board, other than the battery, describe the media in the same order.
  const mediaPackages = packages.filter((p, i) => i > 0 && wsInt(p.PackageType) !== 11);
  media.forEach((d, i) => {
    const pkg = mediaPackages[i];
    const kb = Number(text(d.MaxMediaSize));
    add(`disk-${i}`, `Storage media ${i + 1}`, [
      ['Device', text(d.DeviceID)],
      ['Model', text(pkg?.Model) || 'Unknown'],
      ['Serial number', text(pkg?.SerialNumber) || 'Unknown'],
      ['Size', Number.isFinite(kb) && kb > 0 ? sizeText((kb * 1000) / 2 ** 20) : undefined],
    ]);
  });
  const batteryPackage = packages.find((p) => wsInt(p.PackageType) === 11);
  if (battery || batteryPackage) {
    add('battery', 'Battery', [
      ['Manufacturer', text(batteryPackage?.Manufacturer)],
      ['Model', text(batteryPackage?.Model)],
      ['Serial number', text(batteryPackage?.SerialNumber)],
      ['Chemistry', lookup(CHEMISTRY, wsInt(battery?.Chemistry))],
      ['Design capacity', battery?.DesignCapacity !== undefined ? `${text(battery.DesignCapacity)} mWh` : undefined],
      ['Design voltage', battery?.DesignVoltage !== undefined ? `${text(battery.DesignVoltage)} mV` : undefined],
      ['Charge remaining', battery?.EstimatedChargeRemaining !== undefined ? `${text(battery.EstimatedChargeRemaining)} %` : undefined],
    ]);
  }
  return {
    note: HARDWARE_NOTE,
    sections,
    tableTypes: list0(tableService?.TableTypes),
    assetTables: tables.map(assetTable),
    sensors: [...sensors.map((s) => sensorView('sensor', s)), ...fans.map((f) => sensorView('fan', f))],
    notServed,
    readAt: new Date().toISOString(),
  };
}

/** AMT_AssetTableService.RequestMediaDeviceTableUpdate(FullUpdate, Sticky=false): sent once. */
export async function requestMediaUpdate(client: WsmanClient, call: CallOptions = {}): Promise<HardwareRefreshResult> {
  const r = await client.invoke('AMT_AssetTableService', 'RequestMediaDeviceTableUpdate', { FullUpdate: true, Sticky: false }, undefined, call);
  if (r.returnValue !== 0) {
    throw new AmtError('hardware.refused', `The device refused to refresh its media table (ReturnValue ${r.returnValue}: ${r.returnMeaning}); check that the account has the Hardware Asset realm.`);
  }
  return { returnValue: 0, returnMeaning: r.returnMeaning, message: 'The BIOS refreshes the media table at the next boot; the inventory changes after that boot.' };
}

function assetTable(p: Props): AssetTableView {
  const bytes = Buffer.from(text(p.TableData), 'base64');
  return {
    instanceId: text(p.InstanceID),
    tableType: wsInt(p.TableType) ?? -1,
    tableTypeInfo: text(p.TableTypeInfo),
    size: bytes.length,
    structures: decodeSmbios(bytes),
  };
}

function sensorView(kind: 'sensor' | 'fan', p: Props): SensorView {
  const detail =
    kind === 'fan'
      ? [`variable speed ${text(p.VariableSpeed) === 'true' ? 'yes' : 'no'}`, ...(p.DesiredSpeed !== undefined ? [`desired speed ${text(p.DesiredSpeed)} RPM`] : [])].join(', ')
      : [`type ${lookup(SENSOR_TYPES, wsInt(p.SensorType)) ?? 'unknown'}`, ...(p.PossibleStates ? [`possible states ${list0(p.PossibleStates).join(', ')}`] : [])].join(', ');
  return {
    kind,
    id: text(p.DeviceID),
    name: text(p.ElementName) || text(p.DeviceID),
    state: kind === 'sensor' ? text(p.CurrentState) || 'Unknown' : lookup(ENABLED_STATES, wsInt(p.EnabledState)) ?? 'Unknown',
    health: lookup(HEALTH, wsInt(p.HealthState)) ?? 'Unknown',
    detail,
  };
}

function text(v: WsValue | undefined): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v.trim();
  if (Array.isArray(v)) return v.map(text).join(', ');
  if (typeof v === 'object' && 'kind' in v && v.kind === 'datetime') return String(v.value);
  return '';
}

function list0(v: WsValue | undefined): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map(text).filter(Boolean);
}

/** 32 hex digits as a lower-case GUID (MeshCommander's System ID). */
export function guid(hex: string): string | undefined {
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) return hex || undefined;
  const h = hex.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function cimDate(v: WsValue | undefined): string | undefined {
  const t = text(v);
  if (!t) return undefined;
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? t : d.toISOString().slice(0, 10);
}

function mhz(v: number | undefined): string | undefined {
  return v ? `${v} MHz` : undefined;
}

function sizeText(mb: number): string {
  return mb >= 1024 ? `${(mb / 1024).toFixed(1)} GB` : `${Math.round(mb)} MB`;
}

function lookup(table: Readonly<Record<number, string>>, v: number | undefined): string | undefined {
  return v === undefined ? undefined : (table[v] ?? `code ${v}`);
}

function family(v: number | undefined): string | undefined {
  return v === undefined ? undefined : (FAMILIES[v] ?? `family ${v}`);
}

function packageType(v: number | undefined): string | undefined {
  return lookup({ 0: 'Unknown', 1: 'Other', 2: 'Rack', 3: 'Chassis/Frame', 9: 'Board', 11: 'Battery' }, v);
}

/** CIM_Processor.CPUStatus. */
const CPU_STATUS: Record<number, string> = { 0: 'Unknown', 1: 'Enabled', 2: 'Disabled by user', 3: 'Disabled by BIOS (POST error)', 4: 'Idle', 5: 'Other' };
/** CIM_Processor.Family (DMTF; the values a vPro client shows). */
const FAMILIES: Record<number, string> = { 1: 'Other', 2: 'Unknown', 11: 'Pentium', 15: 'Celeron', 43: 'Atom', 179: 'Xeon', 198: 'Core i7', 205: 'Core i5', 206: 'Core i3', 207: 'Core i9' };
const CHEMISTRY: Record<number, string> = { 1: 'Other', 2: 'Unknown', 3: 'Lead acid', 4: 'Nickel cadmium', 5: 'Nickel metal hydride', 6: 'Lithium-ion', 7: 'Zinc air', 8: 'Lithium polymer' };
const SENSOR_TYPES: Record<number, string> = { 0: 'Unknown', 1: 'Other', 2: 'Temperature', 3: 'Voltage', 4: 'Current', 5: 'Tachometer', 6: 'Counter', 7: 'Switch', 8: 'Lock', 9: 'Humidity', 10: 'Smoke detection', 11: 'Presence', 12: 'Air flow', 13: 'Power consumption', 14: 'Power production', 15: 'Pressure', 16: 'Intrusion' };
const HEALTH: Record<number, string> = { 0: 'Unknown', 5: 'OK', 10: 'Degraded', 15: 'Minor', 20: 'Major', 25: 'Critical', 30: 'Non-recoverable' };
const ENABLED_STATES: Record<number, string> = { 0: 'Unknown', 1: 'Other', 2: 'Enabled', 3: 'Disabled', 4: 'Shutting down', 5: 'Not applicable', 6: 'Enabled but offline', 7: 'In test', 8: 'Deferred', 9: 'Quiesce', 10: 'Starting' };
