/**
 * Reads the firmware event log (AMT_MessageLog): PositionToFirstRecord, then GetRecords until
 * NoMoreRecords, each record decoded once (records.ts). Oldest first, as the device keeps them.
 */
import type { LogRecord } from '../../protocol';
import type { WsValue } from '../../wsman/types';
import { decodeLogRecord } from './records';

export interface LogClient {
  invoke(
    cls: string,
    method: string,
    input: Record<string, string>,
    selectors?: undefined,
    call?: { signal?: AbortSignal },
  ): Promise<{ returnValue: number; returnMeaning: string; output: Record<string, WsValue> }>;
}

/** Records per GetRecords call: what MeshCommander asks for (the log's usual capacity). */
const MAX_READ = 390;
/** A bound on the loop, should a device never say NoMoreRecords. */
const MAX_CALLS = 50;

/** Reads the whole log, oldest first. An empty log is no error (GetRecords/Position say "no record"). */
export async function readMessageLog(client: LogClient, signal?: AbortSignal): Promise<LogRecord[]> {
  const first = await client.invoke('AMT_MessageLog', 'PositionToFirstRecord', {}, undefined, { signal });
  if (first.returnValue !== 0) return [];
  let iteration = text(first.output.IterationIdentifier) ?? '1';
  const records: LogRecord[] = [];
  for (let call = 0; call < MAX_CALLS; call++) {
    const page = await client.invoke('AMT_MessageLog', 'GetRecords', { IterationIdentifier: iteration, MaxReadRecords: String(MAX_READ) }, undefined, { signal });
    if (page.returnValue !== 0) break;
    const raw = page.output.RecordArray;
    for (const r of Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]) {
      if (typeof r === 'string' && r.trim() !== '') records.push(decodeLogRecord(r.trim()));
    }
    iteration = text(page.output.IterationIdentifier) ?? iteration;
    if (text(page.output.NoMoreRecords) !== 'false') break;
  }
  return records;
}

function text(v: WsValue | undefined): string | undefined {
  return typeof v === 'string' ? v.trim() : undefined;
}
