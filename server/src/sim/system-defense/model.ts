/**
 * System Defense (network isolation) state: which policy is active on each network interface,
 * derived from the instances a console creates (Intel AMT SDK: createanipfilter.htm,
 * createasystemdefensepolicy.htm, HLAPI systemdefensepolicies.htm; MeshCommander's System
 * Defense panel for the request shapes).
 *
 * Filters (AMT_Hdr8021Filter, AMT_IPHeadersFilter) and policies (AMT_SystemDefensePolicy) are
 * stored instances keyed by a creation handle. A policy is enabled on a port by System Defense
 * itself (AMT_NetworkPortSystemDefensePolicy) or by Environment Detection
 * (AMT_EnvironmentDetectionInterfacePolicy, enabled while the device is outside the enterprise);
 * or by Agent Presence (AMT_AgentPresenceInterfacePolicy, enabled by an agent's transition action);
 * the active one is the enabled policy with the highest PolicyPrecedence, else the port's
 * default policy (AMT_NetworkPortDefaultSystemDefensePolicy). A policy timeout (SetTimeout,
 * minutes per the class's value map, 0 = none) disables its System Defense link when it lapses,
 * on the device clock. The associations AMT derives (AMT_FilterInSystemDefensePolicy,
 * AMT_SystemDefensePolicyInService) are recomputed here after every change.
 */
import type { SimDevice } from '../device';
import { sideState } from '../side-state';
import { epr, type EprValue, type PropMap, type Scalar } from '../values';
import { AMT_SYSTEM, amtServiceEpr, cimUri } from '../classes/common';

export const POLICY = 'AMT_SystemDefensePolicy';
export const HDR_FILTER = 'AMT_Hdr8021Filter';
export const IP_FILTER = 'AMT_IPHeadersFilter';
export const FILTER_CLASSES = [HDR_FILTER, IP_FILTER] as const;
export const PORT_LINK = 'AMT_NetworkPortSystemDefensePolicy';
export const DEFAULT_LINK = 'AMT_NetworkPortDefaultSystemDefensePolicy';
export const ENV_LINK = 'AMT_EnvironmentDetectionInterfacePolicy';
/** Agent Presence's link: Enabled while an agent's transition action (ActionSd 0) has switched it on. */
export const AGENT_LINK = 'AMT_AgentPresenceInterfacePolicy';
export const FILTER_IN_POLICY = 'AMT_FilterInSystemDefensePolicy';
export const POLICY_IN_SERVICE = 'AMT_SystemDefensePolicyInService';
export const STATISTICS = 'AMT_ActiveFilterStatistics';
export const ENV_SETTINGS = 'AMT_EnvironmentDetectionSettingData';
export const SD_SERVICE = 'AMT_SystemDefenseService';
export const SD_SERVICE_NAME = 'Intel(r) AMT System Defense Service';

export const MAX_POLICIES = 8;
export const MAX_FILTERS = 80;
export const MAX_FILTERS_PER_POLICY = 62;
export const NAME_MAX = 16;
/** Interfaces: 0 wired, 1 wireless (the DeviceID suffix MeshCommander reads). */
export const PORTS = [0, 1] as const;

/** JSON side state (saved by `amtwb sim --state`): handles, timeouts, activations, counters. */
export interface SdState {
  nextHandle: number;
  /** Policy InstanceID → timeout in minutes (0 = infinite). */
  timeouts: Record<string, number>;
  /** Port → the active policy's InstanceID and when it became active (device-clock ms). */
  active: Record<string, { policy: string; since: number } | undefined>;
  /** `${port}|${policy}|${filter}` → packets counted, whether it matched, last reset. */
  counters: Record<string, { count: number; matched: boolean; lastReset: number }>;
  vpnRouting: boolean;
}

export function sdState(device: SimDevice): SdState {
  return sideState<SdState>(device, 'systemDefense', () => ({ nextHandle: 1, timeouts: {}, active: {}, counters: {}, vpnRouting: false }));
}

