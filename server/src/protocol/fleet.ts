/**
 * amt/fleet/*: devices behind Intel's MPS (the Fleet view). The MPS password travels only in
 * addServer (the editor keeps it in SecretStorage); the backend holds the JWT in memory.
 * Bulk reads report progress with amt/fleet/progress and stop when the request is cancelled.
 */
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';

export interface FleetServer {
  /** The normalized MPS address, `http://HOST:PORT`. */
  id: string;
  url: string;
  user: string;
  connected: boolean;
  error?: string;
}

export interface FleetDevice {
  guid: string;
  hostname: string;
  friendlyName?: string;
  connected: boolean;
  tags: string[];
  firmware?: string;
  lastSeen?: string;
  /** `mps://HOST:PORT/GUID`, the device's id once opened in the Devices view. */
  target: string;
}

export interface FleetAddServerParams { url: string; user: string; password: string }
export interface FleetServerParams { serverId: string }
export interface FleetDevicesParams { serverId: string; tag?: string; text?: string; connected?: boolean; page?: number; pageSize?: number }
export interface FleetDevicesResult { rows: FleetDevice[]; total: number; page: number; pageSize: number }

export interface FleetBulkItem { guid: string; ok: boolean; value?: number; label?: string; error?: string }
export interface FleetBulkResult { items: FleetBulkItem[]; cancelled: boolean }
export interface FleetPowerStatesParams { serverId: string; tag?: string; guids?: string[]; progressToken?: string }
export interface FleetPowerActionParams {
  serverId: string;
  guids: string[];
  /** on, off, cycle, reset, soft-off, soft-reset */
  action: 'on' | 'off' | 'cycle' | 'reset' | 'soft-off' | 'soft-reset';
  /** Must equal guids.length: the user confirmed this many devices. */
  confirmCount: number;
  progressToken?: string;
}
export interface FleetProgress { token: string; done: number; total: number; item: FleetBulkItem }
export interface FleetOpenDeviceParams { serverId: string; guid: string; label?: string }

export const FleetRequests = {
  servers: new RequestType<Record<string, never>, FleetServer[], void>('amt/fleet/servers'),
  addServer: new RequestType<FleetAddServerParams, FleetServer, void>('amt/fleet/addServer'),
  removeServer: new RequestType<FleetServerParams, null, void>('amt/fleet/removeServer'),
  devices: new RequestType<FleetDevicesParams, FleetDevicesResult, void>('amt/fleet/devices'),
  powerStates: new RequestType<FleetPowerStatesParams, FleetBulkResult, void>('amt/fleet/powerStates'),
  powerAction: new RequestType<FleetPowerActionParams, FleetBulkResult, void>('amt/fleet/powerAction'),
  /** Adds the device to the device list as an mps:// target (every feature then works on it); returns its target id. */
  openDevice: new RequestType<FleetOpenDeviceParams, { targetId: string }, void>('amt/fleet/openDevice'),
} as const;

export const FleetNotifications = {
  progress: new NotificationType<FleetProgress>('amt/fleet/progress'),
} as const;
