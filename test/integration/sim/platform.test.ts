/**
 * Boot control, the simulated host's boot, Wi-Fi profiles, the battery, parent-class enumerations
 * and device models — over real sockets, with the requests consoles send (MeshCommander's and Open
 * AMT's one-time boot sequence; Open AMT's AddWiFiSettings).
 */
import assert from 'node:assert/strict';
import { AMT, CIM } from '@device-management-toolkit/wsman-messages';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_ACCOUNT, startSimulator, type Simulator } from '../../../server/src/sim';
import type { SimulatorOptions } from '../../../server/src/sim';
import {
  ACTION, at, build, DigestClient, type Node, envelope, escapeXml, faultSubcode, findAll, HOST_EPR_INPUT, NS, parseTree, payload, props, resourceUriFor,
} from './helpers';
import { eprInput, wifi8021xInputs, wifiPskInputs } from './platform-inputs';
import { decodeLogRecord } from '../../../server/src/features/log/records';

const BOOT_CONFIG = { InstanceID: 'Intel(r) AMT: Boot Configuration 0' };

interface Device {
  sim: Simulator;
  client: DigestClient;
  post(xml: string): Promise<{ status: number; body: string }>;
  /** ReturnValue of a method call (HTTP 200 asserted). */
  call(cls: string, method: string, inputs?: string, selectors?: Record<string, string>): Promise<number>;
  /** Every item of an Enumerate + Pull, as element nodes. */
  items(cls: string): Promise<readonly Node[]>;
  close(): Promise<void>;
}

async function device(opts: SimulatorOptions = {}): Promise<Device> {
  const sim = await startSimulator({ port: 0, ...opts });
  const client = new DigestClient({ host: sim.host, port: sim.port }, DEFAULT_ACCOUNT.user, DEFAULT_ACCOUNT.password);
  const post = (xml: string) => client.post(xml);
  return {
    sim,
    client,
    post,
    async call(cls, method, inputs = '', selectors) {
      const r = await post(build.invoke(cls, method, inputs, selectors));
      assert.equal(r.status, 200, r.body);
      return Number(at(payload(r.body), 'ReturnValue')!.text);
    },
    async items(cls) {
      const e = await post(build.enumerate(cls));
      assert.equal(e.status, 200, e.body);
      const ctx = at(payload(e.body), 'EnumerationContext')!.text;
      const p = await post(build.pull(cls, ctx));
      assert.equal(p.status, 200, p.body);
      return at(payload(p.body), 'Items')!.children;
    },
    close: () => sim.close(),
  };
}

const power = (d: Device, state: number) => d.call('CIM_PowerManagementService', 'RequestPowerStateChange', `<h:PowerState>${state}</h:PowerState>${HOST_EPR_INPUT}`);
const setRole = (d: Device, role: number) =>
  d.call('CIM_BootService', 'SetBootConfigRole', eprInput('BootConfigSetting', 'CIM_BootConfigSetting', BOOT_CONFIG) + `<h:Role>${role}</h:Role>`);
const forceSource = (d: Device, id: string) =>
  d.call('CIM_BootConfigSetting', 'ChangeBootOrder', eprInput('Source', 'CIM_BootSourceSetting', { InstanceID: id }));

async function getProps(d: Device, cls: string, selectors?: Record<string, string>): Promise<Record<string, string | string[]>> {
  const r = await d.post(build.get(cls, selectors));
  assert.equal(r.status, 200, r.body);
  return props(payload(r.body));
}

/** IsNext of the CIM_ElementSettingData linking the host to the boot configuration. */
async function bootLinkIsNext(d: Device): Promise<string | string[] | undefined> {
  const link = (await d.items('CIM_ElementSettingData')).find((i) => findAll(i, 'Selector').some((s) => s.text === BOOT_CONFIG.InstanceID));
  return link && props(link).IsNext;
}

/** Puts an instance back with `changes` applied, as consoles do after a Get. */
async function putWith(d: Device, cls: string, changes: Record<string, string>): Promise<{ status: number; body: string }> {
  const current = { ...(await getProps(d, cls)), ...changes };
  const inner = Object.entries(current)
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `<h:${k}>${escapeXml(x)}</h:${k}>`))
    .join('');
  return d.post(build.put(cls, `<h:${cls} xmlns:h="${resourceUriFor(cls)}">${inner}</h:${cls}>`));
}

