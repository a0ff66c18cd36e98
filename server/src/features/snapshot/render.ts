/**
 * The text the CLI prints and the editor shows for snapshots: a snapshot as normalised lines (one
 * per property, classes and instances in file order, volatile values replaced by «volatile» so a
 * line diff of two renderings shows only real changes), and a comparison as a report of changes.
 * Values read as the instance views show them: `2 (On)` with the catalog's labels, references in
 * the `Class?Key=Value` syntax.
 */
import type { Catalog } from '../../catalog/catalog';
import type { SnapshotChange, SnapshotDiff, SnapshotSide, SnapshotVolatile } from '../../protocol';
import { formatEpr } from '../instances/epr';
import type { JsonValue } from '../instances/json';
import type { EndpointReference, Selectors } from '../../wsman/types';
import type { Snapshot } from './format';
import { volatility } from './volatile';

export const VOLATILE_MARK = '«volatile»';

export function sideOf(s: Snapshot, name: string): SnapshotSide {
  return { name, label: s.device.label, takenAt: s.takenAt };
}

/** A JSON property value as a person reads it. */
export function valueLabelText(catalog: Catalog, className: string, property: string, v: JsonValue): string {
  if (v === null) return '(nil)';
  if (typeof v === 'string') {
    if (v === '') return '""';
    const label = catalog.valueLabel(className, property, v);
    return label === undefined ? v : `${v} (${label})`;
  }
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.length === 0 ? '[]' : v.map((x) => valueLabelText(catalog, className, property, x)).join(', ');
  const epr = eprOf(v);
  if (epr) return formatEpr(epr);
  return `{ ${Object.entries(v).map(([k, x]) => `${k}: ${valueLabelText(catalog, className, k, x)}`).join(', ')} }`;
}

function eprOf(v: { [key: string]: JsonValue }): EndpointReference | undefined {
  if (typeof v.resourceUri !== 'string' || !v.selectors || typeof v.selectors !== 'object' || Array.isArray(v.selectors)) return undefined;
  const selectors: Selectors = {};
  for (const [k, s] of Object.entries(v.selectors)) {
    if (typeof s === 'string') selectors[k] = s;
    else if (s && typeof s === 'object' && !Array.isArray(s)) selectors[k] = eprOf(s) ?? JSON.stringify(s);
    else selectors[k] = String(s);
  }
  return { kind: 'epr', address: typeof v.address === 'string' ? v.address : '', resourceUri: v.resourceUri, selectors };
}

/**
 * The snapshot as the diff editor shows it. The time it was taken is left out (it always differs);
 * the editor's title names it.
 */
export function renderSnapshot(s: Snapshot, catalog: Catalog): string {
  const vol = volatility(catalog);
  const id = [s.device.productVendor, s.device.productVersion].filter(Boolean).join(' ');
  const lines = [
    `# Snapshot of ${s.device.label}${id ? ` — ${id}` : ''}${s.device.server ? ` (${s.device.server})` : ''}`,
    `# ${VOLATILE_MARK} marks values that move by themselves (clocks, counters); they are not compared.`,
  ];
  for (const [cls, c] of Object.entries(s.classes)) {
    lines.push('', `== ${cls} ==`);
    if (c.fault) {
      lines.push(`  refused: ${c.fault.subcode} — ${c.fault.message}`);
      continue;
    }
    const classReason = vol.classReason(cls);
    if (classReason) {
      lines.push(`  ${VOLATILE_MARK} ${c.instances?.length ?? 0} instances (${classReason})`);
      continue;
    }
    if (!c.instances || c.instances.length === 0) lines.push('  (no instances)');
    for (const inst of c.instances ?? []) {
      lines.push(`[${inst.key}]`);
      for (const [p, v] of Object.entries(inst.properties)) {
        lines.push(`  ${p}: ${vol.propertyReason(cls, p) ? VOLATILE_MARK : valueLabelText(catalog, cls, p, v)}`);
      }
    }
  }
  if (s.notServed.length > 0) lines.push('', `== not served (${s.notServed.length}) ==`, ...s.notServed.map((n) => `  ${n}`));
  return `${lines.join('\n')}\n`;
}

function sideText(side: SnapshotSide): string {
  return `${side.name} (${side.label}${side.takenAt ? `, ${side.takenAt}` : ''})`;
}

function where(c: { className: string; instance?: string; property?: string }): string {
  return `${c.className}${c.instance ? ` [${c.instance}]` : ''}${c.property ? ` ${c.property}` : ''}`;
}

function changeLine(c: SnapshotChange): string {
  switch (c.kind) {
    case 'instance-added':
      return `+ ${where(c)}: instance added`;
    case 'instance-removed':
      return `- ${where(c)}: instance removed`;
    case 'property-added':
      return `+ ${where(c)}: ${c.after}`;
    case 'property-removed':
      return `- ${where(c)}: was ${c.before}`;
    default:
      return `~ ${where(c)}: ${c.before ?? ''} → ${c.after ?? ''}`;
  }
}

function volatileLine(v: SnapshotVolatile): string {
  const values = v.before !== undefined || v.after !== undefined ? `: ${v.before ?? '(absent)'} → ${v.after ?? '(absent)'}` : '';
  return `  ${where(v)}${values} — volatile, not compared (${v.reason})`;
}

/** The comparison as the CLI prints it (and the editor shows beside the diff). */
export function renderDiff(d: SnapshotDiff): string {
  const head = d.same
    ? `No drift: ${sideText(d.before)} and ${sideText(d.after)} hold the same values.`
    : `Drift: ${d.changes.length} change${d.changes.length === 1 ? '' : 's'} from ${sideText(d.before)} to ${sideText(d.after)}:`;
  const lines = [head, ...d.changes.map((c) => `  ${changeLine(c)}`)];
  if (d.volatile.length > 0) lines.push(`Volatile values that moved (${d.volatile.length}), not compared:`, ...d.volatile.map(volatileLine));
  return `${lines.join('\n')}\n`;
}
