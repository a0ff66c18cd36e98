import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWsmanFile, substitute, variablesAt } from '../../../server/src/lsp/document';
import { cursorAt } from '../../../server/src/lsp/cursor';
import { parseXmlTree } from '../../../server/src/lsp/xmlTree';
import { fixture, withCursor } from './harness';

describe('the .wsman file model', () => {
  it('splits requests at ### lines, takes the rest of the line as title, and skips blocks without XML', () => {
    const file = parseWsmanFile('@a = 1\n\n### First\n<x/>\n###\n@b = 2\n<y/>\n### only a comment\n# nothing here\n');
    assert.deepEqual(
      file.requests.map((r) => [r.index, r.title, file.text.slice(r.xmlStart, r.xmlEnd)]),
      [
        [0, 'First', '<x/>'],
        [1, undefined, '<y/>'],
      ],
    );
    assert.deepEqual(file.variables.map((v) => [v.name, v.value]), [['a', '1'], ['b', '2']]);
  });

  it('treats a file without ### as one request and handles CRLF line ends', () => {
    const file = parseWsmanFile('@x = 1\r\n<s:Envelope/>\r\n');
    assert.equal(file.requests.length, 1);
    assert.equal(file.text.slice(file.requests[0]!.xmlStart, file.requests[0]!.xmlEnd), '<s:Envelope/>');
    assert.equal(file.variables[0]!.value, '1');
  });

  it('lets a request see the variables defined before it, the later definition winning', () => {
    const file = parseWsmanFile('@v = one\n### a\n<a/>\n@v = two\n### b\n<b/>\n');
    assert.equal(variablesAt(file, file.requests[0]!.xmlStart).get('v'), 'one');
    assert.equal(variablesAt(file, file.requests[1]!.xmlStart).get('v'), 'two');
  });

  it('substitutes variables that refer to other variables, and reports the ones without a value', () => {
    const vars = new Map([
      ['base', 'http://intel.com/wbem/wscim/1/{{schema}}'],
      ['schema', 'amt-schema/1'],
      ['loop', '{{loop}}'],
    ]);
    assert.deepEqual(substitute('{{ base }}/AMT_GeneralSettings', vars), { text: 'http://intel.com/wbem/wscim/1/amt-schema/1/AMT_GeneralSettings', unresolved: [] });
    assert.deepEqual(substitute('{{missing}}', vars).unresolved, ['missing']);
    assert.deepEqual(substitute('{{loop}}', vars).unresolved, ['loop'], 'a cycle stops instead of hanging');
  });

  it('reads every request of the sample file without problems', () => {
    const file = parseWsmanFile(fixture('requests.wsman'));
    assert.equal(file.requests.length, 5);
    for (const r of file.requests) assert.deepEqual(r.xml.problems, []);
  });
});

describe('the tolerant XML reader', () => {
  it('keeps positions of elements, attributes and text', () => {
    const text = '<w:Selector Name="InstanceID">x</w:Selector>';
    const el = parseXmlTree(text).roots[0]!;
    assert.equal(text.slice(el.nameStart, el.nameEnd), 'w:Selector');
    assert.equal(text.slice(el.attrs[0]!.valueStart!, el.attrs[0]!.valueEnd!), 'InstanceID');
    assert.equal(text.slice(el.texts[0]!.start, el.texts[0]!.end), 'x');
    assert.equal(el.end, text.length);
  });

  it('reads half-typed markup without losing the siblings, and says what is wrong', () => {
    const doc = parseXmlTree('<a>\n  <b:Sel\n  <c>1</c>\n  <d Name="\n</a>');
    const a = doc.roots[0]!;
    assert.deepEqual(a.children.map((c) => c.name), ['b:Sel', 'c', 'd']);
    assert.ok(doc.problems.some((p) => /<b:Sel> is not closed with ">"/.test(p.message)));
  });

  it('refuses DOCTYPE declarations, internal subset included', () => {
    const doc = parseXmlTree('<!DOCTYPE a [<!ENTITY x "y">]><a/>');
    assert.deepEqual(doc.problems.map((p) => p.code), ['xml.doctype']);
    assert.equal(doc.roots.length, 1);
  });

  it('finds what the cursor is on', () => {
    const kinds = ['<w:Sel‸', '<w:Selector Na‸', '<w:Selector Name="‸"/>', '<a>te‸xt</a>', '<a>{{na‸</a>', '<a></a‸>'].map((m) => {
      const { text, offset } = withCursor(m);
      return cursorAt(text, parseXmlTree(text), offset).kind;
    });
    assert.deepEqual(kinds, ['elementName', 'attrName', 'attrValue', 'text', 'variable', 'endTagName']);
  });
});