const putBootSettings = (d: Device, changes: Record<string, string>) => putWith(d, 'AMT_BootSettingData', changes);

/** One simulator for the tests of a describe block (started before them, closed after). */
function deviceForBlock(opts: SimulatorOptions = {}): () => Device {
  let d: Device | undefined;
  before(async () => {
    d = await device(opts);
  });
  after(() => d?.close());
  return () => d!;
}

describe('one-time boot: the host boots from the source the console chose, once', () => {
  const dev = deviceForBlock();

  test('ChangeBootOrder + SetBootConfigRole + power on → the host records the forced PXE boot and the settings clear', async () => {
    const d = dev();
    assert.equal(await power(d, 8), 0); // soft off
    assert.equal(await d.call('CIM_BootConfigSetting', 'ChangeBootOrder'), 0); // clear, as consoles do first
    const put = await putBootSettings(d, { UseSOL: 'true' });
    assert.equal(put.status, 200, put.body);
    assert.equal(props(payload(put.body)).OptionsCleared, 'false');
    assert.equal(await setRole(d, 1), 0);
    assert.equal(await forceSource(d, 'Intel(r) AMT: Force PXE Boot'), 0);
    assert.equal(await bootLinkIsNext(d), '3', 'Is Next For Single Use after SetBootConfigRole(1)');

    assert.equal(await power(d, 2), 0);
    const boot = d.sim.device.host.lastBoot;
    assert.ok(boot, 'the host booted');
    assert.equal(boot.medium, 'pxe');
    assert.equal(boot.forcedSource, 'Intel(r) AMT: Force PXE Boot');
    assert.equal(boot.reason, 'Power Up');
    assert.deepEqual(boot.options, { UseSOL: true });

    const reason = await getProps(d, 'IPS_HostBootReason');
    assert.deepEqual([reason.Reason, reason.ReasonDetails, reason.PreviousSxState], ['2', 'Power Up', '5']);
    // The boot's POST progress is in the event log, as a console's event-log page reads it.
    const log = await d.post(build.invoke('AMT_MessageLog', 'GetRecords', '<h:IterationIdentifier>1</h:IterationIdentifier><h:MaxReadRecords>390</h:MaxReadRecords>'));
    const shown = findAll(payload(log.body), 'RecordArray').map((r) => decodeLogRecord(r.text.trim()).description);
    assert.deepEqual(shown.filter((t) => /firmware progress/.test(t)).slice(-3), [
      'System firmware progress: memory initialization', 'System firmware progress: video initialization',
      'System firmware progress: starting the operating system boot process',
    ]);
    const after = await getProps(d, 'AMT_BootSettingData');
    assert.deepEqual([after.UseSOL, after.OptionsCleared], ['false', 'true']);
    assert.equal(await bootLinkIsNext(d), '2', 'Is Not Next once the boot used it');

    assert.equal(await power(d, 10), 0); // the next reset follows the BIOS order again
    assert.deepEqual([d.sim.device.host.lastBoot?.medium, d.sim.device.host.lastBoot?.forcedSource], ['hard-drive', undefined]);
    assert.equal(d.sim.device.host.lastBoot?.reason, 'Reset');
  });

  test("Open AMT's requests (its message library, as its console sends them) force a PXE boot on the next reset", async () => {
    const d = dev();
    const amt = new AMT.Messages();
    const cim = new CIM.Messages();
    const ok = async (xml: string) => {
      const r = await d.post(xml);
      assert.equal(r.status, 200, r.body);
      return r.body;
    };
    const current = props(payload(await ok(amt.BootSettingData.Get())));
    delete current.BIOSLastStatus; // Open AMT's console nulls it, and the library leaves it out
    await ok(amt.BootSettingData.Put({ ...current, UseSOL: true } as unknown as Parameters<typeof amt.BootSettingData.Put>[0]));
    await ok(cim.BootConfigSetting.ChangeBootOrder());
    await ok(cim.BootService.SetBootConfigRole('Intel(r) AMT: Boot Configuration 0', 1));
    await ok(cim.BootConfigSetting.ChangeBootOrder('Intel(r) AMT: Force PXE Boot'));
    await ok(cim.PowerManagementService.RequestPowerStateChange(10 as Parameters<typeof cim.PowerManagementService.RequestPowerStateChange>[0]));
    const boot = d.sim.device.host.lastBoot;
    assert.deepEqual([boot?.medium, boot?.reason, boot?.options], ['pxe', 'Reset', { UseSOL: true }]);
  });

  test('a forced source without SetBootConfigRole is not used; BIOS setup wins when asked for', async () => {
    const d = dev();
    assert.equal(await forceSource(d, 'Intel(r) AMT: Force CD/DVD Boot'), 0);
    assert.equal(await power(d, 10), 0);
    assert.equal(d.sim.device.host.lastBoot?.medium, 'hard-drive');

    assert.equal((await putBootSettings(d, { BIOSSetup: 'true' })).status, 200);
    assert.equal(await setRole(d, 1), 0);
    assert.equal(await power(d, 5), 0); // power cycle
    assert.deepEqual([d.sim.device.host.lastBoot?.medium, d.sim.device.host.lastBoot?.reason], ['bios-setup', 'Power Cycle']);
    assert.equal((await getProps(d, 'AMT_BootSettingData')).BIOSSetup, 'false');
  });

  test('wrong references and roles AMT does not support are refused by ReturnValue', async () => {
    const d = dev();
    assert.equal(await forceSource(d, 'Intel(r) AMT: Force Floppy Boot'), 4, 'Invalid Reference');
    assert.equal(
      await d.call('CIM_BootService', 'SetBootConfigRole', eprInput('BootConfigSetting', 'CIM_BootConfigSetting', { InstanceID: 'other' }) + '<h:Role>1</h:Role>'),
      4,
    );
    assert.equal(await setRole(d, 0), 1, 'IsNext is not supported, only next single use');
    assert.equal(await setRole(d, 32768), 0, 'not next');
  });

  test('Put of AMT_BootSettingData refuses changed read-only fields and hides the RSE password', async () => {
    const d = dev();
    for (const field of ['UEFIHTTPSBootEnabled', 'RPEEnabled', 'OptionsCleared', 'BootguardStatus']) {
      const current = (await getProps(d, 'AMT_BootSettingData'))[field] as string;
      const changed = field === 'BootguardStatus' ? String(Number(current) + 1) : current === 'true' ? 'false' : 'true';
      const r = await putBootSettings(d, { [field]: changed });
      assert.equal(r.status, 400, `${field}: ${r.body}`);
      assert.equal(faultSubcode(r.body), `{${NS.transfer}}InvalidRepresentation`, field);
    }
    const r = await putBootSettings(d, { RSEPassword: 'Erase#Me1', SecureErase: 'false' });
    assert.equal(r.status, 200, r.body);
    assert.equal((await getProps(d, 'AMT_BootSettingData')).RSEPassword, '');
    assert.ok(!r.body.includes('Erase#Me1'), 'the password never comes back');
  });

  test('Get without selectors on a class with several instances is InvalidSelectors; with its key it works', async () => {
    const d = dev();
    const r = await d.post(build.get('CIM_BootSourceSetting'));
    assert.equal(r.status, 400);
    assert.equal(faultSubcode(r.body), `{${NS.wsman}}InvalidSelectors`);
    const one = await getProps(d, 'CIM_BootSourceSetting', { InstanceID: 'Intel(r) AMT: Force CD/DVD Boot' });
    assert.equal(one.StructuredBootString, 'CIM:CD/DVD:1');
  });
});

