/**
 * Method outputs that are points in time, shown as a UTC date beside the raw value so a user can
 * read them. Epoch outputs are plain uint32 in the class schema, so they are listed by name:
 * AMT_TimeSynchronizationService.GetLowAccuracyTimeSynch's Ta0 is "the time in seconds since
 * 1/1/1970 (UTC)" (Intel AMT SDK, AMT_TimeSynchronizationService class reference).
 */
import type { WsValue } from '../../wsman/types';

const EPOCH_SECONDS: ReadonlySet<string> = new Set(['AMT_TimeSynchronizationService.GetLowAccuracyTimeSynch.Ta0']);

/** `2026-12-03 11:40:18 UTC`, or undefined when the text is not a date this knows how to read. */
export function dateOf(className: string, method: string, name: string, value: WsValue, type: string | undefined): string | undefined {
  if (typeof value === 'string' && EPOCH_SECONDS.has(`${className}.${method}.${name}`) && /^\d+$/.test(value)) return utc(Number(value) * 1000);
  const text = typeof value === 'object' && value !== null && 'value' in value && typeof value.value === 'string' ? value.value : type === 'datetime' && typeof value === 'string' ? value : undefined;
  if (text === undefined) return undefined;
  return cimDatetime(text) ?? (/^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(Date.parse(text)) ? utc(Date.parse(text)) : undefined);
}

/** DSP0004 datetime `yyyymmddhhmmss.mmmmmmsutc` (UTC offset in minutes); intervals (`:000`) are no dates. */
function cimDatetime(text: string): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\.\d{6}([+-])(\d{3})$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, sign, off] = m;
  const ms = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!) - (sign === '+' ? 1 : -1) * +off! * 60_000;
  return Number.isNaN(ms) ? undefined : utc(ms);
}

function utc(ms: number): string | undefined {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : `${d.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, '')} UTC`;
}
