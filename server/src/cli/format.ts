/**
 * Text output of the CLI: `Name: value (label)` lines with the names right-aligned so the colons
 * line up (as hostnamectl does), value-map labels from the catalog, references in the same
 * `Class?Key=Value&…` syntax the CLI accepts.
 */
import type { Catalog, ClassSummary } from '../catalog/catalog';
import type { IdentifyResult, PowerActionResult } from '../protocol';
import type { EnumItem, Instance, WsValue } from '../wsman/types';
import { formatEpr, valueText } from '../features/instances';
import type { PowerStateDetails } from '../features/power';
import type { AmtInfo, LanInterfaceSettings } from '../amthi';

export type Row = readonly [name: string, value: string];

/** Rows as right-aligned `Name: value` lines. */
export function formatRows(rows: readonly Row[]): string {
  const width = Math.max(0, ...rows.map(([n]) => n.length));
  return rows.map(([n, v]) => `${n.padStart(width)}:${v === '' ? '' : ` ${v}`}`).join('\n');
}

/** One value as text, by the one renderer the editor shares (features/instances/render.ts). */
export function formatValue(v: WsValue, label?: (scalar: string) => string | undefined): string {
  return valueText(v, label);
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

const CONTROL_MODE: Record<string, string> = { none: 'not provisioned', ccm: 'client control mode', acm: 'admin control mode' };
const PROVISIONING: Record<string, string> = { pre: 'pre-provisioning', in: 'in provisioning', post: 'post-provisioning' };

/** `amtwb info`: what AMTHI and MKHI report, AMT's own version first. */
export function formatAmtInfo(info: AmtInfo): string {
  const rows: Row[] = [['AMT', info.amtEnabled ? 'enabled' : 'disabled (or not present) in the firmware']];
  if (info.featureStateError) rows.push(['Feature state', `unknown (${info.featureStateError})`]);
  if (info.amtVersion) {
    const build = info.codeVersions?.versions.find((v) => v.description === 'Build Number')?.version;
    rows.push(['Version', build ? `${info.amtVersion} (build ${build})` : info.amtVersion]);
  }
  if (info.provisioningState) rows.push(['Provisioning', PROVISIONING[info.provisioningState] ?? info.provisioningState]);
  if (info.controlMode) rows.push(['Control mode', CONTROL_MODE[info.controlMode] ?? info.controlMode]);
  if (info.uuid) rows.push(['UUID', info.uuid]);
  if (info.dnsSuffix !== undefined) rows.push(['DNS suffix', info.dnsSuffix || '(none)']);
  if (info.wired) rows.push(['Wired LAN', lan(info.wired)]);
  if (info.wireless) rows.push(['Wireless LAN', lan(info.wireless)]);
  if (info.codeVersions) {
    rows.push(['BIOS', info.codeVersions.biosVersion]);
    for (const v of info.codeVersions.versions) rows.push([v.description, v.version]);
  }
  return formatRows(rows);
}

function lan(l: LanInterfaceSettings): string {
  if (!l.enabled) return 'disabled';
  return `${l.ipv4}, MAC ${l.mac}, ${l.dhcpEnabled ? `DHCP (${l.dhcpMode})` : 'static'}, link ${l.linkUp ? 'up' : 'down'}`;
}