describe('write-only secrets never come back', () => {
  const dev = deviceForBlock();

  test('the KVM RFB password reads back empty and an 802.1x password not at all, in the Put reply and in a Get', async () => {
    const d = dev();
    for (const [cls, prop, secret] of [
      ['IPS_KVMRedirectionSettingData', 'RFBPassword', 'Rfb#Pass1'],
      ['IPS_IEEE8021xSettings', 'Password', 'Eap#Pass1'],
      ['AMT_8021XProfile', 'Password', 'Eap#Pass2'],
    ] as const) {
      const r = await putWith(d, cls, { [prop]: secret });
      assert.equal(r.status, 200, r.body);
      assert.ok(!r.body.includes(secret), `${cls} Put reply`);
      const after = await getProps(d, cls);
      assert.equal(after[prop], prop === 'RFBPassword' ? '' : undefined, cls);
    }
  });
});

describe('device models: a laptop has a battery and Wi-Fi, a desktop neither', () => {
  let laptop: Device;
  let desktop: Device;
  before(async () => {
    laptop = await device({ model: 'laptop' });
    desktop = await device({ model: 'desktop' });
  });
  after(() => Promise.all([laptop.close(), desktop.close()]));

  test('a laptop serves CIM_Battery; a desktop enumerates none and a Get finds none', async () => {
    const battery = await getProps(laptop, 'CIM_Battery');
    assert.equal(battery.CreationClassName, 'CIM_Battery');
    assert.ok(Number(battery.DesignCapacity) > 0);
    assert.deepEqual(await desktop.items('CIM_Battery'), []);
    const r = await desktop.post(build.get('CIM_Battery'));
    assert.equal(r.status, 400);
    assert.equal(faultSubcode(r.body), `{${NS.addressing}}DestinationUnreachable`);
  });

  test('AddWiFiSettings adds a profile that Enumerate shows (without its pass phrase); a duplicate is refused; Delete removes it', async () => {
    const before = await laptop.items('CIM_WiFiEndpointSettings');
    assert.equal(await laptop.call('AMT_WiFiPortConfigurationService', 'AddWiFiSettings', wifiPskInputs('Office', 'office-net', 1)), 0);
    const after = (await laptop.items('CIM_WiFiEndpointSettings')).map(props);
    assert.equal(after.length, before.length + 1);
    const profile = after.find((p) => p.ElementName === 'Office');
    assert.deepEqual(
      [profile?.SSID, profile?.AuthenticationMethod, profile?.Priority, profile?.InstanceID],
      ['office-net', '6', '1', 'Intel(r) AMT:WiFi Endpoint Settings Office'],
    );
    assert.equal(profile?.PSKPassPhrase, undefined);
    assert.equal(await laptop.call('AMT_WiFiPortConfigurationService', 'AddWiFiSettings', wifiPskInputs('Office', 'other', 2)), 2058, 'DUPLICATE');
    assert.equal(await laptop.call('AMT_WiFiPortConfigurationService', 'AddWiFiSettings', wifiPskInputs('Home', 'home', 1)), 2067, 'priority in use');

    const del = await laptop.post(envelope({
      action: ACTION.delete, resourceUri: resourceUriFor('CIM_WiFiEndpointSettings'), selectors: { InstanceID: 'Intel(r) AMT:WiFi Endpoint Settings Office' },
    }));
    assert.equal(del.status, 200, del.body);
    assert.equal((await laptop.items('CIM_WiFiEndpointSettings')).length, before.length);
  });

  test('an 802.1x profile brings its CIM_IEEE8021xSettings and certificate contexts, and Delete takes them along', async () => {
    assert.equal(await laptop.call('AMT_WiFiPortConfigurationService', 'AddWiFiSettings', wifi8021xInputs('Corp', 'corp', 5)), 0);
    const ieee = (await laptop.items('CIM_IEEE8021xSettings')).map(props);
    assert.deepEqual(ieee.map((p) => p.InstanceID), ['Intel(r) AMT:IEEE 802.1x Settings Corp']);
    assert.equal((await laptop.items('CIM_CredentialContext')).length, 2);
    const del = await laptop.post(envelope({
      action: ACTION.delete, resourceUri: resourceUriFor('CIM_WiFiEndpointSettings'), selectors: { InstanceID: 'Intel(r) AMT:WiFi Endpoint Settings Corp' },
    }));
    assert.equal(del.status, 200, del.body);
    assert.deepEqual(await laptop.items('CIM_IEEE8021xSettings'), []);
    assert.deepEqual(await laptop.items('CIM_CredentialContext'), []);
  });

  test('a desktop has no Wi-Fi classes and one AMT network interface', async () => {
    const r = await desktop.post(build.invoke('AMT_WiFiPortConfigurationService', 'AddWiFiSettings', wifiPskInputs('Office', 'office', 1)));
    assert.equal(r.status, 400);
    assert.equal(faultSubcode(r.body), `{${NS.addressing}}DestinationUnreachable`);
    assert.equal((await desktop.items('AMT_EthernetPortSettings')).length, 1);
    assert.equal((await laptop.items('AMT_EthernetPortSettings')).length, 2);
  });
});

