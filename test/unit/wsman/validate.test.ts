/**
 * Reply validation: a reply is accepted only when it answers the request sent — its Body holds the
 * class asked for (or a subclass, in that subclass's namespace), its Action is the request's
 * response action and its RelatesTo is the request's MessageID. Reproduces issue 10's "wrong
 * results accepted" (another class's instance returned for `get AMT_GeneralSettings`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Catalog } from '../../../server/src/catalog';
import { WsmanClient } from '../../../server/src/wsman/client';
import { buildEnumerate, buildGet, buildIdentify, buildInvoke, buildPull, buildPut, buildCreate } from '../../../server/src/wsman/envelope';
import { ReplyMismatchError } from '../../../server/src/wsman/errors';
import { parseEnvelope } from '../../../server/src/wsman/parse';
import { tcpTransport } from '../../../server/src/wsman/transport';
import { SUBCLASSES, expectationOf, isAmtSubclassOf, validateReply } from '../../../server/src/wsman/validate';
import { startFakeDevice } from './fakeDevice';

const AMT = 'http://intel.com/wbem/wscim/1/amt-schema/1/';
const CIM = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/';
const T = 'http://schemas.xmlsoap.org/ws/2004/09/transfer';
const E = 'http://schemas.xmlsoap.org/ws/2004/09/enumeration';
const ID = 'uuid:11111111-2222-3333-4444-555555555555';

/** A reply in AMT's prefix layout; `relatesTo: null` leaves the header out. */
function reply(action: string | null, body: string, ns: Record<string, string>, relatesTo: string | null = ID): string {
  const decls = Object.entries(ns)
    .map(([p, uri]) => ` xmlns:${p}="${uri}"`)
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<a:Envelope xmlns:a="http://www.w3.org/2003/05/soap-envelope" xmlns:b="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:c="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"${decls}>` +
    '<a:Header><b:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</b:To>' +
    (relatesTo !== null ? `<b:RelatesTo>${relatesTo}</b:RelatesTo>` : '') +
    (action !== null ? `<b:Action a:mustUnderstand="true">${action}</b:Action>` : '') +
    `<b:MessageID>uuid:00000000-8086-8086-8086-000000000001</b:MessageID></a:Header><a:Body>${body}</a:Body></a:Envelope>`
  );
}

const generalSettings = (cls = 'AMT_GeneralSettings', ns = `${AMT}${cls}`) => ({ body: `<g:${cls}><g:HostName>nuc</g:HostName></g:${cls}>`, ns: { g: ns } });

function mismatch(requestXml: string, replyXml: string): ReplyMismatchError {
  try {
    validateReply(parseEnvelope(replyXml), expectationOf(requestXml));
  } catch (err) {
    assert.ok(err instanceof ReplyMismatchError, `expected ReplyMismatchError, got ${String(err)}`);
    assert.equal(err.code, 'wsman.mismatch');
    return err;
  }
  assert.fail('the reply was accepted');
}

const accepts = (requestXml: string, replyXml: string) => validateReply(parseEnvelope(replyXml), expectationOf(requestXml));

test('the expectation is read from the request this engine built', () => {
  assert.deepEqual(expectationOf(buildGet('AMT_GeneralSettings', { messageId: ID })), {
    operation: 'get',
    action: `${T}/Get`,
    messageId: ID,
    resourceUri: `${AMT}AMT_GeneralSettings`,
  });
  assert.equal(expectationOf(buildInvoke('CIM_PowerManagementService', 'RequestPowerStateChange', {}, { messageId: ID })).method, 'RequestPowerStateChange');
  assert.equal(expectationOf(buildIdentify()).operation, 'identify');
});

test('a Get answered with the class asked for is accepted', () => {
  const { body, ns } = generalSettings();
  accepts(buildGet('AMT_GeneralSettings', { messageId: ID }), reply(`${T}/GetResponse`, body, ns));
});

test('a Get of AMT_GeneralSettings answered with AMT_EthernetPortSettings is refused, naming both classes', () => {
  const { body, ns } = generalSettings('AMT_EthernetPortSettings');
  const err = mismatch(buildGet('AMT_GeneralSettings', { messageId: ID }), reply(`${T}/GetResponse`, body, ns));
  assert.equal(err.field, 'body');
  assert.match(err.message, /^The device answered with AMT_EthernetPortSettings to a Get of AMT_GeneralSettings, which is not AMT_GeneralSettings or a subclass of it/);
  assert.match(err.message, /retry/);
});

