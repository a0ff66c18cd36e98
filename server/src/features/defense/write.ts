/**
 * Changing System Defense: create filters and policies (WS-Transfer Create; the response EPR's
 * InstanceID is the creation handle), edit a policy (Put), delete either, enable a policy on a
 * port (MeshCommander's changeDefaultPolicy: Delete the port's AMT_NetworkPortSystemDefensePolicy,
 * Create a new one), set Environment Detection (Put DetectionStrings, SetSystemDefensePolicy) and
 * the Agent Presence policy (AMT_AgentPresenceInterfacePolicy links, enabled by an agent's
 * AddAction with ActionSd 0). Input is checked before anything is sent; a device's refusal comes
 * back as one sentence with its reason or ReturnValue meaning. Each change is sent once.
 */
import { AmtError } from '../../errors';
import type { DefenseDefaults, DefenseFilterSpec, DefensePolicySpec, DefensePortNumber } from '../../protocol';
import type { CallOptions } from '../../wsman/client';
import { WsmanFaultError } from '../../wsman/faults';
import type { WsInput } from '../../wsman/types';
import { checkName, filterProperties, HDR_FILTER, IP_FILTER } from './filters';
import { ENV_SETTINGS, items, LINKS, POLICY, policyEpr, portEpr, readLinks, text, type DefenseClient } from './read';

/** What to do about a refusal, by its subcode; `inUse` is what a refused Delete most likely means. */
function refusalHint(subcode: string, inUse?: string): string {
  if (subcode === 'QuotaLimit') return 'the device holds at most 8 policies, 80 filters and 62 filters per policy, so delete one first';
  if (subcode === 'AlreadyExists') return 'the port already has such a link, so remove it first';
  if (inUse && subcode === 'InvalidRepresentation') return inUse;
  return 'correct the values and try again';
}

/** Runs one device change; a WS-Man fault becomes "The device refused to <what> (<subcode>: <reason>); <what to do>." */
export async function deviceChange<T>(what: string, fn: () => Promise<T>, inUse?: string): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof WsmanFaultError) {
      const reason = err.reason.replace(/[.\s]+$/, '');
      throw new AmtError('defense.refused', `The device refused to ${what} (${err.subcode || err.soapCode}: ${reason}); ${refusalHint(err.subcode, inUse)}.`, { cause: err });
    }
    throw err;
  }
}

function invokeRefusal(what: string, r: { returnValue: number; returnMeaning: string }): AmtError {
  return new AmtError('defense.refused', `The device refused to ${what}: ReturnValue ${r.returnValue} (${r.returnMeaning}); check the values and try again.`);
}

export async function createFilter(client: DefenseClient, spec: DefenseFilterSpec, call?: CallOptions): Promise<string> {
  const { className, properties } = filterProperties(spec);
  const epr = await deviceChange(`create filter "${String(properties.Name)}"`, () => client.create(className, properties, call));
  return text(epr.selectors.InstanceID as string | undefined);
}

function policyProperties(spec: DefensePolicySpec, known: ReadonlySet<string>): Record<string, WsInput> {
  const name = checkName(spec.name ?? '', 'policy');
  const precedence = Number(spec.precedence);
  if (!Number.isInteger(precedence) || precedence < 0 || precedence > 0xffffffff) throw new AmtError('defense.invalid', `A policy's precedence is a whole number from 0 to 4294967295, not "${String(spec.precedence)}"; enter one.`);
  const ids = spec.filterIds.map((f) => String(f).trim()).filter(Boolean);
  const unknown = ids.find((id) => !known.has(id));
  if (unknown !== undefined) throw new AmtError('defense.invalid', `The policy names filter ${unknown}, which the device does not have; pick filters from the list.`);
  if (ids.length > 62) throw new AmtError('defense.invalid', `A policy holds at most 62 filters, not ${ids.length}; split it in two.`);
  const d = (v: Partial<DefenseDefaults> | undefined) => ({ drop: v?.drop === true, count: v?.count === true, event: v?.event === true });
  const tx = d(spec.tx);
  const rx = d(spec.rx);
  return {
    InstanceID: 0, PolicyName: name, PolicyPrecedence: precedence,
    TxDefaultDrop: tx.drop, TxDefaultMatchEvent: tx.event, TxDefaultCount: tx.count,
    RxDefaultDrop: rx.drop, RxDefaultMatchEvent: rx.event, RxDefaultCount: rx.count,
    ...(ids.length ? { FilterCreationHandles: ids.map(Number) } : {}),
  };
}

async function filterIds(client: DefenseClient, call?: CallOptions): Promise<Set<string>> {
  const all = await Promise.all([IP_FILTER, HDR_FILTER].map((c) => items(client, c, call)));
  return new Set(all.flat().map((it) => text(it.instance?.properties.InstanceID)));
}

export async function createPolicy(client: DefenseClient, spec: DefensePolicySpec, call?: CallOptions): Promise<string> {
  const properties = policyProperties(spec, await filterIds(client, call));
  const epr = await deviceChange(`create policy "${String(properties.PolicyName)}"`, () => client.create(POLICY, properties, call));
  return text(epr.selectors.InstanceID as string | undefined);
}