describe('enumerating a parent class returns the subclass instances', () => {
  const dev = deviceForBlock();

  test('CIM_NetworkPort → CIM_EthernetPort and CIM_WiFiPort items, each named and namespaced by its own class', async () => {
    const d = dev();
    const e = await d.post(build.enumerate('CIM_NetworkPort'));
    const ctx = at(payload(e.body), 'EnumerationContext')!.text;
    const pull = await d.post(build.pull('CIM_NetworkPort', ctx));
    assert.equal(at(parseTree(pull.body), 'Header', 'ResourceURI')?.text, resourceUriFor('CIM_NetworkPort'));
    const items = at(payload(pull.body), 'Items')!.children;
    assert.deepEqual(items.map((i) => [i.local, i.ns]), [
      ['CIM_EthernetPort', resourceUriFor('CIM_EthernetPort')],
      ['CIM_WiFiPort', resourceUriFor('CIM_WiFiPort')],
    ]);
  });

  test('a Get of the parent needs selectors that pick one instance, and answers with the subclass element', async () => {
    const d = dev();
    const bare = await d.post(build.get('CIM_NetworkPort'));
    assert.equal(faultSubcode(bare.body), `{${NS.wsman}}InvalidSelectors`);
    const r = await d.post(build.get('CIM_NetworkPort', { DeviceID: 'WiFi Port 0' }));
    assert.equal(r.status, 200, r.body);
    assert.deepEqual([payload(r.body).local, props(payload(r.body)).LinkTechnology], ['CIM_WiFiPort', '11']);
  });

  test('CIM_ListenerDestination → the CIM_ListenerDestinationWSManagement of a subscription', async () => {
    const d = dev();
    assert.deepEqual(await d.items('CIM_ListenerDestination'), []);
    const sub = await d.post(envelope({
      action: ACTION.subscribe,
      resourceUri: resourceUriFor('CIM_FilterCollection'),
      selectors: { InstanceID: 'Intel(r) AMT:All' },
      body:
        `<e:Subscribe xmlns:e="${NS.eventing}"><e:Delivery Mode="${NS.eventing}/DeliveryModes/Push">` +
        `<e:NotifyTo><a:Address>http://127.0.0.1:9/events</a:Address></e:NotifyTo></e:Delivery></e:Subscribe>`,
    }));
    assert.equal(sub.status, 200, sub.body);

    const items = await d.items('CIM_ListenerDestination');
    assert.deepEqual(items.map((i) => i.local), ['CIM_ListenerDestinationWSManagement']);
    assert.equal(props(items[0]).Destination, 'http://127.0.0.1:9/events');
  });
});

