/**
 * System Defense classes (Intel AMT SDK class pages AMT_SystemDefensePolicy, AMT_IPHeadersFilter,
 * AMT_Hdr8021Filter, AMT_ActiveFilterStatistics, AMT_EnvironmentDetectionSettingData; property
 * sets from the intel/lms class model). Filters and policies are made by WS-Transfer Create: the
 * keys the client sends (InstanceID 0 and the system keys) are replaced, and InstanceID becomes
 * the creation handle. Limits: 8 policies, 80 filters, 62 filters per policy, names ≤ 16
 * (QuotaLimit / InvalidRepresentation). A filter or policy still in use cannot be deleted
 * (InvalidRepresentation). The rules of activation are in ../system-defense/model.ts, the traffic
 * that moves AMT_ActiveFilterStatistics in ../system-defense/traffic.ts.
 */
import type { SimDevice } from '../device';
import { datetime, type PropMap, type PropValue } from '../values';
import { WsmanFault } from '../wsman/faults';
import {
  AGENT_LINK, DEFAULT_LINK, ENV_LINK, ENV_SETTINGS, FILTER_IN_POLICY, FILTER_CLASSES, filterInPolicyEpr, findPolicy, HDR_FILTER, IP_FILTER,
  MAX_FILTERS, MAX_FILTERS_PER_POLICY, MAX_POLICIES, NAME_MAX, nextHandle, POLICY, POLICY_IN_SERVICE, policyEpr, policyFilters,
  policyIdOf, PORT_LINK, portEpr, portOf, PORTS, recompute, SD_SERVICE, SD_SERVICE_NAME, sdState, STATISTICS,
} from '../system-defense/model';
import { tickTraffic } from '../system-defense/traffic';
import { AMT_SYSTEM, amtService, PT_STATUS, SERVICE_PROPS } from './common';
import type { ClassDef } from './types';

const FILTER_KEYS = {
  CreationClassName: 'string key', InstanceID: 'string key', Name: 'string key', SystemCreationClassName: 'string key', SystemName: 'string key',
  ElementName: 'string', IsNegated: 'boolean',
  FilterProfile: 'uint16 w put', FilterDirection: 'uint16 w put', ActionEventOnMatch: 'boolean w put', FilterProfileData: 'uint32 w',
} as const;

const isoSeconds = (ms: number) => datetime(new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));

function need(props: PropMap, names: readonly string[], cls: string): void {
  const missing = names.filter((n) => props[n] === undefined);
  if (missing.length) throw new WsmanFault('InvalidRepresentation', `${cls} needs ${missing.join(', ')}`, 'MissingValues');
}

function checkName(value: PropValue | undefined, what: string): string {
  const name = value === undefined ? '' : String(value);
  if (name.length === 0 || name.length > NAME_MAX) throw new WsmanFault('InvalidRepresentation', `${what} must be 1 to ${NAME_MAX} characters, not "${name}"`, 'InvalidValues');
  return name;
}

function filterDef(name: string, own: Record<string, string>, required: readonly string[]): ClassDef {
  return {
    name,
    commonNs: true,
    props: { ...FILTER_KEYS, ...own },
    initial: () => [],
    create: (device, props) => {
      need(props, ['FilterProfile', 'FilterDirection', 'ActionEventOnMatch', ...required], name);
      const filterName = checkName(props.Name, 'Name');
      if (FILTER_CLASSES.reduce((n, c) => n + device.instances(c).length, 0) >= MAX_FILTERS) throw new WsmanFault('QuotaLimit', `already ${MAX_FILTERS} filters`);
      const profile = Number(props.FilterProfile);
      if (profile > 4 || Number(props.FilterDirection) > 1) throw new WsmanFault('InvalidRepresentation', 'FilterProfile is 0..4 and FilterDirection 0 (Tx) or 1 (Rx)', 'InvalidValues');
      const inst: PropMap = { ...props, CreationClassName: name, InstanceID: nextHandle(device), Name: filterName, SystemCreationClassName: 'CIM_ComputerSystem', SystemName: AMT_SYSTEM };
      device.instances(name).push(inst);
      return inst;
    },
    remove: (device, inst) => {
      const user = device.instances(POLICY).find((p) => policyFilters(device, p).some((f) => f.props === inst));
      if (user) throw new WsmanFault('InvalidRepresentation', `filter ${String(inst.InstanceID)} is used by policy ${String(user.InstanceID)}; remove it from the policy first`, 'InvalidValues');
      const list = device.instances(name);
      list.splice(list.indexOf(inst), 1);
    },
  };
}

