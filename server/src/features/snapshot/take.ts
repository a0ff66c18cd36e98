/**
 * Taking a snapshot: for every class of the catalog one plain Enumerate (objects, no EPRs) tells
 * whether the device serves it — the same question probe.ts asks — and, when it does, starts the
 * enumeration that Pulls then finish. Each reply is read twice: parsed for the instances' values,
 * and cut into the items' own XML (raw.ts). A few classes go at once (AMT serves few connections);
 * progress is reported after each class; the signal stops it all, and then nothing is returned.
 * A class the device refuses for any other reason than "not served" is kept with its fault.
 */
import { Catalog } from '../../catalog/catalog';
import { buildEnumerate, buildPull } from '../../wsman/envelope';
import { CancelledError, ProtocolError } from '../../wsman/errors';
import { WsmanFaultError, faultFromEnvelope } from '../../wsman/faults';
import { parseEnumeration, type ParsedEnvelope } from '../../wsman/parse';
import type { WsmanClient } from '../../wsman/client';
import type { Instance } from '../../wsman/types';
import { identifySummary, instanceToJson } from '../instances/json';
import { faultOf } from '../instances/operations';
import { refOfInstance } from '../instances/views';
import { byCode, SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type Snapshot, type SnapshotClass, type SnapshotDevice, type SnapshotInstance } from './format';
import { itemSlices, standalone } from './raw';
import { instanceToXml } from '../instances/xml';

/** Classes enumerated at once: within the WS-Man client's three connections, one waiting. */
export const SNAPSHOT_CONCURRENCY = 4;
/** Instances per Pull: what AMT firmware returns comfortably in one reply. */
const PULL_MAX_ELEMENTS = 100;

export interface TakeProgress {
  /** Classes answered so far, of `total`. */ done: number;
  total: number;
  /** The class just answered. */ className: string;
  /** Instances read so far, all classes together. */ instances: number;
}

export interface TakeOptions {
  device: SnapshotDevice;
  signal: AbortSignal;
  onProgress?: (p: TakeProgress) => void;
  /** Default: every class of the catalog. */ classNames?: readonly string[];
  concurrency?: number;
  catalog?: Catalog;
  /** The clock, for takenAt. */ now?: () => Date;
}

/** The faults by which AMT says it has no provider for a class (DSP0226 §14.6). */
export function meansNotServed(subcode: string): boolean {
  return /DestinationUnreachable|ActionNotSupported|InvalidResourceURI|NotSupported/i.test(subcode);
}

export async function takeSnapshot(client: WsmanClient, o: TakeOptions): Promise<Snapshot> {
  const catalog = o.catalog ?? Catalog.default();
  const names = [...(o.classNames ?? catalog.listClasses().map((c) => c.name))].sort(byCode);
  const signal = o.signal;
  if (signal.aborted) throw new CancelledError('The snapshot was cancelled, so nothing was saved.');
  const id = await identifySummary(client, { signal }).catch((err) => {
    if (err instanceof WsmanFaultError) return undefined; // some firmware refuses Identify when authenticated; the classes still tell
    throw err;
  });
  const takenAt = (o.now ?? (() => new Date()))().toISOString();
  const classes: Record<string, SnapshotClass> = {};
  const notServed: string[] = [];
  const queue = [...names];
  let done = 0;
  let instances = 0;
  const worker = async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      if (signal.aborted) return;
      const result = await readClass(client, name, catalog, signal);
      if (signal.aborted) return;
      if (result === 'not-served') notServed.push(name);
      else {
        classes[name] = result;
        instances += result.instances?.length ?? 0;
      }
      done++;
      o.onProgress?.({ done, total: names.length, className: name, instances });
    }
  };
  const cancelled = () => new CancelledError('The snapshot was cancelled, so nothing was saved.');
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency ?? SNAPSHOT_CONCURRENCY, names.length)) }, worker)).catch((err) => {
    throw signal.aborted ? cancelled() : err; // the requests in flight end with their own "cancelled"
  });
  if (signal.aborted) throw cancelled();
  const device: SnapshotDevice = {
    ...o.device,
    ...(id ? { productVendor: id.productVendor, productVersion: id.productVersion } : {}),
    ...(id?.server ? { server: id.server } : {}),
  };
  return { format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, takenAt, device, classes, notServed: notServed.sort(byCode) };
}

