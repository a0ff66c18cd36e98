/**
 * `amtwb defense …` and `amtwb log --audit`, run as a user runs them (dist/cli.js in a child
 * process) against a simulator on a loopback port whose host sends traffic; the test moves the
 * device clock between commands, so the counters `defense stats` prints are known.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_ACCOUNT, startSimulator, type Simulator } from '../../../server/src/sim';
import { amtwb } from './run';

describe('amtwb defense and amtwb log --audit', { timeout: 120_000 }, () => {
  let sim: Simulator;
  const run = (...args: string[]) => amtwb(['--target', `http://127.0.0.1:${sim.port}`, ...args], { AMT_PASSWORD: DEFAULT_ACCOUNT.password });
  const json = async (...args: string[]) => {
    const r = await run(...args, '--json');
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  };

  before(async () => {
    sim = await startSimulator({ port: 0, hostTraffic: true });
    sim.device.setTimeScale(1e-9);
  });
  after(() => sim.close());

  test('an empty device: list and filters say so, in text and JSON', async () => {
    const r = await run('defense', 'list');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'No System Defense policies (at most 8).\nPort 0 (wired): no active policy\nPort 1 (wireless): no active policy\n');
    assert.equal((await run('defense', 'filters')).stdout, 'No System Defense filters (at most 80).\n');
    const j = await json('defense', 'list');
    assert.deepEqual(j.policies, []);
    assert.deepEqual(j.limits, { maxPolicies: 8, maxFilters: 80 });
  });

  test('create-filter refuses an invalid address with one sentence and exit code 1', async () => {
    const r = await run('defense', 'create-filter', '--name', 'bad', '--direction', 'rx', '--action', 'drop', '--destination', '192.168.1');
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'amtwb: The destination address "192.168.1" is not an IPv4 or IPv6 address; write one such as 192.168.1.10, 10.0.0.0/8 or 10.0.0.1-10.0.0.9.\n');
    assert.equal(r.stdout, '');
    assert.deepEqual(await json('defense', 'filters'), []);
  });

  test('filters, a policy, activation and counters that move', async () => {
    const dns = await run('defense', 'create-filter', '--name', 'dns', '--direction', 'rx', '--action', 'count-pass', '--protocol', 'udp', '--source-port', '53');
    assert.equal(dns.code, 0, dns.stderr);
    assert.match(dns.stdout, /^Filter "dns" was created with handle (\d+)\.\n$/);
    const dnsId = /handle (\d+)/.exec(dns.stdout)![1]!;
    const { id: webId } = await json('defense', 'create-filter', '--name', 'web', '--direction', 'tx', '--action', 'count-drop', '--protocol', 'tcp', '--destination', '10.20.30.40', '--destination-port', '443', '--event');
    const filters = await run('defense', 'filters');
    assert.match(filters.stdout, new RegExp(`^${dnsId} +dns +rx +Count and pass +- +IPv4 UDP from port 53$`, 'm'));
    assert.match(filters.stdout, new RegExp(`^${webId} +web +tx +Count and drop, event +- +IPv4 TCP to 10\\.20\\.30\\.40 port 443$`, 'm'));
    const { id: policyId } = await json('defense', 'create-policy', '--name', 'office', '--precedence', '3', '--filters', `${dnsId},${webId}`, '--rx-default', 'allow', '--tx-default', 'drop');
    const act = await run('defense', 'activate', '--port', '0', '--policy', policyId);
    assert.equal(act.stdout, `Policy ${policyId} is enabled on port 0.\n`);
    const list = await run('defense', 'list');
    assert.match(list.stdout, new RegExp(`^${policyId} +office +3 +allow +drop +${dnsId},${webId} +port 0 system-defense \\(active\\)$`, 'm'));
    assert.match(list.stdout, new RegExp(`^Port 0 \\(wired\\): policy ${policyId} active$`, 'm'));
    await run('defense', 'stats', '--port', '0', '--reset');
    sim.device.advance(10_000);
    const stats = await run('defense', 'stats', '--port', '0');
    assert.match(stats.stdout, new RegExp(`^Port 0: policy ${policyId} "office" active since \\S+Z$`, 'm'));
    // 10 s of host traffic on the wired port: 2 DNS answers and 8 outgoing HTTPS packets a second.
    assert.match(stats.stdout, new RegExp(`^${dnsId} +dns +(19|20|21) +yes$`, 'm'));
    assert.match(stats.stdout, new RegExp(`^${webId} +web +(79|80|81) +yes$`, 'm'));
    sim.device.advance(5_000);
    const j = await json('defense', 'stats', '--port', '0');
    assert.equal(j.policyId, policyId);
    const web = j.counters.find((c: { filterId: string }) => c.filterId === webId);
    assert.ok(web.count >= 119 && web.count <= 121, `web counted ${web.count}`);
    assert.equal((await run('defense', 'stats', '--port', '1')).stdout, 'No policy is active on port 1, so nothing is counted.\n');
  });

  test('edit-policy, environment, agent-policy and delete, with the device refusing a filter in use', async () => {
    const [policy] = (await json('defense', 'list')).policies;
    const edit = await run('defense', 'edit-policy', '--id', policy.id, '--name', 'office2', '--precedence', '7', '--filters', policy.filterIds.join(','));
    assert.equal(edit.stdout, `Policy ${policy.id} was changed.\n`);
    assert.equal((await json('defense', 'list')).policies[0].precedence, 7);
    assert.equal((await run('defense', 'environment', '--suffixes', 'corp.example.com,lab.example.com', '--policy', policy.id)).stdout, 'Environment Detection was set.\n');
    assert.deepEqual((await json('defense', 'list')).environment, { detectionStrings: ['corp.example.com', 'lab.example.com'], policy: policy.id });
    const agent = await json('defense', 'agent-policy', '--policy', policy.id, '--port', '1');
    assert.deepEqual(agent, { policy: policy.id });
    const links = (await json('defense', 'list')).policies[0].links;
    assert.ok(links.some((l: { port: number; source: string; enabled: boolean }) => l.port === 1 && l.source === 'agent-presence' && !l.enabled), JSON.stringify(links));
    const refused = await run('defense', 'delete', 'filter', policy.filterIds[0]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^amtwb: The device refused to delete filter \d+ \(InvalidRepresentation: .*\); a filter that a policy still lists cannot be deleted, so edit the policy to leave it out first\.\n$/);
    await run('defense', 'agent-policy', '--none');
    await run('defense', 'environment', '--suffixes', 'corp.example.com');
    await run('defense', 'activate', '--port', '0', '--none');
    assert.equal((await run('defense', 'delete', 'policy', policy.id)).stdout, `The policy ${policy.id} was deleted.\n`);
    assert.deepEqual(await json('defense', 'delete', 'filter', policy.filterIds[0]), { deleted: 'filter', id: policy.filterIds[0] });
  });

  test('usage mistakes are one sentence', async () => {
    const r = await run('defense', 'activate', '--port', '3', '--policy', '1');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^amtwb: --port is 0 \(wired\) or 1 \(wireless\), not "3"; add --port 0 or --port 1\.\n$/);
    assert.match((await run('defense', 'launch')).stderr, /"launch" is not a defense command/);
  });

  test('log --audit prints the decoded audit log, newest first, in text and JSON', async () => {
    const r = await run('log', '--audit');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^Audit log: \d+ records \(Enabled, \d+% free\)$/);
    assert.match(lines[1]!, /^TIME +APPLICATION +EVENT +INITIATOR +ADDRESS +DETAILS$/);
    assert.match(lines.at(-1)!, /^\S+Z +Security Admin +1600 Provisioning Started +Local +-/);
    const j = await json('log', '--audit');
    assert.equal(j.records.at(-1).description, 'Provisioning Started');
    assert.equal(j.records.at(-1).initiator, 'Local');
    assert.equal(j.total, j.records.length);
  });
});
