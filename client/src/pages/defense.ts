/**
 * The System Defense page (MeshCommander's "System Defense" panel, and more): which policy is active
 * on the wired and wireless port, the active policy's filter counters polled every 5 s with a small
 * chart of them over time, the policies (precedence, defaults, filters, links; create, edit, delete,
 * raise or lower precedence) and the filters (create from a form, delete), Environment Detection and
 * the policy an agent's watchdog action enables. Forms are checked here with the backend's own
 * rules (features/defense/filters.ts) before anything is sent; the device's refusals come back as
 * the backend's one sentence.
 */
import { filterProperties } from '../../../server/src/features/defense/filters';
import {
  DefenseRequests, type DefenseFilterSpec, type DefensePolicy, type DefensePolicySpec, type DefensePortNumber, type DefenseProfile,
  type DefenseState, type DefenseStatistics,
} from '../../../server/src/protocol';
import { badge, button, form, html, keyValues, lineChart, section, table, type FieldSpec, type Safe } from './html';
import type { ActionInput, PageContext, PageSpec } from './page';

export interface DefenseData {
  state: DefenseState;
  stats: DefenseStatistics[];
  /** Per port: counter samples over time, oldest first (kept while the extension runs). */
  history: Record<number, { at: string; counts: Record<string, number> }[]>;
  /** The policy the form edits, if one. */
  editing?: string;
}

const HISTORY = new Map<string, Record<number, { at: string; counts: Record<string, number> }[]>>();
const EDITING = new Map<string, string | undefined>();
const SAMPLES = 40;

const PROFILE_TEXT: Record<DefenseProfile, string> = { 'count-pass': 'Count and pass', 'count-drop': 'Count and drop', 'rate-limit': 'Rate limit', pass: 'Pass', drop: 'Drop' };
const SOURCE_TEXT = { 'system-defense': 'System Defense', 'agent-presence': 'Agent Presence', 'environment-detection': 'Environment Detection', default: 'Default' } as const;

async function load(page: PageContext): Promise<DefenseData> {
  const t = { targetId: page.targetId };
  const state = await page.request(DefenseRequests.state, t);
  const stats = await Promise.all(state.ports.filter((p) => p.activePolicy).map((p) => page.request(DefenseRequests.stats, { ...t, port: p.port })));
  const history = HISTORY.get(page.targetId) ?? {};
  HISTORY.set(page.targetId, history);
  for (const s of stats) {
    const list = (history[s.port] ??= []);
    // A different policy on the port starts a new chart: its counters are new ones.
    if (list.length && Object.keys(list.at(-1)!.counts).join() !== s.counters.map((c) => c.filterId).join()) list.length = 0;
    list.push({ at: s.readAt, counts: Object.fromEntries(s.counters.map((c) => [c.filterId, c.count])) });
    if (list.length > SAMPLES) list.splice(0, list.length - SAMPLES);
  }
  const editing = EDITING.get(page.targetId);
  return { state, stats, history, ...(editing && state.policies.some((p) => p.id === editing) ? { editing } : {}) };
}

const defaultsText = (d: { drop: boolean; count: boolean; event: boolean }) =>
  [d.drop ? 'drop' : 'allow', ...(d.count ? ['count'] : []), ...(d.event ? ['event'] : [])].join(', ');

function policyName(s: DefenseState, id: string | undefined): string {
  if (!id) return 'none';
  const p = s.policies.find((x) => x.id === id);
  return p ? `${p.name} (${id})` : id;
}

function portsSection(d: DefenseData): Safe {
  const options = [['', 'None'] as const, ...d.state.policies.map((p) => [p.id, `${p.name} (${p.id}, precedence ${p.precedence})`] as const)];
  const rows = d.state.ports.map((p) => [
    html`${p.port} (${p.label})`,
    p.activePolicy ? badge(policyName(d.state, p.activePolicy), 'warn') : badge('none', 'ok'),
    policyName(d.state, p.systemDefensePolicy),
    policyName(d.state, p.agentPresencePolicy),
    form(`port-${p.port}`, [{ name: `port${p.port}policy`, label: 'System Defense policy', kind: 'select', value: p.systemDefensePolicy ?? '', options }],
      button('Enable', 'activate', { port: p.port }, { primary: true })),
  ]);
  return section('Network ports', table(['Port', 'Active policy', 'System Defense', 'Agent Presence', 'Change'], rows, 'No ports.', 'ports'));
}

