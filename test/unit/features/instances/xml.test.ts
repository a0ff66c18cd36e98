/** Instance documents: what instanceToXml writes, parseInstanceDocument (what Put reads) reads back unchanged. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { instanceToXml } from '../../../../server/src/features/instances';
import { parseInstanceDocument } from '../../../../server/src/features/instances';
import type { Instance } from '../../../../server/src/wsman/types';

const URI = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_X';

describe('instance documents', () => {
  test('text, arrays, nil, datetimes, nested references and structures survive the round trip', () => {
    const instance: Instance = {
      className: 'CIM_X',
      namespace: URI,
      properties: {
        Name: 'a <b> & "c"',
        Empty: '',
        List: ['1', '2'],
        Gone: null,
        When: { kind: 'datetime', form: 'Datetime', value: '2024-01-06T03:26:27Z' },
        Ref: {
          kind: 'epr',
          address: 'http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous',
          resourceUri: 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_Y',
          selectors: {
            Name: 'y',
            Inner: { kind: 'epr', address: '', resourceUri: 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_Z', selectors: { Id: 'z' } },
          },
        },
        Struct: { A: '1', B: ['x', 'y'] },
      },
    };
    const xml = instanceToXml(instance, URI, ['a comment -- with dashes']);
    assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<!--\n {2}a comment - - with dashes\n-->\n<h:CIM_X /);
    assert.match(xml, /\n {2}<h:Name>a &lt;b&gt; &amp; &quot;c&quot;<\/h:Name>\n/);
    const back = parseInstanceDocument(xml).instance;
    assert.equal(back.className, 'CIM_X');
    assert.equal(back.namespace, URI);
    const expected = structuredClone(instance.properties) as Record<string, unknown>;
    // An EPR written without an address gets the one AMT clients send.
    (((expected.Ref as { selectors: Record<string, { address: string }> }).selectors.Inner)).address = 'http://schemas.xmlsoap.org/ws/2004/08/addressing';
    assert.deepEqual(back.properties, expected);
  });

  test('an instance without properties is one empty element', () => {
    assert.match(instanceToXml({ className: 'CIM_X', namespace: URI, properties: {} }, URI), /<h:CIM_X xmlns:h="[^"]+"\/>\n$/);
  });
});
