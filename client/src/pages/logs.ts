/**
 * The Logs page: the firmware event log (AMT_MessageLog, PET records decoded by the backend) and the
 * audit log (AMT_AuditLog: application, event, initiator, address, details), newest first, filtered
 * by severity, time and text; what is shown exports as CSV or JSON (ui.saveFile); either log can be
 * cleared after a confirmation; the audit policy (AMT_AuditPolicyRule) is listed and set.
 */
import { AUDIT_EVENTS } from '../../../server/src/features/log/audit-events';
import { newestFirst } from '../../../server/src/features/log/order';
import { AuditLogRequests, Requests, type AuditLogInfo, type AuditPolicy, type AuditRecord, type LogRecord } from '../../../server/src/protocol';
import { errorMessage } from '../model/request';
import { badge, button, form, html, keyValues, section, table, type Safe, type Tone } from './html';
import type { ActionInput, PageContext, PageSpec } from './page';

export interface LogsFilter {
  /** The lowest severity shown (event log): '' all, else a severity name. */ severity: string;
  /** ISO date or date-time bounds, '' for none. */ from: string;
  to: string;
  text: string;
}

export interface LogsData {
  events: LogRecord[];
  audit?: AuditLogInfo;
  auditError?: string;
  policy?: AuditPolicy;
  filter: LogsFilter;
}

const FILTERS = new Map<string, LogsFilter>();
const NO_FILTER: LogsFilter = { severity: '', from: '', to: '', text: '' };
/** Severity codes by rank (gwm/IPMI): higher is worse. */
const SEVERITY_RANK: Record<string, number> = { Unspecified: 0, Monitor: 1, Information: 2, OK: 3, 'Non-critical': 4, Critical: 5, 'Non-recoverable': 6 };
const SEVERITY_TONE: Record<string, Tone> = { Critical: 'bad', 'Non-recoverable': 'bad', 'Non-critical': 'warn' };

async function load(page: PageContext): Promise<LogsData> {
  const t = { targetId: page.targetId };
  const [log, audit, policy] = await Promise.allSettled([page.request(Requests.readLog, t), page.request(AuditLogRequests.read, t), page.request(AuditLogRequests.policy, t)]);
  if (log.status === 'rejected') throw log.reason;
  return {
    events: newestFirst(log.value.records),
    ...(audit.status === 'fulfilled' ? { audit: { ...audit.value, records: newestFirst(audit.value.records) } } : { auditError: errorMessage(audit.reason) }),
    ...(policy.status === 'fulfilled' ? { policy: policy.value } : {}),
    filter: FILTERS.get(page.targetId) ?? NO_FILTER,
  };
}

function bound(text: string, end: boolean): number | undefined {
  if (!text) return undefined;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const ms = Date.parse(dateOnly ? `${text}T${end ? '23:59:59.999' : '00:00:00'}Z` : text);
  return Number.isNaN(ms) ? undefined : ms;
}

function inTime(iso: string, f: LogsFilter): boolean {
  const t = Date.parse(iso);
  const from = bound(f.from, false);
  const to = bound(f.to, true);
  return (from === undefined || t >= from) && (to === undefined || t <= to);
}

export function shownEvents(d: LogsData): LogRecord[] {
  const f = d.filter;
  const min = f.severity ? SEVERITY_RANK[f.severity] ?? 0 : -1;
  const text = f.text.toLowerCase();
  return d.events.filter((r) => (SEVERITY_RANK[r.severity] ?? 0) >= min && inTime(r.time, f)
    && (!text || [r.description, r.event, r.entity, r.source, r.severity].join(' ').toLowerCase().includes(text)));
}

export function shownAudit(d: LogsData): AuditRecord[] {
  const f = d.filter;
  const text = f.text.toLowerCase();
  return (d.audit?.records ?? []).filter((r) => inTime(r.time, f)
    && (!text || [r.description, r.application, r.initiator, r.address, r.details, String(r.event)].join(' ').toLowerCase().includes(text)));
}

