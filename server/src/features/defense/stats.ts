/**
 * Filter statistics of a port, as MeshCommander's panel reads them every 5 s: UpdateStatistics on
 * the port's active policy (NetworkInterface = the port's CIM_EthernetPort EPR, ResetOnRead), then
 * AMT_ActiveFilterStatistics — one row per counting filter, ReadCount the packets counted, the
 * filter named by the nested Dependent EPR (AMT_FilterInSystemDefensePolicy → the filter's Name).
 */
import type { DefensePortNumber, DefenseStatistics } from '../../protocol';
import type { CallOptions } from '../../wsman/client';
import type { WsValue } from '../../wsman/types';
import { isEpr } from '../../wsman/types';
import { invokeRefusal } from './write';
import { items, num, POLICY, portEpr, portOf, readLinks, text, type DefenseClient } from './read';

function cimTime(v: WsValue | undefined): string | undefined {
  if (typeof v === 'string') return v.trim() || undefined;
  if (v && typeof v === 'object' && !Array.isArray(v) && (v as { kind?: string }).kind === 'datetime') return String((v as { value?: string }).value ?? '') || undefined;
  return undefined;
}

export async function readStatistics(client: DefenseClient, port: DefensePortNumber, reset = false, call?: CallOptions): Promise<DefenseStatistics> {
  const readAt = new Date().toISOString();
  const active = (await readLinks(client, call)).find((l) => l.port === port && l.active);
  if (!active) return { port, readAt, counters: [] };
  const r = await client.invoke(POLICY, 'UpdateStatistics', { NetworkInterface: portEpr(port), ResetOnRead: reset }, { InstanceID: active.policyId }, call);
  if (r.returnValue !== 0) throw invokeRefusal(`update the statistics of policy ${active.policyId} on port ${port}`, r);
  const [stats, policies] = await Promise.all([items(client, 'AMT_ActiveFilterStatistics', call), items(client, POLICY, call)]);
  const policy = policies.find((it) => text(it.instance?.properties.InstanceID) === active.policyId)?.instance?.properties;
  let activationTime: string | undefined;
  const counters = stats.flatMap((it) => {
    const p = it.instance?.properties;
    if (!p || portOf(p.Antecedent) !== port) return [];
    const dep = p.Dependent;
    const filter = isEpr(dep) ? dep.selectors.Dependent : undefined;
    const sel = isEpr(filter) ? filter.selectors : {};
    activationTime ??= cimTime(p.ActivationTime);
    const lastReset = cimTime(p.LastResetTime);
    return [{
      filterId: typeof sel.InstanceID === 'string' ? sel.InstanceID : '', filterName: typeof sel.Name === 'string' ? sel.Name : '',
      count: num(p.ReadCount) ?? 0, matched: text(p.FilterMatched) === 'true', ...(lastReset ? { lastReset } : {}),
    }];
  });
  return {
    port, policyId: active.policyId, ...(policy ? { policyName: text(policy.PolicyName) } : {}), ...(activationTime ? { activationTime } : {}), readAt, counters,
  };
}
