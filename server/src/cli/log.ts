/**
 * `amtwb [--target …] log [--json]` — the firmware event log (AMT_MessageLog), newest first as the
 * editor's Event log lists it (features/log/order.ts), one line per record: time, severity,
 * source, event and what happened (features/log/).
 */
import { parseArgs } from 'node:util';
import { parseArgsError } from './usage';
import { newestFirst, readMessageLog } from '../features/log';
import type { LogRecord as DecodedLogRecord } from '../protocol';
import type { CliIo } from './feature-commands';

export async function runLogCli(args: readonly string[], io: CliIo): Promise<number> {
  let json = false;
  try {
    const { values, positionals } = parseArgs({ args: [...args], options: { json: { type: 'boolean' } }, allowPositionals: true, strict: true });
    if (positionals.length) throw new Error(`"log" takes no arguments, but "${positionals.join(' ')}" was given`);
    json = values.json ?? false;
  } catch (err) {
    throw parseArgsError(err, 'write amtwb log [--json]');
  }
  const client = await io.connect();
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
