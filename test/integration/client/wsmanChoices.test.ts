/**
 * What the .wsman commands choose without vscode (client/src/model/wsmanChoices.ts): the request
 * under the cursor from the lines of the "Send" lenses, and what "New WS-Man Request…" offers for a
 * class or an instance, with the documents the real backend writes for those choices.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newRequestChoices, requestAtLine, titleOfLine } from '../../../client/src/model/wsmanChoices';
import { Requests, WsmanRequests } from '../../../server/src/protocol';
import { startBackend, type Backend } from './backend';

describe('the request under the cursor', () => {
  const requests = [
    { index: 0, line: 3, title: 'Identify' },
    { index: 1, line: 12 },
    { index: 2, line: 20, title: 'Turn off' },
  ];

  it('is the last request starting at or above the cursor line', () => {
    assert.equal(requestAtLine(requests, 3)?.index, 0);
    assert.equal(requestAtLine(requests, 11)?.index, 0);
    assert.equal(requestAtLine(requests, 12)?.index, 1);
    assert.equal(requestAtLine(requests, 400)?.index, 2);
  });

  it('is the first request when the cursor is above every request (variables at the top), and none in an empty file', () => {
    assert.equal(requestAtLine(requests, 0)?.index, 0);
    assert.equal(requestAtLine([...requests].reverse(), 13)?.index, 1, 'lens order does not matter');
    assert.equal(requestAtLine([], 5), undefined);
  });

  it('is titled by its ### line', () => {
    assert.equal(titleOfLine('### Read the general settings '), 'Read the general settings');
    assert.equal(titleOfLine('###'), undefined);
    assert.equal(titleOfLine('<s:Envelope>'), undefined);
  });
});

describe('"New WS-Man Request…" on a class or an instance', () => {
  let backend: Backend;
  before(async () => {
    backend = await startBackend();
  });
  after(() => backend.close());

  it('offers Get, Enumerate and every method for a class, and writes the chosen request', async () => {
    const cls = await backend.request(Requests.describeClass, { className: 'CIM_PowerManagementService' });
    const choices = newRequestChoices(cls.name, cls.methods);
    assert.deepEqual(
      choices.map((c) => c.label),
      ['$(arrow-down) Get', '$(list-unordered) Enumerate', ...cls.methods.map((m) => `$(symbol-method) ${m.name}`)],
    );
    const rpsc = choices.find((c) => c.label.endsWith('RequestPowerStateChange'))!;
    assert.equal(rpsc.description, '(PowerState?, ManagedElement?, Time?, TimeoutPeriod?)');
    assert.deepEqual(rpsc.params, { className: 'CIM_PowerManagementService', operation: 'invoke', method: 'RequestPowerStateChange' });
    const doc = await backend.request(WsmanRequests.newRequest, rpsc.params);
    assert.equal(doc.title, 'CIM_PowerManagementService.RequestPowerStateChange');
    assert.match(doc.text, /<h:RequestPowerStateChange_INPUT /);
    const enumerate = await backend.request(WsmanRequests.newRequest, choices[1]!.params);
    assert.match(enumerate.text, /^### Enumerate CIM_PowerManagementService$/m);
  });

  it('offers Get of this instance and its methods, invoked on it, with its selectors', async () => {
    const cls = await backend.request(Requests.describeClass, { className: 'AMT_GeneralSettings' });
    const selectors = { InstanceID: 'Intel(r) AMT: General Settings' };
    const choices = newRequestChoices(cls.name, cls.methods, selectors);
    assert.equal(choices[0]!.description, 'this instance');
    assert.ok(!choices.some((c) => c.params.operation === 'enumerate'), 'no Enumerate for one instance');
    assert.ok(choices.slice(1).every((c) => c.detail?.startsWith('Invoke on this instance') && c.params.selectors === selectors));
    const doc = await backend.request(WsmanRequests.newRequest, choices[0]!.params);
    assert.match(doc.text, /<w:Selector Name="InstanceID">Intel\(r\) AMT: General Settings<\/w:Selector>/);
  });

  it('says where an inherited method is declared', () => {
    const choices = newRequestChoices('AMT_Sub', [{ name: 'M', declaredIn: 'CIM_Base', in: [{ name: 'A', type: 'string', array: false, required: true }], out: [] }]);
    assert.equal(choices.at(-1)!.detail, 'Invoke · declared in CIM_Base');
    assert.equal(choices.at(-1)!.description, '(A)');
  });
});
