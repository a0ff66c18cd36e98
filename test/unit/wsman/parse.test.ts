import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { faultFromEnvelope } from '../../../server/src/wsman/faults';
import {
  bodyElement,
  parseEnumeration,
  parseEnvelope,
  parseIdentify,
  parseInstance,
  parseMethodOutput,
  parseResourceCreated,
  type ParsedEnvelope,
} from '../../../server/src/wsman/parse';
import { ProtocolError } from '../../../server/src/wsman/errors';
import { DESTINATION_UNREACHABLE_FAULT, amtEnvelope } from './fakeDevice';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const FIXTURES = path.resolve(repoRoot, 'test', 'fixtures', 'real-amt');
const AMT = 'http://intel.com/wbem/wscim/1/amt-schema/1/';
const CIM = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/';
const ANON = 'http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous';

function fixture(rel: string): ParsedEnvelope {
  return parseEnvelope(readFileSync(path.join(FIXTURES, rel), 'utf8'));
}

function listXml(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? listXml(p) : p.endsWith('.xml') ? [p] : [];
  });
}

/** Interprets the payload the way the client would, chosen by what the body holds. */
function interpret(env: ParsedEnvelope): void {
  const el = bodyElement(env);
  if (!el) return;
  if (el.local === 'Fault') assert.ok(faultFromEnvelope(env));
  else if (el.local === 'EnumerateResponse' || el.local === 'PullResponse') parseEnumeration(env);
  else if (el.local === 'ResourceCreated') parseResourceCreated(env);
  // Not every output has a ReturnValue: getuuid*.xml are hand-made copies (fixtures README).
  else if (el.local.endsWith('_OUTPUT')) parseMethodOutput(env);
  else parseInstance(el);
}

test('every recorded AMT response envelope parses, header and payload', () => {
  const files = listXml(FIXTURES);
  assert.ok(files.length >= 290, `expected the recorded fixtures under ${FIXTURES}, found ${files.length}`);
  const failures: string[] = [];
  for (const file of files) {
    try {
      const env = parseEnvelope(readFileSync(file, 'utf8'));
      assert.ok(env.header.action || env.header.messageId, 'header has an Action or MessageID');
      interpret(env);
    } catch (err) {
      failures.push(`${path.relative(FIXTURES, file)}: ${(err as Error).message}`);
    }
  }
  assert.deepEqual(failures, []);
});

test('AMT_GeneralSettings Get: header fields and every property in wire order', () => {
  const env = fixture('amt/general/get.xml');
  assert.deepEqual(env.header, {
    to: ANON,
    relatesTo: '1',
    action: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse',
    messageId: 'uuid:00000000-8086-8086-8086-0000000002E4',
    resourceUri: `${AMT}AMT_GeneralSettings`,
  });
  const inst = parseInstance(bodyElement(env)!);
  assert.equal(inst.className, 'AMT_GeneralSettings');
  assert.equal(inst.namespace, `${AMT}AMT_GeneralSettings`);
  assert.deepEqual(Object.keys(inst.properties), [
    'AMTNetworkEnabled', 'DDNSPeriodicUpdateInterval', 'DDNSTTL', 'DDNSUpdateByDHCPServerEnabled', 'DDNSUpdateEnabled',
    'DHCPSyncRequiresHostname', 'DHCPv6ConfigurationTimeout', 'DigestRealm', 'DomainName', 'ElementName', 'HostName',
    'HostOSFQDN', 'IdleWakeTimeout', 'InstanceID', 'NetworkInterfaceEnabled', 'PingResponseEnabled', 'PowerSource',
    'PreferredAddressFamily', 'PresenceNotificationInterval', 'PrivacyLevel', 'RmcpPingResponseEnabled', 'SharedFQDN',
    'ThunderboltDockEnabled', 'WsmanOnlyMode',
  ]);
  assert.equal(inst.properties.DigestRealm, 'Digest:F3EB554784E729164447A89F60B641C5');
  assert.equal(inst.properties.ElementName, 'Intel(r) AMT: General Settings');
  assert.equal(inst.properties.DDNSTTL, '900');
  assert.equal(inst.properties.WsmanOnlyMode, 'false');
});

test('CIM_SoftwareIdentity Pull: eleven instances and the end of the sequence', () => {
  const page = parseEnumeration(fixture('cim/software/identity/pull.xml'));
  assert.equal(page.endOfSequence, true);
  assert.equal(page.context, undefined);
  assert.equal(page.items.length, 11);
  assert.deepEqual(page.items[0], {
    instance: {
      className: 'CIM_SoftwareIdentity',
      namespace: `${CIM}CIM_SoftwareIdentity`,
      properties: { InstanceID: 'Flash', IsEntity: 'true', VersionString: '12.0.67' },
    },
  });
  assert.deepEqual(
    page.items.map((i) => i.instance?.properties.InstanceID).slice(0, 5),
    ['Flash', 'Netstack', 'AMTApps', 'AMT', 'Sku'],
  );
});

