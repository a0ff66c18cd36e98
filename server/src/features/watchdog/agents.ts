/**
 * Agent presence over WS-Man (Intel AMT SDK "Agent Presence": AMT_AgentPresenceWatchdog): a host agent, named by a GUID, has an
 * AMT_AgentPresenceWatchdog (made by WS-Transfer Create, DeviceID = base64 of the GUID's 16 bytes in
 * their little-endian layout), registers with it (RegisterAgent → session sequence number and
 * timeout), then asserts presence with ever larger sequence numbers and finally asserts shutdown.
 * Actions (AddAction / DeleteAllActions) say what AMT does on a state change: log and send an
 * event, and/or switch a System Defense policy.
 *
 * Methods address the watchdog with all four keys (the other three are fixed by AMT). A non-zero
 * ReturnValue becomes an AmtError with its meaning and what to do.
 */
import { AmtError } from '../../errors';
import { guidToUuidLe } from '../../targets/mei';
import type { CallOptions } from '../../wsman/client';
import type { EndpointReference, EnumItem, Selectors, WsInput, WsValue } from '../../wsman/types';
import type { AgentActionView, AgentView } from '../../protocol';

export type { AgentActionView, AgentView } from '../../protocol';

export const AGENT_STATES: Readonly<Record<number, string>> = { 1: 'Not Started', 2: 'Stopped', 4: 'Running', 8: 'Expired', 16: 'Suspended' };
const ACTION_SD: Readonly<Record<number, string>> = { 0: 'Activate policy', 1: 'Deactivate policy' };

export interface AgentPresenceClient {
  enumerateAll(classOrUri: string, allOpts?: object, opts?: CallOptions): Promise<EnumItem[]>;
  invoke(classOrUri: string, method: string, input: Record<string, WsInput>, selectors?: Selectors, opts?: CallOptions): Promise<{ returnValue: number; returnMeaning: string; output: Record<string, WsValue> }>;
  create(classOrUri: string, properties: Record<string, WsInput>, opts?: CallOptions): Promise<EndpointReference>;
}

/** GUID text → AMT DeviceID (e.g. 03020100-0504-0706-0809-0A0B0C0D0E0F → AAECAwQFBgcICQoLDA0ODw==). */
export function agentDeviceId(guid: string): string {
  const bytes = guidToUuidLe(guid);
  if (bytes.every((b) => b === 0)) throw new AmtError('agent.guid', 'An agent GUID must not be all zeros (AMT refuses it); generate one, e.g. with uuidgen.');
  return bytes.toString('base64');
}

/** AMT DeviceID → GUID text. */
export function agentGuid(deviceId: string): string {
  const b = Buffer.from(deviceId, 'base64');
  if (b.length !== 16) return deviceId;
  const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
  const tail = b.subarray(8).toString('hex');
  return `${hex(b.readUInt32LE(0), 8)}-${hex(b.readUInt16LE(4), 4)}-${hex(b.readUInt16LE(6), 4)}-${tail.slice(0, 4)}-${tail.slice(4)}`;
}

/** A state or a bit mask of states as words: `Expired`, `Running or Expired`, `Any`. */
export function stateLabel(mask: number): string {
  if (mask === 31) return 'Any';
  const names = Object.entries(AGENT_STATES).filter(([bit]) => mask & Number(bit)).map(([, n]) => n);
  return names.length ? names.join(' or ') : `State ${mask}`;
}

export async function listAgents(client: AgentPresenceClient, call?: CallOptions): Promise<AgentView[]> {
  const items = await client.enumerateAll('AMT_AgentPresenceWatchdog', {}, call);
  return items.flatMap(({ instance }) => {
    if (!instance) return [];
    const p = instance.properties;
    const deviceId = text(p.DeviceID);
    const state = num(p.CurrentState) ?? 0;
    const view: AgentView = { agent: agentGuid(deviceId), deviceId, state, stateLabel: AGENT_STATES[state] ?? `State ${state}` };
    const startup = num(p.StartupInterval);
    const timeout = num(p.TimeoutInterval);
    if (startup !== undefined) view.startupIntervalSeconds = startup;
    if (timeout !== undefined) view.timeoutIntervalSeconds = timeout;
    if (text(p.ElementName)) view.name = text(p.ElementName);
    return [view];
  });
}

