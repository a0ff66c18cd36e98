/**
 * System Defense over real sockets, in the order a console drives it (Intel AMT SDK
 * createanipfilter.htm / createasystemdefensepolicy.htm; MeshCommander's panel): create a filter
 * and a policy with WS-Transfer Create, activate the policy on the wired port, let simulated traffic
 * run on the device clock, UpdateStatistics and read AMT_ActiveFilterStatistics.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { simulateTraffic } from '../../../server/src/sim/system-defense/traffic';
import { simSession, type SimSession } from './sim-session';
import { ACTION, build, envelope, faultSubcode, findAll, NS, payload, props, resourceUriFor, textAt } from './helpers';

const PORT0 = 'Intel(r) AMT Ethernet Port 0';

function eprXml(cls: string, selectors: Record<string, string>): string {
  const sel = Object.entries(selectors).map(([k, v]) => `<w:Selector Name="${k}">${v}</w:Selector>`).join('');
  return `<a:Address>${NS.addressing}/role/anonymous</a:Address><a:ReferenceParameters><w:ResourceURI>${resourceUriFor(cls)}</w:ResourceURI><w:SelectorSet>${sel}</w:SelectorSet></a:ReferenceParameters>`;
}
const portEpr = (id = PORT0) => eprXml('CIM_EthernetPort', { CreationClassName: 'CIM_EthernetPort', DeviceID: id });
const policyEpr = (id: string) => eprXml('AMT_SystemDefensePolicy', { InstanceID: id });

async function create(session: SimSession, cls: string, inner: string): Promise<{ status: number; body: string; id?: string }> {
  const uri = resourceUriFor(cls);
  const r = await session.client.post(envelope({ action: ACTION.create, resourceUri: uri, body: `<h:${cls} xmlns:h="${uri}">${inner}</h:${cls}>` }));
  const id = r.status === 200 ? findAll(payload(r.body), 'Selector').find((s) => s.attrs.Name === 'InstanceID')?.text : undefined;
  return { ...r, ...(id ? { id } : {}) };
}

async function enumerate(session: SimSession, cls: string) {
  const e = await session.client.post(build.enumerate(cls));
  assert.equal(e.status, 200, e.body);
  const p = await session.client.post(build.pull(cls, textAt(payload(e.body), 'EnumerationContext')!));
  assert.equal(p.status, 200, p.body);
  return items(payload(p.body)).filter((n) => n.local === cls);
}
const items = (pull: ReturnType<typeof payload>) => pull.children.find((c) => c.local === 'Items')?.children ?? [];

const policyBody = (name: string, precedence: number, handles: string[]) =>
  `<h:InstanceID>0</h:InstanceID><h:PolicyName>${name}</h:PolicyName><h:PolicyPrecedence>${precedence}</h:PolicyPrecedence>` +
  '<h:TxDefaultDrop>false</h:TxDefaultDrop><h:TxDefaultMatchEvent>false</h:TxDefaultMatchEvent><h:TxDefaultCount>false</h:TxDefaultCount>' +
  '<h:RxDefaultDrop>false</h:RxDefaultDrop><h:RxDefaultMatchEvent>false</h:RxDefaultMatchEvent><h:RxDefaultCount>false</h:RxDefaultCount>' +
  handles.map((h) => `<h:FilterCreationHandles>${h}</h:FilterCreationHandles>`).join('');

describe('System Defense', () => {
  const session = simSession();
  // The device clock stands still except for advance(), so packet counts do not depend on how fast the host runs.
  before(() => session.sim.device.setTimeScale(1e-9));

  test('the capabilities name the limits', async () => {
    const r = await session.client.post(build.get('AMT_GeneralSystemDefenseCapabilities'));
    assert.equal(r.status, 200, r.body);
    const p = props(payload(r.body));
    assert.equal(p.GlobalMaxSupportedPolicies, '8');
    assert.equal(p.GlobalMaxSupportedFilters, '80');
  });

  test('a policy with a drop filter, activated on port 0, counts and drops the matching simulated packets', async () => {
    const filter = await create(session, 'AMT_IPHeadersFilter',
      '<h:CreationClassName>0</h:CreationClassName><h:InstanceID>0</h:InstanceID><h:Name>block-dns</h:Name><h:SystemCreationClassName>0</h:SystemCreationClassName><h:SystemName>0</h:SystemName>' +
      '<h:HdrIPVersion>4</h:HdrIPVersion><h:HdrProtocolID>17</h:HdrProtocolID><h:HdrDestPortStart>53</h:HdrDestPortStart><h:HdrDestPortEnd>53</h:HdrDestPortEnd>' +
      '<h:FilterProfile>1</h:FilterProfile><h:FilterDirection>1</h:FilterDirection><h:ActionEventOnMatch>true</h:ActionEventOnMatch>');
    assert.equal(filter.status, 200, filter.body);
    const stored = props(payload((await session.client.post(build.get('AMT_IPHeadersFilter', { InstanceID: filter.id! }))).body));
    assert.equal(stored.SystemName, 'Intel(r) AMT', 'AMT replaces the placeholder keys');
    assert.equal(stored.Name, 'block-dns');

    const policy = await create(session, 'AMT_SystemDefensePolicy', policyBody('isolate', 10, [filter.id!]));
    assert.equal(policy.status, 200, policy.body);
    assert.equal((await enumerate(session, 'AMT_FilterInSystemDefensePolicy')).length, 1);

    const link = await create(session, 'AMT_NetworkPortSystemDefensePolicy', `<h:Antecedent>${portEpr()}</h:Antecedent><h:Dependent>${policyEpr(policy.id!)}</h:Dependent>`);
    assert.equal(link.status, 200, link.body);
    const links = await enumerate(session, 'AMT_NetworkPortSystemDefensePolicy');
    assert.equal(props(links[0]).Active, 'true');

    const dns = simulateTraffic(session.sim.device, { port: 0, direction: 'rx', packetsPerSecond: 10, packet: { etherType: 0x0800, ipVersion: 4, protocol: 17, srcIp: '0A000001', dstIp: '0A000002', srcPort: 40000, dstPort: 53 } });
    const web = simulateTraffic(session.sim.device, { port: 0, direction: 'rx', packetsPerSecond: 4, packet: { etherType: 0x0800, ipVersion: 4, protocol: 6, srcIp: '0A000001', dstIp: '0A000002', srcPort: 40001, dstPort: 443 } });
    session.sim.device.advance(5000);
    assert.equal(dns.dropped, 50);
    assert.equal(web.passed, 20, 'unmatched packets follow RxDefaultDrop=false');

    const update = `<h:NetworkInterface>${portEpr()}</h:NetworkInterface><h:ResetOnRead>true</h:ResetOnRead>`;
    const u = await session.client.post(build.invoke('AMT_SystemDefensePolicy', 'UpdateStatistics', update, { InstanceID: policy.id! }));
    assert.equal(u.status, 200, u.body);
    assert.equal(textAt(payload(u.body), 'ReturnValue'), '0');
    const stats = await enumerate(session, 'AMT_ActiveFilterStatistics');
    assert.equal(stats.length, 1);
    assert.equal(props(stats[0]).ReadCount, '50');
    assert.equal(props(stats[0]).FilterMatched, 'true');
    const names = findAll(stats[0], 'Selector').filter((s) => s.attrs.Name === 'Name').map((s) => s.text);
    assert.deepEqual(names, ['block-dns'], 'the filter name is in the Dependent EPR, where MeshCommander reads it');

    // ResetOnRead: the next read starts again from zero, and counts on.
    session.sim.device.advance(1000);
    await session.client.post(build.invoke('AMT_SystemDefensePolicy', 'UpdateStatistics', update, { InstanceID: policy.id! }));
    assert.equal(props((await enumerate(session, 'AMT_ActiveFilterStatistics'))[0]).ReadCount, '10');

    // The first match logged a System Defense record (sensor type 36) with the filter handle.
    const entries = (await enumerate(session, 'AMT_EventLogEntry')).map(props).filter((e) => e.EventSensorType === '36');
    assert.equal(entries.length, 1);
    const data = [entries[0].EventData].flat().map(Number);
    assert.equal(data[0], 0xaa);
    assert.equal((data[1] << 24) | (data[2] << 16) | (data[3] << 8) | data[4], Number(filter.id));

    const del = await session.client.post(envelope({ action: ACTION.delete, resourceUri: resourceUriFor('AMT_IPHeadersFilter'), selectors: { InstanceID: filter.id! } }));
    assert.equal(del.status, 400, 'a filter in use cannot be deleted');
    assert.match(faultSubcode(del.body) ?? '', /InvalidRepresentation/);
    dns.stop();
    web.stop();
  });

  test('the enabled policy with the highest precedence is the active one (environment detection outside the enterprise)', async () => {
    const pass = await create(session, 'AMT_SystemDefensePolicy', policyBody('outside', 50, []));
    assert.equal(pass.status, 200, pass.body);
    const set = await session.client.post(build.invoke('AMT_EnvironmentDetectionSettingData', 'SetSystemDefensePolicy', `<h:Policy>${policyEpr(pass.id!)}</h:Policy>`));
    assert.equal(textAt(payload(set.body), 'ReturnValue'), '0');
    assert.equal(props((await enumerate(session, 'AMT_NetworkPortSystemDefensePolicy'))[0]).Active, 'false', 'precedence 50 outranks 10');
    const env = (await enumerate(session, 'AMT_EnvironmentDetectionInterfacePolicy')).find((l) => findAll(l, 'Selector').some((s) => s.text === PORT0));
    assert.equal(env && props(env).Active, 'true');

    // Inside the enterprise (a detection string matching the domain) the environment policy is off again.
    const current = payload((await session.client.post(build.get('AMT_EnvironmentDetectionSettingData'))).body);
    const uri = resourceUriFor('AMT_EnvironmentDetectionSettingData');
    const put = `<h:AMT_EnvironmentDetectionSettingData xmlns:h="${uri}"><h:DetectionAlgorithm>0</h:DetectionAlgorithm><h:DetectionStrings>sim.local</h:DetectionStrings>` +
      `<h:ElementName>${props(current).ElementName}</h:ElementName><h:InstanceID>${props(current).InstanceID}</h:InstanceID></h:AMT_EnvironmentDetectionSettingData>`;
    assert.equal((await session.client.post(build.put('AMT_EnvironmentDetectionSettingData', put))).status, 200);
    assert.equal(props((await enumerate(session, 'AMT_NetworkPortSystemDefensePolicy'))[0]).Active, 'true');
  });

  test('limits: names of at most 16 characters, at most 8 policies', async () => {
    const long = await create(session, 'AMT_SystemDefensePolicy', policyBody('a-name-of-17-char', 1, []));
    assert.equal(long.status, 400);
    let made = (await enumerate(session, 'AMT_SystemDefensePolicy')).length;
    while (made < 8) {
      assert.equal((await create(session, 'AMT_SystemDefensePolicy', policyBody(`p${made}`, 1, []))).status, 200);
      made += 1;
    }
    const ninth = await create(session, 'AMT_SystemDefensePolicy', policyBody('p9', 1, []));
    assert.equal(ninth.status, 400);
    assert.match(faultSubcode(ninth.body) ?? '', /QuotaLimit/);
  });
});

describe('System Defense timeouts and Ethernet filters', () => {
  const session = simSession();
  before(() => session.sim.device.setTimeScale(1e-9));

  test('an ARP drop filter works until its policy times out; then the port falls back to its default policy', async () => {
    const arp = await create(session, 'AMT_Hdr8021Filter',
      '<h:CreationClassName>0</h:CreationClassName><h:InstanceID>0</h:InstanceID><h:Name>no-arp</h:Name><h:SystemCreationClassName>0</h:SystemCreationClassName><h:SystemName>0</h:SystemName>' +
      '<h:HdrProtocolID8021>2054</h:HdrProtocolID8021><h:FilterProfile>4</h:FilterProfile><h:FilterDirection>1</h:FilterDirection><h:ActionEventOnMatch>false</h:ActionEventOnMatch>');
    assert.equal(arp.status, 200, arp.body);
    const strict = await create(session, 'AMT_SystemDefensePolicy', policyBody('strict', 5, [arp.id!]));
    const open = await create(session, 'AMT_SystemDefensePolicy', policyBody('open', 1, []));
    assert.equal((await create(session, 'AMT_NetworkPortDefaultSystemDefensePolicy', `<h:Antecedent>${portEpr()}</h:Antecedent><h:Dependent>${policyEpr(open.id!)}</h:Dependent>`)).status, 200);
    assert.equal((await create(session, 'AMT_NetworkPortSystemDefensePolicy', `<h:Antecedent>${portEpr()}</h:Antecedent><h:Dependent>${policyEpr(strict.id!)}</h:Dependent>`)).status, 200);
    const second = await create(session, 'AMT_NetworkPortSystemDefensePolicy', `<h:Antecedent>${portEpr()}</h:Antecedent><h:Dependent>${policyEpr(open.id!)}</h:Dependent>`);
    assert.equal(second.status, 400, 'one System Defense link per port');

    const set = await session.call('AMT_SystemDefensePolicy', 'SetTimeout', { Timeout: 1 }, { InstanceID: strict.id! });
    assert.equal(set.ReturnValue, '0');
    assert.equal((await session.call('AMT_SystemDefensePolicy', 'GetTimeout', {}, { InstanceID: strict.id! })).Timeout, '1');
    await session.client.post(build.get('AMT_GeneralSystemDefenseCapabilities')); // the activation starts the timeout now

    const flow = simulateTraffic(session.sim.device, { port: 0, direction: 'rx', packetsPerSecond: 2, packet: { etherType: 0x0806 } });
    const ip = simulateTraffic(session.sim.device, { port: 0, direction: 'rx', packetsPerSecond: 2, packet: { etherType: 0x0800, ipVersion: 4, protocol: 6 } });
    session.sim.device.advance(30_000);
    assert.deepEqual([flow.dropped, flow.passed, ip.passed], [60, 0, 60], 'ARP dropped, IP untouched by the Ethernet filter');
    session.sim.device.advance(31_000); // past the 1-minute timeout: "open" takes over
    assert.deepEqual([flow.dropped, flow.passed], [60, 62]);

    const link = props((await enumerate(session, 'AMT_NetworkPortSystemDefensePolicy'))[0]);
    assert.equal(link.Enabled, 'false');
    assert.equal(link.Active, 'false');
    assert.equal(props((await enumerate(session, 'AMT_NetworkPortDefaultSystemDefensePolicy'))[0]).Active, 'true');
    flow.stop();
    ip.stop();
  });
});