/** One class: its instances sorted by key, its fault, or "not served". */
async function readClass(client: WsmanClient, className: string, catalog: Catalog, signal: AbortSignal): Promise<SnapshotClass | 'not-served'> {
  const uri = catalog.getClass(className).resourceUri;
  const items: SnapshotInstance[] = [];
  let context: string | undefined;
  try {
    let page = await exchange(client, buildEnumerate(uri), uri, signal);
    for (;;) {
      items.push(...pageInstances(page, uri, catalog));
      context = page.page.context && !page.page.endOfSequence ? page.page.context : undefined;
      if (!context) break;
      if (signal.aborted) {
        await client.release(uri, context).catch(() => undefined); // frees the firmware's enumeration slot
        throw new CancelledError();
      }
      page = await exchange(client, buildPull(uri, context, { maxElements: PULL_MAX_ELEMENTS }), uri, signal);
    }
  } catch (err) {
    if (!(err instanceof WsmanFaultError)) throw err;
    if (items.length === 0 && meansNotServed(err.subcode)) return 'not-served';
    if (context) await client.release(uri, context).catch(() => undefined);
    return { resourceUri: uri, fault: faultOf(err) };
  }
  return { resourceUri: uri, instances: uniqueKeys(items).sort((a, b) => byCode(a.key, b.key)) };
}

interface Page {
  page: ReturnType<typeof parseEnumeration>;
  /** The reply's text, for the items' own XML. */ text: string;
  envelope: ParsedEnvelope;
}

/** One Enumerate or Pull sent as written, with the reply's text kept. Faults throw WsmanFaultError. */
async function exchange(client: WsmanClient, xml: string, uri: string, signal: AbortSignal): Promise<Page> {
  const res = await client.sendRaw(xml, { signal });
  if (!res.envelope) {
    throw new ProtocolError(`The device answered an Enumerate of ${uri} with HTTP ${res.status} and no SOAP envelope; check that the address belongs to an AMT device.`, res.status);
  }
  const fault = faultFromEnvelope(res.envelope, { httpStatus: res.status, resourceUri: uri });
  if (fault) throw fault;
  return { page: parseEnumeration(res.envelope), text: res.xml, envelope: res.envelope };
}

function pageInstances(p: Page, uri: string, catalog: Catalog): SnapshotInstance[] {
  const slices = itemSlices(p.text);
  const els = itemElements(p.envelope);
  return p.page.items.flatMap((item, i) => {
    if (!item.instance) return [];
    const el = els[i];
    // The slices match the parsed items one to one; should they not, the instance is written out from its values.
    const xml = slices.length === els.length && el ? standalone(slices[i]!, el) : instanceToXml(item.instance, uri).replace(/^<\?xml[^>]*>\n/, '').trimEnd();
    return [{ key: keyOf(item.instance, uri, catalog), properties: instanceToJson(item.instance), xml }];
  });
}

function itemElements(env: ParsedEnvelope) {
  const body = env.body.children[0];
  return body?.children.find((c) => c.local === 'Items')?.children ?? [];
}

function keyOf(instance: Instance, uri: string, catalog: Catalog): string {
  return refOfInstance(instance, undefined, catalog, uri).text;
}

/** Instances whose keys do not tell them apart (a class without keys) are numbered in wire order. */
function uniqueKeys(items: SnapshotInstance[]): SnapshotInstance[] {
  const seen = new Map<string, number>();
  for (const it of items) seen.set(it.key, (seen.get(it.key) ?? 0) + 1);
  const counters = new Map<string, number>();
  return items.map((it) => {
    if (seen.get(it.key) === 1) return it;
    const n = (counters.get(it.key) ?? 0) + 1;
    counters.set(it.key, n);
    return { ...it, key: `${it.key}#${n}` };
  });
}