const HDR = filterDef(HDR_FILTER, {
  HdrSrcMACAddr8021: 'base64 w', HdrSrcMACMask8021: 'base64 w', HdrDestMACAddr8021: 'base64 w', HdrDestMACMask8021: 'base64 w',
  HdrProtocolID8021: 'uint16 w put', HdrPriorityValue8021: 'uint8 w', HdrVLANID8021: 'uint32 w',
}, ['HdrProtocolID8021']);

const IP = filterDef(IP_FILTER, {
  HdrIPVersion: 'uint8 w put', HdrSrcAddress: 'hexBinary w', HdrSrcAddressEndOfRange: 'hexBinary w', HdrSrcMask: 'hexBinary w',
  HdrDestAddress: 'hexBinary w', HdrDestAddressEndOfRange: 'hexBinary w', HdrDestMask: 'hexBinary w', HdrProtocolID: 'uint8 w',
  HdrSrcPortStart: 'uint16 w', HdrSrcPortEnd: 'uint16 w', HdrDestPortStart: 'uint16 w', HdrDestPortEnd: 'uint16 w',
  HdrDSCP: 'uint8[] w', HdrFlowLabel: 'hexBinary w', TCPFlagsOn: 'uint16[] w', TCPFlagsOff: 'uint16[] w',
}, ['HdrIPVersion']);

function checkHandles(device: SimDevice, props: PropMap): void {
  const raw = props.FilterCreationHandles;
  const handles = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  if (handles.length > MAX_FILTERS_PER_POLICY) throw new WsmanFault('QuotaLimit', `a policy holds at most ${MAX_FILTERS_PER_POLICY} filters`);
  const unknown = handles.find((h) => !FILTER_CLASSES.some((c) => device.instances(c).some((f) => String(f.InstanceID) === String(h))));
  if (unknown !== undefined) throw new WsmanFault('InvalidRepresentation', `FilterCreationHandles names ${String(unknown)}, which is no filter`, 'InvalidValues');
}

function linked(device: SimDevice, id: string): boolean {
  return [PORT_LINK, DEFAULT_LINK, ENV_LINK, AGENT_LINK].some((c) => device.instances(c).some((l) => policyIdOf(l.Dependent) === id));
}

const POLICY_DEF: ClassDef = {
  name: POLICY,
  props: {
    InstanceID: 'string key', ElementName: 'string', PolicyName: 'string w', PolicyPrecedence: 'uint32 w put', AntiSpoofingSupport: 'uint32 w',
    FilterCreationHandles: 'uint32[] w', TxDefaultDrop: 'boolean w put', TxDefaultMatchEvent: 'boolean w put', TxDefaultCount: 'boolean w put',
    RxDefaultDrop: 'boolean w put', RxDefaultMatchEvent: 'boolean w put', RxDefaultCount: 'boolean w put',
  },
  initial: () => [],
  refresh: (device) => {
    recompute(device);
    tickTraffic(device);
  },
  create: (device, props) => {
    need(props, ['PolicyPrecedence', 'TxDefaultDrop', 'TxDefaultMatchEvent', 'TxDefaultCount', 'RxDefaultDrop', 'RxDefaultMatchEvent', 'RxDefaultCount'], POLICY);
    if (props.PolicyName !== undefined) checkName(props.PolicyName, 'PolicyName');
    if (device.instances(POLICY).length >= MAX_POLICIES) throw new WsmanFault('QuotaLimit', `already ${MAX_POLICIES} policies`);
    checkHandles(device, props);
    const inst: PropMap = { ...props, InstanceID: nextHandle(device) };
    device.instances(POLICY).push(inst);
    recompute(device);
    return inst;
  },
  remove: (device, inst) => {
    if (linked(device, String(inst.InstanceID))) throw new WsmanFault('InvalidRepresentation', `policy ${String(inst.InstanceID)} is linked to an interface; remove the link first`, 'InvalidValues');
    const list = device.instances(POLICY);
    list.splice(list.indexOf(inst), 1);
    delete sdState(device).timeouts[String(inst.InstanceID)];
    recompute(device);
  },
  methods: {
    GetTimeout: {
      outputs: { Timeout: 'uint32' },
      run: ({ device, instance }) => ({ returnValue: 0, outputs: [['Timeout', sdState(device).timeouts[String(instance?.InstanceID)] ?? 0]] }),
    },
    SetTimeout: {
      inputs: { Timeout: 'uint32 req' },
      run: ({ device, instance }, i) => {
        if (!instance) return { returnValue: PT_STATUS.InvalidParameter };
        if (Number(i.Timeout) > 65535) return { returnValue: PT_STATUS.InvalidParameter };
        sdState(device).timeouts[String(instance.InstanceID)] = Number(i.Timeout);
        return { returnValue: 0 };
      },
    },
    UpdateStatistics: {
      inputs: { NetworkInterface: 'epr req', ResetOnRead: 'boolean req' },
      run: ({ device, instance }, i) => {
        const port = portOf(i.NetworkInterface);
        if (!instance || port === undefined) return { returnValue: PT_STATUS.InvalidParameter };
        updateStatistics(device, port, String(instance.InstanceID), i.ResetOnRead === true);
        return { returnValue: 0 };
      },
    },
  },
};

