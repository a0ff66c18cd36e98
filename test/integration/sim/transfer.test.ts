/** Get and Put against the simulator: every served class answers Get; Put persists or faults like AMT. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { allClasses, classInfo } from '../../../server/src/sim/classes/registry';
import { startSimulator, DEFAULT_ACCOUNT, SimDevice, type Simulator } from '../../../server/src/sim';
import { at, build, DigestClient, escapeXml, faultSubcode, parseTree, payload, props, resourceUriFor, type Selectors } from './helpers';

describe('simulator Get', () => {
  let sim: Simulator;
  let client: DigestClient;
  before(async () => {
    sim = await startSimulator({ port: 0 });
    client = new DigestClient({ host: sim.host, port: sim.port }, DEFAULT_ACCOUNT.user, DEFAULT_ACCOUNT.password);
  });
  after(() => sim.close());

  // Classes whose instances are made at run time (event subscriptions, agent-presence watchdogs
  // and their actions) start empty; their Get is covered where they are made (test/integration/watchdog/).
  const fresh = new SimDevice();
  for (const def of allClasses().filter((d) => fresh.served(d.name).length > 0)) {
    test(`Get ${def.name} returns its instance in AMT's shape`, async () => {
      const served = sim.device.served(def.name);
      assert.ok(served.length > 0, `${def.name} serves instances`);
      const first = served[0];
      const info = classInfo(first.className)!;
      // Singletons are read without selectors (docs/simulator.md "Envelopes"); others by their string keys.
      const selectors: Selectors | undefined =
        served.length === 1 ? undefined : Object.fromEntries(info.keys.map((k) => [k, String(first.props[k])]));
      const r = await client.post(build.get(def.name, selectors, 'msg-17'));
      assert.equal(r.status, 200, r.body);
      const tree = parseTree(r.body);
      assert.equal(at(tree, 'Header', 'RelatesTo')?.text, 'msg-17');
      assert.equal(at(tree, 'Header', 'Action')?.text, 'http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse');
      assert.equal(at(tree, 'Header', 'ResourceURI')?.text, resourceUriFor(def.name));
      const body = payload(r.body);
      assert.equal(body.local, first.className);
      assert.equal(body.ns, resourceUriFor(first.className));
      const names = body.children.map((c) => c.local).filter((n, i, a) => a.indexOf(n) === i);
      // As recorded: IPS_PowerManagementService lists its inherited properties in ASCII order and its own one last.
      const expected =
        def.name === 'IPS_PowerManagementService' ? [...names.filter((n) => n !== 'OSPowerSavingState')].sort().concat('OSPowerSavingState') : [...names].sort();
      assert.deepEqual(names, expected, 'properties in ASCII order');
      assert.ok(body.children.every((c) => c.ns === body.ns));
    });
  }

  test('a keyed class is read by its key selector', async () => {
    const r = await client.post(build.get('CIM_SoftwareIdentity', { InstanceID: 'AMTApps' }));
    assert.equal(r.status, 200);
    assert.equal(props(payload(r.body)).InstanceID, 'AMTApps');
  });

  test('MessageIDs are AMT-shaped and count up per device', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await client.post(build.get('AMT_GeneralSettings'));
      const id = at(parseTree(r.body), 'Header', 'MessageID')!.text;
      assert.match(id, /^uuid:00000000-8086-8086-8086-[0-9A-F]{12}$/);
      ids.push(parseInt(id.slice(-12), 16));
    }
    assert.ok(ids[0] < ids[1] && ids[1] < ids[2]);
  });
});

describe('simulator Put', () => {
  let sim: Simulator;
  let client: DigestClient;
  before(async () => {
    sim = await startSimulator({ port: 0 });
    client = new DigestClient({ host: sim.host, port: sim.port }, DEFAULT_ACCOUNT.user, DEFAULT_ACCOUNT.password);
  });
  after(() => sim.close());

  const GS = resourceUriFor('AMT_GeneralSettings');

  /** The current instance as a Put body, with some properties replaced, added or removed. */
  async function generalSettingsBody(change: Record<string, string | null> = {}): Promise<string> {
    const current = props(payload((await client.post(build.get('AMT_GeneralSettings'))).body)) as Record<string, string>;
    const merged: Record<string, string | null> = { ...current, ...change };
    const inner = Object.entries(merged)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => `<h:${k}>${escapeXml(v!)}</h:${k}>`)
      .join('');
    return `<h:AMT_GeneralSettings xmlns:h="${GS}">${inner}</h:AMT_GeneralSettings>`;
  }

  test('Put changes a writable property, echoes the instance and a later Get sees it', async () => {
    const seen: string[][] = [];
    sim.device.on('put', (e: { changed: string[] }) => seen.push(e.changed));
    const r = await client.post(build.put('AMT_GeneralSettings', await generalSettingsBody({ HostName: 'renamed-host' })));
    assert.equal(r.status, 200, r.body);
    assert.equal(at(parseTree(r.body), 'Header', 'Action')?.text, 'http://schemas.xmlsoap.org/ws/2004/09/transfer/PutResponse');
    assert.equal(props(payload(r.body)).HostName, 'renamed-host');
    const again = await client.post(build.get('AMT_GeneralSettings'));
    assert.equal(props(payload(again.body)).HostName, 'renamed-host');
    assert.equal(sim.device.singleton('AMT_GeneralSettings').HostName, 'renamed-host');
    assert.deepEqual(seen, [['HostName']]);
  });

  test('Put of one AMT_EthernetPortSettings instance is addressed by InstanceID', async () => {
    const sel = { InstanceID: 'Intel(r) AMT Ethernet Port Settings 0' };
    const uri = resourceUriFor('AMT_EthernetPortSettings');
    const current = props(payload((await client.post(build.get('AMT_EthernetPortSettings', sel))).body));
    const body =
      `<h:AMT_EthernetPortSettings xmlns:h="${uri}"><h:DHCPEnabled>false</h:DHCPEnabled>` +
      `<h:IPAddress>10.0.0.9</h:IPAddress><h:InstanceID>${current.InstanceID}</h:InstanceID>` +
      '<h:LinkPolicy>1</h:LinkPolicy><h:LinkPolicy>14</h:LinkPolicy><h:LinkPolicy>16</h:LinkPolicy>' +
      `</h:AMT_EthernetPortSettings>`;
    const r = await client.post(build.put('AMT_EthernetPortSettings', body, sel));
    assert.equal(r.status, 200, r.body);
    const p = props(payload(r.body));
    assert.equal(p.IPAddress, '10.0.0.9');
    assert.equal(p.DHCPEnabled, 'false');
    assert.deepEqual(p.LinkPolicy, ['1', '14', '16']);
    const other = sim.device.instances('AMT_EthernetPortSettings')[1];
    assert.equal(other.IPAddress, undefined, 'the wireless port is untouched');
  });

  const faultCases: Array<[string, () => Promise<string>, string, string?]> = [
    ['an unknown property', () => generalSettingsBody({ NoSuchThing: '1' }), 'SchemaValidationError'],
    ['a value of the wrong type', () => generalSettingsBody({ DDNSTTL: 'soon' }), 'SchemaValidationError'],
    ['an out-of-range integer', () => generalSettingsBody({ DHCPv6ConfigurationTimeout: '70000' }), 'SchemaValidationError'],
    ['a changed read-only property', () => generalSettingsBody({ DigestRealm: 'Digest:00000000000000000000000000000000' }), 'InvalidRepresentation', 'InvalidValues'],
    ['a changed key', () => generalSettingsBody({ InstanceID: 'other' }), 'InvalidRepresentation', 'InvalidValues'],
    ['a missing required property', () => generalSettingsBody({ PingResponseEnabled: null }), 'InvalidRepresentation', 'MissingValues'],
    ['a body of another class', async () => `<h:AMT_BootSettingData xmlns:h="${resourceUriFor('AMT_BootSettingData')}"/>`, 'SchemaValidationError'],
  ];
  for (const [what, body, fault, detail] of faultCases) {
    test(`Put with ${what} faults with ${fault}${detail ? `/${detail}` : ''} and changes nothing`, async () => {
      const before = JSON.stringify(sim.device.singleton('AMT_GeneralSettings'));
      const r = await client.post(build.put('AMT_GeneralSettings', await body()));
      assert.equal(r.status, 400);
      assert.match(faultSubcode(r.body)!, new RegExp(`}${fault}$`));
      if (detail) assert.equal(at(parseTree(r.body), 'Body', 'Fault', 'Detail', 'FaultDetail')?.text, `http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/${detail}`);
      assert.equal(JSON.stringify(sim.device.singleton('AMT_GeneralSettings')), before);
    });
  }
});
