/**
 * amt/storage/*: firmware components (CIM_SoftwareIdentity) and third-party data storage (3PDS:
 * AMT_ThirdPartyDataStorageService and its administration service) for the Storage page and
 * `amtwb storage …` (features/storage/). Block bytes travel base64.
 */
import { RequestType } from 'vscode-languageserver-protocol';
import type { TargetParams } from './shared';

export interface SoftwareComponent { /** InstanceID, e.g. `AMT`, `Flash`, `Sku`. */ name: string; version: string; /** e.g. the SKU decoded. */ meaning?: string }

export interface StorageLimits {
  /** GetMTU: the most one ReadBlock/WriteBlock moves. */ mtu: number;
  /** GetGlobalStorageAttributes, by output name (TotalStorage, MaxFpaclEntries, …). */ global: Record<string, number>;
}

export interface StorageBlockView { handle: number; name: string; size: number; hidden: boolean; owner: number; /** One sentence when its attributes could not be read. */ problem?: string }

export interface StorageApplicationView {
  handle: number; uuid: string; applicationName: string; vendorName: string; enterpriseName: string;
  allocated: number; activeSession: boolean; partner: boolean;
  /** Visible blocks (only the workbench's own application's, and other vendors' are not listed). */ blocks: StorageBlockView[];
}

export interface StorageEnterpriseView { handle: number; name: string }
export interface StorageAllocationView { handle: number; applicationName: string; vendorName: string; partner: boolean; totalAllocationSize: number }

export interface StorageReport {
  software: SoftwareComponent[];
  /** False when the device serves no 3PDS (AMT 12 and later drop it); then only `software` is set. */ available: boolean;
  /** One sentence why 3PDS cannot be shown, when `available` is false. */ unavailable?: string;
  limits?: StorageLimits;
  enterprises: StorageEnterpriseView[];
  allocations: StorageAllocationView[];
  applications: StorageApplicationView[];
  /** The identity the workbench registers as (vendor, application, enterprise). */ identity: { vendorName: string; applicationName: string; enterpriseName: string };
  /** The workbench's own application handle, once it has registered. */ ownHandle?: number;
  /** Bytes the workbench's application may still allocate. */ bytesAvailable?: number;
}

export interface StorageAllocateParams extends TargetParams { name: string; size: number; hidden?: boolean }
export interface StorageBlockParams extends TargetParams { block: number }
export interface StorageReadParams extends StorageBlockParams { offset?: number; count?: number }
export interface StorageWriteParams extends StorageBlockParams { offset?: number; /** base64 of the bytes to write. */ data: string }
export interface StorageReadResult { block: number; offset: number; /** base64. */ data: string }
export interface StorageWriteResult { block: number; offset: number; bytesWritten: number; /** WriteBlock calls sent (one per MTU). */ calls: number }
export interface StorageAllocateResult { block: number; name: string; size: number }
export interface StorageEnterpriseParams extends TargetParams { name?: string }
export interface StorageRemoveAppParams extends TargetParams { application: number }

export const StorageRequests = {
  /** Firmware components, 3PDS limits, enterprises, allocations, applications and their blocks. */ report: new RequestType<TargetParams, StorageReport, void>('amt/storage/report'),
  /** AddStorageEaclEntry for the workbench's enterprise (or `name`). */ addEnterprise: new RequestType<StorageEnterpriseParams, StorageEnterpriseView, void>('amt/storage/addEnterprise'),
  /** AllocateBlock as the workbench's application. */ allocate: new RequestType<StorageAllocateParams, StorageAllocateResult, void>('amt/storage/allocate'),
  /** ReadBlock in MTU-sized pieces. */ read: new RequestType<StorageReadParams, StorageReadResult, void>('amt/storage/read'),
  /** WriteBlock in MTU-sized pieces; refused before sending when it does not fit the block. */ write: new RequestType<StorageWriteParams, StorageWriteResult, void>('amt/storage/write'),
  /** DeallocateBlock. */ free: new RequestType<StorageBlockParams, void, void>('amt/storage/free'),
  /** AdminRemoveApplication. */ removeApplication: new RequestType<StorageRemoveAppParams, void, void>('amt/storage/removeApplication'),
} as const;
