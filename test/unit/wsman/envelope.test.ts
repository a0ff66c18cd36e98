import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildCreate,
  buildDelete,
  buildEnumerate,
  buildGet,
  buildIdentify,
  buildInvoke,
  buildPull,
  buildPut,
  buildRelease,
  buildRenew,
  buildSubscribe,
  buildUnsubscribe,
  serializeInstance,
} from '../../../server/src/wsman/envelope';
import { ACTION, ANONYMOUS, NS } from '../../../server/src/wsman/namespaces';
import { bodyElement, parseEnvelope, parseInstance, parseProperties } from '../../../server/src/wsman/parse';
import type { EndpointReference } from '../../../server/src/wsman/types';
import { childElements, firstChild, parseXml, type XmlElement } from '../../../server/src/wsman/xml';

const AMT = 'http://intel.com/wbem/wscim/1/amt-schema/1/';
const CIM = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/';

function header(xml: string): XmlElement {
  return firstChild(parseXml(xml), 'Header', NS.soap)!;
}

test('Get carries the standard AMT header and an empty body', () => {
  const xml = buildGet('AMT_GeneralSettings', { messageId: '7' });
  const env = parseEnvelope(xml);
  assert.deepEqual(env.header, {
    to: '/wsman',
    action: ACTION.get,
    messageId: '7',
    resourceUri: `${AMT}AMT_GeneralSettings`,
  });
  assert.equal(bodyElement(env), undefined);
  const h = header(xml);
  assert.deepEqual(
    h.children.map((c) => c.local),
    ['Action', 'To', 'ResourceURI', 'MessageID', 'ReplyTo', 'OperationTimeout'],
  );
  assert.equal(firstChild(firstChild(h, 'ReplyTo', NS.addressing)!, 'Address', NS.addressing)?.text, ANONYMOUS);
  assert.equal(firstChild(h, 'OperationTimeout', NS.wsman)?.text, 'PT60S');
});

test('MessageIDs are uuid: plus a random UUID unless the caller gives one', () => {
  const a = parseEnvelope(buildGet('AMT_GeneralSettings')).header.messageId!;
  const b = parseEnvelope(buildGet('AMT_GeneralSettings')).header.messageId!;
  assert.match(a, /^uuid:[0-9a-f-]{36}$/);
  assert.notEqual(a, b);
});

test('MaxEnvelopeSize is sent only when asked for', () => {
  assert.equal(firstChild(header(buildGet('CIM_Chassis')), 'MaxEnvelopeSize'), undefined);
  assert.equal(firstChild(header(buildGet('CIM_Chassis', { maxEnvelopeSize: 153600 })), 'MaxEnvelopeSize', NS.wsman)?.text, '153600');
});

test('string and nested-EPR selectors round-trip through the header', () => {
  const handler: EndpointReference = {
    kind: 'epr',
    address: ANONYMOUS,
    resourceUri: `${CIM}CIM_ListenerDestinationWSManagement`,
    selectors: { CreationClassName: 'CIM_ListenerDestinationWSMAN', Name: 'sub & 1' },
  };
  const xml = buildDelete('CIM_FilterCollectionSubscription', {
    selectors: { Filter: { kind: 'epr', address: '', resourceUri: `${CIM}CIM_FilterCollection`, selectors: { InstanceID: 'Intel(r) AMT:All' } }, Handler: handler },
  });
  const env = parseEnvelope(xml);
  assert.equal(env.header.action, ACTION.delete);
  assert.deepEqual(env.header.selectors, {
    Filter: {
      kind: 'epr',
      address: 'http://schemas.xmlsoap.org/ws/2004/08/addressing',
      resourceUri: `${CIM}CIM_FilterCollection`,
      selectors: { InstanceID: 'Intel(r) AMT:All' },
    },
    Handler: handler,
  });
});

test('Identify has no Action header and a wsmid:Identify body', () => {
  const env = parseEnvelope(buildIdentify());
  assert.equal(env.header.action, undefined);
  const body = bodyElement(env)!;
  assert.equal(body.local, 'Identify');
  assert.equal(body.ns, NS.identity);
});

test('Put sends the full instance in the class namespace, in the given order', () => {
  const xml = buildPut('AMT_GeneralSettings', { HostName: 'nuc & co', PingResponseEnabled: true, DDNSTTL: 900, DomainName: '' });
  const env = parseEnvelope(xml);
  assert.equal(env.header.action, ACTION.put);
  const inst = parseInstance(bodyElement(env)!);
  assert.equal(inst.className, 'AMT_GeneralSettings');
  assert.equal(inst.namespace, `${AMT}AMT_GeneralSettings`);
  assert.deepEqual(inst.properties, { HostName: 'nuc & co', PingResponseEnabled: 'true', DDNSTTL: '900', DomainName: '' });
  assert.deepEqual(Object.keys(inst.properties), ['HostName', 'PingResponseEnabled', 'DDNSTTL', 'DomainName']);
});

