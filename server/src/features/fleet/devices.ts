/**
 * The device list of one MPS as the Fleet view and `amtwb fleet list` show it: one row per device
 * with its connection status, host name, tags, firmware and last-seen time, filtered by tag, status
 * or text, a page at a time (MPS's $top/$skip; the total from $count).
 */
import type { FleetDevice } from '../../protocol';
import type { MpsClient, MpsDevice } from '../../targets/mps';

/** One device row (the protocol's shape, shared by the CLI and the Fleet view). */
export type FleetDeviceRow = FleetDevice;

export interface FleetQuery {
  tag?: string;
  connected?: boolean;
  /** Host name filter (MPS matches it exactly); text matching is done here on the page. */
  hostname?: string;
  /** Case-insensitive substring of host name, friendly name, GUID or a tag. */
  text?: string;
  page?: number;
  pageSize?: number;
}

export interface FleetPage {
  rows: FleetDeviceRow[];
  total: number;
  page: number;
  pageSize: number;
}

export function deviceRow(client: MpsClient, d: MpsDevice): FleetDeviceRow {
  const info = d.deviceInfo ?? undefined;
  const firmware = info?.fwVersion ? `${info.fwVersion}${info.fwBuild ? ` (build ${info.fwBuild})` : ''}` : undefined;
  const seen = d.lastSeen ?? (d.connectionStatus ? d.lastConnected : d.lastDisconnected) ?? undefined;
  return {
    guid: d.guid,
    hostname: d.hostname,
    ...(d.friendlyName ? { friendlyName: d.friendlyName } : {}),
    connected: d.connectionStatus,
    tags: d.tags,
    ...(firmware ? { firmware } : {}),
    ...(seen ? { lastSeen: seen } : {}),
    target: `mps://${client.url.replace(/^https?:\/\//, '')}/${d.guid}`,
  };
}

export async function listFleet(client: MpsClient, q: FleetQuery = {}, signal?: AbortSignal): Promise<FleetPage> {
  const pageSize = Math.max(1, Math.min(q.pageSize ?? 100, 1000));
  const page = Math.max(0, q.page ?? 0);
  const { devices, total } = await client.devices({
    top: pageSize,
    skip: page * pageSize,
    ...(q.tag ? { tags: [q.tag] } : {}),
    ...(q.connected !== undefined ? { connected: q.connected } : {}),
    ...(q.hostname ? { hostname: q.hostname } : {}),
  }, signal);
  const text = q.text?.toLowerCase();
  const rows = devices
    .map((d) => deviceRow(client, d))
    .filter((r) => !text || [r.hostname, r.friendlyName ?? '', r.guid, ...r.tags].some((v) => v.toLowerCase().includes(text)));
  return { rows, total, page, pageSize };
}

/** Every device (all pages) matching the query; for bulk actions. */
export async function allDevices(client: MpsClient, q: Omit<FleetQuery, 'page' | 'pageSize'> = {}, signal?: AbortSignal): Promise<FleetDeviceRow[]> {
  const rows: FleetDeviceRow[] = [];
  for (let page = 0; ; page++) {
    const p = await listFleet(client, { ...q, page, pageSize: 500 }, signal);
    rows.push(...p.rows);
    if ((page + 1) * p.pageSize >= p.total) return rows;
  }
}