test('EnumerateResponse gives the context to pull with', () => {
  const page = parseEnumeration(fixture('cim/software/identity/enumerate.xml'));
  assert.equal(page.context, 'E2020000-0000-0000-0000-000000000000');
  assert.deepEqual(page.items, []);
  assert.equal(page.endOfSequence, false);
});

test('polymorphic Pull items are named by their actual class', () => {
  const page = parseEnumeration(fixture('cim/physical/package/pull.xml'));
  assert.ok(page.items.some((i) => i.instance?.className === 'CIM_Card'));
});

test('reference properties become EndpointReferences and repeated properties arrays', () => {
  const inst = parseInstance(bodyElement(fixture('cim/associatedpower/managementservice/get.xml'))!);
  assert.deepEqual(inst.properties.AvailableRequestedPowerStates, ['10', '8', '5', '11', '4', '7', '14', '12']);
  assert.equal(inst.properties.PowerState, '2');
  assert.deepEqual(inst.properties.ServiceProvided, {
    kind: 'epr',
    address: ANON,
    resourceUri: `${CIM}CIM_PowerManagementService`,
    selectors: {
      CreationClassName: 'CIM_PowerManagementService',
      Name: 'Intel(r) AMT Power Management Service',
      SystemCreationClassName: 'CIM_ComputerSystem',
      SystemName: 'Intel(r) AMT',
    },
  });
  assert.deepEqual(inst.properties.UserOfService, {
    kind: 'epr',
    address: ANON,
    resourceUri: `${CIM}CIM_ComputerSystem`,
    selectors: { CreationClassName: 'CIM_ComputerSystem', Name: 'ManagedSystem' },
  });
  assert.deepEqual(Object.keys(inst.properties), ['AvailableRequestedPowerStates', 'PowerState', 'ServiceProvided', 'UserOfService']);
});

test('a <Datetime> wrapper becomes a CimDatetime', () => {
  const inst = parseInstance(bodyElement(fixture('amt/auditlog/get.xml'))!);
  assert.deepEqual(inst.properties.TimeOfLastRecord, { kind: 'datetime', form: 'Datetime', value: '2024-01-03T00:44:35Z' });
  assert.equal(inst.properties.PercentageFree, '92');
});

test('MessageLog GetRecords output: repeated RecordArray, numeric ReturnValue kept apart', () => {
  const out = parseMethodOutput(fixture('amt/messagelog/getrecords.xml'));
  assert.equal(out.method, 'GetRecords');
  assert.equal(out.returnValue, 0);
  assert.deepEqual(out.output, {
    IterationIdentifier: '3',
    NoMoreRecords: 'true',
    RecordArray: ['Y8iYZf8GbwVoEP8mYaoKAAAAAAAA', 'IgYBZf8PbwJoAf8iAEAHAAAAAAAA', 'IgYBZf8PbwJoAf8iAEAHAAAAAAAA'],
  });
});

test('CreateResponse with nested EPR selectors gives the new reference', () => {
  const epr = parseResourceCreated(fixture('amt/tls/credentialcontext/create.xml'));
  assert.equal(epr.resourceUri, `${AMT}AMT_TLSCredentialContext`);
  assert.deepEqual(epr.selectors.ElementInContext, {
    kind: 'epr',
    address: ANON,
    resourceUri: `${AMT}AMT_PublicKeyCertificate`,
    selectors: { InstanceID: 'testCertificate' },
  });
  assert.equal((epr.selectors.ElementProvidingContext as { resourceUri: string }).resourceUri, `${AMT}AMT_TLSProtocolEndpointCollection`);
});

test('EnumerateObjectAndEPR items pair each instance with its reference; EnumerateEPR items are references', () => {
  const items =
    '<g:PullResponse><g:EnumerationContext>01000000</g:EnumerationContext><g:Items>' +
    `<c:Item><h:CIM_Chassis><h:Tag>CIM_Chassis</h:Tag></h:CIM_Chassis><b:EndpointReference><b:Address>${ANON}</b:Address>` +
    `<b:ReferenceParameters><c:ResourceURI>${CIM}CIM_Chassis</c:ResourceURI><c:SelectorSet><c:Selector Name="Tag">CIM_Chassis</c:Selector></c:SelectorSet></b:ReferenceParameters></b:EndpointReference></c:Item>` +
    `<b:EndpointReference><b:Address>${ANON}</b:Address><b:ReferenceParameters><c:ResourceURI>${CIM}CIM_Chassis</c:ResourceURI></b:ReferenceParameters></b:EndpointReference>` +
    '</g:Items></g:PullResponse>';
  const xml = amtEnvelope(
    'http://schemas.xmlsoap.org/ws/2004/09/enumeration/PullResponse',
    `${CIM}CIM_Chassis`,
    items,
    `xmlns:g="http://schemas.xmlsoap.org/ws/2004/09/enumeration" xmlns:h="${CIM}CIM_Chassis"`,
  );
  const page = parseEnumeration(parseEnvelope(xml));
  assert.equal(page.context, '01000000');
  assert.equal(page.endOfSequence, false);
  assert.deepEqual(page.items[0], {
    instance: { className: 'CIM_Chassis', namespace: `${CIM}CIM_Chassis`, properties: { Tag: 'CIM_Chassis' } },
    epr: { kind: 'epr', address: ANON, resourceUri: `${CIM}CIM_Chassis`, selectors: { Tag: 'CIM_Chassis' } },
  });
  assert.deepEqual(page.items[1], { epr: { kind: 'epr', address: ANON, resourceUri: `${CIM}CIM_Chassis`, selectors: {} } });
});