/** RFC 4180 CSV (quotes doubled, fields with a comma, quote or line break quoted); a few lines, so no library. */
export function toCsv(head: readonly string[], rows: ReadonlyArray<readonly (string | number)[]>): string {
  const cell = (v: string | number) => {
    const s = String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [head, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

const EVENT_HEAD = ['Time', 'Severity', 'Source', 'Event', 'Entity', 'Description'];
const AUDIT_HEAD = ['Time', 'Application', 'Event', 'Description', 'Initiator', 'Address', 'Details'];
const eventRow = (r: LogRecord) => [r.time, r.severity, r.source, r.event, r.entity, r.description];
const auditRow = (r: AuditRecord) => [r.time, r.application, r.event, r.description, r.initiator, r.address, r.details];
const shortTime = (iso: string) => iso.replace('T', ' ').replace(/\.\d{3}Z$|Z$/, '');

function filterForm(d: LogsData): Safe {
  const f = d.filter;
  const severities = [['', 'All'] as const, ...Object.keys(SEVERITY_RANK).map((s) => [s, `${s} or worse`] as const)];
  return form('log-filter', [
    { name: 'severity', label: 'Event log severity', kind: 'select', value: f.severity, options: severities },
    { name: 'from', label: 'From (date or date-time, UTC)', value: f.from, placeholder: '2026-01-31' },
    { name: 'to', label: 'To', value: f.to, placeholder: '2026-02-01T12:00' },
    { name: 'text', label: 'Text', value: f.text, placeholder: 'words in any column' },
  ], html`${button('Filter', 'filter', undefined, { primary: true })} ${button('Show all', 'clearFilter')}`);
}

function render(d: LogsData, page: PageContext): Safe {
  const events = shownEvents(d);
  const audit = shownAudit(d);
  const eventRows = events.map((r) => [shortTime(r.time), badge(r.severity, SEVERITY_TONE[r.severity] ?? 'info'), r.source, r.event, r.entity, r.description]);
  const auditRows = audit.map((r) => [shortTime(r.time), r.application, html`${r.event} ${r.description}`, r.initiator, r.address || '—', r.details]);
  const eventButtons = html`${button('Export CSV', 'export', { log: 'event', format: 'csv' })} ${button('Export JSON', 'export', { log: 'event', format: 'json' })} ${button('Clear', 'clear', { log: 'event' }, { confirm: `Clear the event log of ${page.label}? Its ${d.events.length} records are lost.` })}`;
  const auditButtons = html`${button('Export CSV', 'export', { log: 'audit', format: 'csv' })} ${button('Export JSON', 'export', { log: 'audit', format: 'json' })} ${button('Clear', 'clear', { log: 'audit' }, { confirm: `Clear the audit log of ${page.label}? Its ${d.audit?.records.length ?? 0} records are lost (AMT logs that it was cleared).` })}`;
  const auditBody = d.auditError
    ? html`<p class="error">${d.auditError}</p>`
    : html`${keyValues([['State', d.audit?.state ?? 'unknown'], ['Free', d.audit?.percentageFree !== undefined ? `${d.audit.percentageFree}%` : 'unknown'], ['Shown', `${audit.length} of ${d.audit?.records.length ?? 0}`]])}
${table(['Time', 'Application', 'Event', 'Initiator', 'Address', 'Details'], auditRows, d.audit?.records.length ? 'No audit record matches the filter.' : 'The audit log is empty.', 'audit-log')}`;
  return html`${section('Filter', filterForm(d), undefined, 'filter-section')}
${section(`Event log (${events.length} of ${d.events.length})`, table(EVENT_HEAD, eventRows, d.events.length ? 'No event matches the filter.' : 'The event log is empty.', 'event-log'), eventButtons, 'event-section')}
${section('Audit log', auditBody, auditButtons, 'audit-section')}
${policySection(d)}`;
}

function policySection(d: LogsData): Safe {
  if (!d.policy) return section('Audit policy', html`<p class="empty">The device did not give its audit policy (AMT_AuditPolicyRule).</p>`);
  const rows = d.policy.entries.map((e) => [e.event, e.application, e.description, e.critical ? badge('critical', 'warn') : 'no',
    button('Stop auditing', 'setPolicy', { appId: e.appId, eventId: e.eventId, enable: false }, { confirm: `Stop auditing "${e.description}"?` })]);
  const options = Object.entries(AUDIT_EVENTS).map(([n, name]) => [n, `${n} ${name}`] as const);
  return section(`Audit policy (${d.policy.entries.length} events audited)`, html`${table(['Event', 'Application', 'Description', 'Critical', ''], rows, 'No event is audited.', 'audit-policy')}
${form('policy-form', [
    { name: 'auditevent', label: 'Event', kind: 'select', value: '1700', options },
    { name: 'critical', label: 'Critical (block the action when the log is full)', kind: 'checkbox' },
  ], button('Audit this event', 'setPolicy', { enable: true }, { primary: true }))}`, undefined, 'policy-section');
}

const str = (v: string | boolean | undefined) => (typeof v === 'string' ? v.trim() : '');

export const LOGS_PAGE: PageSpec<LogsData> = {
  kind: 'logs',
  title: 'Logs',
  icon: 'output',
  load,
  render,
  actions: {
    async filter(page, d, input: ActionInput) {
      const f: LogsFilter = { severity: str(input.fields.severity), from: str(input.fields.from), to: str(input.fields.to), text: str(input.fields.text) };
      for (const [k, v] of [['From', f.from], ['To', f.to]] as const) {
        if (v && bound(v, false) === undefined) throw new Error(`${k} "${v}" is not a date; write it as 2026-01-31 or 2026-01-31T12:00.`);
      }
      FILTERS.set(page.targetId, f);
      if (!d) return;
      const shown = { ...d, filter: f };
      return `Showing ${shownEvents(shown).length} of ${d.events.length} events and ${shownAudit(shown).length} of ${d.audit?.records.length ?? 0} audit records.`;
    },
    async clearFilter(page) {
      FILTERS.delete(page.targetId);
      return 'Showing every record.';
    },
    async export(page, d, input, ui) {
      const { log, format } = input.args as { log: 'event' | 'audit'; format: 'csv' | 'json' };
      if (!d) throw new Error('The logs have not been read yet; refresh the page.');
      const records = log === 'event' ? shownEvents(d) : shownAudit(d);
      const content = format === 'json'
        ? JSON.stringify(records, null, 2) + '\n'
        : log === 'event' ? toCsv(EVENT_HEAD, shownEvents(d).map(eventRow)) : toCsv(AUDIT_HEAD, shownAudit(d).map(auditRow));
      const name = `${log}-log-${page.label.replace(/[^A-Za-z0-9._-]+/g, '-')}.${format}`;
      const path = await ui.saveFile(name, content);
      return path ? `Saved ${records.length} ${log} log records to ${path}.` : undefined;
    },
    async clear(page, _d, input) {
      const { log } = input.args as { log: 'event' | 'audit' };
      return (await page.request(AuditLogRequests.clear, { targetId: page.targetId, log })).message;
    },
    async setPolicy(page, _d, input) {
      const a = input.args as { appId?: number; eventId?: number; enable: boolean };
      const chosen = Number(str(input.fields.auditevent));
      const appId = a.appId ?? Math.floor(chosen / 100);
      const eventId = a.eventId ?? chosen % 100;
      return (await page.request(AuditLogRequests.setPolicy, { targetId: page.targetId, appId, eventId, enable: a.enable, critical: input.fields.critical === true })).message;
    },
  },
};
