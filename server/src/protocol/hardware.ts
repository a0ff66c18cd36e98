/**
 * amt/hardware/*: the hardware inventory page and `amtwb hardware` (features/hardware/). The CIM
 * inventory classes MeshCommander's hardware page reads, the SMBIOS asset tables decoded, and the
 * sensors and fans the device serves.
 */
import { RequestType } from 'vscode-languageserver-protocol';
import type { TargetParams } from './shared';

/** One block of the page: `Platform`, `Processor 1`, `Memory module 2`, … with label/value rows. */
export interface HardwareSection {
  /** Stable id: `platform`, `baseboard`, `bios`, `cpu-0`, `memory-1`, `disk-0`, `battery`. */ id: string;
  title: string;
  rows: Array<[label: string, value: string]>;
}

export interface SmbiosStructureView {
  type: number; typeName: string; handle: number; length: number;
  fields: Array<readonly [label: string, value: string]>; strings: string[];
  /** One sentence when the structure is not what its type says. */ problem?: string;
}

export interface AssetTableView {
  instanceId: string; tableType: number; /** e.g. `SMbios:130`. */ tableTypeInfo: string;
  /** Bytes of TableData. */ size: number; structures: SmbiosStructureView[];
}

export interface SensorView { kind: 'sensor' | 'fan'; id: string; name: string; state: string; health: string; detail: string }

export interface HardwareReport {
  /** Where the data comes from (the BIOS's SMBIOS snapshot, refreshed at boot). */ note: string;
  sections: HardwareSection[];
  /** AMT_AssetTableService.TableTypes. */ tableTypes: string[];
  assetTables: AssetTableView[];
  sensors: SensorView[];
  /** Classes the device does not serve (a WS-Man fault), e.g. `CIM_Battery`. */ notServed: string[];
  /** When it was read (ISO time, backend clock). */ readAt: string;
}

export interface HardwareRefreshResult { returnValue: number; returnMeaning: string; message: string }

export const HardwareRequests = {
  /** Reads the whole inventory (one Get or Enumerate per class). */ report: new RequestType<TargetParams, HardwareReport, void>('amt/hardware/report'),
  /** AMT_AssetTableService.RequestMediaDeviceTableUpdate: the BIOS refreshes the media table at its next boot. */
  requestMediaUpdate: new RequestType<TargetParams, HardwareRefreshResult, void>('amt/hardware/requestMediaUpdate'),
} as const;
