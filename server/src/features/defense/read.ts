/**
 * Reads a device's System Defense state the way MeshCommander's panel does (one pass over
 * AMT_SystemDefensePolicy, the two filter classes and the port links), plus the links Agent
 * Presence and Environment Detection use (HLAPI systemdefensepolicies.htm: up to three enabled
 * policies per port, the active one the highest PolicyPrecedence). A port's number is the tail of
 * the link's Antecedent DeviceID ("Intel(r) AMT Ethernet Port 0" wired, "… 1" wireless).
 */
import type { CallOptions, WsmanClient } from '../../wsman/client';
import { WsmanFaultError } from '../../wsman/faults';
import { ANONYMOUS, resourceUriFor } from '../../wsman/namespaces';
import type { EndpointReference, EnumItem, WsValue } from '../../wsman/types';
import { isEpr } from '../../wsman/types';
import type { DefenseDefaults, DefenseLinkSource, DefensePolicy, DefensePort, DefensePortNumber, DefenseState } from '../../protocol';
import { describeFilter, HDR_FILTER, IP_FILTER } from './filters';

export type DefenseClient = Pick<WsmanClient, 'enumerateAll' | 'invoke' | 'create' | 'delete' | 'get' | 'put'>;

export const POLICY = 'AMT_SystemDefensePolicy';
export const LINKS: Readonly<Record<DefenseLinkSource, string>> = {
  'system-defense': 'AMT_NetworkPortSystemDefensePolicy',
  'agent-presence': 'AMT_AgentPresenceInterfacePolicy',
  'environment-detection': 'AMT_EnvironmentDetectionInterfacePolicy',
  default: 'AMT_NetworkPortDefaultSystemDefensePolicy',
};
export const ENV_SETTINGS = 'AMT_EnvironmentDetectionSettingData';
export const PORT_LABEL = ['wired', 'wireless'] as const;

export function portEpr(port: DefensePortNumber): EndpointReference {
  return { kind: 'epr', address: ANONYMOUS, resourceUri: resourceUriFor('CIM_EthernetPort'), selectors: { CreationClassName: 'CIM_EthernetPort', DeviceID: `Intel(r) AMT Ethernet Port ${port}` } };
}

export function policyEpr(id: string): EndpointReference {
  return { kind: 'epr', address: ANONYMOUS, resourceUri: resourceUriFor(POLICY), selectors: { InstanceID: id } };
}

export function text(v: WsValue | undefined): string {
  return typeof v === 'string' ? v.trim() : '';
}

export function num(v: WsValue | undefined): number | undefined {
  const t = text(v);
  return /^\d+$/.test(t) ? Number(t) : undefined;
}

export function list(v: WsValue | undefined): WsValue[] {
  return Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
}

/** The port an EPR of CIM_EthernetPort names. */
export function portOf(v: WsValue | undefined): DefensePortNumber | undefined {
  if (!isEpr(v)) return undefined;
  const id = v.selectors.DeviceID;
  const m = typeof id === 'string' ? /Port (\d+)$/.exec(id.trim()) : null;
  return m && (m[1] === '0' || m[1] === '1') ? (Number(m[1]) as DefensePortNumber) : undefined;
}

/** The InstanceID an EPR of AMT_SystemDefensePolicy selects. */
export function policyOf(v: WsValue | undefined): string | undefined {
  if (!isEpr(v)) return undefined;
  const id = v.selectors.InstanceID;
  return typeof id === 'string' ? id.trim() : undefined;
}

/** Enumerates a class with its EPRs; a class the firmware does not serve reads as empty. */
export async function items(client: DefenseClient, cls: string, call?: CallOptions, optional = false): Promise<EnumItem[]> {
  try {
    return await client.enumerateAll(cls, { mode: 'EnumerateObjectAndEPR' }, call);
  } catch (err) {
    if (optional && err instanceof WsmanFaultError && err.subcode === 'DestinationUnreachable') return [];
    throw err;
  }
}

