/**
 * Agent presence and the watchdog expiration policy (Intel AMT SDK agent-watchdog pages; docs/simulator.md "Agent presence"). The state machine
 * is in ../agent-presence.ts; these are the classes it is served through.
 *
 * AMT_AgentPresenceWatchdog is made by WS-Transfer Create: DeviceID = base64 of the agent GUID's
 * 16 bytes (not all zero), StartupInterval and TimeoutInterval in seconds; AMT overwrites the
 * other keys. A second watchdog with the same DeviceID → AlreadyExists; more than
 * MaxTotalAgents (16) → QuotaLimit; a DeviceID that is not 16 bytes → InvalidRepresentation.
 */
import { ACTION_CLASS, CONDITION_CLASS, MAX_TOTAL_ACTIONS, WATCHDOG_CLASS } from '../agent-presence';
import type { SimDevice } from '../device';
import type { PropMap } from '../values';
import { WsmanFault } from '../wsman/faults';
import { AMT_SYSTEM, amtService, PT_STATUS, SERVICE_PROPS } from './common';
import type { ClassDef, MethodDef } from './types';

const MAX_TOTAL_AGENTS = 16;

const POLICY_KEYS = {
  SystemCreationClassName: 'string key',
  SystemName: 'string key',
  PolicyRuleCreationClassName: 'string key',
  PolicyRuleName: 'string key',
  CreationClassName: 'string key',
} as const;

const SERVICE: ClassDef = {
  name: 'AMT_AgentPresenceService',
  commonNs: true,
  props: { ...SERVICE_PROPS },
  initial: () => [amtService('AMT_AgentPresenceService', 'Intel(r) AMT Agent Presence Service', { EnabledState: 5, RequestedState: 12 })],
};

const CAPABILITIES: ClassDef = {
  name: 'AMT_AgentPresenceCapabilities',
  props: {
    ElementName: 'string', InstanceID: 'string key', MaxEacAgents: 'uint32', MaxTotalActions: 'uint32',
    MaxTotalAgents: 'uint32', MinGuaranteedActionListSize: 'uint32',
  },
  initial: () => [{
    ElementName: 'Intel(r) AMT Agent Presence Capabilities', InstanceID: 'Intel(r) AMT Agent Presence Capabilities',
    MaxEacAgents: 1, MaxTotalActions: MAX_TOTAL_ACTIONS, MaxTotalAgents: MAX_TOTAL_AGENTS, MinGuaranteedActionListSize: 3,
  }],
};

/** Methods on one watchdog run against the addressed instance (a selector picks it). */
function onWatchdog(inputs: MethodDef['inputs'], outputs: MethodDef['outputs'], run: (d: SimDevice, inst: PropMap, input: Record<string, unknown>) => { returnValue: number; outputs?: [string, number][] }): MethodDef {
  return {
    ...(inputs ? { inputs } : {}),
    ...(outputs ? { outputs } : {}),
    run: ({ device, instance }, input) => {
      if (!instance) throw new WsmanFault('DestinationUnreachable', 'no AMT_AgentPresenceWatchdog exists; create one first');
      return run(device, instance, input);
    },
  };
}