function statsSection(d: DefenseData): Safe {
  if (d.stats.length === 0) return section('Filter statistics', html`<p class="empty">No policy is active on any port, so no filter counts packets.</p>`, undefined, 'stats');
  const parts = d.stats.map((s) => {
    const rows = s.counters.map((c) => [c.filterId, c.filterName, html`<span class="count" data-filter="${c.filterId}">${c.count}</span>`, c.matched ? badge('matched', 'warn') : badge('no match', 'info')]);
    const hist = d.history[s.port] ?? [];
    const chart = s.counters.length && hist.length > 1
      ? lineChart(s.counters.map((c) => ({ label: c.filterName || `Filter ${c.filterId}`, points: hist.map((h) => h.counts[c.filterId] ?? 0) })), { title: `Packets counted on port ${s.port}`, width: 420, height: 120 })
      : html`<p class="empty">The chart fills in as the page reads the counters every 5 seconds.</p>`;
    return html`<h3>Port ${s.port}: ${s.policyName ?? ''} (${s.policyId ?? ''})${s.activationTime ? html` — active since ${s.activationTime}` : ''}</h3>
${table(['Filter', 'Name', 'Packets', 'Matched'], rows, 'The active policy has no counting filter (count-pass, count-drop or rate-limit).', `stats-${s.port}`)}${chart}`;
  });
  return section('Filter statistics', parts, button('Reset counters', 'resetStats', undefined, { confirm: 'Reset the filter counters of the active policies to zero?' }), 'stats');
}

function policiesSection(d: DefenseData): Safe {
  const rows = d.state.policies.map((p) => [
    p.id, p.name, p.precedence, defaultsText(p.rx), defaultsText(p.tx),
    p.filterIds.map((id) => d.state.filters.find((f) => f.id === id)?.name ?? id).join(', ') || '—',
    p.links.map((l) => html`${badge(`${l.port === 0 ? 'wired' : 'wireless'} · ${SOURCE_TEXT[l.source]}${l.active ? ' · active' : l.enabled ? '' : ' · waiting'}`, l.active ? 'warn' : 'info')} `),
    html`${button('Edit', 'edit', { id: p.id })} ${button('Raise', 'precedence', { id: p.id, by: 1 }, { title: 'Raise the precedence by one' })} ${button('Lower', 'precedence', { id: p.id, by: -1 }, { title: 'Lower the precedence by one' })} ${button('Delete', 'delete', { what: 'policy', id: p.id }, { confirm: `Delete the System Defense policy "${p.name}"?` })}`,
  ]);
  const editing = d.state.policies.find((p) => p.id === d.editing);
  const fields: FieldSpec[] = [
    { name: 'pname', label: 'Name (1–16 characters)', value: editing?.name ?? '', required: true },
    { name: 'precedence', label: 'Precedence', kind: 'number', value: editing?.precedence ?? 1, hint: 'The enabled policy with the highest precedence is the active one on a port.' },
    { name: 'rxdefault', label: 'Incoming packets no filter matches', kind: 'select', value: editing?.rx.drop ? 'drop' : 'allow', options: [['allow', 'Allow'], ['drop', 'Drop']] },
    { name: 'txdefault', label: 'Outgoing packets no filter matches', kind: 'select', value: editing?.tx.drop ? 'drop' : 'allow', options: [['allow', 'Allow'], ['drop', 'Drop']] },
    { name: 'count', label: 'Count unmatched packets', kind: 'checkbox', value: editing ? editing.rx.count : false },
    { name: 'event', label: 'Log an event for unmatched packets', kind: 'checkbox', value: editing ? editing.rx.event : false },
    ...d.state.filters.map((f): FieldSpec => ({ name: `filter${f.id}`, label: `Filter ${f.id}: ${f.name} (${f.direction}, ${PROFILE_TEXT[f.profile]})`, kind: 'checkbox', value: editing?.filterIds.includes(f.id) ?? false })),
  ];
  const buttons = editing
    ? html`${button(`Save policy ${editing.id}`, 'updatePolicy', { id: editing.id }, { primary: true })} ${button('Cancel', 'cancelEdit')}`
    : button('Create policy', 'createPolicy', undefined, { primary: true });
  return section(`Policies (${d.state.policies.length} of ${d.state.limits.maxPolicies})`,
    html`${table(['ID', 'Name', 'Precedence', 'Incoming default', 'Outgoing default', 'Filters', 'Links', ''], rows, 'No policies yet: create filters, then a policy with them.', 'policies')}
<h3>${editing ? `Edit policy ${editing.id}` : 'New policy'}</h3>${form('policy-form', fields, buttons)}`, undefined, 'policies-section');
}

