/**
 * An instance as a document: the `amt:` URI that names it (device, class, selectors), reading it
 * as XML from the device, and saving it (plan the Put, then Put). The vscode FileSystemProvider
 * (instanceFs.ts) is a thin adapter over this.
 *
 * URI shape: `amt:/<device label>/<Class>/<instance name>.xml?<address as JSON>`. The path is what
 * the tab shows; the query carries the exact address, because selector values may hold any
 * character (slashes, nested references) that a path could not.
 */
import { Requests, type PropertyChange, type PutXmlResult } from '../../../server/src/protocol';
import type { Selectors } from '../../../server/src/wsman/types';
import type { Request } from './request';

export const INSTANCE_SCHEME = 'amt';
/** Read-only: the instance as the device has it now (left side of "Compare with Device"). */
export const DEVICE_SCHEME = 'amt-device';

export interface InstanceAddress {
  targetId: string;
  className: string;
  selectors: Selectors;
}

export function instanceUriParts(address: InstanceAddress, names: { device: string; instance: string }): { path: string; query: string } {
  const safe = (s: string) => s.replace(/[/\\:*?"<>|]+/g, '-').trim() || '-';
  return {
    path: `/${safe(names.device)}/${safe(address.className)}/${safe(names.instance)}.xml`,
    query: JSON.stringify({ t: address.targetId, c: address.className, s: address.selectors }),
  };
}

export function parseInstanceQuery(query: string): InstanceAddress {
  let parsed: { t?: unknown; c?: unknown; s?: unknown };
  try {
    parsed = JSON.parse(query) as typeof parsed;
  } catch {
    throw new Error('This amt: document address is damaged; open the instance again from the Classes view.');
  }
  if (typeof parsed.t !== 'string' || typeof parsed.c !== 'string' || typeof parsed.s !== 'object' || parsed.s === null) {
    throw new Error('This amt: document address names no device, class or selectors; open the instance again from the Classes view.');
  }
  return { targetId: parsed.t, className: parsed.c, selectors: parsed.s as Selectors };
}

export class InstanceDocuments {
  constructor(private readonly request: Request) {}

  /** The instance as XML, read from the device now. */
  async read(address: InstanceAddress): Promise<string> {
    return (await this.request(Requests.instanceXml, address)).xml;
  }

  /** What saving `xml` would change on the device (empty when nothing). */
  async plan(address: InstanceAddress, xml: string): Promise<PropertyChange[]> {
    return (await this.request(Requests.planPut, { ...address, xml })).changes;
  }

  /** Sends Put; the result holds the instance as the device reports it afterwards. */
  write(address: InstanceAddress, xml: string): Promise<PutXmlResult> {
    return this.request(Requests.putXml, { ...address, xml });
  }
}

/** `HostName: "" → "lab-7"`, one change per line. */
export function describeChanges(changes: readonly PropertyChange[]): string {
  return changes.map((c) => `${c.name}: ${c.before || '(absent)'} → ${c.after || '(absent)'}`).join('\n');
}
