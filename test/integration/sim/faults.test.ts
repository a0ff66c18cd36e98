/** Each fault the simulator returns, shaped like real AMT's (docs/simulator.md "Faults"): own prefixes, no ResourceURI, HTTP 400. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSimulator, DEFAULT_ACCOUNT, type Simulator } from '../../../server/src/sim';
import { ACTION, at, build, DigestClient, envelope, faultSubcode, NS, parseTree, resourceUriFor } from './helpers';

const ADDRESSING_FAULT = 'http://schemas.xmlsoap.org/ws/2004/08/addressing/fault';
const WSMAN_FAULT = 'http://schemas.dmtf.org/wbem/wsman/1/wsman/fault';

describe('simulator faults', () => {
  let sim: Simulator;
  let client: DigestClient;
  before(async () => {
    sim = await startSimulator({ port: 0 });
    client = new DigestClient({ host: sim.host, port: sim.port }, DEFAULT_ACCOUNT.user, DEFAULT_ACCOUNT.password);
  });
  after(() => sim.close());

  async function expectFault(xml: string, ns: string, subcode: string, action: string) {
    const r = await client.post(xml);
    assert.equal(r.status, 400, r.body);
    assert.equal(r.headers.connection, 'close');
    assert.equal(faultSubcode(r.body), `{${ns}}${subcode}`);
    const header = at(parseTree(r.body), 'Header')!;
    assert.deepEqual(header.children.map((c) => c.local), ['To', 'RelatesTo', 'Action', 'MessageID'], 'no ResourceURI');
    assert.equal(at(header, 'Action')?.text, action);
    return r;
  }

  test('the fault envelope uses AMT\'s fault prefix layout, declared g down to a', async () => {
    const r = await expectFault(build.get('CIM_NoSuchClass', undefined, '42'), NS.addressing, 'DestinationUnreachable', ADDRESSING_FAULT);
    assert.match(r.body, /^<\?xml version="1.0" encoding="UTF-8"\?><a:Envelope xmlns:g="http:\/\/schemas.dmtf.org\/wbem\/wsman\/1\/cimbinding.xsd" xmlns:f=".*eventing" xmlns:e=".*wsman.xsd" xmlns:d=".*transfer" xmlns:c=".*enumeration" xmlns:b=".*addressing" xmlns:a=".*soap-envelope" xmlns:h=".*trust" xmlns:i=".*secext-1.0.xsd" xmlns:xsi=/);
    assert.match(r.body, /<a:Subcode><a:Value>b:DestinationUnreachable<\/a:Value><\/a:Subcode>/);
    assert.equal(at(parseTree(r.body), 'Header', 'RelatesTo')?.text, '42');
    assert.equal(
      at(parseTree(r.body), 'Body', 'Fault', 'Reason', 'Text')?.text,
      'No route can be determined to reach the destination role defined by the WSAddressing To.',
    );
  });

  test('selectors naming no key are InvalidSelectors', async () => {
    await expectFault(build.get('CIM_SoftwareIdentity', { Colour: 'blue' }), NS.wsman, 'InvalidSelectors', WSMAN_FAULT);
  });

  test('key selectors matching no instance are DestinationUnreachable, as AMT recorded', async () => {
    await expectFault(build.get('CIM_SoftwareIdentity', { InstanceID: 'Nope' }), NS.addressing, 'DestinationUnreachable', ADDRESSING_FAULT);
  });

  test('no selectors on a class with several instances is InvalidSelectors', async () => {
    await expectFault(build.get('AMT_EthernetPortSettings'), NS.wsman, 'InvalidSelectors', WSMAN_FAULT);
  });

  test('an unknown action is ActionNotSupported', async () => {
    await expectFault(envelope({ action: 'http://example.com/DoSomething', resourceUri: resourceUriFor('AMT_GeneralSettings') }), NS.addressing, 'ActionNotSupported', ADDRESSING_FAULT);
  });

  test('an unknown method is ActionNotSupported', async () => {
    await expectFault(build.invoke('AMT_GeneralSettings', 'SelfDestruct'), NS.addressing, 'ActionNotSupported', ADDRESSING_FAULT);
  });

  test('a method of an unknown class is DestinationUnreachable', async () => {
    await expectFault(build.invoke('AMT_NoSuchService', 'Start'), NS.addressing, 'DestinationUnreachable', ADDRESSING_FAULT);
  });

  test('Create, Delete, Subscribe and Unsubscribe are ActionNotSupported for the fixed firmware classes', async () => {
    for (const action of [ACTION.create, ACTION.delete, ACTION.subscribe, ACTION.unsubscribe]) {
      await expectFault(envelope({ action, resourceUri: resourceUriFor('AMT_GeneralSettings') }), NS.addressing, 'ActionNotSupported', ADDRESSING_FAULT);
    }
  });

  test('malformed XML is SchemaValidationError', async () => {
    await expectFault(build.get('AMT_GeneralSettings').replace('</Header>', '</Headr>'), NS.wsman, 'SchemaValidationError', WSMAN_FAULT);
  });

  test('an envelope without a Body is SchemaValidationError', async () => {
    await expectFault(build.get('AMT_GeneralSettings').replace(/<Body>.*<\/Body>/, ''), NS.wsman, 'SchemaValidationError', WSMAN_FAULT);
  });

  test('a DOCTYPE (entity expansion) is refused with SchemaValidationError', async () => {
    const evil = build.get('AMT_GeneralSettings').replace('<Envelope', '<!DOCTYPE x [<!ENTITY e "ha">]><Envelope');
    await expectFault(evil, NS.wsman, 'SchemaValidationError', WSMAN_FAULT);
  });

  test('an undefined entity reference is SchemaValidationError', async () => {
    await expectFault(build.get('CIM_SoftwareIdentity', { InstanceID: 'x' }).replace('>x<', '>&bogus;<'), NS.wsman, 'SchemaValidationError', WSMAN_FAULT);
  });

  test('MaxEnvelopeSize below 50000 is EncodingLimit with the MaxEnvelopeSize detail', async () => {
    const xml = envelope({
      action: ACTION.get,
      resourceUri: resourceUriFor('AMT_GeneralSettings'),
      headers: '<w:MaxEnvelopeSize a:mustUnderstand="true" xmlns:a="http://www.w3.org/2003/05/soap-envelope">40000</w:MaxEnvelopeSize>',
    });
    const r = await expectFault(xml, NS.wsman, 'EncodingLimit', WSMAN_FAULT);
    assert.equal(at(parseTree(r.body), 'Body', 'Fault', 'Detail', 'FaultDetail')?.text, 'http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/MaxEnvelopeSize');
  });

  test('MaxEnvelopeSize of at least 50000 is accepted', async () => {
    const xml = envelope({ action: ACTION.get, resourceUri: resourceUriFor('AMT_GeneralSettings'), headers: '<w:MaxEnvelopeSize>51200</w:MaxEnvelopeSize>' });
    assert.equal((await client.post(xml)).status, 200);
  });

  test('an OptionSet marked mustUnderstand is a MustUnderstand fault (AMT does not support OptionSet)', async () => {
    const xml = envelope({
      action: ACTION.get,
      resourceUri: resourceUriFor('AMT_GeneralSettings'),
      headers: '<w:OptionSet s:mustUnderstand="true" xmlns:s="http://www.w3.org/2003/05/soap-envelope"><w:Option Name="x">1</w:Option></w:OptionSet>',
    });
    const r = await client.post(xml);
    assert.equal(r.status, 400);
    assert.equal(at(parseTree(r.body), 'Body', 'Fault', 'Code', 'Value')?.text, 'a:MustUnderstand');
  });

  test('a method call without a required input is InvalidParameter', async () => {
    await expectFault(build.invoke('CIM_PowerManagementService', 'RequestPowerStateChange'), NS.wsman, 'InvalidParameter', WSMAN_FAULT);
  });

  test('a method input of the wrong type or name is SchemaValidationError', async () => {
    await expectFault(build.invoke('CIM_PowerManagementService', 'RequestPowerStateChange', '<h:PowerState>off</h:PowerState>'), NS.wsman, 'SchemaValidationError', WSMAN_FAULT);
    await expectFault(build.invoke('CIM_PowerManagementService', 'RequestPowerStateChange', '<h:PowerState>2</h:PowerState><h:Colour>red</h:Colour>'), NS.wsman, 'SchemaValidationError', WSMAN_FAULT);
  });

  test('a request without Action (and not Identify) is MessageInformationHeaderRequired', async () => {
    await expectFault(envelope({ resourceUri: resourceUriFor('AMT_GeneralSettings') }), NS.addressing, 'MessageInformationHeaderRequired', ADDRESSING_FAULT);
  });

  test('a Pull without an EnumerationContext is SchemaValidationError', async () => {
    await expectFault(envelope({ action: ACTION.pull, resourceUri: resourceUriFor('AMT_GeneralSettings'), body: `<Pull xmlns="${NS.enumeration}"/>` }), NS.wsman, 'SchemaValidationError', WSMAN_FAULT);
  });
});
