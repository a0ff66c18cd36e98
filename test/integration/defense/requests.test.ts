/**
 * System Defense and the audit log through the backend's requests (amt/defense/*, amt/auditlog/*),
 * against a simulator on a loopback socket whose simulated host sends traffic on the device clock:
 * filters and policies are created, checked input is refused before anything is sent, a policy
 * enabled on the wired port counts the host's packets, precedence decides the active policy, a
 * device refusal comes back with its reason, an agent that stops switches its policy on, and the
 * audit log is read, its policy changed, and both logs cleared.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addAgentAction, assertShutdown, createAgent, registerAgent } from '../../../server/src/features/watchdog';
import { AuditLogRequests, DefenseRequests, Requests } from '../../../server/src/protocol';
import { DEFAULT_ACCOUNT } from '../../../server/src/sim';
import { WsmanClient, tcpTransport } from '../../../server/src/wsman';
import { refusal, startDefenseFixture, type DefenseFixture } from './helpers';

const T = { targetId: 'sim' };
const AGENT = '6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';

describe('System Defense requests', { timeout: 60_000 }, () => {
  let f: DefenseFixture;
  const ids: Record<string, string> = {};
  before(async () => (f = await startDefenseFixture()));
  after(() => f.close());

  test('a fresh device has no policies or filters, and says its limits and Environment Detection', async () => {
    const s = await f.call(DefenseRequests.state, T);
    assert.deepEqual([s.policies.length, s.filters.length], [0, 0]);
    assert.deepEqual(s.limits, { maxPolicies: 8, maxFilters: 80 });
    assert.deepEqual(s.ports.map((p) => [p.port, p.label, p.activePolicy]), [[0, 'wired', undefined], [1, 'wireless', undefined]]);
    assert.equal(s.environment?.detectionStrings.length, 1);
  });

  test('a filter with an invalid address is refused in one sentence and nothing is created', async () => {
    const message = await refusal(f.call(DefenseRequests.createFilter, { ...T, filter: { kind: 'ip', name: 'bad', direction: 'rx', profile: 'drop', source: '10.0.0.300' } }));
    assert.equal(message, 'The source address "10.0.0.300" is not an IPv4 or IPv6 address; write one such as 192.168.1.10, 10.0.0.0/8 or 10.0.0.1-10.0.0.9.');
    assert.match(await refusal(f.call(DefenseRequests.createFilter, { ...T, filter: { kind: 'ip', name: 'x', direction: 'rx', profile: 'drop', protocol: 'udp', destinationPort: '70000' } })), /not a port or a range of ports/);
    assert.match(await refusal(f.call(DefenseRequests.createFilter, { ...T, filter: { kind: 'ip', name: 'a-name-longer-than-16', direction: 'rx', profile: 'drop' } })), /1 to 16 characters/);
    assert.equal((await f.call(DefenseRequests.state, T)).filters.length, 0);
  });

  test('filters are created and read back in words', async () => {
    ids.dns = (await f.call(DefenseRequests.createFilter, { ...T, filter: { kind: 'ip', name: 'block-dns', direction: 'rx', profile: 'count-drop', protocol: 'udp', sourcePort: '53', eventOnMatch: true } })).id;
    ids.web = (await f.call(DefenseRequests.createFilter, { ...T, filter: { kind: 'ip', name: 'web', direction: 'rx', profile: 'count-pass', protocol: 'tcp', source: '10.20.30.0/24' } })).id;
    ids.arp = (await f.call(DefenseRequests.createFilter, { ...T, filter: { kind: 'ethernet', name: 'arp', direction: 'rx', profile: 'rate-limit', rate: 100, etherType: 'arp' } })).id;
    const s = await f.call(DefenseRequests.state, T);
    assert.deepEqual(s.filters.map((x) => [x.id, x.name, x.direction, x.profile, x.matches]), [
      [ids.dns, 'block-dns', 'rx', 'count-drop', 'IPv4 UDP from port 53'],
      [ids.web, 'web', 'rx', 'count-pass', 'IPv4 TCP from 10.20.30.0/24'],
      [ids.arp, 'arp', 'rx', 'rate-limit', 'EtherType ARP'],
    ]);
    assert.equal(s.filters[2]!.rate, 100);
  });

  test('a policy enabled on the wired port counts the simulated host\'s packets, and the counters move', async () => {
    ids.office = (await f.call(DefenseRequests.createPolicy, { ...T, policy: { name: 'office', precedence: 5, filterIds: [ids.dns!, ids.web!, ids.arp!] } })).id;
    assert.equal((await f.call(DefenseRequests.activate, { ...T, port: 0, policyId: ids.office })).message, `Policy ${ids.office} is enabled on port 0.`);
    const s = await f.call(DefenseRequests.state, T);
    assert.equal(s.ports[0]!.activePolicy, ids.office);
    assert.deepEqual(s.policies[0]!.links, [{ port: 0, source: 'system-defense', enabled: true, active: true }]);
    const first = await f.call(DefenseRequests.stats, { ...T, port: 0 });
    f.advance(5000);
    const later = await f.call(DefenseRequests.stats, { ...T, port: 0 });
    const count = (st: typeof later, id: string) => st.counters.find((c) => c.filterId === id)!.count;
    assert.equal(later.policyName, 'office');
    // The host gets 2 DNS answers and 12 HTTPS packets a second on the wired port, and 1 ARP packet.
    assert.ok(Math.abs(count(later, ids.dns!) - count(first, ids.dns!) - 10) <= 1, `DNS counted ${count(later, ids.dns!)}`);
    assert.ok(Math.abs(count(later, ids.web!) - count(first, ids.web!) - 60) <= 1, `HTTPS counted ${count(later, ids.web!)}`);
    assert.ok(count(later, ids.arp!) >= 4);
    assert.equal(later.counters.find((c) => c.filterId === ids.dns)!.matched, true);
    // The wireless port has no policy: nothing is counted there.
    assert.deepEqual((await f.call(DefenseRequests.stats, { ...T, port: 1 })).counters, []);
    // The DNS filter logs its first match as sensor 36 with its handle.
    const log = await f.call(Requests.readLog, T);
    assert.ok(log.records.some((r) => r.description === `System Defense filter ${ids.dns} was matched (wired)`), log.records.map((r) => r.description).join('\n'));
  });

  test('reset on read starts the counters again', async () => {
    await f.call(DefenseRequests.stats, { ...T, port: 0, reset: true });
    const after0 = await f.call(DefenseRequests.stats, { ...T, port: 0 });
    assert.ok(after0.counters.every((c) => c.count === 0), JSON.stringify(after0.counters));
  });

  test('of two enabled policies the higher precedence is active; editing the precedence changes which', async () => {
    ids.strict = (await f.call(DefenseRequests.createPolicy, { ...T, policy: { name: 'strict', precedence: 2, filterIds: [ids.dns!], rx: { drop: true } } })).id;
    ids.env = ids.strict;
    await f.call(DefenseRequests.setEnvironment, { ...T, detectionStrings: ['elsewhere.example'], policyId: ids.strict });
    let s = await f.call(DefenseRequests.state, T);
    assert.equal(s.environment?.policy, ids.strict);
    assert.deepEqual(s.environment?.detectionStrings, ['elsewhere.example']);
    assert.equal(s.ports[0]!.activePolicy, ids.office, 'office (5) outranks strict (2)');
    await f.call(DefenseRequests.updatePolicy, { ...T, id: ids.strict!, policy: { name: 'strict', precedence: 9, filterIds: [ids.dns!], rx: { drop: true } } });
    s = await f.call(DefenseRequests.state, T);
    assert.equal(s.policies.find((p) => p.id === ids.strict)!.precedence, 9);
    assert.equal(s.ports[0]!.activePolicy, ids.strict);
    assert.equal(s.ports[1]!.activePolicy, ids.strict, 'Environment Detection enables it on both ports');
    await f.call(DefenseRequests.setEnvironment, { ...T, detectionStrings: ['elsewhere.example'] });
    assert.equal((await f.call(DefenseRequests.state, T)).ports[0]!.activePolicy, ids.office);
    assert.match(await refusal(f.call(DefenseRequests.setEnvironment, { ...T, detectionStrings: ['not a suffix!'] })), /is not a DNS suffix/);
  });

  test('the device refuses to delete a filter a policy uses, and says why in one sentence', async () => {
    const message = await refusal(f.call(DefenseRequests.delete, { ...T, what: 'filter', id: ids.web! }));
    assert.equal(message, `The device refused to delete filter ${ids.web} (InvalidRepresentation: The XML content is not valid); a filter that a policy still lists cannot be deleted, so edit the policy to leave it out first.`);
    assert.equal((await f.call(DefenseRequests.state, T)).filters.length, 3);
    const quota = await refusal((async () => {
      for (let i = 0; i < 8; i++) await f.call(DefenseRequests.createPolicy, { ...T, policy: { name: `p${i}`, precedence: 0, filterIds: [] } });
    })());
    assert.match(quota, /^The device refused to create policy "p\d" \(QuotaLimit: .*\); the device holds at most 8 policies/);
  });

  test('a policy linked to Agent Presence waits, and becomes active when the agent stops', async () => {
    const quarantine = (await f.call(DefenseRequests.state, T)).policies.find((p) => p.name === 'p0')!.id;
    await f.call(DefenseRequests.updatePolicy, { ...T, id: quarantine, policy: { name: 'quarantine', precedence: 20, filterIds: [], rx: { drop: true }, tx: { drop: true } } });
    await f.call(DefenseRequests.setAgentPolicy, { ...T, policyId: quarantine, ports: [0] });
    let s = await f.call(DefenseRequests.state, T);
    assert.deepEqual(s.policies.find((p) => p.id === quarantine)!.links, [{ port: 0, source: 'agent-presence', enabled: false, active: false }]);
    assert.equal(s.ports[0]!.activePolicy, ids.office);
    await createAgent(f.client, AGENT, { timeoutIntervalSeconds: 60 });
    await addAgentAction(f.client, AGENT, { oldState: 31, newState: 2, eventOnTransition: true, actionSd: 0 });
    const { sessionSequenceNumber } = await registerAgent(f.client, AGENT);
    await assertShutdown(f.client, AGENT, sessionSequenceNumber + 1);
    s = await f.call(DefenseRequests.state, T);
    assert.equal(s.ports[0]!.activePolicy, quarantine);
    assert.equal(s.ports[0]!.agentPresencePolicy, quarantine);
    assert.deepEqual(s.policies.find((p) => p.id === quarantine)!.links, [{ port: 0, source: 'agent-presence', enabled: true, active: true }]);
    // A linked policy cannot be deleted; unlinking it hands the port back to "office".
    assert.match(await refusal(f.call(DefenseRequests.delete, { ...T, what: 'policy', id: quarantine })), /cannot be deleted, so unlink it first\.$/);
    await f.call(DefenseRequests.setAgentPolicy, T);
    assert.equal((await f.call(DefenseRequests.state, T)).ports[0]!.activePolicy, ids.office);
    assert.equal((await f.call(DefenseRequests.delete, { ...T, what: 'policy', id: quarantine })).message, `The policy ${quarantine} was deleted.`);
    // Editing a policy to hold no filters leaves it with none.
    await f.call(DefenseRequests.updatePolicy, { ...T, id: ids.strict!, policy: { name: 'strict', precedence: 9, filterIds: [] } });
    assert.deepEqual((await f.call(DefenseRequests.state, T)).policies.find((p) => p.id === ids.strict)!.filterIds, []);
  });

  test('deactivating the port leaves nothing active and nothing counted', async () => {
    await f.call(DefenseRequests.activate, { ...T, port: 0 });
    const s = await f.call(DefenseRequests.state, T);
    assert.equal(s.ports[0]!.activePolicy, undefined);
    assert.deepEqual((await f.call(DefenseRequests.stats, { ...T, port: 0 })).counters, []);
    assert.match(await refusal(f.call(DefenseRequests.activate, { ...T, port: 0, policyId: '999' })), /has no System Defense policy 999/);
  });
});

describe('audit log requests', { timeout: 60_000 }, () => {
  let f: DefenseFixture;
  before(async () => (f = await startDefenseFixture()));
  after(() => f.close());

  test('records are decoded: application, event, initiator, address and extended data', async () => {
    const wrong = new WsmanClient({ transport: tcpTransport(f.sim.host, f.sim.port), user: DEFAULT_ACCOUNT.user, password: 'Wrong#Pass1' });
    await assert.rejects(wrong.identify().then(() => wrong.get('AMT_GeneralSettings')));
    wrong.close();
    const info = await f.call(AuditLogRequests.read, T);
    assert.equal(info.total, info.records.length);
    assert.deepEqual(info.records.slice(0, 2).map((r) => [r.event, r.application, r.description, r.initiator]), [
      [1600, 'Security Admin', 'Provisioning Started', 'Local'],
      [1601, 'Security Admin', 'Provisioning Completed', 'Local'],
    ]);
    const failed = info.records.find((r) => r.event === 1605);
    assert.ok(failed, JSON.stringify(info.records));
    assert.equal(failed.description, 'ACL Access with Invalid Credentials');
    assert.equal(failed.initiator, 'admin');
    assert.equal(failed.details, 'Invalid ME access');
    assert.equal(info.state, 'Enabled');
  });

  test('the audit policy lists the audited events; an event is switched off, and a bad one is refused with its ReturnValue', async () => {
    let policy = await f.call(AuditLogRequests.policy, T);
    const powerUp = policy.entries.find((e) => e.event === 1700);
    assert.deepEqual(powerUp, { appId: 17, eventId: 0, event: 1700, application: 'Remote Control', description: 'Performed Power Up', critical: false });
    await f.call(AuditLogRequests.setPolicy, { ...T, appId: 17, eventId: 0, enable: false });
    await f.call(AuditLogRequests.setPolicy, { ...T, appId: 18, eventId: 8, enable: true, critical: true });
    policy = await f.call(AuditLogRequests.policy, T);
    assert.equal(policy.entries.some((e) => e.event === 1700), false);
    assert.equal(policy.entries.find((e) => e.event === 1808)?.critical, true);
    assert.match(await refusal(f.call(AuditLogRequests.setPolicy, { ...T, appId: 99, eventId: 1, enable: true })), /^The device refused to audit event 9901: SetAuditPolicy returned 36 \(.+\); pick an event AMT audits\.$/);
    assert.match(await refusal(f.call(AuditLogRequests.setPolicy, { ...T, appId: 300, eventId: 1, enable: true })), /application ID is a whole number from 0 to 255/);
  });

  test('both logs are cleared: the audit log keeps only the record that it was cleared', async () => {
    assert.ok((await f.call(Requests.readLog, T)).records.length > 0);
    assert.equal((await f.call(AuditLogRequests.clear, { ...T, log: 'event' })).message, 'The event log was cleared.');
    assert.deepEqual((await f.call(Requests.readLog, T)).records, []);
    await f.call(AuditLogRequests.clear, { ...T, log: 'audit' });
    const info = await f.call(AuditLogRequests.read, T);
    assert.deepEqual(info.records.map((r) => [r.event, r.description]), [[2000, 'Security Audit Log Cleared']]);
  });
});
