/**
 * `amtwb [--target …] defense …` — System Defense (features/defense/), text or --json:
 *   defense list                                   policies (by precedence), their ports and filters
 *   defense filters                                the filters and what they match
 *   defense create-filter --name N --direction rx|tx --action count-pass|count-drop|rate-limit|pass|drop
 *        [--rate PPS] [--event] [--ethernet --ethertype ip|arp|ipv6|N]
 *        [--ip-version 4|6] [--protocol tcp|udp|icmp|N] [--source A] [--destination A] [--source-port P] [--destination-port P]
 *   defense create-policy --name N --precedence P [--filters 1,2] [--rx-default allow|drop] [--tx-default allow|drop] [--count] [--event]
 *   defense edit-policy --id ID (same options as create-policy)
 *   defense delete filter|policy ID
 *   defense activate --port 0|1 (--policy ID | --none)
 *   defense stats --port 0|1 [--reset]
 *   defense environment --suffixes a.com,b.com [--policy ID]
 *   defense agent-policy (--policy ID | --none) [--port 0|1]
 */
import { parseArgs } from 'node:util';
import { activatePolicy, createFilter, createPolicy, deleteItem, readDefense, readStatistics, setAgentPolicy, setEnvironment, updatePolicy, PROFILE_LABELS } from '../features/defense';
import type { DefenseFilterSpec, DefensePolicySpec, DefensePortNumber, DefenseProfile, DefenseState, DefenseStatistics } from '../protocol';
import type { CliIo } from './feature-commands';
import { parseArgsError, usageError } from './usage';

export const DEFENSE_USAGE = `  defense list|filters                     System Defense policies (with ports) or filters
  defense create-filter --name N --direction rx|tx --action count-pass|count-drop|rate-limit|pass|drop
        [--protocol tcp|udp|icmp] [--source A] [--destination A] [--source-port P] [--destination-port P]
        [--ethernet --ethertype ip|arp] [--rate PPS] [--event]
                                           a filter (addresses as 10.0.0.1, 10.0.0.0/8 or a-b)
  defense create-policy|edit-policy [--id ID] --name N --precedence P [--filters 1,2]
        [--rx-default allow|drop] [--tx-default allow|drop] [--count] [--event]
  defense delete filter|policy ID          delete one (a filter in use or a linked policy is refused)
  defense activate --port 0|1 --policy ID|--none
                                           enable a policy on the wired (0) or wireless (1) port
  defense stats --port 0|1 [--reset]       the active policy's filter counters on that port
  defense environment --suffixes a.com,b.com [--policy ID]
  defense agent-policy --policy ID|--none [--port 0|1]
                                           the policy an agent's action (ActionSd 0) enables`;

const FIX = 'see "amtwb --help" for the defense commands';

const OPTIONS = {
  json: { type: 'boolean' }, name: { type: 'string' }, direction: { type: 'string' }, action: { type: 'string' }, rate: { type: 'string' },
  event: { type: 'boolean' }, ethernet: { type: 'boolean' }, ethertype: { type: 'string' }, 'ip-version': { type: 'string' }, protocol: { type: 'string' },
  source: { type: 'string' }, destination: { type: 'string' }, 'source-port': { type: 'string' }, 'destination-port': { type: 'string' },
  precedence: { type: 'string' }, filters: { type: 'string' }, 'rx-default': { type: 'string' }, 'tx-default': { type: 'string' }, count: { type: 'boolean' },
  id: { type: 'string' }, port: { type: 'string' }, policy: { type: 'string' }, none: { type: 'boolean' }, reset: { type: 'boolean' }, suffixes: { type: 'string' },
} as const;

type Values = ReturnType<typeof parse>['values'];

function parse(args: readonly string[]) {
  try {
    return parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw parseArgsError(err, FIX);
  }
}

function port(v: Values, required = true): DefensePortNumber | undefined {
  if (v.port === undefined && !required) return undefined;
  if (v.port !== '0' && v.port !== '1') throw usageError(`--port is 0 (wired) or 1 (wireless)${v.port === undefined ? ' and is needed here' : `, not "${v.port}"`}; add --port 0 or --port 1.`);
  return Number(v.port) as DefensePortNumber;
}

