/**
 * The reply reader against hostile and broken input: each case names the defect it reproduces
 * (issue 10) and asserts the typed error a caller would see. No timings are asserted; the
 * `timeout` options only turn a hang into a failure.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AmtError } from '../../../server/src/errors';
import { XmlError } from '../../../server/src/wsman/errors';
import { parseXml, parseXmlAsync, type XmlElement } from '../../../server/src/wsman/xml';

function refusal(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AmtError, `expected a typed AmtError, got ${String(err)}`);
    return { code: err.code, message: err.message };
  }
  assert.fail('the input was accepted');
}

async function asyncRefusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof AmtError, `expected a typed AmtError, got ${String(err)}`);
    return { code: err.code, message: err.message };
  }
  assert.fail('the input was accepted');
}

/** `<r>` holding `n` small `<e>` elements whose text uses an entity (the prescan's worst case). */
function manySmall(n: number): string {
  return '<?xml version="1.0" encoding="UTF-8"?>\n<r>' + '<e>a&amp;b</e>'.repeat(n) + '</r>';
}

test('400,000 small elements (4.8 MB, quadratic in the old pre-scan) parse into 400,000 children', { timeout: 60_000 }, () => {
  const xml = manySmall(400_000);
  assert.ok(xml.length > 4_800_000);
  const root = parseXml(Buffer.from(xml));
  assert.equal(root.children.length, 400_000);
  assert.equal(root.children[399_999]!.text, 'a&b');
});

test('the element budget refuses a reply with more elements, in one sentence that says what to do', () => {
  const err = refusal(() => parseXml(manySmall(2_000), { maxElements: 1_000 }));
  assert.equal(err.code, 'xml.limit');
  assert.match(err.message, /more than 1,000 elements/);
  assert.match(err.message, /fewer items per Pull/);
});

test('the byte budget refuses a reply before decoding it', () => {
  const err = refusal(() => parseXml(Buffer.alloc(2048, 0x20), { maxBytes: 1024 }));
  assert.equal(err.code, 'xml.limit');
  assert.match(err.message, /2\.0 KiB, over the 1\.0 KiB/);
});

test('100,000-deep nesting is refused by the depth limit, sync and async, without exhausting the stack', async () => {
  const deep = '<a>'.repeat(100_000) + '</a>'.repeat(100_000);
  const err = refusal(() => parseXml(deep));
  assert.equal(err.code, 'xml.limit');
  assert.match(err.message, /more than 100 levels deep \(line 1, column 301\)/);
  assert.equal((await asyncRefusal(parseXmlAsync(Buffer.from(deep), { sliceMs: 1 }))).code, 'xml.limit');
});

test('billion laughs, an external entity and a parameter entity are refused as DOCTYPE, never expanded', () => {
  const cases = [
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>',
    '<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><a>&xxe;</a>',
    '<!DOCTYPE a SYSTEM "http://127.0.0.1:9/evil.dtd"><a/>',
    '<!DOCTYPE a [<!ENTITY % p "x"> %p;]><a/>',
  ];
  for (const xml of cases) {
    const err = refusal(() => parseXml(xml));
    assert.equal(err.code, 'xml.doctype', xml);
    assert.match(err.message, /refused to prevent entity-expansion attacks/);
  }
  // Without a declaration, a reference to an entity is simply unknown.
  assert.match(refusal(() => parseXml('<a>&xxe;</a>')).message, /"&xxe" is not a known entity reference/);
});

test('character references to characters XML forbids are refused (&#0; &#xD800; &#xFFFE; &#x110000; &#1;)', () => {
  for (const ref of ['&#0;', '&#xD800;', '&#xDFFF;', '&#xFFFE;', '&#x110000;', '&#1;', '&#x;', '&#12a;']) {
    const err = refusal(() => parseXml(`<a>x${ref}</a>`));
    assert.equal(err.code, 'xml.malformed', ref);
    assert.match(err.message, /does not name a character XML allows/, ref);
    assert.match(err.message, /column 5/, ref);
  }
  assert.equal(refusal(() => parseXml('<a b="&#0;"/>')).code, 'xml.malformed');
  // Allowed references still decode: tab, a BMP character and one above it.
  assert.equal(parseXml('<a>&#9;&#xE9;&#x1F600;</a>').text, '\té😀');
});

test('literal characters XML forbids are refused with their position', () => {
  const err = refusal(() => parseXml('<a>\n ok\u0001</a>'));
  assert.equal(err.code, 'xml.malformed');
  assert.match(err.message, /U\+0001 is not allowed in XML/);
  assert.match(err.message, /line 2, column 4/);
  assert.match(refusal(() => parseXml('<a>\uFFFF</a>')).message, /U\+FFFF/);
  // A lone surrogate can only arrive in a string, never in decoded bytes.
  assert.match(refusal(() => parseXml('<a>\uD800x</a>')).message, /U\+D800/);
});

