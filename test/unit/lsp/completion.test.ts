import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CompletionItem, TextEdit } from 'vscode-languageserver-protocol';
import { applyEdits, fixture, positionOf, startSession, withCursor, type Session } from './harness';

const SOAP = 'xmlns:s="http://www.w3.org/2003/05/soap-envelope"';
const ENV = `<s:Envelope ${SOAP} xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd">`;
const PM = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_PowerManagementService';
const GS = 'http://intel.com/wbem/wscim/1/amt-schema/1/AMT_GeneralSettings';

function request(header: string, body = '<s:Body/>'): string {
  return `### test\n${ENV}\n  <s:Header>\n${header}\n  </s:Header>\n  ${body}\n</s:Envelope>\n`;
}

function labels(items: CompletionItem[]): string[] {
  return items.map((i) => i.label);
}

function item(items: CompletionItem[], label: string): CompletionItem {
  const found = items.find((i) => i.label === label);
  assert.ok(found, `expected a completion "${label}" among: ${labels(items).slice(0, 40).join(', ')}`);
  return found;
}

function newText(i: CompletionItem): string {
  return (i.textEdit as TextEdit).newText;
}

describe('wsman completion', () => {
  let session: Session;
  before(async () => {
    session = await startSession();
  });
  after(() => session.dispose());

  async function completeAt(marked: string): Promise<CompletionItem[]> {
    const { text, position } = withCursor(marked);
    const { uri } = await session.open(`c${Math.random().toString(36).slice(2)}.wsman`, text);
    return session.completion(uri, position);
  }

  it('offers every class in ResourceURI and inserts its full resource URI', async () => {
    const items = await completeAt(request('    <w:ResourceURI>AMT_Gen‸</w:ResourceURI>'));
    assert.ok(items.length > 200, `all classes are offered (${items.length})`);
    assert.equal(newText(item(items, 'AMT_GeneralSettings')), GS);
    assert.equal(newText(item(items, 'CIM_PowerManagementService')), PM);
    assert.equal(item(items, 'AMT_GeneralSettings').filterText, 'AMT_GeneralSettings', 'filters on the class name while no URI is typed');
  });

  it('offers ResourceURI completions in the sample file itself', async () => {
    const text = fixture('requests.wsman');
    const { uri } = await session.open('requests-c.wsman', text);
    const items = await session.completion(uri, positionOf(text, '<w:ResourceURI>http://schemas.dmtf', '<w:ResourceURI>'.length));
    assert.equal(newText(item(items, 'CIM_SoftwareIdentity')), 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_SoftwareIdentity');
  });

  it('completes the class name after a {{variable}}/ that names a schema', async () => {
    const items = await completeAt(`@amt = http://intel.com/wbem/wscim/1/amt-schema/1\n${request('    <w:ResourceURI>{{amt}}/AMT_Gen‸</w:ResourceURI>')}`);
    assert.equal(newText(item(items, 'AMT_GeneralSettings')), 'AMT_GeneralSettings');
    assert.ok(items.every((i) => i.label.startsWith('AMT_')), 'only classes of that schema');
  });

  it("offers the standard actions and the class's methods as {uri}/{Method} in Action", async () => {
    const items = await completeAt(request(`    <a:Action>‸</a:Action>\n    <w:ResourceURI>${PM}</w:ResourceURI>`));
    assert.equal(newText(item(items, 'Get')), 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Get');
    for (const std of ['Put', 'Create', 'Delete', 'Enumerate', 'Pull', 'Release', 'Subscribe', 'Unsubscribe']) item(items, std);
    assert.equal(newText(item(items, 'RequestPowerStateChange')), `${PM}/RequestPowerStateChange`);
    assert.equal(newText(item(items, 'RequestStateChange')), `${PM}/RequestStateChange`, 'inherited methods too');
  });

  it('offers the key properties as selector names', async () => {
    const items = await completeAt(request(`    <w:ResourceURI>${PM}</w:ResourceURI>\n    <w:SelectorSet><w:Selector Name="‸"></w:Selector></w:SelectorSet>`));
    assert.deepEqual(labels(items).sort(), ['CreationClassName', 'Name', 'SystemCreationClassName', 'SystemName']);
  });

  it('offers the selector values AMT uses for a key', async () => {
    const sys = await completeAt(request(`    <w:ResourceURI>${PM}</w:ResourceURI>\n    <w:SelectorSet><w:Selector Name="SystemName">‸</w:Selector></w:SelectorSet>`));
    item(sys, 'Intel(r) AMT');
    const ccn = await completeAt(request(`    <w:ResourceURI>${PM}</w:ResourceURI>\n    <w:SelectorSet><w:Selector Name="CreationClassName">‸</w:Selector></w:SelectorSet>`));
    item(ccn, 'CIM_PowerManagementService');
  });

  it('offers a whole selector element per unused key inside SelectorSet', async () => {
    const items = await completeAt(
      request(`    <w:ResourceURI>${PM}</w:ResourceURI>\n    <w:SelectorSet>\n      <w:Selector Name="Name">x</w:Selector>\n      <‸\n    </w:SelectorSet>`),
    );
    const sel = items.filter((i) => i.label === 'w:Selector').map(newText);
    assert.equal(sel.length, 3, 'the three keys not used yet');
    assert.ok(sel.some((t) => t.includes('Name="SystemName"')));
  });

  it('offers the properties of the class inside a Put body', async () => {
    const items = await completeAt(
      request(
        `    <a:Action>http://schemas.xmlsoap.org/ws/2004/09/transfer/Put</a:Action>\n    <w:ResourceURI>${GS}</w:ResourceURI>`,
        `<s:Body>\n    <h:AMT_GeneralSettings xmlns:h="${GS}">\n      <h:HostName>x</h:HostName>\n      <h:‸\n    </h:AMT_GeneralSettings>\n  </s:Body>`,
      ),
    );
    const ping = item(items, 'h:PingResponseEnabled');
    assert.equal(newText(ping), 'h:PingResponseEnabled>$0</h:PingResponseEnabled>');
    item(items, 'h:InstanceID');
    item(items, 'h:ElementName');
    assert.ok(!labels(items).includes('h:HostName'), 'a property already written is not offered again');
  });

  it('offers the input parameters inside {Method}_INPUT', async () => {
    const items = await completeAt(
      request(
        `    <a:Action>${PM}/RequestPowerStateChange</a:Action>\n    <w:ResourceURI>${PM}</w:ResourceURI>`,
        `<s:Body>\n    <h:RequestPowerStateChange_INPUT xmlns:h="${PM}">\n      <‸\n    </h:RequestPowerStateChange_INPUT>\n  </s:Body>`,
      ),
    );
    assert.deepEqual(labels(items).sort(), ['h:ManagedElement', 'h:PowerState', 'h:Time', 'h:TimeoutPeriod']);
  });

  it('offers the _INPUT element of the method the Action names inside Body', async () => {
    const items = await completeAt(request(`    <a:Action>${PM}/RequestPowerStateChange</a:Action>\n    <w:ResourceURI>${PM}</w:ResourceURI>`, `<s:Body>\n    <‸\n  </s:Body>`));
    const input = item(items, 'h:RequestPowerStateChange_INPUT');
    assert.match(newText(input), new RegExp(`^h:RequestPowerStateChange_INPUT xmlns:h="${PM}">`));
  });

  it('offers value-map values of a parameter with their meaning', async () => {
    const items = await completeAt(
      request(
        `    <a:Action>${PM}/RequestPowerStateChange</a:Action>\n    <w:ResourceURI>${PM}</w:ResourceURI>`,
        `<s:Body>\n    <h:RequestPowerStateChange_INPUT xmlns:h="${PM}">\n      <h:PowerState>‸</h:PowerState>\n    </h:RequestPowerStateChange_INPUT>\n  </s:Body>`,
      ),
    );
    assert.equal(item(items, '8').detail, 'Power Off - Soft');
    assert.equal(item(items, '2').detail, 'Power On');
  });

  it('offers value-map values of a property, and true/false for booleans', async () => {
    const put = (prop: string) =>
      request(
        `    <a:Action>http://schemas.xmlsoap.org/ws/2004/09/transfer/Put</a:Action>\n    <w:ResourceURI>${GS}</w:ResourceURI>`,
        `<s:Body><h:AMT_GeneralSettings xmlns:h="${GS}"><h:${prop}>‸</h:${prop}></h:AMT_GeneralSettings></s:Body>`,
      );
    const enumerated = await completeAt(put('AMTNetworkEnabled'));
    assert.ok(enumerated.length >= 2 && enumerated.every((i) => i.detail), 'every value has its meaning');
    assert.deepEqual(labels(await completeAt(put('PingResponseEnabled'))).sort(), ['false', 'true']);
  });

  it('offers namespace declarations that are not in scope yet', async () => {
    const items = await completeAt(`<s:Envelope ${SOAP} ‸>\n  <s:Header/>\n  <s:Body/>\n</s:Envelope>\n`);
    assert.equal(newText(item(items, 'xmlns:a')), 'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing"');
    assert.equal(newText(item(items, 'xmlns:w')), 'xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"');
    assert.ok(!labels(items).includes('xmlns:s'), 'the soap namespace is already declared');
  });

  it('preselects the usual namespace for a prefix in an xmlns value', async () => {
    const items = await completeAt(`<s:Envelope ${SOAP} xmlns:w="‸">\n  <s:Header/>\n  <s:Body/>\n</s:Envelope>\n`);
    const pre = items.find((i) => i.preselect);
    assert.equal(pre?.label, 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd');
  });

  it('offers header elements and declares their prefix on the Envelope when missing', async () => {
    const { text, position } = withCursor(`<s:Envelope ${SOAP}>\n  <s:Header>\n    <‸\n  </s:Header>\n  <s:Body/>\n</s:Envelope>\n`);
    const { uri } = await session.open('headers.wsman', text);
    const items = await session.completion(uri, position);
    const action = item(items, 'a:Action');
    for (const h of ['w:ResourceURI', 'a:To', 'a:MessageID', 'a:ReplyTo', 'w:OperationTimeout', 'w:SelectorSet']) item(items, h);
    const edited = applyEdits(text, [action.textEdit as TextEdit, ...(action.additionalTextEdits ?? [])]);
    assert.match(edited, /<s:Envelope xmlns:s="[^"]+" xmlns:a="http:\/\/schemas.xmlsoap.org\/ws\/2004\/08\/addressing">/);
    assert.match(edited, /<a:Action>\$0<\/a:Action>/);
  });

  it('offers file variables and the built-ins inside {{ }}', async () => {
    const items = await completeAt(`@amt = http://intel.com/wbem/wscim/1/amt-schema/1\n### v\n${ENV}\n  <s:Header>\n    <a:MessageID>{{‸</a:MessageID>\n  </s:Header>\n  <s:Body/>\n</s:Envelope>\n`);
    assert.deepEqual(labels(items).sort(), ['$target', '$uuid', 'amt']);
    assert.equal(newText(item(items, 'amt')), 'amt}}', 'closes the braces when they are not there yet');
  });
});
