/** Text for `amtwb fleet` (the Fleet view draws the same rows as a tree). */
import type { FleetPage } from './devices';
import type { BulkResult } from './bulk';

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

export function renderFleetPage(p: FleetPage): string {
  const rows = p.rows.map((r) => [r.guid, r.hostname || '-', r.connected ? 'connected' : 'disconnected', r.tags.join(',') || '-', r.firmware ?? '-', r.lastSeen ?? '-']);
  const first = p.page * p.pageSize;
  const shown = p.rows.length ? `devices ${first + 1}-${first + p.rows.length} of ${p.total}` : `no devices (of ${p.total})`;
  return `${table(['GUID', 'HOST', 'STATUS', 'TAGS', 'FIRMWARE', 'LAST SEEN'], rows)}\n${shown}`;
}

export function renderBulk(r: BulkResult, hostnames: Map<string, string> = new Map()): string {
  const rows = r.items.map((i) => [i.guid, hostnames.get(i.guid) ?? '-', i.ok ? (i.label ?? String(i.value)) : `error: ${i.error}`]);
  const failed = r.items.filter((i) => !i.ok).length;
  const summary = `${r.items.length - failed} ok, ${failed} failed${r.cancelled ? ', cancelled before the rest' : ''}`;
  return `${table(['GUID', 'HOST', 'RESULT'], rows)}\n${summary}`;
}