test('xsi:nil properties become null and embedded structures ordered objects', () => {
  const xml = amtEnvelope(
    'http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse',
    `${AMT}AMT_Thing`,
    '<g:AMT_Thing><g:Empty xsi:nil="true"/><g:Nested><g:B>2</g:B><g:A>1</g:A><g:A>3</g:A></g:Nested></g:AMT_Thing>',
    `xmlns:g="${AMT}AMT_Thing"`,
  );
  const inst = parseInstance(bodyElement(parseEnvelope(xml))!);
  assert.equal(inst.properties.Empty, null);
  assert.deepEqual(inst.properties.Nested, { B: '2', A: ['1', '3'] });
  assert.deepEqual(Object.keys(inst.properties.Nested as object), ['B', 'A']);
});

test('the same reply with other prefixes or default namespaces parses identically', () => {
  const original = readFileSync(path.join(FIXTURES, 'amt/general/get.xml'), 'utf8');
  const renamed = original.replace(/\b([a-g]):/g, 'ns_$1:').replace(/xmlns:([a-g])=/g, 'xmlns:ns_$1=');
  const a = parseInstance(bodyElement(parseEnvelope(original))!);
  const b = parseInstance(bodyElement(parseEnvelope(renamed))!);
  assert.deepEqual(b, a);
  const defaults =
    `<Envelope xmlns="http://www.w3.org/2003/05/soap-envelope"><Header/><Body>` +
    `<AMT_GeneralSettings xmlns="${AMT}AMT_GeneralSettings"><HostName>x</HostName></AMT_GeneralSettings></Body></Envelope>`;
  assert.deepEqual(parseInstance(bodyElement(parseEnvelope(defaults))!), {
    className: 'AMT_GeneralSettings',
    namespace: `${AMT}AMT_GeneralSettings`,
    properties: { HostName: 'x' },
  });
});

test('a fault envelope is recognised, and a non-SOAP document is a protocol error', () => {
  const fault = faultFromEnvelope(parseEnvelope(DESTINATION_UNREACHABLE_FAULT));
  assert.equal(fault?.subcode, 'DestinationUnreachable');
  assert.throws(() => parseEnvelope('<html><body>nope</body></html>'), (err: unknown) => err instanceof ProtocolError && /not a SOAP 1.2 envelope/.test(err.message));
});

test('IdentifyResponse gives protocol, vendor, version, DASH version and security profiles', () => {
  const xml =
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:wsmid="http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd">' +
    '<s:Header/><s:Body><wsmid:IdentifyResponse>' +
    '<wsmid:ProtocolVersion>http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd</wsmid:ProtocolVersion>' +
    '<wsmid:ProductVendor>Intel Corporation</wsmid:ProductVendor><wsmid:ProductVersion>AMT 15.0</wsmid:ProductVersion>' +
    '<x:DASHVersion xmlns:x="urn:dash">1.0.0</x:DASHVersion><wsmid:SecurityProfiles>' +
    '<wsmid:SecurityProfileName>http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/http/digest</wsmid:SecurityProfileName>' +
    '<wsmid:SecurityProfileName>http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/digest</wsmid:SecurityProfileName>' +
    '</wsmid:SecurityProfiles></wsmid:IdentifyResponse></s:Body></s:Envelope>';
  assert.deepEqual(parseIdentify(parseEnvelope(xml)), {
    protocolVersion: 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd',
    productVendor: 'Intel Corporation',
    productVersion: 'AMT 15.0',
    dashVersion: '1.0.0',
    securityProfiles: [
      'http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/http/digest',
      'http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/digest',
    ],
  });
});

test('an EPR-typed method output parses as a reference (AddAlarm)', () => {
  const out = parseMethodOutput(fixture('amt/alarmclock/addalarm.xml'));
  assert.equal(out.returnValue, 0);
  assert.equal((out.output.AlarmClock as { kind: string }).kind, 'epr');
});
