/**
 * Two snapshots compared class by class, instance by instance (matched by key), property by
 * property. Values compare as their JSON; what they show is the renderer's text (value-map labels
 * and all). Volatile values (volatile.ts) are never changes: where they moved they are listed as
 * "volatile, not compared".
 */
import { Catalog } from '../../catalog/catalog';
import type { SnapshotChange, SnapshotDiff, SnapshotVolatile } from '../../protocol';
import { byCode, type Snapshot, type SnapshotClass, type SnapshotInstance } from './format';
import { sideOf, valueLabelText } from './render';
import { volatility } from './volatile';

export function diffSnapshots(before: Snapshot, after: Snapshot, names: { before: string; after: string }, catalog = Catalog.default()): SnapshotDiff {
  const vol = volatility(catalog);
  const changes: SnapshotChange[] = [];
  const moved: SnapshotVolatile[] = [];
  const classNames = [...new Set([...Object.keys(before.classes), ...Object.keys(after.classes)])].sort(byCode);
  for (const cls of classNames) {
    const a = before.classes[cls];
    const b = after.classes[cls];
    if (!a || !b) {
      const present = (a ?? b)!;
      const count = present.instances ? `${present.instances.length} instance${present.instances.length === 1 ? '' : 's'}` : `refused: ${present.fault?.subcode ?? ''}`;
      changes.push(a ? { kind: 'class-removed', className: cls, before: count, after: 'not served' } : { kind: 'class-added', className: cls, before: 'not served', after: count });
      continue;
    }
    if (a.fault || b.fault) {
      if (a.fault && b.fault) {
        if (a.fault.subcode !== b.fault.subcode) changes.push({ kind: 'class-refused', className: cls, before: a.fault.subcode, after: b.fault.subcode });
      } else if (b.fault) changes.push({ kind: 'class-refused', className: cls, before: countText(a), after: `refused: ${b.fault.subcode} (${b.fault.message})` });
      else changes.push({ kind: 'class-readable', className: cls, before: `refused: ${a.fault!.subcode}`, after: countText(b) });
      continue;
    }
    const classReason = vol.classReason(cls);
    if (classReason) {
      if (!sameInstances(a, b)) moved.push({ className: cls, reason: classReason, before: countText(a), after: countText(b) });
      continue;
    }
    diffInstances(cls, a.instances ?? [], b.instances ?? [], changes, moved, vol, catalog);
  }
  return { same: changes.length === 0, before: sideOf(before, names.before), after: sideOf(after, names.after), changes, volatile: moved };
}

function diffInstances(
  cls: string,
  as: readonly SnapshotInstance[],
  bs: readonly SnapshotInstance[],
  changes: SnapshotChange[],
  moved: SnapshotVolatile[],
  vol: ReturnType<typeof volatility>,
  catalog: Catalog,
): void {
  const byKey = (list: readonly SnapshotInstance[]) => new Map(list.map((i) => [i.key, i]));
  const am = byKey(as);
  const bm = byKey(bs);
  const keys = [...new Set([...am.keys(), ...bm.keys()])].sort(byCode);
  for (const key of keys) {
    const a = am.get(key);
    const b = bm.get(key);
    if (!a) {
      changes.push({ kind: 'instance-added', className: cls, instance: key });
      continue;
    }
    if (!b) {
      changes.push({ kind: 'instance-removed', className: cls, instance: key });
      continue;
    }
    const props = [...Object.keys(a.properties), ...Object.keys(b.properties).filter((p) => !(p in a.properties))];
    for (const p of props) {
      const inA = Object.prototype.hasOwnProperty.call(a.properties, p);
      const inB = Object.prototype.hasOwnProperty.call(b.properties, p);
      const va = inA ? JSON.stringify(a.properties[p]) : undefined;
      const vb = inB ? JSON.stringify(b.properties[p]) : undefined;
      if (va === vb) continue;
      const text = (i: SnapshotInstance) => valueLabelText(catalog, cls, p, i.properties[p]!);
      const reason = vol.propertyReason(cls, p);
      const before = inA ? text(a) : undefined;
      const after = inB ? text(b) : undefined;
      if (reason) {
        moved.push({ className: cls, instance: key, property: p, reason, ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) });
        continue;
      }
      const kind = !inA ? 'property-added' : !inB ? 'property-removed' : 'property-changed';
      changes.push({ kind, className: cls, instance: key, property: p, ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) });
    }
  }
}

function countText(c: SnapshotClass): string {
  const n = c.instances?.length ?? 0;
  return `${n} instance${n === 1 ? '' : 's'}`;
}

function sameInstances(a: SnapshotClass, b: SnapshotClass): boolean {
  return JSON.stringify((a.instances ?? []).map((i) => [i.key, i.properties])) === JSON.stringify((b.instances ?? []).map((i) => [i.key, i.properties]));
}
