/**
 * The snapshot file (docs/snapshot-format.md): one JSON document holding, per class the device
 * serves, every instance as plain JSON and as the XML the device sent; classes the device refused
 * with their fault; the names of the classes it does not serve. Classes are written in name order
 * and instances in key order, so two snapshots of an unchanged device differ only where values do.
 */
import { AmtError } from '../../errors';
import type { Fault } from '../../protocol';
import type { JsonValue } from '../instances/json';

export const SNAPSHOT_FORMAT = 'amt-workbench-snapshot';
export const SNAPSHOT_VERSION = 1;

export interface SnapshotDevice {
  /** The name the user gave the device (or the simulator's). */ label: string;
  url?: string;
  productVendor?: string;
  productVersion?: string;
  /** The HTTP Server header (firmware version). */ server?: string;
}

export interface SnapshotInstance {
  /** The instance's key properties as one line (`Class?Key=Value&…`), unique within its class. */ key: string;
  /** Properties in wire order, as plain JSON (instances/json.ts). */ properties: Record<string, JsonValue>;
  /** The instance element as the device wrote it, with the namespace declarations it inherited. */ xml: string;
}

export interface SnapshotClass {
  resourceUri: string;
  /** Absent when the device refused the class (`fault`). */ instances?: SnapshotInstance[];
  /** Why the device refused to enumerate it (access denied, an internal error, …). */ fault?: Fault;
}

export interface Snapshot {
  format: typeof SNAPSHOT_FORMAT;
  version: number;
  /** ISO 8601, UTC. */ takenAt: string;
  device: SnapshotDevice;
  /** Class name → what the device answered; sorted by name. */ classes: Record<string, SnapshotClass>;
  /** Catalog classes the device answered with "not served", sorted. */ notServed: string[];
}

/** The file's text: two-space JSON, classes sorted, a final newline. */
export function serializeSnapshot(s: Snapshot): string {
  const classes: Record<string, SnapshotClass> = {};
  for (const name of Object.keys(s.classes).sort(byCode)) classes[name] = s.classes[name]!;
  const ordered: Snapshot = { format: s.format, version: s.version, takenAt: s.takenAt, device: s.device, classes, notServed: [...s.notServed].sort(byCode) };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/** Reads a snapshot file's text; `file` names it in the one-sentence error. */
export function parseSnapshot(text: string, file = 'the snapshot'): Snapshot {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message.replace(/\.$/, '') : String(err);
    throw new AmtError('args.file', `${file} is not valid JSON (${why}), so it is no AMT Workbench snapshot; give a file written by "Save Device Snapshot" or "amtwb snapshot save".`, { cause: err });
  }
  const o = doc as Partial<Snapshot> | null;
  if (!o || typeof o !== 'object' || o.format !== SNAPSHOT_FORMAT) {
    throw new AmtError('args.file', `${file} is JSON but not an AMT Workbench snapshot (no "format": "${SNAPSHOT_FORMAT}"); give a file written by "Save Device Snapshot" or "amtwb snapshot save".`);
  }
  if (typeof o.version !== 'number' || o.version > SNAPSHOT_VERSION) {
    throw new AmtError('args.file', `${file} is a snapshot of format version ${String(o.version)}, newer than this AMT Workbench reads (${SNAPSHOT_VERSION}); update AMT Workbench.`);
  }
  if (!o.classes || typeof o.classes !== 'object' || !o.device || typeof o.device !== 'object') {
    throw new AmtError('args.file', `${file} lacks its "device" or "classes" part, so it was cut short or edited; save the snapshot again.`);
  }
  for (const [name, cls] of Object.entries(o.classes)) {
    const bad = !cls || typeof cls !== 'object' || (cls.instances !== undefined && !Array.isArray(cls.instances)) ||
      (cls.instances ?? []).some((i) => !i || typeof i.key !== 'string' || !i.properties || typeof i.properties !== 'object');
    if (bad) throw new AmtError('args.file', `The class ${name} in ${file} is damaged (its instances need a "key" and "properties" each); save the snapshot again.`);
  }
  return { format: SNAPSHOT_FORMAT, version: o.version, takenAt: String(o.takenAt ?? ''), device: o.device, classes: o.classes, notServed: Array.isArray(o.notServed) ? o.notServed.map(String) : [] };
}

/** Code-unit order, the same on every machine (localeCompare is not). */
export function byCode(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
