/**
 * Instances as plain JSON (the CLI's --json output): text stays text, a reference becomes
 * `{address, resourceUri, selectors}`, a datetime its text; and the Identify summary.
 */
import type { CimDatetime, EndpointReference, Instance, WsValue } from '../../wsman/types';
import { isDatetime, isEpr } from '../../wsman/types';
import type { IdentifyInfo } from '../../wsman/client';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}


/** Identify plus the HTTP Server header (which carries the firmware version). */
export async function identifySummary(
  client: { identify(call?: CallOptions): Promise<Omit<IdentifyInfo, 'server'>>; readonly serverHeader?: string },
  call: CallOptions = {},
): Promise<IdentifyInfo> {
  const id = await client.identify(call);
  const server = client.serverHeader;
  return { ...id, ...(server ? { server } : {}) };
}

/** A property value as plain JSON: text stays text, a reference becomes `{resourceUri, selectors}`, a datetime its text. */
export function valueToJson(v: WsValue): JsonValue {
  if (v === null || typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(valueToJson);
  if (isEpr(v)) return eprToJson(v);
  if (isDatetime(v)) return (v as CimDatetime).value;
  const out: { [key: string]: JsonValue } = {};
  for (const [k, x] of Object.entries(v as Record<string, WsValue>)) out[k] = valueToJson(x);
  return out;
}

export function eprToJson(epr: EndpointReference): { [key: string]: JsonValue } {
  const selectors: { [key: string]: JsonValue } = {};
  for (const [k, s] of Object.entries(epr.selectors)) selectors[k] = typeof s === 'string' ? s : eprToJson(s);
  return { address: epr.address, resourceUri: epr.resourceUri, selectors };
}

/** An instance as `{ Property: value }` in wire order. */
export function instanceToJson(instance: Instance): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  for (const [k, v] of Object.entries(instance.properties)) out[k] = valueToJson(v);
  return out;
}