describe('firmware families differ in classes and boot features', () => {
  test('AMT 11: no One Click Recovery fields, no IPS_IEEE8021xSettings, its own version in Identify', async () => {
    const d = await device({ amt: 11 });
    try {
      const caps = await getProps(d, 'AMT_BootCapabilities');
      assert.equal(caps.ForceUEFIHTTPSBoot, undefined);
      assert.equal((await getProps(d, 'AMT_BootSettingData')).UEFIHTTPSBootEnabled, undefined);
      const r = await d.post(build.get('IPS_IEEE8021xSettings'));
      assert.equal(faultSubcode(r.body), `{${NS.addressing}}DestinationUnreachable`);
      assert.equal(await d.call('CIM_BootService', 'RequestStateChange', '<h:RequestedState>32769</h:RequestedState>'), 1, 'no OCR to enable');
      const id = await d.post(build.identify());
      assert.match(findAll(payload(id.body), 'ProductVersion')[0]?.text ?? '', /^AMT 11\./);
    } finally {
      await d.close();
    }
  });

  test('AMT 16 enables One Click Recovery through CIM_BootService; AMT 18 has no IPS_SecIOService', async () => {
    const d16 = await device({ amt: 16 });
    const d18 = await device({ amt: 18 });
    try {
      assert.equal(await d16.call('CIM_BootService', 'RequestStateChange', '<h:RequestedState>32769</h:RequestedState>'), 0);
      assert.equal((await getProps(d16, 'CIM_BootService')).EnabledState, '32769');
      assert.equal((await getProps(d16, 'IPS_SecIOService')).Name, 'SecIO');
      const r = await d18.post(build.get('IPS_SecIOService'));
      assert.equal(faultSubcode(r.body), `{${NS.addressing}}DestinationUnreachable`);
    } finally {
      await Promise.all([d16.close(), d18.close()]);
    }
  });
});