test('serializeInstance writes arrays as repeated elements, null as xsi:nil, datetimes in the common namespace', () => {
  const xml = serializeInstance('AMT_AuditLog', {
    Capabilities: ['5', 6, '8'],
    Missing: null,
    TimeOfLastRecord: { kind: 'datetime', form: 'Datetime', value: '2024-01-03T00:44:35Z' },
  });
  const el = parseXml(xml);
  assert.deepEqual(childElements(el, 'Capabilities').map((c) => c.text), ['5', '6', '8']);
  const dt = firstChild(firstChild(el, 'TimeOfLastRecord')!, 'Datetime', NS.common);
  assert.equal(dt?.text, '2024-01-03T00:44:35Z');
  assert.deepEqual(parseInstance(el).properties, {
    Capabilities: ['5', '6', '8'],
    Missing: null,
    TimeOfLastRecord: { kind: 'datetime', form: 'Datetime', value: '2024-01-03T00:44:35Z' },
  });
});

test('Create sends the instance with the Create action', () => {
  const env = parseEnvelope(buildCreate('IPS_AlarmClockOccurrence', { InstanceID: 'wake' }));
  assert.equal(env.header.action, ACTION.create);
  assert.equal(bodyElement(env)?.local, 'IPS_AlarmClockOccurrence');
});

test('Enumerate is a bare <Enumerate> by default and carries mode, optimize and MaxElements on request', () => {
  const plain = bodyElement(parseEnvelope(buildEnumerate('CIM_SoftwareIdentity')))!;
  assert.equal(plain.local, 'Enumerate');
  assert.equal(plain.ns, NS.enumeration);
  assert.equal(plain.children.length, 0);

  const rich = bodyElement(parseEnvelope(buildEnumerate('CIM_SoftwareIdentity', { mode: 'EnumerateObjectAndEPR', optimize: true, maxElements: 20 })))!;
  assert.deepEqual(
    rich.children.map((c) => [c.local, c.ns, c.text]),
    [
      ['EnumerationMode', NS.wsman, 'EnumerateObjectAndEPR'],
      ['OptimizeEnumeration', NS.wsman, ''],
      ['MaxElements', NS.wsman, '20'],
    ],
  );
});

test('Pull and Release carry the enumeration context', () => {
  const pull = parseEnvelope(buildPull('CIM_SoftwareIdentity', 'E2020000-0000', { maxElements: 999, maxCharacters: 99999 }));
  assert.equal(pull.header.action, ACTION.pull);
  assert.deepEqual(
    bodyElement(pull)!.children.map((c) => [c.local, c.ns, c.text]),
    [
      ['EnumerationContext', NS.enumeration, 'E2020000-0000'],
      ['MaxElements', NS.enumeration, '999'],
      ['MaxCharacters', NS.enumeration, '99999'],
    ],
  );
  const release = parseEnvelope(buildRelease('CIM_SoftwareIdentity', 'ctx'));
  assert.equal(release.header.action, ACTION.release);
  assert.equal(firstChild(bodyElement(release)!, 'EnumerationContext', NS.enumeration)?.text, 'ctx');
});

test('a method call uses {resourceUri}/{Method} and typed inputs inside <M_INPUT>', () => {
  const managed: EndpointReference = {
    kind: 'epr',
    address: '',
    resourceUri: `${CIM}CIM_ComputerSystem`,
    selectors: { CreationClassName: 'CIM_ComputerSystem', Name: 'ManagedSystem' },
  };
  const xml = buildInvoke(
    'CIM_PowerManagementService',
    'RequestPowerStateChange',
    { PowerState: 10, ManagedElement: managed, Flags: [true, false], Note: 'a<b', When: { kind: 'datetime', form: 'Datetime', value: '2030-01-01T00:00:00Z' } },
    { selectors: { Name: 'Intel(r) AMT Power Management Service' } },
  );
  const env = parseEnvelope(xml);
  assert.equal(env.header.action, `${CIM}CIM_PowerManagementService/RequestPowerStateChange`);
  assert.deepEqual(env.header.selectors, { Name: 'Intel(r) AMT Power Management Service' });
  const input = bodyElement(env)!;
  assert.equal(input.local, 'RequestPowerStateChange_INPUT');
  assert.equal(input.ns, `${CIM}CIM_PowerManagementService`);
  assert.ok(input.children.every((c) => c.ns === `${CIM}CIM_PowerManagementService`));
  const props = parseProperties(input.children);
  assert.equal(props.PowerState, '10');
  assert.deepEqual(props.Flags, ['true', 'false']);
  assert.equal(props.Note, 'a<b');
  assert.deepEqual(props.ManagedElement, { ...managed, address: 'http://schemas.xmlsoap.org/ws/2004/08/addressing' });
  assert.deepEqual(props.When, { kind: 'datetime', form: 'Datetime', value: '2030-01-01T00:00:00Z' });
  const address = firstChild(firstChild(input, 'ManagedElement')!, 'Address', NS.addressing)!;
  assert.equal(address.name, 'Address', 'EPR arguments declare their namespaces inline, as AMT clients do');
});