const FILTER_FIELDS: FieldSpec[] = [
  { name: 'fname', label: 'Name (1–16 characters)', required: true },
  { name: 'kind', label: 'Type', kind: 'select', value: 'ip', options: [['ip', 'IP headers'], ['ethernet', 'Ethernet (EtherType)']] },
  { name: 'direction', label: 'Direction', kind: 'select', value: 'rx', options: [['rx', 'Incoming (Rx)'], ['tx', 'Outgoing (Tx)']] },
  { name: 'profile', label: 'Action', kind: 'select', value: 'count-pass', options: Object.entries(PROFILE_TEXT) },
  { name: 'rate', label: 'Rate limit (packets/s)', kind: 'number', hint: 'Only for the rate-limit action.' },
  { name: 'protocol', label: 'Protocol', placeholder: 'tcp, udp, icmp or a number' },
  { name: 'source', label: 'Source address', placeholder: '10.0.0.1, 10.0.0.0/8 or 10.0.0.1-10.0.0.9' },
  { name: 'destination', label: 'Destination address', placeholder: 'as the source' },
  { name: 'sourcePort', label: 'Source port', placeholder: '53 or 1000-2000' },
  { name: 'destinationPort', label: 'Destination port', placeholder: '443' },
  { name: 'etherType', label: 'EtherType (Ethernet filters)', placeholder: 'ip, arp, ipv6 or 0x88CC' },
  { name: 'eventOnMatch', label: 'Log an event when it matches', kind: 'checkbox' },
];

function filtersSection(d: DefenseData): Safe {
  const rows = d.state.filters.map((f) => [
    f.id, f.name, f.direction === 'rx' ? 'in' : 'out', `${PROFILE_TEXT[f.profile]}${f.rate !== undefined ? ` (${f.rate}/s)` : ''}${f.eventOnMatch ? ', event' : ''}`,
    f.matches, f.usedBy.map((id) => policyName(d.state, id)).join(', ') || '—',
    button('Delete', 'delete', { what: 'filter', id: f.id }, { confirm: `Delete the filter "${f.name}"?` }),
  ]);
  return section(`Filters (${d.state.filters.length} of ${d.state.limits.maxFilters})`,
    html`${table(['ID', 'Name', 'Dir', 'Action', 'Matches', 'Used by', ''], rows, 'No filters yet.', 'filters')}
<h3>New filter</h3>${form('filter-form', FILTER_FIELDS, button('Create filter', 'createFilter', undefined, { primary: true }))}`, undefined, 'filters-section');
}

function environmentSection(d: DefenseData): Safe {
  const env = d.state.environment;
  if (!env) return section('Environment Detection', html`<p class="empty">This device serves no Environment Detection settings.</p>`);
  const options = [['', 'None'] as const, ...d.state.policies.map((p) => [p.id, `${p.name} (${p.id})`] as const)];
  const agentLinked = d.state.ports.map((p) => p.agentPresencePolicy).find(Boolean);
  return html`${section('Environment Detection', html`${keyValues([
    ['Enterprise DNS suffixes', env.detectionStrings.join(', ') || 'none (the device never counts as outside)'],
    ['Policy outside the enterprise', policyName(d.state, env.policy)],
  ])}${form('env-form', [
    { name: 'suffixes', label: 'DNS suffixes (comma-separated, at most 5)', value: env.detectionStrings.join(', ') },
    { name: 'envpolicy', label: 'Policy to enable outside', kind: 'select', value: env.policy ?? '', options },
  ], button('Set Environment Detection', 'setEnvironment', undefined, { primary: true }))}`)}
${section('Agent Presence', html`<p>The policy an agent's watchdog action enables (AddAction with "activate policy", e.g. when the agent stops or expires), on both ports. Until then its link waits.</p>${keyValues([
    ['Linked policy', policyName(d.state, agentLinked)],
  ])}${form('agent-form', [{ name: 'agentpolicy', label: 'Policy', kind: 'select', value: agentLinked ?? '', options }],
    button('Link to Agent Presence', 'setAgentPolicy', undefined, { primary: true }))}`)}`;
}

function render(d: DefenseData): Safe {
  return html`${portsSection(d)}${statsSection(d)}${filtersSection(d)}${policiesSection(d)}${environmentSection(d)}`;
}

const str = (v: string | boolean | undefined) => (typeof v === 'string' ? v.trim() : '');

