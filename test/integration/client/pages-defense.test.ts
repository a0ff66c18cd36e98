/**
 * The System Defense and Logs pages (client/src/pages/defense.ts, logs.ts) against the real backend
 * (server/src/main.ts in a child process) and a simulator on a loopback port whose host sends
 * traffic: each page loads and renders what a user sees, its forms check input before sending, its
 * actions change the device, polling shows counters that grow with a chart, and the logs filter,
 * export as CSV and JSON, and clear.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RequestType } from 'vscode-languageserver-protocol';
import { DEFENSE_PAGE, type DefenseData } from '../../../client/src/pages/defense';
import { LOGS_PAGE, type LogsData } from '../../../client/src/pages/logs';
import type { PageContext, PageUi } from '../../../client/src/pages/page';
import type { Request } from '../../../client/src/model/request';
import { pageOf } from '../../../client/src/pages/registry';
import { Requests } from '../../../server/src/protocol';
import { DEFAULT_ACCOUNT, startSimulator, type Simulator } from '../../../server/src/sim';
import { startBackend, type Backend } from './backend';

describe('System Defense and Logs pages against the backend', { timeout: 90_000 }, () => {
  let backend: Backend;
  let sim: Simulator;
  let page: PageContext;
  const saved: { name: string; content: string }[] = [];
  const ui: PageUi = {
    confirm: async () => true,
    password: async () => undefined,
    input: async () => undefined,
    pick: async () => undefined,
    saveFile: async (name, content) => {
      saved.push({ name, content: String(content) });
      return `exports/${name}`;
    },
    open: async () => undefined,
    diff: async () => undefined,
  };
  const signal = new AbortController().signal;
  const run = async <D>(spec: typeof DEFENSE_PAGE | typeof LOGS_PAGE, action: string, data: D | undefined, fields: Record<string, string | boolean> = {}, args?: unknown) =>
    (spec.actions as Record<string, (p: PageContext, d: D | undefined, i: { args: unknown; fields: Record<string, string | boolean> }, u: PageUi, s: AbortSignal) => Promise<string | void>>)[action]!(page, data, { args, fields }, ui, signal);

  before(async () => {
    sim = await startSimulator({ port: 0, hostTraffic: true });
    sim.device.setTimeScale(1e-9);
    backend = await startBackend();
    let targetId = '';
    const request: Request = <P, R>(type: RequestType<P, R, void>, params: P) =>
      backend.request(type, ((params as { targetId?: string }).targetId === targetId ? { ...params, credentials: { ...DEFAULT_ACCOUNT } } : params) as P) as Promise<R>;
    targetId = (await request(Requests.addTarget, { url: `http://127.0.0.1:${sim.port}`, user: 'admin', label: 'Lab PC' })).id;
    page = { targetId, label: 'Lab PC', request };
  });
  after(async () => {
    await backend?.close();
    await sim?.close();
  });

  test('both pages are registered with a kind, a title and polling where counters live', () => {
    assert.equal(pageOf('defense')?.title, 'System Defense');
    assert.equal(pageOf('defense')?.pollSeconds, 5);
    assert.equal(pageOf('logs')?.title, 'Logs');
  });

  test('System Defense: forms refuse bad input with one sentence; a filter and a policy are made; counters grow on a chart', async () => {
    let d: DefenseData = await DEFENSE_PAGE.load(page, signal);
    let body = DEFENSE_PAGE.render(d, page).text;
    assert.match(body, /No policy is active on any port, so no filter counts packets\./);
    assert.match(body, /<form id="filter-form"/);
    const filter = { fname: 'dns-in', kind: 'ip', direction: 'rx', profile: 'count-pass', protocol: 'udp', source: '192.168.1.1', sourcePort: '53' };
    await assert.rejects(run(DEFENSE_PAGE, 'createFilter', d, { ...filter, source: '192.168.1.256' }),
      { message: 'The source address "192.168.1.256" is not an IPv4 or IPv6 address; write one such as 192.168.1.10, 10.0.0.0/8 or 10.0.0.1-10.0.0.9.' });
    await assert.rejects(run(DEFENSE_PAGE, 'createFilter', d, { ...filter, protocol: '', sourcePort: '53' }), { message: 'Ports only exist in TCP and UDP; set the protocol to tcp or udp, or leave the ports empty.' });
    assert.equal((await DEFENSE_PAGE.load(page, signal)).state.filters.length, 0, 'nothing was sent');
    assert.match(String(await run(DEFENSE_PAGE, 'createFilter', d, filter)), /^Filter "dns-in" was created with handle \d+; add it to a policy to use it\.$/);
    d = await DEFENSE_PAGE.load(page, signal);
    const id = d.state.filters[0]!.id;
    assert.match(DEFENSE_PAGE.render(d, page).text, /IPv4 UDP from 192\.168\.1\.1 port 53/);
    assert.match(String(await run(DEFENSE_PAGE, 'createPolicy', d, { pname: 'watch', precedence: '4', rxdefault: 'allow', txdefault: 'allow', [`filter${id}`]: true })), /^Policy "watch" was created with id \d+; enable it on a port to make it work\.$/);
    d = await DEFENSE_PAGE.load(page, signal);
    const policy = d.state.policies[0]!;
    assert.deepEqual(policy.filterIds, [id]);
    assert.equal(await run(DEFENSE_PAGE, 'activate', d, { port0policy: policy.id }, { port: 0 }), `Policy ${policy.id} is enabled on port 0.`);
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      d = await DEFENSE_PAGE.load(page, signal);
      counts.push(d.stats[0]!.counters[0]!.count);
      sim.device.advance(5000);
    }
    assert.ok(counts[0]! < counts[1]! && counts[1]! < counts[2]!, `counters grow: ${counts}`);
    body = DEFENSE_PAGE.render(d, page).text;
    assert.match(body, new RegExp(`<span class="count" data-filter="${id}">${counts[2]}</span>`));
    assert.match(body, /<svg [^>]*aria-label="Packets counted on port 0"/);
    assert.match(body, /<polyline class="series s0"/);
    assert.match(body, /dns-in: \d+<\/span>/);
    // Editing fills the form; precedence buttons change it; the device's refusal is one sentence.
    await run(DEFENSE_PAGE, 'edit', d, {}, { id: policy.id });
    d = await DEFENSE_PAGE.load(page, signal);
    assert.match(DEFENSE_PAGE.render(d, page).text, new RegExp(`Save policy ${policy.id}`));
    assert.equal(await run(DEFENSE_PAGE, 'precedence', d, {}, { id: policy.id, by: 1 }), 'Policy "watch" has precedence 5 now.');
    await assert.rejects(run(DEFENSE_PAGE, 'delete', d, {}, { what: 'filter', id }),
      { message: `The device refused to delete filter ${id} (InvalidRepresentation: The XML content is not valid); a filter that a policy still lists cannot be deleted, so edit the policy to leave it out first.` });
    assert.equal(await run(DEFENSE_PAGE, 'setAgentPolicy', d, { agentpolicy: policy.id }), `Policy ${policy.id} is the one an agent's action enables.`);
    d = await DEFENSE_PAGE.load(page, signal);
    assert.match(DEFENSE_PAGE.render(d, page).text, /wired · Agent Presence · waiting/);
  });

  test('Logs: both logs render, filter by severity, time and text, export CSV and JSON, and clear', async () => {
    let d: LogsData = await LOGS_PAGE.load(page, signal);
    let body = LOGS_PAGE.render(d, page).text;
    assert.match(body, /<table id="event-log">/);
    assert.match(body, /<table id="audit-log">/);
    assert.match(body, /<td>Security Admin<\/td><td>1600 Provisioning Started<\/td><td>Local<\/td><td>—<\/td>/);
    assert.match(body, /<th>Time<\/th><th>Application<\/th><th>Event<\/th><th>Initiator<\/th><th>Address<\/th><th>Details<\/th>/);
    assert.match(body, /Authentication failed 3 times/);
    const total = d.events.length;
    assert.match(String(await run(LOGS_PAGE, 'filter', d, { severity: 'Critical', from: '', to: '', text: '' })), new RegExp(`^Showing \\d+ of ${total} events and \\d+ of \\d+ audit records\\.$`));
    d = await LOGS_PAGE.load(page, signal);
    body = LOGS_PAGE.render(d, page).text;
    assert.ok(d.events.some((r) => r.severity !== 'Critical'), 'the log has records of lower severity to hide');
    const shownRows = /<table id="event-log">.*?<\/table>/s.exec(body)?.[0] ?? '';
    assert.doesNotMatch(shownRows, /badge info">Monitor/);
    await assert.rejects(run(LOGS_PAGE, 'filter', d, { severity: '', from: 'yesterday', to: '', text: '' }), { message: 'From "yesterday" is not a date; write it as 2026-01-31 or 2026-01-31T12:00.' });
    await run(LOGS_PAGE, 'filter', d, { severity: '', from: '2000-01-01', to: '', text: 'provisioning' });
    d = await LOGS_PAGE.load(page, signal);
    assert.match(String(await run(LOGS_PAGE, 'export', d, {}, { log: 'audit', format: 'csv' })), /^Saved 2 audit log records to exports\/audit-log-Lab-PC\.csv\.$/);
    const csv = saved.at(-1)!;
    assert.equal(csv.name, 'audit-log-Lab-PC.csv');
    const lines = csv.content.trimEnd().split('\r\n');
    assert.equal(lines[0], 'Time,Application,Event,Description,Initiator,Address,Details');
    assert.match(lines[1]!, /^\S+Z,Security Admin,1601,Provisioning Completed,Local,,$/);
    await run(LOGS_PAGE, 'export', d, {}, { log: 'event', format: 'json' });
    assert.ok(Array.isArray(JSON.parse(saved.at(-1)!.content)));
    await run(LOGS_PAGE, 'clearFilter', d);
    assert.equal(await run(LOGS_PAGE, 'clear', d, {}, { log: 'event' }), 'The event log was cleared.');
    assert.equal(await run(LOGS_PAGE, 'setPolicy', d, { auditevent: '1808', critical: true }, { enable: true }), 'Event 1808 is audited as critical.');
    d = await LOGS_PAGE.load(page, signal);
    body = LOGS_PAGE.render(d, page).text;
    assert.match(body, /The event log is empty\./);
    assert.match(body, /1808<\/td><td>Redirection Manager<\/td><td>KVM Session Started<\/td><td><span class="badge warn">critical/);
  });
});