/** Copies the live counters of the policy on the port into AMT_ActiveFilterStatistics (counting profiles 0–2). */
function updateStatistics(device: SimDevice, port: number, policyId: string, reset: boolean): void {
  tickTraffic(device);
  const s = sdState(device);
  const stats = device.instances(STATISTICS);
  for (let k = stats.length - 1; k >= 0; k -= 1) if (portOf(stats[k].Antecedent) === port) stats.splice(k, 1);
  const policy = findPolicy(device, policyId);
  const active = s.active[port];
  if (!policy || active?.policy !== policyId) return;
  for (const f of policyFilters(device, policy)) {
    if (Number(f.props.FilterProfile) > 2) continue;
    const key = `${port}|${policyId}|${String(f.props.InstanceID)}`;
    const c = s.counters[key] ?? { count: 0, matched: false, lastReset: active.since };
    stats.push({
      ActivationTime: isoSeconds(active.since), Antecedent: portEpr(port), Dependent: filterInPolicyEpr(policyId, f.className, f.props),
      FilterMatched: c.matched, LastResetTime: isoSeconds(c.lastReset), ReadCount: c.count,
    });
    if (reset) s.counters[key] = { count: 0, matched: c.matched, lastReset: device.now() };
  }
}

/**
 * AMT_NetworkPortSystemDefensePolicy / …Default… / AMT_AgentPresenceInterfacePolicy: Create links a
 * policy to CIM_EthernetPort 0 or 1, one per port. The Agent Presence link is made the way the SDK
 * makes the heuristics one (setaheuristicssystemdefensepolicy.htm: Create with the port's and the
 * policy's EPRs; inferred for Agent Presence) and starts disabled: an agent's action enables it.
 */
function linkDef(name: string, flag: 'Enabled' | 'Active', enabledAtFirst = true): ClassDef {
  return {
    name,
    props: { Antecedent: 'epr key', Dependent: 'epr key', Active: 'boolean', ...(flag === 'Enabled' ? { Enabled: 'boolean' } : {}) },
    initial: () => [],
    create: (device, props) => {
      const port = portOf(props.Antecedent);
      const id = policyIdOf(props.Dependent);
      if (port === undefined) throw new WsmanFault('InvalidRepresentation', 'Antecedent must be the EPR of CIM_EthernetPort "Intel(r) AMT Ethernet Port 0" or "… 1"', 'InvalidValues');
      if (id === undefined || !findPolicy(device, id)) throw new WsmanFault('InvalidRepresentation', 'Dependent must be the EPR of an existing AMT_SystemDefensePolicy', 'InvalidValues');
      const list = device.instances(name);
      if (list.some((l) => portOf(l.Antecedent) === port)) throw new WsmanFault('AlreadyExists', `interface ${port} already has a ${name}; delete it first`);
      const inst: PropMap = { Antecedent: portEpr(port), Dependent: policyEpr(id), ...(flag === 'Enabled' ? { Enabled: enabledAtFirst ? props.Enabled ?? true : false } : {}) };
      list.push(inst);
      recompute(device);
      return inst;
    },
    remove: (device, inst) => {
      const list = device.instances(name);
      list.splice(list.indexOf(inst), 1);
      recompute(device);
    },
  };
}

const ENV_SETTINGS_DEF: ClassDef = {
  name: ENV_SETTINGS,
  props: { DetectionAlgorithm: 'uint16 w put', DetectionIPv6LocalPrefixes: 'string[] w', DetectionStrings: 'string[] w', ElementName: 'string', InstanceID: 'string key' },
  // As a device activated by Intel's rpc-go has it (a random <uuid>.com, so it always counts as outside).
  initial: (d) => [{ DetectionAlgorithm: 0, DetectionStrings: [`${d.identity.uuid}.com`], ElementName: 'Intel(r) AMT Environment Detection Settings', InstanceID: 'Intel(r) AMT Environment Detection Settings' }],
  methods: {
    SetSystemDefensePolicy: {
      inputs: { Policy: 'epr' },
      run: ({ device }, i) => {
        const id = i.Policy === undefined ? undefined : policyIdOf(i.Policy);
        if (i.Policy !== undefined && (id === undefined || !findPolicy(device, id))) return { returnValue: PT_STATUS.InvalidParameter };
        const list = device.instances(ENV_LINK);
        list.length = 0;
        if (id !== undefined) for (const port of PORTS) list.push({ Antecedent: portEpr(port), Dependent: policyEpr(id), Enabled: false });
        recompute(device);
        return { returnValue: 0 };
      },
    },
    EnableVpnRouting: {
      inputs: { Enable: 'boolean req' },
      run: ({ device }, i) => {
        sdState(device).vpnRouting = i.Enable === true;
        return { returnValue: 0 };
      },
    },
  },
};

