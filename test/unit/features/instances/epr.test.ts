import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { formatEpr, instanceToJson, parseEprText, parseInstanceDocument, putFromXml } from '../../../../server/src/features/instances';
import { AmtError } from '../../../../server/src/errors';

const GS = 'http://intel.com/wbem/wscim/1/amt-schema/1/AMT_GeneralSettings';

describe('EPR text', () => {
  test('round-trips Class?K=V&K2=V2, escaping & and nesting references in parentheses', () => {
    const text = 'CIM_AssociatedPowerManagementService?UserOfService=(CIM_ComputerSystem?CreationClassName=CIM_ComputerSystem&Name=ManagedSystem)&X=a%26b';
    const epr = parseEprText(text);
    assert.equal(epr.resourceUri, 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_AssociatedPowerManagementService');
    assert.equal(epr.selectors.X, 'a&b');
    assert.deepEqual((epr.selectors.UserOfService as { selectors: unknown }).selectors, { CreationClassName: 'CIM_ComputerSystem', Name: 'ManagedSystem' });
    assert.equal(formatEpr(epr), text);
  });

  test('keeps balanced parentheses in values readable and escapes the rest', () => {
    const epr = parseEprText('CIM_PowerManagementService?Name=Intel(r) AMT Power Management Service&SystemName=Intel(r) AMT');
    assert.equal(epr.selectors.Name, 'Intel(r) AMT Power Management Service');
    assert.equal(formatEpr(epr), 'CIM_PowerManagementService?Name=Intel(r) AMT Power Management Service&SystemName=Intel(r) AMT');
    const odd = { ...epr, selectors: { A: '(x', B: 'y)' } };
    assert.deepEqual(parseEprText(formatEpr(odd)).selectors, { A: '(x', B: 'y)' });
  });

  test('rejects text that does not start with a class', () => {
    assert.throws(() => parseEprText('?A=1'), (e: unknown) => e instanceof AmtError && e.code === 'args.epr');
    assert.throws(() => parseEprText('Thing?A=1'), (e: unknown) => e instanceof AmtError && e.code === 'args.epr');
  });
});

describe('instanceToJson', () => {
  test('keeps text, arrays and nulls, turns references into objects and datetimes into text', () => {
    const json = instanceToJson({
      className: 'X',
      namespace: '',
      properties: {
        A: '1',
        B: ['2', '3'],
        C: null,
        D: { kind: 'datetime', form: 'Datetime', value: '2024-01-03T00:44:35Z' },
        E: { kind: 'epr', address: 'x', resourceUri: 'u', selectors: { K: 'v' } },
      },
    });
    assert.deepEqual(json, { A: '1', B: ['2', '3'], C: null, D: '2024-01-03T00:44:35Z', E: { address: 'x', resourceUri: 'u', selectors: { K: 'v' } } });
  });
});

describe('parseInstanceDocument and putFromXml', () => {
  const element = `<g:AMT_GeneralSettings xmlns:g="${GS}"><g:HostName>box</g:HostName><g:PingResponseEnabled>true</g:PingResponseEnabled></g:AMT_GeneralSettings>`;
  const envelope = `<?xml version="1.0"?><a:Envelope xmlns:a="http://www.w3.org/2003/05/soap-envelope" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"><a:Header><w:ResourceURI>${GS}</w:ResourceURI><w:SelectorSet><w:Selector Name="InstanceID">Intel(r) AMT: General Settings</w:Selector></w:SelectorSet></a:Header><a:Body>${element}</a:Body></a:Envelope>`;

  test('reads a bare instance element', () => {
    const doc = parseInstanceDocument(element);
    assert.equal(doc.instance.className, 'AMT_GeneralSettings');
    assert.deepEqual(doc.instance.properties, { HostName: 'box', PingResponseEnabled: 'true' });
    assert.equal(doc.selectors, undefined);
  });

  test('reads a full envelope with its header selectors', () => {
    const doc = parseInstanceDocument(envelope);
    assert.equal(doc.resourceUri, GS);
    assert.deepEqual(doc.selectors, { InstanceID: 'Intel(r) AMT: General Settings' });
  });

  test('puts the parsed body with the file selectors unless selectors are given', async () => {
    const calls: unknown[][] = [];
    const client = { put: async (...args: unknown[]) => (calls.push(args), 'ok') };
    assert.equal(await putFromXml(client, 'AMT_GeneralSettings', envelope), 'ok');
    assert.deepEqual(calls[0]!.slice(0, 3), ['AMT_GeneralSettings', { HostName: 'box', PingResponseEnabled: 'true' }, { InstanceID: 'Intel(r) AMT: General Settings' }]);
    await putFromXml(client, 'AMT_GeneralSettings', envelope, { InstanceID: 'other' });
    assert.deepEqual(calls[1]![2], { InstanceID: 'other' });
  });

  test('refuses a file that holds another class or malformed XML', async () => {
    const client = { put: async () => 'never' };
    await assert.rejects(putFromXml(client, 'AMT_EthernetPortSettings', element, undefined, {}, 'gs.xml'), (e: unknown) => e instanceof AmtError && e.code === 'put.class-mismatch' && /gs\.xml/.test(e.message));
    await assert.rejects(putFromXml(client, 'AMT_GeneralSettings', '<g:AMT_GeneralSettings', undefined, {}, 'bad.xml'), (e: unknown) => e instanceof AmtError && e.code === 'put.bad-xml');
  });
});