function policySpec(v: Values): DefensePolicySpec {
  if (v.name === undefined || v.precedence === undefined) throw usageError('A policy needs --name N and --precedence P (a whole number; the highest enabled policy on a port is active).');
  const def = (text: string | undefined, opt: string) => {
    if (text !== undefined && text !== 'allow' && text !== 'drop') throw usageError(`${opt} is allow or drop, not "${text}".`);
    return { drop: text === 'drop', count: v.count === true, event: v.event === true };
  };
  return {
    name: v.name, precedence: Number(v.precedence), filterIds: (v.filters ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    rx: def(v['rx-default'], '--rx-default'), tx: def(v['tx-default'], '--tx-default'),
  };
}

function filterSpec(v: Values): DefenseFilterSpec {
  if (v.name === undefined || v.direction === undefined || v.action === undefined) throw usageError('A filter needs --name N, --direction rx|tx and --action count-pass|count-drop|rate-limit|pass|drop.');
  const spec: DefenseFilterSpec = { kind: v.ethernet ? 'ethernet' : 'ip', name: v.name, direction: v.direction as DefenseFilterSpec['direction'], profile: v.action as DefenseProfile, eventOnMatch: v.event === true };
  if (v.rate !== undefined) spec.rate = Number(v.rate);
  if (v.ethertype !== undefined) spec.etherType = v.ethertype;
  if (v['ip-version'] !== undefined) spec.ipVersion = Number(v['ip-version']) as 4 | 6;
  if (v.protocol !== undefined) spec.protocol = v.protocol;
  if (v.source !== undefined) spec.source = v.source;
  if (v.destination !== undefined) spec.destination = v.destination;
  if (v['source-port'] !== undefined) spec.sourcePort = v['source-port'];
  if (v['destination-port'] !== undefined) spec.destinationPort = v['destination-port'];
  return spec;
}

export async function runDefenseCli(args: readonly string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parse(args);
  const [sub, ...rest] = positionals;
  const out = (json: unknown, text: string) => io.out(v.json ? JSON.stringify(json, null, 2) : text);
  const noMore = () => {
    if (rest.length) throw usageError(`"defense ${sub}" takes no further arguments, but "${rest.join(' ')}" was given; ${FIX}.`);
  };
  switch (sub) {
    case 'list':
    case 'filters': {
      noMore();
      const state = await readDefense(await io.connect(), { signal: io.signal });
      await out(sub === 'list' ? { policies: state.policies, ports: state.ports, environment: state.environment, limits: state.limits } : state.filters, sub === 'list' ? formatPolicies(state) : formatFilters(state));
      return 0;
    }
    case 'create-filter': {
      noMore();
      const spec = filterSpec(v);
      const id = await createFilter(await io.connect(), spec, { signal: io.signal });
      await out({ id }, `Filter "${spec.name}" was created with handle ${id}.`);
      return 0;
    }
    case 'create-policy':
    case 'edit-policy': {
      noMore();
      const spec = policySpec(v);
      const client = await io.connect();
      if (sub === 'edit-policy') {
        if (!v.id) throw usageError('"defense edit-policy" needs --id ID of the policy to change.');
        await updatePolicy(client, v.id, spec, { signal: io.signal });
        await out({ id: v.id }, `Policy ${v.id} was changed.`);
      } else {
        const id = await createPolicy(client, spec, { signal: io.signal });
        await out({ id }, `Policy "${spec.name}" was created with id ${id}.`);
      }
      return 0;
    }
    case 'delete': {
      const [what, id, ...more] = rest;
      if ((what !== 'filter' && what !== 'policy') || !id || more.length) throw usageError('Write amtwb defense delete filter ID or amtwb defense delete policy ID.');
      await deleteItem(await io.connect(), what, id, { signal: io.signal });
      await out({ deleted: what, id }, `The ${what} ${id} was deleted.`);
      return 0;
    }
    case 'activate': {
      noMore();
      const p = port(v)!;
      if (!v.policy && !v.none) throw usageError('"defense activate" needs --policy ID, or --none to enable no policy on the port.');
      await activatePolicy(await io.connect(), p, v.none ? undefined : v.policy, { signal: io.signal });
      await out({ port: p, policy: v.none ? null : v.policy }, v.none ? `System Defense enables no policy on port ${p} now.` : `Policy ${v.policy} is enabled on port ${p}.`);
      return 0;
    }
    case 'stats': {
      noMore();
      const stats = await readStatistics(await io.connect(), port(v)!, v.reset === true, { signal: io.signal });
      await out(stats, formatStats(stats));
      return 0;
    }
    case 'environment': {
      noMore();
      if (v.suffixes === undefined) throw usageError('"defense environment" needs --suffixes a.com,b.com (the enterprise\'s DNS suffixes; empty for none).');
      await setEnvironment(await io.connect(), v.suffixes.split(','), v.policy, { signal: io.signal });
      await out({ suffixes: v.suffixes.split(',').filter(Boolean), policy: v.policy ?? null }, 'Environment Detection was set.');
      return 0;
    }
    case 'agent-policy': {
      noMore();
      if (!v.policy && !v.none) throw usageError('"defense agent-policy" needs --policy ID, or --none to link no policy to Agent Presence.');
      const p = port(v, false);
      await setAgentPolicy(await io.connect(), v.none ? undefined : v.policy, p === undefined ? [0, 1] : [p], { signal: io.signal });
      await out({ policy: v.none ? null : v.policy }, v.none ? 'No policy is linked to Agent Presence now.' : `Policy ${v.policy} is the one an agent's action enables.`);
      return 0;
    }
    default:
      throw usageError(sub === undefined ? `"defense" needs a command (list, filters, create-filter, create-policy, edit-policy, delete, activate, stats, environment, agent-policy); ${FIX}.` : `"${sub}" is not a defense command; ${FIX}.`);
  }
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

const defaults = (d: { drop: boolean; count: boolean; event: boolean }) => [d.drop ? 'drop' : 'allow', ...(d.count ? ['count'] : []), ...(d.event ? ['event'] : [])].join('+');

export function formatPolicies(s: DefenseState): string {
  const ports = s.ports.map((p) => `Port ${p.port} (${p.label}): ${p.activePolicy ? `policy ${p.activePolicy} active` : 'no active policy'}`).join('\n');
  if (s.policies.length === 0) return `No System Defense policies (at most ${s.limits.maxPolicies}).\n${ports}`;
  const rows = s.policies.map((p) => [
    p.id, p.name, String(p.precedence), defaults(p.rx), defaults(p.tx), p.filterIds.join(',') || '-',
    p.links.map((l) => `port ${l.port} ${l.source}${l.active ? ' (active)' : l.enabled ? '' : ' (waiting)'}`).join('; ') || '-',
  ]);
  return `${table(['ID', 'NAME', 'PRECEDENCE', 'RX DEFAULT', 'TX DEFAULT', 'FILTERS', 'LINKS'], rows)}\n${ports}`;
}

export function formatFilters(s: DefenseState): string {
  if (s.filters.length === 0) return `No System Defense filters (at most ${s.limits.maxFilters}).`;
  const rows = s.filters.map((f) => [f.id, f.name, f.direction, `${PROFILE_LABELS[f.profile]}${f.rate !== undefined ? ` ${f.rate}/s` : ''}${f.eventOnMatch ? ', event' : ''}`, f.usedBy.join(',') || '-', f.matches]);
  return table(['ID', 'NAME', 'DIR', 'ACTION', 'POLICIES', 'MATCHES'], rows);
}

export function formatStats(s: DefenseStatistics): string {
  if (!s.policyId) return `No policy is active on port ${s.port}, so nothing is counted.`;
  const head = `Port ${s.port}: policy ${s.policyId}${s.policyName ? ` "${s.policyName}"` : ''}${s.activationTime ? ` active since ${s.activationTime}` : ''}`;
  if (s.counters.length === 0) return `${head}\nThe policy has no counting filter.`;
  return `${head}\n${table(['FILTER', 'NAME', 'PACKETS', 'MATCHED'], s.counters.map((c) => [c.filterId, c.filterName, String(c.count), c.matched ? 'yes' : 'no']))}`;
}