/** Every action with its state-transition condition (paired by rule and number). */
export async function listAgentActions(client: AgentPresenceClient, call?: CallOptions): Promise<AgentActionView[]> {
  const [actions, conditions] = await Promise.all([
    client.enumerateAll('AMT_AgentPresenceWatchdogAction', {}, call),
    client.enumerateAll('AMT_StateTransitionCondition', {}, call),
  ]);
  const conds = conditions.flatMap((c) => (c.instance ? [c.instance.properties] : []));
  return actions.flatMap(({ instance }) => {
    if (!instance) return [];
    const p = instance.properties;
    const rule = text(p.PolicyRuleName);
    const n = text(p.PolicyActionName).replace(/^\D+/, '');
    const c = conds.find((x) => text(x.PolicyRuleName) === rule && text(x.PolicyConditionName).replace(/^\D+/, '') === n) ?? conds.find((x) => text(x.PolicyRuleName) === rule);
    const oldState = num(c?.OldState) ?? 0;
    const newState = num(c?.NewState) ?? 0;
    const sd = num(p.ActionSd);
    return [{
      rule, action: text(p.PolicyActionName), oldState, oldStateLabel: stateLabel(oldState), newState, newStateLabel: stateLabel(newState),
      eventOnTransition: text(p.EventOnTransition) === 'true',
      ...(sd !== undefined ? { actionSd: sd, actionSdLabel: ACTION_SD[sd] ?? `ActionSd ${sd}` } : {}),
    }];
  });
}

export interface CreateAgentOptions {
  /** Seconds the agent has to register after creation or boot; default 3600. */
  startupIntervalSeconds?: number;
  /** Seconds between asserts before the watchdog expires; default 120. */
  timeoutIntervalSeconds?: number;
}

export async function createAgent(client: AgentPresenceClient, guid: string, options: CreateAgentOptions = {}, call?: CallOptions): Promise<void> {
  await client.create('AMT_AgentPresenceWatchdog', {
    DeviceID: agentDeviceId(guid),
    StartupInterval: options.startupIntervalSeconds ?? 3600,
    TimeoutInterval: options.timeoutIntervalSeconds ?? 120,
  }, call);
}

export async function registerAgent(client: AgentPresenceClient, guid: string, call?: CallOptions): Promise<{ sessionSequenceNumber: number; timeoutIntervalSeconds: number }> {
  const out = await invokeOnAgent(client, guid, 'RegisterAgent', {}, call);
  return { sessionSequenceNumber: num(out.SessionSequenceNumber) ?? 0, timeoutIntervalSeconds: num(out.TimeoutInterval) ?? 0 };
}

export async function assertPresence(client: AgentPresenceClient, guid: string, sequenceNumber: number, call?: CallOptions): Promise<void> {
  await invokeOnAgent(client, guid, 'AssertPresence', { SequenceNumber: sequenceNumber }, call);
}

export async function assertShutdown(client: AgentPresenceClient, guid: string, sequenceNumber: number, call?: CallOptions): Promise<void> {
  await invokeOnAgent(client, guid, 'AssertShutdown', { SequenceNumber: sequenceNumber }, call);
}

export interface AgentActionSpec {
  /** State bit masks: 1 Not Started, 2 Stopped, 4 Running, 8 Expired, 16 Suspended, 31 any. Default 31 → 8. */
  oldState?: number;
  newState?: number;
  /** Log the transition and send an event; default true. */
  eventOnTransition?: boolean;
  /** 0 activate / 1 deactivate a System Defense policy. */
  actionSd?: number;
  actionEac?: boolean;
}

export async function addAgentAction(client: AgentPresenceClient, guid: string, spec: AgentActionSpec = {}, call?: CallOptions): Promise<void> {
  await invokeOnAgent(client, guid, 'AddAction', {
    OldState: spec.oldState ?? 31,
    NewState: spec.newState ?? 8,
    EventOnTransition: spec.eventOnTransition ?? true,
    ...(spec.actionSd !== undefined ? { ActionSd: spec.actionSd } : {}),
    ...(spec.actionEac !== undefined ? { ActionEac: spec.actionEac } : {}),
  }, call);
}

export async function deleteAllAgentActions(client: AgentPresenceClient, guid: string, call?: CallOptions): Promise<void> {
  await invokeOnAgent(client, guid, 'DeleteAllActions', {}, call);
}

function agentSelectors(guid: string): Selectors {
  return {
    CreationClassName: 'AMT_AgentPresenceWatchdog',
    DeviceID: agentDeviceId(guid),
    SystemCreationClassName: 'CIM_ComputerSystem',
    SystemName: 'Intel(r) AMT',
  };
}

async function invokeOnAgent(client: AgentPresenceClient, guid: string, method: string, input: Record<string, WsInput>, call?: CallOptions): Promise<Record<string, WsValue>> {
  const r = await client.invoke('AMT_AgentPresenceWatchdog', method, input, agentSelectors(guid), call);
  if (r.returnValue === 0) return r.output;
  const hint =
    r.returnValue === 36 && 'SequenceNumber' in input
      ? 'the sequence number must be larger than the last one (RegisterAgent\'s session number, then each assert\'s)'
      : r.returnValue === 30
        ? 'register the agent first ("amtwb agent register")'
        : 'check the agent and its watchdog ("amtwb agent list")';
  throw new AmtError('agent.failed', `${method} for agent ${guid} returned ${r.returnValue} (${r.returnMeaning}): ${hint}.`);
}

function text(v: WsValue | undefined): string {
  return typeof v === 'string' ? v.trim() : '';
}

function num(v: WsValue | undefined): number | undefined {
  const t = text(v);
  return /^-?\d+$/.test(t) ? Number(t) : undefined;
}