test('an embedded instance argument is written in its own class namespace (AddAlarm)', () => {
  const xml = buildInvoke('AMT_AlarmClockService', 'AddAlarm', {
    AlarmTemplate: {
      kind: 'instance',
      classOrUri: 'IPS_AlarmClockOccurrence',
      properties: { InstanceID: 'wake', StartTime: { kind: 'datetime', form: 'Datetime', value: '2030-01-01T07:00:00Z' }, DeleteOnCompletion: true },
    },
  });
  const template = firstChild(bodyElement(parseEnvelope(xml))!, 'AlarmTemplate')!;
  assert.equal(template.ns, `${AMT}AMT_AlarmClockService`);
  assert.deepEqual(
    template.children.map((c) => [c.local, c.ns]),
    [
      ['InstanceID', 'http://intel.com/wbem/wscim/1/ips-schema/1/IPS_AlarmClockOccurrence'],
      ['StartTime', 'http://intel.com/wbem/wscim/1/ips-schema/1/IPS_AlarmClockOccurrence'],
      ['DeleteOnCompletion', 'http://intel.com/wbem/wscim/1/ips-schema/1/IPS_AlarmClockOccurrence'],
    ],
  );
});

test('a method with no inputs sends an empty <M_INPUT/>', () => {
  const input = bodyElement(parseEnvelope(buildInvoke('AMT_MessageLog', 'PositionToFirstRecord', {})))!;
  assert.equal(input.local, 'PositionToFirstRecord_INPUT');
  assert.equal(input.children.length, 0);
});

test('Subscribe asks for push delivery to the listener, with optional expiry, filter and reference parameters', () => {
  const xml = buildSubscribe(
    'CIM_FilterCollection',
    {
      notifyTo: 'http://192.168.1.10:8080/events',
      deliveryMode: 'PushWithAck',
      expires: 'PT1H',
      filter: { dialect: 'http://schemas.dmtf.org/wbem/wsman/1/wsman/SelectorFilter', selectors: { InstanceID: 'x' } },
      referenceParameters: [{ name: 'arg', namespace: 'urn:workbench', value: 'device-7' }],
    },
    { selectors: { InstanceID: 'Intel(r) AMT:All' } },
  );
  const env = parseEnvelope(xml);
  assert.equal(env.header.action, ACTION.subscribe);
  assert.deepEqual(env.header.selectors, { InstanceID: 'Intel(r) AMT:All' });
  const sub = bodyElement(env)!;
  assert.equal(sub.ns, NS.eventing);
  const delivery = firstChild(sub, 'Delivery', NS.eventing)!;
  assert.equal(delivery.attrs.find((a) => a.local === 'Mode')?.value, 'http://schemas.dmtf.org/wbem/wsman/1/wsman/PushWithAck');
  const notifyTo = firstChild(delivery, 'NotifyTo', NS.eventing)!;
  assert.equal(firstChild(notifyTo, 'Address', NS.addressing)?.text, 'http://192.168.1.10:8080/events');
  const ref = firstChild(notifyTo, 'ReferenceParameters', NS.addressing)!.children[0]!;
  assert.deepEqual([ref.local, ref.ns, ref.text], ['arg', 'urn:workbench', 'device-7']);
  assert.equal(firstChild(sub, 'Expires', NS.eventing)?.text, 'PT1H');
  assert.ok(firstChild(firstChild(sub, 'Filter', NS.wsman)!, 'SelectorSet', NS.wsman));
});

test('Subscribe defaults to plain push delivery', () => {
  const sub = bodyElement(parseEnvelope(buildSubscribe('CIM_FilterCollection', { notifyTo: 'http://l/x' })))!;
  const delivery = firstChild(sub, 'Delivery', NS.eventing)!;
  assert.equal(delivery.attrs[0]?.value, 'http://schemas.xmlsoap.org/ws/2004/08/eventing/DeliveryModes/Push');
  assert.equal(firstChild(sub, 'Expires', NS.eventing), undefined);
});

test('Unsubscribe and Renew use the eventing actions', () => {
  const un = parseEnvelope(buildUnsubscribe('CIM_FilterCollectionSubscription', { selectors: { Name: 'x' } }));
  assert.equal(un.header.action, ACTION.unsubscribe);
  assert.equal(bodyElement(un)?.local, 'Unsubscribe');
  const renew = parseEnvelope(buildRenew('CIM_FilterCollectionSubscription', 'PT2H'));
  assert.equal(renew.header.action, ACTION.renew);
  assert.equal(firstChild(bodyElement(renew)!, 'Expires', NS.eventing)?.text, 'PT2H');
});

test('a full resource URI is accepted wherever a class name is', () => {
  const env = parseEnvelope(buildGet('http://example.com/vendor/1/X_Thing'));
  assert.equal(env.header.resourceUri, 'http://example.com/vendor/1/X_Thing');
});