const CAPABILITIES: ClassDef = {
  name: 'AMT_GeneralSystemDefenseCapabilities',
  props: { ElementName: 'string', InstanceID: 'string key', GlobalMaxSupportedFilters: 'uint32', GlobalMaxSupportedPolicies: 'uint32' },
  initial: () => [{
    ElementName: 'Intel(r) AMT General System Defense Capabilities', InstanceID: 'Intel(r) AMT General System Defense Capabilities',
    GlobalMaxSupportedFilters: MAX_FILTERS, GlobalMaxSupportedPolicies: MAX_POLICIES,
  }],
};

/** Per-interface limits (values the simulator's choice: the SDK pages give none). */
const PORT_CAPABILITIES: ClassDef = {
  name: 'AMT_NetworkPortSystemDefenseCapabilities',
  props: {
    ElementName: 'string', InstanceID: 'string key', IPv4_MaxTxFilters: 'uint16', IPv4_MaxTxCounters: 'uint16', IPv4_MaxRxFilters: 'uint16',
    IPv4_MaxRxCounters: 'uint16', IPv4_AntiSpoofingCapable: 'boolean', IPv6_MaxTxFilters: 'uint16', IPv6_MaxTxCounters: 'uint16',
    IPv6_MaxRxFilters: 'uint16', IPv6_MaxRxCounters: 'uint16', IPv6_AntiSpoofingCapable: 'boolean', IPv6_to_IPv4_Ratio: 'uint16',
  },
  initial: () => PORTS.map((p) => ({
    ElementName: 'Intel(r) AMT Network Port System Defense Capabilities', InstanceID: `Intel(r) AMT Network Port System Defense Capabilities ${p}`,
    IPv4_MaxTxFilters: 31, IPv4_MaxTxCounters: 31, IPv4_MaxRxFilters: 31, IPv4_MaxRxCounters: 31, IPv4_AntiSpoofingCapable: true,
    IPv6_MaxTxFilters: 15, IPv6_MaxTxCounters: 15, IPv6_MaxRxFilters: 15, IPv6_MaxRxCounters: 15, IPv6_AntiSpoofingCapable: true, IPv6_to_IPv4_Ratio: 2,
  })),
};

const association = (name: string): ClassDef => ({ name, props: { Antecedent: 'epr key', Dependent: 'epr key' }, initial: () => [] });

export const SYSTEM_DEFENSE_CLASSES: readonly ClassDef[] = [
  { name: SD_SERVICE, commonNs: true, props: { ...SERVICE_PROPS }, initial: () => [amtService(SD_SERVICE, SD_SERVICE_NAME, { EnabledState: 5, RequestedState: 12 })] },
  POLICY_DEF, HDR, IP,
  { name: 'AMT_NetworkFilter', commonNs: true, props: { CreationClassName: 'string key', Name: 'string key', OwnerID: 'uint32 key', SystemCreationClassName: 'string key', SystemName: 'string key', ElementName: 'string', IsNegated: 'boolean' }, initial: () => [] },
  { name: 'AMT_ComplexFilterEntryBase', props: {}, serves: [HDR_FILTER, IP_FILTER] },
  { name: 'AMT_FilterEntryBase', props: {}, serves: [HDR_FILTER, IP_FILTER, 'AMT_NetworkFilter'] },
  association(FILTER_IN_POLICY), association(POLICY_IN_SERVICE),
  linkDef(PORT_LINK, 'Enabled'), linkDef(DEFAULT_LINK, 'Active'), linkDef(AGENT_LINK, 'Enabled', false),
  { name: ENV_LINK, props: { Antecedent: 'epr key', Dependent: 'epr key', Active: 'boolean', Enabled: 'boolean' }, initial: () => [] },
  {
    name: STATISTICS,
    props: { Antecedent: 'epr key', Dependent: 'epr key', ActivationTime: 'datetime', FilterMatched: 'boolean', LastResetTime: 'datetime', ReadCount: 'uint32' },
    initial: () => [],
  },
  ENV_SETTINGS_DEF, CAPABILITIES, PORT_CAPABILITIES,
];
