/**
 * One firmware event-log record (AMT_MessageLog, decoded by server/src/features/log/records.ts)
 * as a readable Markdown document: what happened, then every decoded field with its raw code,
 * then the 21 record bytes. Field names follow the Intel AMT SDK's AMT_MessageLog record layout
 * (PET event data, ASF 2.0 / IPMI 2.0 platform event trap format).
 */
import type { LogRecord } from '../../../server/src/protocol';
import { newestFirst } from '../../../server/src/features/log/order';
import { infoNode, type TreeNode } from './tree';


const hex = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;

export function eventLogDocument(record: LogRecord, device: string, position: { index: number; total: number }): string {
  const r = record;
  const rows: [string, string][] = [
    ['Time', r.time ? `${r.time.replace('.000Z', 'Z')} (Unix ${r.timestamp})` : 'not decodable'],
    ['Severity', `${r.severity} (${r.severityCode})`],
    ['Event', `${r.event} (sensor type ${hex(r.sensorType)})`],
    ['Event type', hex(r.eventType)],
    ['Event offset', hex(r.eventOffset)],
    ['Source', `${r.source} (${hex(r.sourceType)})`],
    ['Entity', `${r.entity || 'none'} (instance ${r.entityInstance})`],
    ['Sensor number', String(r.sensorNumber)],
    ['Device address', hex(r.deviceAddress)],
    ['Event data', r.eventData.map(hex).join(' ')],
  ];
  return [
    `# ${r.description}`,
    '',
    `Event log record ${position.index + 1} of ${position.total} (1 is the newest) on ${device}.`,
    '',
    '| Field | Value |',
    '| --- | --- |',
    ...rows.map(([k, v]) => `| ${k} | ${v.replace(/\|/g, '\\|')} |`),
    '',
    '## Record bytes (base64)',
    '',
    '```',
    r.raw,
    '```',
    '',
  ].join('\n');
}

/**
 * Event-log records as rows, newest first (as event logs are read, and as `amtwb log` prints
 * them); a click opens the record with every decoded field (amt.eventLog.open).
 */
export function eventLogRows(records: readonly LogRecord[], base: string, targetId: string): TreeNode[] {
  return newestFirst(records).map((r, i) => ({
    ...infoNode(`${base}/${records.length - 1 - i}`, r.description, {
      description: `${r.time.replace('T', ' ').replace(/\.000Z$/, 'Z')} · ${r.severity}`,
      tooltip: `${r.description}\n${r.time}\nSeverity: ${r.severity}\nEntity: ${r.entity}\nClick to see every field of the record.`,
      icon: /critical|non-recoverable/i.test(r.severity) ? 'warning' : 'output',
      targetId,
    }),
    command: { id: 'amt.eventLog.open', title: 'Open Event Record', args: [targetId, r, i, records.length] },
  }));
}