export function portDeviceId(port: number): string {
  return `Intel(r) AMT Ethernet Port ${port}`;
}

export function portEpr(port: number): EprValue {
  return epr(cimUri('CIM_EthernetPort'), {
    CreationClassName: 'CIM_EthernetPort',
    DeviceID: portDeviceId(port),
    SystemCreationClassName: 'CIM_ComputerSystem',
    SystemName: AMT_SYSTEM,
  });
}

/** The interface number an EPR of CIM_EthernetPort names, or undefined. */
export function portOf(v: unknown): number | undefined {
  if (typeof v !== 'object' || v === null || (v as EprValue).kind !== 'epr') return undefined;
  const id = (v as EprValue).selectors.find((s) => s.name === 'DeviceID')?.value;
  const m = typeof id === 'string' ? /^Intel\(r\) AMT Ethernet Port (\d+)$/.exec(id) : null;
  const port = m ? Number(m[1]) : NaN;
  return (PORTS as readonly number[]).includes(port) ? port : undefined;
}

export function policyEpr(id: string): EprValue {
  return epr(cimUri(POLICY), { InstanceID: id });
}

/** The InstanceID an EPR of AMT_SystemDefensePolicy selects. */
export function policyIdOf(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null || (v as EprValue).kind !== 'epr') return undefined;
  const e = v as EprValue;
  if (e.resourceUri !== cimUri(POLICY)) return undefined;
  const id = e.selectors.find((s) => s.name === 'InstanceID')?.value;
  return typeof id === 'string' ? id : undefined;
}

export function filterEpr(className: string, f: PropMap): EprValue {
  return epr(cimUri(className), {
    CreationClassName: className,
    InstanceID: String(f.InstanceID),
    Name: String(f.Name),
    SystemCreationClassName: 'CIM_ComputerSystem',
    SystemName: AMT_SYSTEM,
  });
}

export function filterInPolicyEpr(policyId: string, className: string, f: PropMap): EprValue {
  return epr(cimUri(FILTER_IN_POLICY), { Antecedent: policyEpr(policyId), Dependent: filterEpr(className, f) });
}

export function nextHandle(device: SimDevice): string {
  const s = sdState(device);
  const used = new Set([POLICY, ...FILTER_CLASSES].flatMap((c) => device.instances(c).map((i) => String(i.InstanceID))));
  while (used.has(String(s.nextHandle))) s.nextHandle += 1;
  return String(s.nextHandle++);
}

export function findPolicy(device: SimDevice, id: string): PropMap | undefined {
  return device.instances(POLICY).find((p) => String(p.InstanceID) === id);
}

export interface FilterRef {
  readonly className: string;
  readonly props: PropMap;
}

export function findFilter(device: SimDevice, id: string): FilterRef | undefined {
  for (const className of FILTER_CLASSES) {
    const props = device.instances(className).find((f) => String(f.InstanceID) === id);
    if (props) return { className, props };
  }
  return undefined;
}

/** The policy's filters in the order of its FilterCreationHandles. */
export function policyFilters(device: SimDevice, policy: PropMap): FilterRef[] {
  const handles = Array.isArray(policy.FilterCreationHandles) ? policy.FilterCreationHandles : policy.FilterCreationHandles === undefined ? [] : [policy.FilterCreationHandles];
  return handles.map((h) => findFilter(device, String(h as Scalar))).filter((f): f is FilterRef => f !== undefined);
}

/** Whether Environment Detection finds the device outside the enterprise (no detection string matches its domain). */
export function outsideEnterprise(device: SimDevice): boolean {
  const settings = device.instances(ENV_SETTINGS)[0];
  const raw = settings?.DetectionStrings;
  const strings = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((s) => String(s).toLowerCase());
  if (strings.length === 0) return false;
  const domain = String(device.instances('AMT_GeneralSettings')[0]?.DomainName ?? device.identity.domainName).toLowerCase();
  return !strings.some((s) => domain === s || domain.endsWith(`.${s}`));
}