export async function updatePolicy(client: DefenseClient, id: string, spec: DefensePolicySpec, call?: CallOptions): Promise<void> {
  const properties: Record<string, WsInput> = { ...policyProperties(spec, await filterIds(client, call)), InstanceID: id };
  const current = await deviceChange(`read policy ${id}`, () => client.get(POLICY, { InstanceID: id }, call));
  // Put carries the whole instance: what the device served, with the edited values over it.
  // A policy left with no filters says so with xsi:nil (an empty list would write nothing, keeping the old ones).
  const { FilterCreationHandles: _old, ...rest } = current.properties;
  const handles = properties.FilterCreationHandles ?? null;
  await deviceChange(`change policy ${id}`, () => client.put(POLICY, { ...rest, ...properties, FilterCreationHandles: handles }, { InstanceID: id }, call));
}

export async function deleteItem(client: DefenseClient, what: 'filter' | 'policy', id: string, call?: CallOptions): Promise<void> {
  const classes = what === 'policy' ? [POLICY] : [IP_FILTER, HDR_FILTER];
  for (const cls of classes) {
    const hit = (await items(client, cls, call)).find((it) => text(it.instance?.properties.InstanceID) === id);
    if (!hit) continue;
    const selectors = hit.epr?.selectors ?? { InstanceID: id };
    const inUse = what === 'filter'
      ? 'a filter that a policy still lists cannot be deleted, so edit the policy to leave it out first'
      : 'a policy linked to a port (System Defense, Agent Presence or Environment Detection) cannot be deleted, so unlink it first';
    await deviceChange(`delete ${what} ${id}`, () => client.delete(cls, selectors, call), inUse);
    return;
  }
  throw new AmtError('defense.unknown', `The device has no System Defense ${what} ${id}; list them with "amtwb defense list".`);
}

/** Enables `policyId` on the port through System Defense; undefined removes the port's link. */
export async function activatePolicy(client: DefenseClient, port: DefensePortNumber, policyId: string | undefined, call?: CallOptions): Promise<void> {
  if (port !== 0 && port !== 1) throw new AmtError('defense.invalid', `A port is 0 (wired) or 1 (wireless), not "${String(port)}"; pick one.`);
  if (policyId !== undefined && !(await items(client, POLICY, call)).some((it) => text(it.instance?.properties.InstanceID) === policyId)) {
    throw new AmtError('defense.unknown', `The device has no System Defense policy ${policyId}; list them with "amtwb defense list".`);
  }
  const old = (await readLinks(client, call)).filter((l) => l.source === 'system-defense' && l.port === port);
  for (const l of old) {
    if (l.epr) await deviceChange(`remove policy ${l.policyId} from port ${port}`, () => client.delete(LINKS['system-defense'], l.epr!.selectors, call));
  }
  if (policyId === undefined) return;
  await deviceChange(`enable policy ${policyId} on port ${port}`, () =>
    client.create(LINKS['system-defense'], { Antecedent: portEpr(port), Dependent: policyEpr(policyId), Enabled: true }, call));
}

export async function setEnvironment(client: DefenseClient, detectionStrings: string[], policyId: string | undefined, call?: CallOptions): Promise<void> {
  const suffixes = detectionStrings.map((s) => s.trim()).filter(Boolean);
  const bad = suffixes.find((s) => !/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(s) || s.length > 192);
  if (bad !== undefined) throw new AmtError('defense.invalid', `"${bad}" is not a DNS suffix; write domain names such as corp.example.com, separated by commas.`);
  if (suffixes.length > 5) throw new AmtError('defense.invalid', `Environment Detection takes at most 5 DNS suffixes, not ${suffixes.length}; keep the 5 that matter.`);
  const envItems = await items(client, ENV_SETTINGS, call);
  const current = envItems[0];
  if (!current?.instance) throw new AmtError('defense.unknown', 'This device serves no AMT_EnvironmentDetectionSettingData, so it has no Environment Detection to set.');
  const selectors = current.epr?.selectors ?? { InstanceID: text(current.instance.properties.InstanceID) };
  await deviceChange('set the Environment Detection suffixes', () =>
    client.put(ENV_SETTINGS, { ...current.instance!.properties, DetectionStrings: suffixes }, selectors, call));
  const r = await client.invoke(ENV_SETTINGS, 'SetSystemDefensePolicy', policyId === undefined ? {} : { Policy: policyEpr(policyId) }, selectors, call);
  if (r.returnValue !== 0) throw invokeRefusal(`set the Environment Detection policy${policyId === undefined ? '' : ` to ${policyId}`}`, r);
}

/** Links the policy an agent's ActionSd 0 action enables on these ports (replacing any before); undefined unlinks. */
export async function setAgentPolicy(client: DefenseClient, policyId: string | undefined, ports: readonly DefensePortNumber[] = [0, 1], call?: CallOptions): Promise<void> {
  const old = (await readLinks(client, call)).filter((l) => l.source === 'agent-presence');
  for (const l of old) {
    if (l.epr) await deviceChange(`remove the Agent Presence policy from port ${l.port}`, () => client.delete(LINKS['agent-presence'], l.epr!.selectors, call));
  }
  if (policyId === undefined) return;
  for (const port of ports) {
    await deviceChange(`link policy ${policyId} to Agent Presence on port ${port}`, () =>
      client.create(LINKS['agent-presence'], { Antecedent: portEpr(port), Dependent: policyEpr(policyId) }, call));
  }
}

export { invokeRefusal };