function defaults(p: Record<string, WsValue>, dir: 'Tx' | 'Rx'): DefenseDefaults {
  return { drop: text(p[`${dir}DefaultDrop`]) === 'true', count: text(p[`${dir}DefaultCount`]) === 'true', event: text(p[`${dir}DefaultMatchEvent`]) === 'true' };
}

export interface LinkItem {
  source: DefenseLinkSource;
  port: DefensePortNumber;
  policyId: string;
  enabled: boolean;
  active: boolean;
  epr?: EndpointReference;
}

export async function readLinks(client: DefenseClient, call?: CallOptions): Promise<LinkItem[]> {
  const sources = Object.keys(LINKS) as DefenseLinkSource[];
  const all = await Promise.all(sources.map((s) => items(client, LINKS[s], call, s !== 'system-defense')));
  return sources.flatMap((source, k) => all[k]!.flatMap((it) => {
    const p = it.instance?.properties ?? {};
    const port = portOf(p.Antecedent);
    const policyId = policyOf(p.Dependent);
    if (port === undefined || policyId === undefined) return [];
    return [{ source, port, policyId, enabled: source === 'default' || text(p.Enabled) !== 'false', active: text(p.Active) === 'true', ...(it.epr ? { epr: it.epr } : {}) }];
  }));
}

export async function readDefense(client: DefenseClient, call?: CallOptions): Promise<DefenseState> {
  const [policyItems, ipItems, hdrItems, links, envItems, caps] = await Promise.all([
    items(client, POLICY, call),
    items(client, IP_FILTER, call),
    items(client, HDR_FILTER, call),
    readLinks(client, call),
    items(client, ENV_SETTINGS, call, true),
    items(client, 'AMT_GeneralSystemDefenseCapabilities', call, true),
  ]);
  const policies: DefensePolicy[] = policyItems.flatMap((it) => {
    const p = it.instance?.properties;
    if (!p) return [];
    const id = text(p.InstanceID);
    return [{
      id, name: text(p.PolicyName) || text(p.ElementName) || `Policy ${id}`, precedence: num(p.PolicyPrecedence) ?? 0,
      tx: defaults(p, 'Tx'), rx: defaults(p, 'Rx'), filterIds: list(p.FilterCreationHandles).map((h) => text(h)).filter(Boolean),
      links: links.filter((l) => l.policyId === id).map(({ port, source, enabled, active }) => ({ port, source, enabled, active })),
    }];
  }).sort((a, b) => b.precedence - a.precedence || Number(a.id) - Number(b.id));
  const usedBy = (id: string) => policies.filter((p) => p.filterIds.includes(id)).map((p) => p.id);
  const filters = [...ipItems.map((it) => [IP_FILTER, it] as const), ...hdrItems.map((it) => [HDR_FILTER, it] as const)]
    .flatMap(([cls, it]) => (it.instance ? [describeFilter(cls, it.instance.properties, usedBy(text(it.instance.properties.InstanceID)))] : []))
    .sort((a, b) => Number(a.id) - Number(b.id));
  const ports: DefensePort[] = ([0, 1] as const).map((port) => {
    const mine = links.filter((l) => l.port === port);
    const active = mine.find((l) => l.active)?.policyId;
    const sd = mine.find((l) => l.source === 'system-defense')?.policyId;
    const ap = mine.find((l) => l.source === 'agent-presence')?.policyId;
    return { port, label: PORT_LABEL[port], ...(active ? { activePolicy: active } : {}), ...(sd ? { systemDefensePolicy: sd } : {}), ...(ap ? { agentPresencePolicy: ap } : {}) };
  });
  const env = envItems[0]?.instance?.properties;
  const envPolicy = links.find((l) => l.source === 'environment-detection')?.policyId;
  const cap = caps[0]?.instance?.properties ?? {};
  return {
    policies, filters, ports,
    ...(env ? { environment: { detectionStrings: list(env.DetectionStrings).map((s) => text(s)).filter(Boolean), ...(envPolicy ? { policy: envPolicy } : {}) } } : {}),
    limits: { maxPolicies: num(cap.GlobalMaxSupportedPolicies) ?? 8, maxFilters: num(cap.GlobalMaxSupportedFilters) ?? 80 },
  };
}
