/** Enumerate, Pull and Release against the simulator (DMTF DSP0226 enumeration; docs/simulator.md "Enumeration"). */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSimulator, DEFAULT_ACCOUNT, type Simulator } from '../../../server/src/sim';
import { at, build, DigestClient, faultSubcode, findAll, NS, parseTree, payload, props, resourceUriFor } from './helpers';

describe('simulator enumeration', () => {
  let sim: Simulator;
  let client: DigestClient;
  before(async () => {
    sim = await startSimulator({ port: 0, enumerationContextTtlMs: 60_000 });
    client = new DigestClient({ host: sim.host, port: sim.port }, DEFAULT_ACCOUNT.user, DEFAULT_ACCOUNT.password);
  });
  after(() => sim.close());

  async function enumerateContext(cls: string, opts?: Parameters<typeof build.enumerate>[1]): Promise<string> {
    const r = await client.post(build.enumerate(cls, opts));
    assert.equal(r.status, 200, r.body);
    const ctx = at(payload(r.body), 'EnumerationContext')?.text;
    assert.match(ctx!, /^[0-9A-F]{8}-0000-0000-0000-000000000000$/);
    return ctx!;
  }

  test('Pull pages CIM_SoftwareIdentity by MaxElements; the context stays until the last page', async () => {
    const total = sim.device.instances('CIM_SoftwareIdentity').length;
    assert.ok(total >= 15);
    const ctx = await enumerateContext('CIM_SoftwareIdentity');
    const ids: string[] = [];
    for (let page = 1; ; page++) {
      const r = await client.post(build.pull('CIM_SoftwareIdentity', ctx, 4));
      assert.equal(r.status, 200, r.body);
      const pr = payload(r.body);
      assert.equal(pr.local, 'PullResponse');
      const items = at(pr, 'Items')!.children;
      ids.push(...items.map((i) => props(i).InstanceID as string));
      const hasCtx = at(pr, 'EnumerationContext') !== undefined;
      const end = at(pr, 'EndOfSequence') !== undefined;
      assert.notEqual(hasCtx, end, 'either a context to continue or EndOfSequence');
      if (end) {
        assert.ok(items.length <= 4 && items.length > 0);
        assert.equal(page, Math.ceil(total / 4));
        break;
      }
      assert.equal(items.length, 4);
      assert.equal(at(pr, 'EnumerationContext')!.text, ctx);
      assert.deepEqual(pr.children.map((c) => c.local), ['EnumerationContext', 'Items']);
    }
    assert.equal(ids.length, total);
    assert.equal(new Set(ids).size, total);
    const after = await client.post(build.pull('CIM_SoftwareIdentity', ctx, 4));
    assert.match(faultSubcode(after.body)!, /}InvalidEnumerationContext$/, 'a finished context is gone');
  });

  test('Pull without MaxElements returns the rest, items in the class namespace as h:', async () => {
    const ctx = await enumerateContext('AMT_EthernetPortSettings');
    const r = await client.post(build.pull('AMT_EthernetPortSettings', ctx));
    const items = at(payload(r.body), 'Items')!.children;
    assert.deepEqual(items.map((i) => props(i).InstanceID), ['Intel(r) AMT Ethernet Port Settings 0', 'Intel(r) AMT Ethernet Port Settings 1']);
    assert.equal(items[0].prefix, 'h');
    assert.equal(items[0].ns, resourceUriFor('AMT_EthernetPortSettings'));
  });

  test('CIM_ServiceAvailableToElement items arrive as CIM_AssociatedPowerManagementService', async () => {
    const ctx = await enumerateContext('CIM_ServiceAvailableToElement');
    const r = await client.post(build.pull('CIM_ServiceAvailableToElement', ctx));
    const [item] = at(payload(r.body), 'Items')!.children;
    assert.equal(item.local, 'CIM_AssociatedPowerManagementService');
    assert.equal(props(item).PowerState, '2');
  });

  test('EnumerateObjectAndEPR wraps each item with its endpoint reference', async () => {
    const ctx = await enumerateContext('CIM_SoftwareIdentity', { mode: 'EnumerateObjectAndEPR' });
    const r = await client.post(build.pull('CIM_SoftwareIdentity', ctx, 2));
    const items = at(payload(r.body), 'Items')!.children;
    assert.equal(items.length, 2);
    for (const item of items) {
      assert.equal(item.local, 'Item');
      assert.equal(item.ns, NS.wsman);
      const [obj, ref] = item.children;
      assert.equal(obj.local, 'CIM_SoftwareIdentity');
      assert.equal(ref.local, 'EndpointReference');
      assert.equal(at(ref, 'ReferenceParameters', 'ResourceURI')?.text, resourceUriFor('CIM_SoftwareIdentity'));
      const sel = at(ref, 'ReferenceParameters', 'SelectorSet', 'Selector')!;
      assert.equal(sel.attrs.Name, 'InstanceID');
      assert.equal(sel.text, props(obj).InstanceID);
    }
  });

  test('EnumerateEPR returns only endpoint references that Get can follow', async () => {
    const ctx = await enumerateContext('AMT_EthernetPortSettings', { mode: 'EnumerateEPR' });
    const r = await client.post(build.pull('AMT_EthernetPortSettings', ctx));
    const refs = at(payload(r.body), 'Items')!.children;
    assert.deepEqual(refs.map((x) => x.local), ['EndpointReference', 'EndpointReference']);
    const id = at(refs[1], 'ReferenceParameters', 'SelectorSet', 'Selector')!.text;
    const got = await client.post(build.get('AMT_EthernetPortSettings', { InstanceID: id }));
    assert.equal(props(payload(got.body)).InstanceID, id);
  });

  test('OptimizeEnumeration with MaxElements puts the first items into the EnumerateResponse', async () => {
    const r = await client.post(build.enumerate('CIM_SoftwareIdentity', { optimize: true, maxElements: 3 }));
    const er = payload(r.body);
    const items = at(er, 'Items')!;
    assert.equal(items.ns, NS.wsman);
    assert.equal(items.children.length, 3);
    const ctx = at(er, 'EnumerationContext')!.text;
    const rest = await client.post(build.pull('CIM_SoftwareIdentity', ctx));
    assert.equal(at(payload(rest.body), 'Items')!.children.length, sim.device.instances('CIM_SoftwareIdentity').length - 3);
  });

  test('an optimized enumeration that fits completely ends at once with EndOfSequence', async () => {
    const r = await client.post(build.enumerate('AMT_GeneralSettings', { optimize: true, maxElements: 10 }));
    const er = payload(r.body);
    assert.deepEqual(er.children.map((c) => c.local), ['EnumerationContext', 'Items', 'EndOfSequence']);
    const ctx = at(er, 'EnumerationContext')!.text;
    assert.match(faultSubcode((await client.post(build.pull('AMT_GeneralSettings', ctx))).body)!, /}InvalidEnumerationContext$/);
  });

  test('a SelectorFilter keeps only the matching instances', async () => {
    const filter =
      `<w:Filter Dialect="http://schemas.dmtf.org/wbem/wsman/1/wsman/SelectorFilter"><w:SelectorSet>` +
      '<w:Selector Name="InstanceID">Flash</w:Selector></w:SelectorSet></w:Filter>';
    const ctx = await enumerateContext('CIM_SoftwareIdentity', { extra: filter });
    const r = await client.post(build.pull('CIM_SoftwareIdentity', ctx));
    assert.deepEqual(findAll(payload(r.body), 'InstanceID').map((n) => n.text), ['Flash']);
  });

  test('a context unused for longer than its lifetime (device clock) is InvalidEnumerationContext', async () => {
    const ctx = await enumerateContext('CIM_SoftwareIdentity');
    sim.device.advance(60_001);
    const r = await client.post(build.pull('CIM_SoftwareIdentity', ctx));
    assert.equal(r.status, 400);
    assert.equal(faultSubcode(r.body), `{${NS.enumeration}}InvalidEnumerationContext`);
    assert.equal(at(parseTree(r.body), 'Body', 'Fault', 'Code', 'Value')?.text, 'a:Receiver');
  });

  test('a context used within its lifetime stays valid', async () => {
    const ctx = await enumerateContext('CIM_SoftwareIdentity');
    sim.device.advance(59_000);
    assert.equal((await client.post(build.pull('CIM_SoftwareIdentity', ctx, 1))).status, 200);
    sim.device.advance(59_000);
    assert.equal((await client.post(build.pull('CIM_SoftwareIdentity', ctx, 1))).status, 200);
  });

  test('Release ends a context; pulling or releasing it again is InvalidEnumerationContext', async () => {
    const ctx = await enumerateContext('CIM_SoftwareIdentity');
    const r = await client.post(build.release('CIM_SoftwareIdentity', ctx));
    assert.equal(r.status, 200);
    assert.equal(at(parseTree(r.body), 'Header', 'Action')?.text, 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/ReleaseResponse');
    assert.match(faultSubcode((await client.post(build.pull('CIM_SoftwareIdentity', ctx))).body)!, /}InvalidEnumerationContext$/);
    assert.match(faultSubcode((await client.post(build.release('CIM_SoftwareIdentity', ctx))).body)!, /}InvalidEnumerationContext$/);
  });

  test('a made-up context is InvalidEnumerationContext', async () => {
    const r = await client.post(build.pull('CIM_SoftwareIdentity', 'FF000000-0000-0000-0000-000000000000'));
    assert.match(faultSubcode(r.body)!, /}InvalidEnumerationContext$/);
  });

  test('an unknown EnumerationMode is UnsupportedFeature', async () => {
    const r = await client.post(build.enumerate('CIM_SoftwareIdentity', { mode: 'EnumerateEverything' as never }));
    assert.match(faultSubcode(r.body)!, /}UnsupportedFeature$/);
  });
});
