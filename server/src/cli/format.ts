/**
 * Text output of the CLI: `Name: value (label)` lines with the names right-aligned so the colons
 * line up (as hostnamectl does), value-map labels from the catalog, references in the same
 * `Class?Key=Value&…` syntax the CLI accepts.
 */
import type { Catalog, ClassSummary } from '../catalog/catalog';
import type { IdentifyResult, PowerActionResult } from '../protocol';
import type { EnumItem, Instance, WsValue } from '../wsman/types';
import { isDatetime, isEpr } from '../wsman/types';
import { formatEpr } from '../features/instances';
import type { PowerStateDetails } from '../features/power';

export type Row = readonly [name: string, value: string];

/** Rows as right-aligned `Name: value` lines. */
export function formatRows(rows: readonly Row[]): string {
  const width = Math.max(0, ...rows.map(([n]) => n.length));
  return rows.map(([n, v]) => `${n.padStart(width)}:${v === '' ? '' : ` ${v}`}`).join('\n');
}

/** One value as text; numbers with a value-map label get ` (Label)`. */
export function formatValue(v: WsValue, label?: (scalar: string) => string | undefined): string {
  if (v === null) return '(nil)';
  if (typeof v === 'string') {
    const l = label?.(v);
    return l !== undefined && v.trim() !== '' ? `${v} (${l})` : v;
  }
  if (Array.isArray(v)) return v.map((x) => formatValue(x, label)).join(', ');
  if (isEpr(v)) return formatEpr(v);
  if (isDatetime(v)) return v.value;
  return `{${Object.entries(v)
    .map(([k, x]) => `${k}: ${formatValue(x)}`)
    .join(', ')}}`;
}

/** Property rows of an instance, labelled through the catalog by the instance's own class. */
export function instanceRows(instance: Instance, catalog: Catalog): Row[] {
  return Object.entries(instance.properties).map(([name, v]) => [
    name,
    formatValue(v, (s) => catalog.valueLabel(instance.className, name, s)),
  ]);
}

export function formatInstance(instance: Instance, catalog: Catalog): string {
  return formatRows(instanceRows(instance, catalog));
}

/** Enumerated items, separated by blank lines; reference-only items print their EPR. */
export function formatItems(items: readonly EnumItem[], catalog: Catalog): string {
  return items
    .map((item) => (item.instance ? formatInstance(item.instance, catalog) : item.epr ? formatEpr(item.epr) : ''))
    .join('\n\n');
}

export function formatIdentify(id: IdentifyResult): string {
  const rows: Row[] = [
    ['Product vendor', id.productVendor],
    ['Product version', id.productVersion],
    ['Protocol version', id.protocolVersion],
  ];
  if (id.dashVersion) rows.push(['DASH version', id.dashVersion]);
  rows.push(['Security profiles', id.securityProfiles.join(', ')]);
  if (id.server) rows.push(['Server', id.server]);
  return formatRows(rows);
}

export function formatClasses(classes: readonly ClassSummary[]): string {
  const width = Math.max(0, ...classes.map((c) => c.name.length));
  return classes.map((c) => `${c.name.padEnd(width)}  ${c.resourceUri}`).join('\n');
}

export function formatInvoke(
  result: { returnValue: number; returnMeaning: string; output: Record<string, WsValue> },
  className: string,
  method: string,
  catalog: Catalog,
): string {
  const rows: Row[] = [['ReturnValue', `${result.returnValue} (${result.returnMeaning})`]];
  for (const [name, v] of Object.entries(result.output)) {
    rows.push([name, formatValue(v, (s) => catalog.parameterValueLabel(className, method, name, s))]);
  }
  return formatRows(rows);
}

export function formatPowerState(state: PowerStateDetails): string {
  const rows: Row[] = [['PowerState', `${state.powerState} (${state.label})`]];
  if (state.available.length) {
    rows.push(['AvailableRequestedPowerStates', state.available.map((a) => `${a.value} (${a.label})`).join(', ')]);
  }
  return formatRows(rows);
}

export function formatPowerAction(result: PowerActionResult): string {
  const rows: Row[] = [['ReturnValue', `${result.returnValue} (${result.returnMeaning})`]];
  if (result.powerState) rows.push(['PowerState', `${result.powerState.powerState} (${result.powerState.label})`]);
  return formatRows(rows);
}
