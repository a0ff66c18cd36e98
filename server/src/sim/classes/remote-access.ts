/**
 * Remote access (CIRA) configuration (Intel AMT SDK: AMT_RemoteAccessService,
 * AMT_ManagementPresenceRemoteSAP, AMT_RemoteAccessPolicyRule, AMT_RemoteAccessPolicyAppliesToMPS,
 * AMT_MPSUsernamePassword, AMT_RemoteAccessCapabilities). AddMpServer stores an MPS; a policy rule
 * per trigger ties MPSs to when AMT opens the tunnel. Limits are AMT_RemoteAccessCapabilities'.
 */
import type { SimDevice } from '../device';
import { sideState } from '../side-state';
import { epr, type EprValue, type PropMap, type PropValue } from '../values';
import { AMT_SYSTEM, amtService, cimUri, PT_STATUS, SERVICE_PROPS } from './common';
import type { ClassDef } from './types';

const SAP = 'AMT_ManagementPresenceRemoteSAP';
const RULE = 'AMT_RemoteAccessPolicyRule';
const APPLIES = 'AMT_RemoteAccessPolicyAppliesToMPS';
/** PT_STATUS values AddMpServer returns (go-wsman-messages remoteaccess decoder). */
const MAX_LIMIT_REACHED = 23;
const DUPLICATE = 2058;
const CAPS = { MaxMpsPerPolicy: 2, MaxTotalMpServers: 6, MaxTotalPolicies: 3, MaxTotalProxyEntryPoints: 15 };
/** Trigger ValueMap: 0 User Initiated, 1 Alert, 2 Periodic, 3 Home Provisioning. */
const TRIGGER_NAMES = ['User Initiated', 'Alert', 'Periodic', 'Home Provisioning'];

const sapEpr = (name: string): EprValue =>
  epr(cimUri(SAP), { CreationClassName: SAP, Name: name, SystemCreationClassName: 'CIM_ComputerSystem', SystemName: AMT_SYSTEM });
const ruleEpr = (name: string): EprValue =>
  epr(cimUri(RULE), { CreationClassName: RULE, PolicyRuleName: name, SystemCreationClassName: 'CIM_ComputerSystem', SystemName: AMT_SYSTEM });

function eprName(v: PropValue | undefined): string | undefined {
  const e = v as EprValue | undefined;
  const s = e && typeof e === 'object' && 'kind' in e ? e.selectors.find((x) => x.name === 'Name') : undefined;
  return typeof s?.value === 'string' ? s.value : undefined;
}

function removeWith(className: string, also?: (device: SimDevice, inst: PropMap) => void) {
  return (device: SimDevice, inst: PropMap) => {
    const list = device.instances(className);
    list.splice(list.indexOf(inst), 1);
    also?.(device, inst);
  };
}

/** Deleting an MPS or a rule deletes the associations that name it. */
function dropApplies(device: SimDevice, match: (a: PropMap) => boolean): void {
  const list = device.instances(APPLIES);
  for (let i = list.length - 1; i >= 0; i--) if (match(list[i])) list.splice(i, 1);
}