/** The filter form's fields as a spec; checked by the backend's rules before it is sent. */
export function filterSpecOf(fields: ActionInput['fields']): DefenseFilterSpec {
  const spec: DefenseFilterSpec = {
    kind: str(fields.kind) === 'ethernet' ? 'ethernet' : 'ip', name: str(fields.fname), direction: str(fields.direction) === 'tx' ? 'tx' : 'rx',
    profile: (str(fields.profile) || 'count-pass') as DefenseProfile, eventOnMatch: fields.eventOnMatch === true,
  };
  if (str(fields.rate)) spec.rate = Number(str(fields.rate));
  for (const k of ['protocol', 'source', 'destination', 'sourcePort', 'destinationPort', 'etherType'] as const) if (str(fields[k])) spec[k] = str(fields[k]);
  filterProperties(spec);
  return spec;
}

function policySpecOf(fields: ActionInput['fields'], d: DefenseData | undefined): DefensePolicySpec {
  const count = fields.count === true;
  const event = fields.event === true;
  return {
    name: str(fields.pname), precedence: Number(str(fields.precedence) || '0'),
    filterIds: (d?.state.filters ?? []).filter((f) => fields[`filter${f.id}`] === true).map((f) => f.id),
    rx: { drop: str(fields.rxdefault) === 'drop', count, event }, tx: { drop: str(fields.txdefault) === 'drop', count, event },
  };
}

const specOf = (p: DefensePolicy): DefensePolicySpec => ({ name: p.name, precedence: p.precedence, filterIds: p.filterIds, rx: p.rx, tx: p.tx });

export const DEFENSE_PAGE: PageSpec<DefenseData> = {
  kind: 'defense',
  title: 'System Defense',
  icon: 'shield',
  pollSeconds: 5,
  load,
  render,
  actions: {
    async createFilter(page, _d, input) {
      const spec = filterSpecOf(input.fields);
      const { id } = await page.request(DefenseRequests.createFilter, { targetId: page.targetId, filter: spec });
      return `Filter "${spec.name}" was created with handle ${id}; add it to a policy to use it.`;
    },
    async createPolicy(page, d, input) {
      const spec = policySpecOf(input.fields, d);
      const { id } = await page.request(DefenseRequests.createPolicy, { targetId: page.targetId, policy: spec });
      return `Policy "${spec.name}" was created with id ${id}; enable it on a port to make it work.`;
    },
    async edit(page, _d, input) {
      EDITING.set(page.targetId, String((input.args as { id: string }).id));
    },
    async cancelEdit(page) {
      EDITING.delete(page.targetId);
    },
    async updatePolicy(page, d, input) {
      const id = String((input.args as { id: string }).id);
      const r = await page.request(DefenseRequests.updatePolicy, { targetId: page.targetId, id, policy: policySpecOf(input.fields, d) });
      EDITING.delete(page.targetId);
      return r.message;
    },
    async precedence(page, d, input) {
      const { id, by } = input.args as { id: string; by: number };
      const p = d?.state.policies.find((x) => x.id === id);
      if (!p) throw new Error(`Policy ${id} is no longer on the device; refresh the page.`);
      const precedence = Math.max(0, p.precedence + by);
      await page.request(DefenseRequests.updatePolicy, { targetId: page.targetId, id, policy: { ...specOf(p), precedence } });
      return `Policy "${p.name}" has precedence ${precedence} now.`;
    },
    async delete(page, _d, input) {
      const { what, id } = input.args as { what: 'filter' | 'policy'; id: string };
      return (await page.request(DefenseRequests.delete, { targetId: page.targetId, what, id })).message;
    },
    async activate(page, _d, input) {
      const port = Number((input.args as { port: number }).port) as DefensePortNumber;
      const policyId = str(input.fields[`port${port}policy`]) || undefined;
      return (await page.request(DefenseRequests.activate, { targetId: page.targetId, port, ...(policyId ? { policyId } : {}) })).message;
    },
    async resetStats(page, d) {
      for (const p of d?.state.ports.filter((x) => x.activePolicy) ?? []) await page.request(DefenseRequests.stats, { targetId: page.targetId, port: p.port, reset: true });
      HISTORY.delete(page.targetId);
      return 'The counters were reset.';
    },
    async setEnvironment(page, _d, input) {
      const policyId = str(input.fields.envpolicy) || undefined;
      return (await page.request(DefenseRequests.setEnvironment, { targetId: page.targetId, detectionStrings: str(input.fields.suffixes).split(','), ...(policyId ? { policyId } : {}) })).message;
    },
    async setAgentPolicy(page, _d, input) {
      const policyId = str(input.fields.agentpolicy) || undefined;
      return (await page.request(DefenseRequests.setAgentPolicy, { targetId: page.targetId, ...(policyId ? { policyId } : {}) })).message;
    },
  },
};
