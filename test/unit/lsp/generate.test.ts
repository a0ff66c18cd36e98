/**
 * `amt/wsman/newRequest`: a .wsman document written from the class catalog for a class, an
 * instance or a method, as the tree's "New WS-Man Request…" asks for it. Generated documents must
 * pass the editor's own checks and be sendable as they are.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ResponseError } from 'vscode-jsonrpc';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Catalog } from '../../../server/src/catalog/catalog';
import { diagnose } from '../../../server/src/lsp/diagnostics';
import { parseWsmanFile } from '../../../server/src/lsp/document';
import { newRequest } from '../../../server/src/lsp/generate';
import { WsmanRequests, type WsmanNewRequestParams, type WsmanNewRequestResult, type WsmanSendResult } from '../../../server/src/protocol';
import { DEFAULT_SIM_ID, TargetRegistry } from '../../../server/src/targets/registry';
import { startSession, type Session } from './harness';

const catalog = Catalog.default();

function errorsOf(text: string): string[] {
  const doc = TextDocument.create('file:///new.wsman', 'wsman', 1, text);
  return diagnose(doc, parseWsmanFile(text), catalog)
    .filter((d) => d.severity === 1)
    .map((d) => d.message);
}

describe('new WS-Man requests from the catalog (amt/wsman/newRequest)', () => {
  let registry: TargetRegistry;
  let session: Session;
  before(async () => {
    registry = new TargetRegistry({});
    session = await startSession({ connect: (id, c, s) => registry.connect(id, c, s), targetInfo: (id) => registry.info(id) });
  });
  after(async () => {
    session.dispose();
    await registry.dispose();
  });

  const generate = (p: WsmanNewRequestParams) => session.client.sendRequest(WsmanRequests.newRequest.method, p) as Promise<WsmanNewRequestResult>;

  it('an instance gives a Get with its selectors, titled, with a fresh MessageID per send', async () => {
    const r = await generate({ className: 'AMT_GeneralSettings', operation: 'get', selectors: { InstanceID: 'Intel(r) AMT: General Settings' } });
    assert.equal(r.title, 'Get AMT_GeneralSettings');
    const lines = r.text.split('\n');
    assert.equal(lines[0], '### Get AMT_GeneralSettings');
    assert.match(r.text, /\n {4}<a:Action>http:\/\/schemas\.xmlsoap\.org\/ws\/2004\/09\/transfer\/Get<\/a:Action>\n/);
    assert.match(r.text, /<w:ResourceURI>http:\/\/intel\.com\/wbem\/wscim\/1\/amt-schema\/1\/AMT_GeneralSettings<\/w:ResourceURI>/);
    assert.match(r.text, /<a:MessageID>\{\{\$uuid\}\}<\/a:MessageID>/);
    assert.match(r.text, /<w:SelectorSet>\n {6}<w:Selector Name="InstanceID">Intel\(r\) AMT: General Settings<\/w:Selector>\n {4}<\/w:SelectorSet>/);
    assert.doesNotMatch(r.text, /<\?xml/);
    assert.deepEqual(errorsOf(r.text), []);
  });

  it('a class gives a Get without selectors and says how to pick one instance of several', () => {
    const r = newRequest(catalog, { className: 'amt_ethernetportsettings', operation: 'get' });
    assert.equal(r.title, 'Get AMT_EthernetPortSettings');
    assert.match(r.text, /^# .*add <w:SelectorSet> with the keys \(InstanceID\)/m);
    assert.doesNotMatch(r.text, /SelectorSet>\n/);
  });

  it('Enumerate asks for objects and EPRs, optimized, so one Send shows the instances', async () => {
    const r = newRequest(catalog, { className: 'CIM_SoftwareIdentity', operation: 'enumerate' });
    assert.equal(r.title, 'Enumerate CIM_SoftwareIdentity');
    assert.match(r.text, /<Enumerate xmlns="http:\/\/schemas\.xmlsoap\.org\/ws\/2004\/09\/enumeration">\n {6}<w:EnumerationMode>EnumerateObjectAndEPR<\/w:EnumerationMode>\n {6}<w:OptimizeEnumeration\/>\n {6}<w:MaxElements>100<\/w:MaxElements>/);
    assert.deepEqual(errorsOf(r.text), []);
  });

  it('a method gives an Invoke whose _INPUT lists every input parameter with a sample value, and comments on each', async () => {
    const selectors = {
      CreationClassName: 'CIM_PowerManagementService',
      Name: 'Intel(r) AMT Power Management Service',
      SystemCreationClassName: 'CIM_ComputerSystem',
      SystemName: 'Intel(r) AMT',
    };
    const r = await generate({ className: 'CIM_PowerManagementService', operation: 'invoke', method: 'RequestPowerStateChange', selectors });
    assert.equal(r.title, 'CIM_PowerManagementService.RequestPowerStateChange');
    assert.match(r.text, /<a:Action>http:\/\/schemas\.dmtf\.org\/wbem\/wscim\/1\/cim-schema\/2\/CIM_PowerManagementService\/RequestPowerStateChange<\/a:Action>/);
    assert.match(r.text, /<h:RequestPowerStateChange_INPUT xmlns:h="http:\/\/schemas\.dmtf\.org\/wbem\/wscim\/1\/cim-schema\/2\/CIM_PowerManagementService">/);
    const params = [...r.text.matchAll(/^ {6}<h:(\w+)>/gm)].map((m) => m[1]);
    assert.deepEqual(params, catalog.method('CIM_PowerManagementService', 'RequestPowerStateChange')!.in.map((p) => p.name));
    assert.match(r.text, /<h:PowerState>2<\/h:PowerState>/, 'the first value of the value map');
    assert.match(r.text, /^# {3}PowerState: uint16, optional: 2 \(Power On\), 3 \(Sleep - Light\)/m);
    assert.match(r.text, /^# {3}ManagedElement: a reference \(fill in its ResourceURI and selectors\), optional$/m);
    assert.match(r.text, /<w:Selector Name="SystemName">Intel\(r\) AMT<\/w:Selector>/);
    assert.deepEqual(errorsOf(r.text), []);
  });

  it('a method without inputs gets an empty _INPUT element and says so', () => {
    const cls = catalog.listClasses().map((c) => catalog.getClass(c.name)).find((c) => c.methods.some((m) => m.in.length === 0))!;
    const m = cls.methods.find((x) => x.in.length === 0)!;
    const r = newRequest(catalog, { className: cls.name, operation: 'invoke', method: m.name });
    assert.match(r.text, new RegExp(`<h:${m.name}_INPUT xmlns:h="[^"]+"/>`));
    assert.match(r.text, new RegExp(`^# ${m.name} takes no input`, 'm'));
  });

  it('every class (Get, Enumerate) and every method of the catalog gives a request without errors', () => {
    const failures: string[] = [];
    for (const { name } of catalog.listClasses()) {
      const jobs: WsmanNewRequestParams[] = [
        { className: name, operation: 'get' },
        { className: name, operation: 'enumerate' },
        ...catalog.getClass(name).methods.map((m) => ({ className: name, operation: 'invoke' as const, method: m.name })),
      ];
      for (const job of jobs) {
        const errors = errorsOf(newRequest(catalog, job).text);
        if (errors.length) failures.push(`${name} ${job.method ?? job.operation}: ${errors.join(' ')}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  it('a generated request is sent as it is', async () => {
    const r = await generate({ className: 'AMT_GeneralSettings', operation: 'get' });
    const { uri } = await session.open('generated.wsman', r.text);
    const sent = (await session.client.sendRequest(WsmanRequests.send.method, { targetId: DEFAULT_SIM_ID, uri, requestIndex: 0 })) as WsmanSendResult;
    assert.equal(sent.status, 200);
    assert.equal(sent.fault, undefined);
    assert.match(sent.xml, /<g:DigestRealm>/);
    assert.match(sent.request, /<a:MessageID>uuid:[0-9a-f-]{36}<\/a:MessageID>/);

    const e = await generate({ className: 'AMT_EthernetPortSettings', operation: 'enumerate' });
    const opened = await session.open('generated-enumerate.wsman', e.text);
    const items = (await session.client.sendRequest(WsmanRequests.send.method, { targetId: DEFAULT_SIM_ID, uri: opened.uri, requestIndex: 0 })) as WsmanSendResult;
    assert.equal(items.status, 200);
    assert.match(items.xml, /:Items>[\s\S]*<h:AMT_EthernetPortSettings>|:Items>[\s\S]*:AMT_EthernetPortSettings>/, 'the instances are in the EnumerateResponse');
  });

  it('an unknown class or method is refused with the names that exist', async () => {
    await assert.rejects(generate({ className: 'AMT_GeneralSetings', operation: 'get' }), (e: unknown) => e instanceof ResponseError && /AMT_GeneralSettings/.test(e.message));
    await assert.rejects(
      generate({ className: 'CIM_PowerManagementService', operation: 'invoke', method: 'PowerOn' }),
      (e: unknown) => e instanceof ResponseError && /CIM_PowerManagementService has no method "PowerOn"; its methods are .*RequestPowerStateChange/.test(e.message) && (e.data as { code: string }).code === 'args.unknown-method',
    );
    await assert.rejects(generate({ className: 'CIM_PowerManagementService', operation: 'invoke' }), (e: unknown) => e instanceof ResponseError && /Name the method of CIM_PowerManagementService/.test(e.message));
  });
});
