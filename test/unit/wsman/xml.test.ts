import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AmtError } from '../../../server/src/errors';
import { XmlError } from '../../../server/src/wsman/errors';
import { escapeXml, firstChild, parseXml, resolveQName } from '../../../server/src/wsman/xml';

function codeOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AmtError, `expected AmtError, got ${String(err)}`);
    return { code: err.code, message: err.message };
  }
  assert.fail('expected an error');
}

test('a DOCTYPE is refused with xml.doctype before anything is expanded', () => {
  const billionLaughs = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><a>&lol2;</a>';
  const err = codeOf(() => parseXml(billionLaughs));
  assert.equal(err.code, 'xml.doctype');
  assert.match(err.message, /DOCTYPE or entity declaration/);
  assert.match(err.message, /line 1/);
});

test('an entity declaration without a DOCTYPE is refused too', () => {
  assert.equal(codeOf(() => parseXml('<!ENTITY x "y"><a/>')).code, 'xml.doctype');
});

test('a DOCTYPE inside a comment or CDATA is only text', () => {
  const el = parseXml('<a><!-- <!DOCTYPE x> --><![CDATA[<!DOCTYPE y> & stuff]]></a>');
  assert.equal(el.text, '<!DOCTYPE y> & stuff');
});

test('an undefined entity reference is malformed XML and names its position', () => {
  const err = codeOf(() => parseXml('<a>\n  <b>&nbsp;</b>\n</a>'));
  assert.equal(err.code, 'xml.malformed');
  assert.match(err.message, /line 2, column 6/);
  assert.match(err.message, /&nbsp/);
});

test('mismatched tags are malformed XML with line and column, also as fields for diagnostics', () => {
  const err = codeOf(() => parseXml('<a>\n<b></a>'));
  assert.equal(err.code, 'xml.malformed');
  assert.match(err.message, /line 2, column \d+/);
  assert.match(err.message, /closing tag/);
  assert.throws(() => parseXml('<a>\n<b></a>'), (e: unknown) => e instanceof XmlError && e.line === 2 && typeof e.column === 'number');
});

test('line numbers still point into the caller text when blank lines precede the declaration', () => {
  assert.throws(() => parseXml('\n\n<?xml version="1.0"?>\n<a>&bad;</a>'), (e: unknown) => e instanceof XmlError && e.line === 4 && /line 4/.test(e.message));
});

test('empty input and two root elements are malformed', () => {
  assert.match(codeOf(() => parseXml('')).message, /document is empty/);
  assert.equal(codeOf(() => parseXml('<a/><b/>')).code, 'xml.malformed');
});

test('an undeclared prefix is malformed and says which declaration is missing', () => {
  const err = codeOf(() => parseXml('<g:Thing/>'));
  assert.equal(err.code, 'xml.malformed');
  assert.match(err.message, /xmlns:g/);
});

test('names resolve to namespace URIs whatever prefix or default namespace is used', () => {
  const a = parseXml('<x:Root xmlns:x="urn:one"><x:Child>1</x:Child></x:Root>');
  const b = parseXml('<Root xmlns="urn:one"><Child>1</Child></Root>');
  for (const el of [a, b]) {
    assert.equal(el.ns, 'urn:one');
    assert.equal(el.local, 'Root');
    assert.equal(firstChild(el, 'Child', 'urn:one')?.text, '1');
  }
});

test('a prefix can be redeclared in an inner scope', () => {
  const el = parseXml('<p:A xmlns:p="urn:outer"><p:B xmlns:p="urn:inner"/><p:C/></p:A>');
  assert.deepEqual(
    el.children.map((c) => c.ns),
    ['urn:inner', 'urn:outer'],
  );
});

test('the five XML entities and character references are decoded, exactly once', () => {
  const el = parseXml('<a t="1 &amp; 2">&lt;b&gt; &quot;q&quot; &apos;s&apos; &#65;&#x42; &amp;amp;</a>');
  assert.equal(el.text, '<b> "q" \'s\' AB &amp;');
  assert.equal(el.attrs[0]?.value, '1 & 2');
});

test('whitespace inside a text value is kept', () => {
  assert.equal(parseXml('<a>  padded  </a>').text, '  padded  ');
});

test('QName values resolve against the element scope (fault subcodes)', () => {
  const el = parseXml('<a:V xmlns:a="urn:soap" xmlns:b="urn:addr">b:DestinationUnreachable</a:V>');
  assert.deepEqual(resolveQName(el, el.text), { ns: 'urn:addr', local: 'DestinationUnreachable' });
});

test('escapeXml makes any text safe in content and attributes', () => {
  const nasty = `<x a="1" b='2'>&amp;</x>`;
  const el = parseXml(`<a v="${escapeXml(nasty)}">${escapeXml(nasty)}</a>`);
  assert.equal(el.text, nasty);
  assert.equal(el.attrs[0]?.value, nasty);
});

test('blank lines before the XML declaration (seen in recorded replies) are tolerated', () => {
  const el = parseXml('\n  <?xml version="1.0" encoding="UTF-8"?>\n<a>1</a>');
  assert.equal(el.text, '1');
});