test('bytes that are not UTF-8 are refused with xml.encoding and the offset of the first bad byte', () => {
  const head = Buffer.from('<a>ok ');
  const cases: [string, number[]][] = [
    ['a stray continuation byte', [0x80]],
    ['a truncated sequence', [0xc3, 0x28]],
    ['an overlong slash', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ];
  for (const [what, bytes] of cases) {
    const err = refusal(() => parseXml(Buffer.concat([head, Buffer.from(bytes), Buffer.from('</a>')])));
    assert.equal(err.code, 'xml.encoding', what);
    assert.match(err.message, new RegExp(`byte offset ${head.length}\\b`), what);
  }
  // The same text given as a string has already been decoded by the caller.
  assert.equal(parseXml(Buffer.from('<a>é €</a>')).text, 'é €');
});

test('a reply declaring another encoding is refused; a string with that declaration is already decoded', () => {
  const xml = '<?xml version="1.0" encoding="ISO-8859-1"?><a/>';
  assert.equal(refusal(() => parseXml(Buffer.from(xml))).code, 'xml.encoding');
  assert.equal(parseXml(xml).local, 'a');
});

test('a reply cut short names what was left open', () => {
  assert.match(refusal(() => parseXml('<a><b>1</b><c>')).message, /ends before <c> is closed/);
  assert.match(refusal(() => parseXml('<a><b x="1')).message, /not closed/);
  assert.match(refusal(() => parseXml('<a><b')).message, /cut short/);
});

test('a large reply parses in slices: the event loop turns while it is parsed, and the tree is the one parseXml builds', { timeout: 60_000 }, async () => {
  const xml = '<r xmlns:p="urn:p">' + '<p:i n="1"><p:v>é&lt;</p:v></p:i>'.repeat(100_000) + '</r>';
  let turns = 0;
  let more = true;
  const tick = () => {
    turns++;
    if (more) setImmediate(tick);
  };
  setImmediate(tick);
  const sliced = await parseXmlAsync(Buffer.from(xml), { sliceMs: 1 });
  more = false;
  assert.ok(turns > 1, `the event loop turned ${turns} times while parsing`);
  const whole = parseXml(xml);
  assert.deepEqual(shape(sliced), shape(whole));
  assert.equal(sliced.children.length, 100_000);
});

test('a multi-byte character split across the decoding windows decodes whole', async () => {
  // 1 MiB is the decoding window; put a 4-byte character across that boundary.
  const pad = 1024 * 1024 - '<a>'.length - 2;
  const xml = Buffer.from('<a>' + 'x'.repeat(pad) + '😀' + 'y'.repeat(1000) + '</a>');
  const el = await parseXmlAsync(xml, { sliceMs: 1 });
  assert.equal(el.text.slice(pad - 1, pad + 3), 'x😀y');
});

test('tags, references, comments and CDATA cut by a window boundary parse as in one piece', async () => {
  const tricky = '<p:v k="a &amp; b">x&#x1F600;y&lt;<!-- c<o>mm -->z<![CDATA[<d>&]]></p:v>';
  for (let shift = 0; shift < tricky.length + 2; shift++) {
    const head = '<r xmlns:p="urn:p">\n';
    const unit = '<p:f>1</p:f>\n';
    const filler = unit.repeat(Math.floor((1024 * 1024 - head.length - shift) / unit.length));
    const gap = ' '.repeat(1024 * 1024 - head.length - filler.length - shift);
    const xml = head + filler + gap + tricky + '</r>';
    const sliced = await parseXmlAsync(Buffer.from(xml), { sliceMs: 1000 });
    assert.deepEqual(shape(sliced.children.at(-1)!), shape(parseXml(xml).children.at(-1)!), `shift ${shift}`);
  }
});

test('an error past the first window names the same line and column as a whole-document parse', async () => {
  const xml = '<r>\n' + '<e>1</e>\n'.repeat(400_000) + '<e>&bad;</e>\n</r>';
  const whole = refusal(() => parseXml(xml));
  const sliced = await asyncRefusal(parseXmlAsync(Buffer.from(xml), { sliceMs: 1 }));
  assert.equal(sliced.message, whole.message);
  assert.match(whole.message, /line 400002, column 4/);
});

test('a single tag longer than 4 MiB is refused rather than carried from window to window', async () => {
  const xml = Buffer.from('<r><e a="' + 'x'.repeat(5 * 1024 * 1024) + '"/></r>');
  assert.equal((await asyncRefusal(parseXmlAsync(xml, { sliceMs: 1 }))).code, 'xml.limit');
});

test('cancel and timeout stop a large parse with the caller\'s typed errors', async () => {
  const xml = Buffer.from('<r>' + '<e>1</e>'.repeat(400_000) + '</r>');
  const controller = new AbortController();
  const cancelled = new AmtError('cancelled', 'The operation was cancelled.');
  setImmediate(() => controller.abort());
  const err = await asyncRefusal(parseXmlAsync(xml, { sliceMs: 0, signal: controller.signal, onAbort: () => cancelled }));
  assert.equal(err.code, 'cancelled');
  const late = await asyncRefusal(
    parseXmlAsync(xml, { sliceMs: 0, deadline: 0, onDeadline: () => new AmtError('timeout', 'Reading the reply took longer than 1 s; raise the timeout.') }),
  );
  assert.equal(late.code, 'timeout');
  // An already aborted signal stops it before any work.
  assert.equal((await asyncRefusal(parseXmlAsync(xml, { signal: AbortSignal.abort(), onAbort: () => cancelled }))).code, 'cancelled');
});

test('structure errors are typed with line and column fields', () => {
  for (const xml of ['<a></b>', '<a x="1" x="2"/>', '<a><?xml version="1.0"?></a>', '<a/>text', '<a>]]><![CDATA[x</a>', '<1a/>', '<a b=1/>', '<p:a/>']) {
    assert.throws(() => parseXml(xml), (e: unknown) => e instanceof XmlError && e.code === 'xml.malformed' && typeof e.line === 'number', xml);
  }
});

function shape(el: XmlElement): unknown {
  return { name: el.name, ns: el.ns, text: el.text, attrs: el.attrs.map((a) => [a.name, a.ns, a.value]), children: el.children.map(shape) };
}