test('the right element name in another namespace is refused', () => {
  const { body, ns } = generalSettings('AMT_GeneralSettings', `${AMT}AMT_EthernetPortSettings`);
  const err = mismatch(buildGet('AMT_GeneralSettings', { messageId: ID }), reply(`${T}/GetResponse`, body, ns));
  assert.match(err.message, /in the namespace http:\/\/intel\.com\/wbem\/wscim\/1\/amt-schema\/1\/AMT_EthernetPortSettings instead of/);
});

test('a subclass in its own namespace is accepted (CIM_Card for CIM_PhysicalPackage), in the wrong namespace it is not', () => {
  const request = buildPull('CIM_PhysicalPackage', 'ctx', {}, { messageId: ID });
  const items = (ns: string) => ({ body: `<g:PullResponse><g:Items><h:CIM_Card><h:Tag>1</h:Tag></h:CIM_Card></g:Items><g:EndOfSequence/></g:PullResponse>`, ns: { g: E, h: ns } });
  const good = items(`${CIM}CIM_Card`);
  accepts(request, reply(`${E}/PullResponse`, good.body, good.ns));
  const bad = items(`${CIM}CIM_PhysicalPackage`);
  assert.match(mismatch(request, reply(`${E}/PullResponse`, bad.body, bad.ns)).message, /CIM_Card to a Pull of CIM_PhysicalPackage/);
  // A sibling class under the same ancestor is not a subclass.
  const sibling = { body: `<g:PullResponse><g:Items><h:CIM_Chip/></g:Items></g:PullResponse>`, ns: { g: E, h: `${CIM}CIM_Chip` } };
  mismatch(request, reply(`${E}/PullResponse`, sibling.body, sibling.ns));
});

test('each Pull item is checked, an EnumerateEPR reference too', () => {
  const request = buildEnumerate('CIM_SoftwareIdentity', {}, { messageId: ID });
  const epr = (uri: string) =>
    `<b:EndpointReference><b:Address>http://x/wsman</b:Address><b:ReferenceParameters><c:ResourceURI>${uri}</c:ResourceURI></b:ReferenceParameters></b:EndpointReference>`;
  const env = (uri: string) => reply(`${E}/EnumerateResponse`, `<g:EnumerateResponse><g:EnumerationContext>1</g:EnumerationContext><c:Items>${epr(uri)}</c:Items></g:EnumerateResponse>`, { g: E });
  accepts(request, env(`${CIM}CIM_SoftwareIdentity`));
  assert.match(mismatch(request, env(`${AMT}AMT_GeneralSettings`)).message, /reference to .*AMT_GeneralSettings, which is not CIM_SoftwareIdentity/);
});

test('a reply with another operation\'s Action is refused (PutResponse to a Get, GetResponse to a Put)', () => {
  const { body, ns } = generalSettings();
  const err = mismatch(buildGet('AMT_GeneralSettings', { messageId: ID }), reply(`${T}/PutResponse`, body, ns));
  assert.equal(err.field, 'action');
  assert.match(err.message, /with the action http:\/\/schemas\.xmlsoap\.org\/ws\/2004\/09\/transfer\/PutResponse instead of .*\/GetResponse/);
  mismatch(buildPut('AMT_GeneralSettings', { HostName: 'x' }, { messageId: ID }), reply(`${T}/GetResponse`, body, ns));
  assert.match(mismatch(buildGet('AMT_GeneralSettings', { messageId: ID }), reply(null, body, ns)).message, /without an Action header/);
});

test('a RelatesTo other than the request\'s MessageID is refused, and so is none', () => {
  const { body, ns } = generalSettings();
  const request = buildGet('AMT_GeneralSettings', { messageId: ID });
  const err = mismatch(request, reply(`${T}/GetResponse`, body, ns, 'uuid:99999999-2222-3333-4444-555555555555'));
  assert.equal(err.field, 'relatesTo');
  assert.match(err.message, /relates to message uuid:9999.* but a Get of AMT_GeneralSettings was sent as uuid:1111/);
  assert.match(mismatch(request, reply(`${T}/GetResponse`, body, ns, null)).message, /without RelatesTo/);
});

