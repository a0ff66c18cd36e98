/**
 * `amtwb [--target …] log [--audit] [--json]` — the firmware event log (AMT_MessageLog), newest
 * first as the editor's Event log lists it (features/log/order.ts), one line per record: time,
 * severity, source, event and what happened (features/log/). With --audit, the audit log
 * (AMT_AuditLog), newest first too: time, application, event, initiator, address, details.
 */
import { parseArgs } from 'node:util';
import { parseArgsError } from './usage';
import { newestFirst, readAuditLog, readMessageLog } from '../features/log';
import type { AuditLogInfo, LogRecord as DecodedLogRecord } from '../protocol';
import type { CliIo } from './feature-commands';

export async function runLogCli(args: readonly string[], io: CliIo): Promise<number> {
  let json = false;
  let auditLog = false;
  try {
    const { values, positionals } = parseArgs({ args: [...args], options: { json: { type: 'boolean' }, audit: { type: 'boolean' } }, allowPositionals: true, strict: true });
    if (positionals.length) throw new Error(`"log" takes no arguments, but "${positionals.join(' ')}" was given`);
    json = values.json ?? false;
    auditLog = values.audit ?? false;
  } catch (err) {
    throw parseArgsError(err, 'write amtwb log [--audit] [--json]');
  }
  const client = await io.connect();
  if (auditLog) {
    const info = await readAuditLog(client, { signal: io.signal });
    const shown = { ...info, records: newestFirst(info.records) };
    await io.out(json ? JSON.stringify(shown, null, 2) : formatAuditLog(shown));
    return 0;
  }
  const records = newestFirst(await readMessageLog(client, io.signal));
  await io.out(json ? JSON.stringify(records, null, 2) : formatLog(records));
  return 0;
}

export function formatLog(records: readonly DecodedLogRecord[]): string {
  if (records.length === 0) return 'The event log is empty.';
  const rows = records.map((r) => [r.time.replace('.000Z', 'Z'), r.severity, r.source, r.event, `${r.description}${r.entity ? ` (${r.entity})` : ''}`]);
  const head = ['TIME', 'SEVERITY', 'SOURCE', 'EVENT', 'DESCRIPTION'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

export function formatAuditLog(info: AuditLogInfo): string {
  const state = [info.state, info.percentageFree !== undefined ? `${info.percentageFree}% free` : undefined].filter(Boolean).join(', ');
  const head = `Audit log: ${info.total} record${info.total === 1 ? '' : 's'}${state ? ` (${state})` : ''}`;
  if (info.records.length === 0) return `${head}\nThe audit log is empty.`;
  const rows = info.records.map((r) => [r.time.replace('.000Z', 'Z'), r.application, `${r.event} ${r.description}`, r.initiator, r.address || '-', r.details]);
  const cells = [['TIME', 'APPLICATION', 'EVENT', 'INITIATOR', 'ADDRESS', 'DETAILS'], ...rows];
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return [head, ...cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '))].join('\n');
}
