/**
 * The instance document round trip against the real backend: the instance rendered as XML, a
 * writable property edited, the Put planned (what changes) and sent, and the new value read back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { describeChanges, InstanceDocuments, instanceUriParts, parseInstanceQuery, type InstanceAddress } from '../../../client/src/model/instanceDocument';
import { ClassTree } from '../../../client/src/model/classTree';
import { startBackend, type Backend } from './backend';

const GENERAL: InstanceAddress = { targetId: 'sim', className: 'AMT_GeneralSettings', selectors: { InstanceID: 'Intel(r) AMT: General Settings' } };

describe('instance document', { timeout: 60_000 }, () => {
  let backend: Backend;
  let docs: InstanceDocuments;
  before(async () => {
    backend = await startBackend();
    docs = new InstanceDocuments(backend.request);
  });
  after(async () => {
    await backend?.close();
  });

  test('the amt: address survives the URI: device, class and selectors, whatever characters they hold', () => {
    const address: InstanceAddress = { targetId: 'admin@10.0.0.5:16993', className: 'CIM_X', selectors: { Name: 'a/b?c&d', Ref: { kind: 'epr', address: '', resourceUri: 'http://x/CIM_Y', selectors: { K: 'v' } } } };
    const { path, query } = instanceUriParts(address, { device: '10.0.0.5:16993', instance: 'a/b' });
    assert.equal(path, '/10.0.0.5-16993/CIM_X/a-b.xml');
    assert.deepEqual(parseInstanceQuery(query), address);
    assert.throws(() => parseInstanceQuery('{nope'), /damaged/);
  });

  test('an instance renders as an XML document with one property per line', async () => {
    const xml = await docs.read(GENERAL);
    assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>/);
    assert.match(xml, /<h:AMT_GeneralSettings xmlns:h="http:\/\/intel.com\/wbem\/wscim\/1\/amt-schema\/1\/AMT_GeneralSettings">/);
    assert.match(xml, /\n {2}<h:DDNSTTL>900<\/h:DDNSTTL>\n/);
    assert.match(xml, /on Simulator \(http:\/\/127\.0\.0\.1:\d+\)/);
  });

  test('editing a writable property, planning and saving sends Put; reading back shows the new value', async () => {
    const xml = await docs.read(GENERAL);
    const edited = xml.replace(/<h:HostName>[^<]*<\/h:HostName>/, '<h:HostName>lab-station-7</h:HostName>');
    assert.notEqual(edited, xml);
    const plan = await docs.plan(GENERAL, edited);
    assert.equal(plan.length, 1);
    assert.equal(plan[0]!.name, 'HostName');
    assert.equal(plan[0]!.after, 'lab-station-7');
    assert.match(describeChanges(plan), /^HostName: .* → lab-station-7$/);

    const result = await docs.write(GENERAL, edited);
    assert.deepEqual(result.changes.map((c) => c.name), ['HostName']);
    assert.match(result.xml, /<h:HostName>lab-station-7<\/h:HostName>/);
    assert.match(await docs.read(GENERAL), /<h:HostName>lab-station-7<\/h:HostName>/);
    // The class tree, refreshed, shows it too.
    const tree = new ClassTree(backend.request, 'sim', { pageSize: 50 });
    const view = (await tree.load('AMT_GeneralSettings')).items[0]!;
    assert.equal(view.properties.find((p) => p.name === 'HostName')?.text, 'lab-station-7');
  });

  test('saving an unchanged document plans no change', async () => {
    assert.deepEqual(await docs.plan(GENERAL, await docs.read(GENERAL)), []);
  });

  test('changing a read-only property is refused before anything is sent, in one sentence naming it', async () => {
    const xml = await docs.read(GENERAL);
    assert.match(xml, /Read-only \(saving a change to them is refused\): DigestRealm, InstanceID/);
    const realm = /<h:DigestRealm>([^<]*)<\/h:DigestRealm>/.exec(xml)![1];
    const edited = xml.replace(/<h:DigestRealm>[^<]*<\/h:DigestRealm>/, '<h:DigestRealm>Digest:0000</h:DigestRealm>');
    const sentence = `DigestRealm of AMT_GeneralSettings is read-only, so nothing was sent; set it back to ${realm} and save again.`;
    await assert.rejects(docs.plan(GENERAL, edited), { message: sentence });
    await assert.rejects(docs.write(GENERAL, edited), { message: sentence });
    assert.equal(/<h:DigestRealm>([^<]*)<\/h:DigestRealm>/.exec(await docs.read(GENERAL))![1], realm);
  });

  test('a document that is not well-formed XML is refused before anything is sent', async () => {
    await assert.rejects(docs.plan(GENERAL, '<h:AMT_GeneralSettings'), /not well-formed XML/);
  });

  test('a document holding another class is refused', async () => {
    const xml = (await docs.read(GENERAL)).replace(/AMT_GeneralSettings/g, 'AMT_EthernetPortSettings');
    await assert.rejects(docs.plan(GENERAL, xml), /holds a <AMT_EthernetPortSettings> element, not AMT_GeneralSettings/);
  });
});