/** Refreshes everything derived: links' Active flags, timeouts, policy associations, activation times. */
export function recompute(device: SimDevice): void {
  const s = sdState(device);
  const now = device.now();
  const outside = outsideEnterprise(device);
  for (const link of device.instances(ENV_LINK)) link.Enabled = outside;
  for (const port of PORTS) {
    let active = activeFor(device, port);
    const current = s.active[port];
    // A lapsed timeout disables the System Defense link; the next enabled policy takes over.
    const minutes = active ? s.timeouts[active.policyId] ?? 0 : 0;
    if (active && current?.policy === active.policyId && minutes > 0 && now >= current.since + minutes * 60_000 && device.instances(PORT_LINK).includes(active.link)) {
      active.link.Enabled = false;
      active = activeFor(device, port);
    }
    for (const cls of [PORT_LINK, ENV_LINK, AGENT_LINK, DEFAULT_LINK]) {
      for (const link of device.instances(cls)) if (portOf(link.Antecedent) === port) link.Active = link === active?.link;
    }
    if (!active) s.active[port] = undefined;
    else if (current?.policy !== active.policyId) {
      s.active[port] = { policy: active.policyId, since: now };
      for (const key of Object.keys(s.counters)) if (key.startsWith(`${port}|`)) delete s.counters[key];
    }
  }
  deriveAssociations(device);
}

interface Active { readonly policyId: string; readonly link: PropMap }

function activeFor(device: SimDevice, port: number): Active | undefined {
  const enabled = [...device.instances(PORT_LINK), ...device.instances(ENV_LINK), ...device.instances(AGENT_LINK)]
    .filter((l) => portOf(l.Antecedent) === port && l.Enabled !== false)
    .map((link) => ({ link, policyId: policyIdOf(link.Dependent) ?? '', policy: findPolicy(device, policyIdOf(link.Dependent) ?? '') }))
    .filter((c) => c.policy !== undefined)
    .sort((a, b) => Number(b.policy!.PolicyPrecedence ?? 0) - Number(a.policy!.PolicyPrecedence ?? 0));
  if (enabled[0]) return { policyId: enabled[0].policyId, link: enabled[0].link };
  const fallback = device.instances(DEFAULT_LINK).find((l) => portOf(l.Antecedent) === port && findPolicy(device, policyIdOf(l.Dependent) ?? ''));
  return fallback ? { policyId: policyIdOf(fallback.Dependent)!, link: fallback } : undefined;
}

function deriveAssociations(device: SimDevice): void {
  const policies = device.instances(POLICY);
  const inPolicy = device.instances(FILTER_IN_POLICY);
  inPolicy.length = 0;
  for (const p of policies) {
    for (const f of policyFilters(device, p)) {
      inPolicy.push({ Antecedent: policyEpr(String(p.InstanceID)), Dependent: filterEpr(f.className, f.props) });
    }
  }
  const inService = device.instances(POLICY_IN_SERVICE);
  inService.length = 0;
  for (const p of policies) inService.push({ Antecedent: amtServiceEpr(SD_SERVICE, SD_SERVICE_NAME), Dependent: policyEpr(String(p.InstanceID)) });
}

/** The policy InstanceID active on a port, if any. */
export function activePolicy(device: SimDevice, port: number): string | undefined {
  return sdState(device).active[port]?.policy;
}

/**
 * An agent's transition action switched System Defense (AMT_AgentPresenceWatchdogAction ActionSd):
 * 0 enables the Agent Presence policy on every port that has one, 1 disables it.
 */
export function agentPresenceAction(device: SimDevice, actionSd: number): void {
  for (const link of device.instances(AGENT_LINK)) link.Enabled = actionSd === 0;
  recompute(device);
}