const SERVICE: ClassDef = {
  name: 'AMT_RemoteAccessService',
  commonNs: true,
  props: { ...SERVICE_PROPS, IsRemoteTunnelConnected: 'boolean', RemoteTunnelKeepAliveTimeout: 'uint32' },
  initial: () => [
    amtService('AMT_RemoteAccessService', 'Intel(r) AMT Remote Access Service', { IsRemoteTunnelConnected: false, RemoteTunnelKeepAliveTimeout: 4294967295 }),
  ],
  methods: {
    AddMpServer: {
      inputs: {
        AccessInfo: 'string req', InfoFormat: 'uint16 req', Port: 'uint16 req', AuthMethod: 'uint32 req',
        Certificate: 'epr', Username: 'string', Password: 'string', CN: 'string',
      },
      outputs: { MpServer: 'epr' },
      run: ({ device }, input) => {
        const saps = device.instances(SAP);
        const access = String(input.AccessInfo);
        // InfoFormat 3 IPv4, 4 IPv6, 201 FQDN; AuthMethod 1 mutual TLS, 2 username/password.
        if (![3, 4, 201].includes(Number(input.InfoFormat)) || ![1, 2].includes(Number(input.AuthMethod)) || access === '') {
          return { returnValue: PT_STATUS.InvalidParameter };
        }
        if (Number(input.AuthMethod) === 2 && (!/^[A-Za-z0-9]{1,16}$/.test(String(input.Username ?? '')) || !input.Password)) {
          return { returnValue: PT_STATUS.InvalidParameter };
        }
        if (saps.some((s) => s.AccessInfo === access && s.Port === input.Port)) return { returnValue: DUPLICATE };
        if (saps.length >= CAPS.MaxTotalMpServers) return { returnValue: MAX_LIMIT_REACHED };
        // Handles count up from 0; a freed handle is reused, as for other AMT tables.
        const used = new Set(saps.map((s) => s.Name));
        let n = 0;
        while (used.has(`Intel(r) AMT:Management Presence Server ${n}`)) n++;
        const name = `Intel(r) AMT:Management Presence Server ${n}`;
        saps.push({
          AccessInfo: access,
          CN: input.CN ?? access,
          CreationClassName: SAP,
          ElementName: 'Intel(r) AMT:Management Presence Server',
          InfoFormat: input.InfoFormat,
          Name: name,
          Port: input.Port,
          SystemCreationClassName: 'CIM_ComputerSystem',
          SystemName: AMT_SYSTEM,
        });
        if (input.Username !== undefined) device.singleton('AMT_MPSUsernamePassword').RemoteID = input.Username;
        // The firmware keeps the password for the tunnel (cira/config.ts) and never returns it.
        if (input.Password !== undefined) sideState(device, 'cira-mps-passwords', () => ({}) as Record<string, string>)[name] = String(input.Password);
        return { returnValue: PT_STATUS.Success, outputs: [['MpServer', sapEpr(name)]] };
      },
    },
    AddRemoteAccessPolicyRule: {
      inputs: { Trigger: 'uint16 req', TunnelLifeTime: 'uint32 req', ExtendedData: 'base64', MpServer: 'epr[]', InternalMpServer: 'epr[]' },
      outputs: { PolicyRule: 'epr' },
      run: ({ device }, input) => {
        const name = TRIGGER_NAMES[Number(input.Trigger)];
        if (!name) return { returnValue: PT_STATUS.InvalidParameter };
        const rules = device.instances(RULE);
        if (rules.some((r) => r.PolicyRuleName === name)) return { returnValue: DUPLICATE };
        if (rules.length >= CAPS.MaxTotalPolicies) return { returnValue: MAX_LIMIT_REACHED };
        const saps = device.instances(SAP);
        const named = [...((input.MpServer as PropValue[] | undefined) ?? []), ...((input.InternalMpServer as PropValue[] | undefined) ?? [])]
          .map((e) => eprName(e));
        const targets = named.length ? saps.filter((s) => named.includes(String(s.Name))) : saps.slice(0, 1);
        if (targets.length === 0 || targets.length > CAPS.MaxMpsPerPolicy) return { returnValue: PT_STATUS.InvalidParameter };
        rules.push({
          CreationClassName: RULE,
          ElementName: 'Inte(r) AMT:Remote Access Policy', // sic, as AMT writes it
          ExtendedData: input.ExtendedData ?? 'AAAAAAAAAAA=',
          PolicyRuleName: name,
          SystemCreationClassName: 'CIM_ComputerSystem',
          SystemName: AMT_SYSTEM,
          Trigger: Number(input.Trigger),
          TunnelLifeTime: input.TunnelLifeTime,
        });
        targets.forEach((s, i) =>
          device.instances(APPLIES).push({ ManagedElement: sapEpr(String(s.Name)), MpsType: 2, OrderOfAccess: i, PolicySet: ruleEpr(name) }),
        );
        return { returnValue: PT_STATUS.Success, outputs: [['PolicyRule', ruleEpr(name)]] };
      },
    },
  },
};

const SAP_CLASS: ClassDef = {
  name: SAP,
  props: {
    AccessInfo: 'string', CN: 'string', CreationClassName: 'string key', ElementName: 'string', InfoFormat: 'uint16',
    Name: 'string key', Port: 'uint16', SystemCreationClassName: 'string key', SystemName: 'string key',
  },
  initial: () => [],
  remove: removeWith(SAP, (device, inst) => dropApplies(device, (a) => eprName(a.ManagedElement) === inst.Name)),
};

const RULE_CLASS: ClassDef = {
  name: RULE,
  props: {
    CreationClassName: 'string key', ElementName: 'string', ExtendedData: 'base64 w', PolicyRuleName: 'string key',
    SystemCreationClassName: 'string key', SystemName: 'string key', Trigger: 'uint16 w', TunnelLifeTime: 'uint32 w',
  },
  initial: () => [],
  remove: removeWith(RULE, (device, inst) =>
    dropApplies(device, (a) => (a.PolicySet as EprValue).selectors.some((s) => s.name === 'PolicyRuleName' && s.value === inst.PolicyRuleName)),
  ),
};

const APPLIES_CLASS: ClassDef = {
  name: APPLIES,
  props: { ManagedElement: 'epr key', MpsType: 'uint16 w', OrderOfAccess: 'uint16 w', PolicySet: 'epr key' },
  emptyPutResponse: true,
  initial: () => [],
  remove: removeWith(APPLIES),
};

const MPS_ACCOUNT: ClassDef = {
  name: 'AMT_MPSUsernamePassword',
  props: { InstanceID: 'string key', Password: 'string w', RemoteID: 'string w', Secret: 'string w' },
  emptyPutResponse: true,
  // AMT never reads a password back: write-only.ts keeps a Put's Password and Secret out of the instance.
  initial: () => [{ InstanceID: 'Intel(r) AMT:MPS Username Password 0', RemoteID: '' }],
};

const CAPABILITIES: ClassDef = {
  name: 'AMT_RemoteAccessCapabilities',
  props: { ElementName: 'string', InstanceID: 'string key', MaxMpsPerPolicy: 'uint8', MaxTotalMpServers: 'uint8', MaxTotalPolicies: 'uint8', MaxTotalProxyEntryPoints: 'uint8' },
  initial: () => [{ ElementName: 'Intel(r) AMT:Remote Access Capabilities', InstanceID: 'Intel(r) AMT:Remote Access Capabilities', ...CAPS }],
};

export const REMOTE_ACCESS_CLASSES: readonly ClassDef[] = [SERVICE, SAP_CLASS, RULE_CLASS, APPLIES_CLASS, MPS_ACCOUNT, CAPABILITIES];