test('a method output must be the method called, in the class namespace', () => {
  const uri = `${CIM}CIM_PowerManagementService`;
  const request = buildInvoke('CIM_PowerManagementService', 'RequestPowerStateChange', { PowerState: 10 }, { messageId: ID });
  const out = (name: string, ns: string) => reply(`${uri}/RequestPowerStateChangeResponse`, `<g:${name}_OUTPUT><g:ReturnValue>0</g:ReturnValue></g:${name}_OUTPUT>`, { g: ns });
  accepts(request, out('RequestPowerStateChange', uri));
  assert.match(mismatch(request, out('RequestStateChange', uri)).message, /the call of CIM_PowerManagementService\.RequestPowerStateChange with <g:RequestStateChange_OUTPUT>/);
  mismatch(request, out('RequestPowerStateChange', `${CIM}CIM_BootService`));
});

test('a Create answer must reference the class created; an empty Put answer is fine', () => {
  const request = buildCreate('AMT_TLSCredentialContext', {}, { messageId: ID });
  const created = (uri: string) =>
    reply(`${T}/CreateResponse`, `<t:ResourceCreated><b:Address>x</b:Address><b:ReferenceParameters><c:ResourceURI>${uri}</c:ResourceURI></b:ReferenceParameters></t:ResourceCreated>`, { t: T });
  accepts(request, created(`${AMT}AMT_TLSCredentialContext`));
  mismatch(request, created(`${AMT}AMT_GeneralSettings`));
  accepts(buildPut('AMT_GeneralSettings', { HostName: 'x' }, { messageId: ID }), reply(`${T}/PutResponse`, '', {}));
});

test('Identify only needs an IdentifyResponse', () => {
  const idNs = { i: 'http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd' };
  accepts(buildIdentify(), reply(null, '<i:IdentifyResponse><i:ProductVendor>Intel</i:ProductVendor></i:IdentifyResponse>', idNs, null));
  const { body, ns } = generalSettings();
  mismatch(buildIdentify(), reply(null, body, ns, null));
});

test('the engine\'s class hierarchy is the catalog\'s', () => {
  const catalog = Catalog.default();
  const expected: Record<string, string[]> = {};
  for (const s of catalog.listClasses()) {
    const parent = catalog.getClass(s.name).superclass;
    if (parent) (expected[parent] ??= []).push(s.name);
  }
  const ours = Object.fromEntries(Object.entries(SUBCLASSES).map(([p, c]) => [p, c.split(' ').sort()]));
  for (const list of Object.values(expected)) list.sort();
  assert.deepEqual(ours, expected);
  assert.ok(isAmtSubclassOf('AMT_GeneralSettings', 'CIM_ManagedElement'));
  assert.ok(!isAmtSubclassOf('AMT_EthernetPortSettings', 'AMT_GeneralSettings'));
});

test('through the client: a Get answered with another class or for another MessageID rejects with wsman.mismatch', async () => {
  let answer = 'class';
  const device = await startFakeDevice({
    handler: (req) => {
      const id = /<a:MessageID>([^<]*)</.exec(req.body)![1]!;
      const { body, ns } = answer === 'class' ? generalSettings('AMT_EthernetPortSettings') : generalSettings();
      // Written with the wsa prefix so the fake device's RelatesTo echo leaves it as it is.
      const xml = reply(`${T}/GetResponse`, body, ns, null).replace('<a:Header>', `<a:Header><w:RelatesTo xmlns:w="http://schemas.xmlsoap.org/ws/2004/08/addressing">${answer === 'class' ? id : 'uuid:other'}</w:RelatesTo>`);
      return { body: xml };
    },
  });
  const client = new WsmanClient({ transport: tcpTransport('127.0.0.1', device.port), user: 'admin', password: 'P@ssw0rd' });
  try {
    await assert.rejects(client.get('AMT_GeneralSettings'), (e: unknown) => e instanceof ReplyMismatchError && e.field === 'body' && /AMT_EthernetPortSettings/.test(e.message));
    answer = 'relatesTo';
    await assert.rejects(client.get('AMT_GeneralSettings'), (e: unknown) => e instanceof ReplyMismatchError && e.field === 'relatesTo');
  } finally {
    client.close();
    await device.close();
  }
});