const WATCHDOG: ClassDef = {
  name: WATCHDOG_CLASS,
  commonNs: true,
  props: {
    CreationClassName: 'string key',
    CurrentState: 'uint16',
    DeviceID: 'string key',
    ElementName: 'string',
    StartupInterval: 'uint16',
    SystemCreationClassName: 'string key',
    SystemName: 'string key',
    TimeoutInterval: 'uint16',
  },
  initial: () => [],
  create: (device, props) => {
    const id = String(props.DeviceID ?? '');
    const bytes = Buffer.from(id, 'base64');
    if (bytes.length !== 16 || bytes.every((b) => b === 0) || bytes.toString('base64') !== id) {
      throw new WsmanFault('InvalidRepresentation', `DeviceID "${id}" is not the base64 of a non-zero 16-byte GUID`, 'InvalidValues');
    }
    const list = device.instances(WATCHDOG_CLASS);
    if (list.some((w) => w.DeviceID === id)) throw new WsmanFault('AlreadyExists', `an agent watchdog ${id} exists`);
    if (list.length >= MAX_TOTAL_AGENTS) throw new WsmanFault('QuotaLimit', `already ${MAX_TOTAL_AGENTS} agent watchdogs`);
    const inst: PropMap = {
      CreationClassName: WATCHDOG_CLASS,
      DeviceID: id,
      ElementName: props.ElementName ?? 'Intel(r) AMT Agent Presence Watchdog',
      StartupInterval: props.StartupInterval ?? 3600,
      SystemCreationClassName: 'CIM_ComputerSystem',
      SystemName: AMT_SYSTEM,
      TimeoutInterval: props.TimeoutInterval ?? 120,
    };
    list.push(inst);
    device.agentPresence.created(inst);
    return inst;
  },
  remove: (device, inst) => {
    const list = device.instances(WATCHDOG_CLASS);
    list.splice(list.indexOf(inst), 1);
    device.agentPresence.removed(inst);
  },
  methods: {
    RegisterAgent: onWatchdog(undefined, { SessionSequenceNumber: 'uint32', TimeoutInterval: 'uint16' }, (d, inst) => {
      const r = d.agentPresence.register(inst);
      return r.returnValue !== 0 ? { returnValue: r.returnValue } : { returnValue: 0, outputs: [['SessionSequenceNumber', r.sequence!], ['TimeoutInterval', r.timeout!]] };
    }),
    AssertPresence: onWatchdog({ SequenceNumber: 'uint32 req' }, undefined, (d, inst, input) => ({ returnValue: d.agentPresence.assertPresence(inst, Number(input.SequenceNumber)) })),
    AssertShutdown: onWatchdog({ SequenceNumber: 'uint32 req' }, undefined, (d, inst, input) => ({ returnValue: d.agentPresence.assertShutdown(inst, Number(input.SequenceNumber)) })),
    AddAction: onWatchdog(
      { OldState: 'uint16 req', NewState: 'uint16 req', EventOnTransition: 'boolean req', ActionSd: 'uint16', ActionEac: 'boolean' },
      undefined,
      (d, inst, i) => ({
        returnValue: d.agentPresence.addAction(inst, {
          OldState: Number(i.OldState), NewState: Number(i.NewState), EventOnTransition: i.EventOnTransition === true,
          ...(i.ActionSd !== undefined ? { ActionSd: Number(i.ActionSd) } : {}),
          ...(i.ActionEac !== undefined ? { ActionEac: i.ActionEac === true } : {}),
        }),
      }),
    ),
    DeleteAllActions: onWatchdog(undefined, undefined, (d, inst) => ({ returnValue: d.agentPresence.deleteAllActions(inst) })),
  },
};

const ACTION: ClassDef = {
  name: ACTION_CLASS,
  props: { ...POLICY_KEYS, ActionEac: 'boolean', ActionSd: 'uint16', EventOnTransition: 'boolean', PolicyActionName: 'string key' },
  initial: () => [],
  methods: {
    GetActionEac: {
      outputs: { ActionEac: 'boolean' },
      run: ({ instance }) => ({ returnValue: PT_STATUS.Success, outputs: [['ActionEac', instance?.ActionEac === true]] }),
    },
  },
};

const CONDITION: ClassDef = {
  name: CONDITION_CLASS,
  props: { ...POLICY_KEYS, NewState: 'uint16', OldState: 'uint16', PolicyConditionName: 'string key', StateSpace: 'string' },
  initial: () => [],
};

/** The expiration policy; HeciWatchDogExpirationAction 1 makes an OS-watchdog expiry reset the host. */
const WATCHDOG_ACTION: ClassDef = {
  name: 'IPS_WatchDogAction',
  props: {
    AgentPresenceWatchDogExpirationAction: 'uint32 w', ElementName: 'string', HeciWatchDogExpirationAction: 'uint32 w',
    InstanceID: 'string key', ReArmReset: 'boolean w', Timeout: 'uint32 w',
  },
  initial: () => [{
    AgentPresenceWatchDogExpirationAction: 0, ElementName: 'Intel(r) AMT Watchdog Action', HeciWatchDogExpirationAction: 0,
    InstanceID: 'Intel(r) AMT Watchdog Action', ReArmReset: false, Timeout: 0,
  }],
};

export const AGENT_PRESENCE_CLASSES: readonly ClassDef[] = [SERVICE, CAPABILITIES, WATCHDOG, ACTION, CONDITION, WATCHDOG_ACTION];
