/**
 * The incremental .wsman model: an edit re-reads only the blocks it touched, unchanged requests
 * keep their parsed block and cached diagnostics, and whatever the edit, the result equals a
 * fresh parse of the new text (seeded random edits of every fixture).
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Catalog } from '../../../server/src/catalog/catalog';
import { diagnose } from '../../../server/src/lsp/diagnostics';
import { parseWsmanFile, requestAt, updateWsmanFile, variablesAt, WsmanFileCache, type WsmanFile } from '../../../server/src/lsp/document';
import { foldingRanges } from '../../../server/src/lsp/folding';
import { hover } from '../../../server/src/lsp/hover';
import { documentSymbols } from '../../../server/src/lsp/symbols';
import { FIXTURES, fixture } from './harness';
import { seededRandom } from '../../helpers/seeded';

const catalog = Catalog.default();
const doc = (text: string, version = 1) => TextDocument.create('file:///t.wsman', 'wsman', version, text);

/** The file model as plain data: what every feature reads from it. */
function shape(file: WsmanFile) {
  return {
    requests: file.requests.map((r) => ({ index: r.index, title: r.title, start: r.start, end: r.end, separator: r.separator, xmlStart: r.xmlStart, xmlEnd: r.xmlEnd })),
    variables: file.variables,
    commentLines: file.commentLines,
  };
}

/**
 * The file format read the simplest way, line by line (the model before it became incremental):
 * the oracle for block boundaries, XML regions, variables and comment lines.
 */
function oracle(text: string) {
  const lines: { start: number; end: number; text: string }[] = [];
  for (let start = 0; ; ) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    const lineEnd = end > start && text[end - 1] === '\r' ? end - 1 : end;
    lines.push({ start, end: lineEnd, text: text.slice(start, lineEnd) });
    if (nl < 0) break;
    start = nl + 1;
  }
  const blocks: (typeof lines)[] = [[]];
  for (const l of lines) {
    if (l.text.startsWith('###') && blocks[blocks.length - 1]!.length > 0) blocks.push([]);
    blocks[blocks.length - 1]!.push(l);
  }
  const variableLine = /^@([A-Za-z_][\w.-]*)\s*=\s*(.*?)\s*$/;
  const isMeta = (l: (typeof lines)[number]) => l.text.trim() === '' || variableLine.test(l.text) || /^\s*(#|\/\/)/.test(l.text);
  const requests: { start: number; end: number; xmlStart: number; xmlEnd: number; title?: string }[] = [];
  const variables: [string, string, number][] = [];
  const comments: number[] = [];
  blocks.forEach((block, b) => {
    const sep = block[0]!.text.startsWith('###');
    const body = sep ? block.slice(1) : block;
    let lo = 0;
    let hi = body.length;
    while (lo < hi && isMeta(body[lo]!)) lo++;
    while (hi > lo && isMeta(body[hi - 1]!)) hi--;
    for (const l of [...body.slice(0, lo), ...body.slice(hi)]) {
      const m = variableLine.exec(l.text);
      if (m) variables.push([m[1]!, m[2]!, l.start]);
      else if (l.text.trim()) comments.push(l.start);
    }
    if (lo >= hi) return;
    let xmlStart = body[lo]!.start;
    while (/\s/.test(text[xmlStart]!)) xmlStart++;
    const title = sep ? block[0]!.text.replace(/^#+/, '').trim() : '';
    requests.push({ start: block[0]!.start, end: blocks[b + 1]?.[0]!.start ?? text.length, xmlStart, xmlEnd: body[hi - 1]!.end, ...(title ? { title } : {}) });
  });
  return { requests, variables, comments };
}

function assertMatchesOracle(file: WsmanFile, what: string): void {
  const o = oracle(file.text);
  assert.deepEqual(
    file.requests.map((r) => ({ start: r.start, end: r.end, xmlStart: r.xmlStart, xmlEnd: r.xmlEnd, ...(r.title ? { title: r.title } : {}) })),
    o.requests,
    `requests of ${what}`,
  );
  assert.deepEqual(file.variables.map((v) => [v.name, v.value, v.start]), o.variables, `variables of ${what}`);
  assert.deepEqual(file.commentLines.map((c) => c.start), o.comments, `comment lines of ${what}`);
}

const random = seededRandom;

/** Pieces an edit inserts: the characters that change the file's structure, and ordinary ones. */
const PIECES = ['###', '### t\n', '\n', '\r\n', '@amt = x\n', '@cim = {{amt}}\n', '@v = 1\n', '# c\n', '{{amt}}', '{{v}}', '<', '>', '</', '"', '=', ' ', 'x', '<a:To>/wsman</a:To>', '&bad;', 'AMT_', '</s:Envelope>', ''];

function randomEdit(text: string, rnd: () => number): string {
  const at = Math.floor(rnd() * (text.length + 1));
  const del = rnd() < 0.5 ? 0 : Math.floor(rnd() * Math.min(40, text.length - at + 1));
  const insert = rnd() < 0.3 ? '' : PIECES[Math.floor(rnd() * PIECES.length)]!;
  return text.slice(0, at) + insert + text.slice(at + del);
}

describe('the incremental .wsman model', () => {
  it('re-reads only the edited request; the others keep their parsed block and their cached diagnostics', () => {
    const text = fixture('requests.wsman');
    const v1 = parseWsmanFile(text);
    diagnose(doc(text), v1, catalog);
    assert.equal(v1.requestsDiagnosed, v1.requests.length);

    const k = 3;
    const at = text.indexOf('</a:Action>', v1.requests[k]!.xmlStart);
    const edited = text.slice(0, at) + 'X' + text.slice(at);
    const v2 = updateWsmanFile(v1, edited);
    assert.equal(v2.blocksParsed, 1, 'one block read again');
    v2.requests.forEach((r, i) => assert.equal(r.core === v1.requests[i]!.core, i !== k, `request ${i} kept its parsed block: ${i !== k}`));
    const diagnostics = diagnose(doc(edited, 2), v2, catalog);
    assert.equal(v2.requestsDiagnosed, 1, 'only the edited request is diagnosed again');
    assert.deepEqual(diagnostics.map((d) => d.code), ['wsman.unknownMethod'], 'RequestPowerStateChangeX is no method');
    assert.equal(diagnostics[0]!.range.start.line, doc(edited).positionAt(at).line);
  });

  it('shifts the requests after an edit that adds lines, and their diagnostics move with them', () => {
    const text = fixture('mistakes.wsman');
    const v1 = parseWsmanFile(text);
    const before = diagnose(doc(text), v1, catalog);
    const edited = '# two more\n# lines\n' + text;
    const v2 = updateWsmanFile(v1, edited);
    assert.equal(v2.blocksParsed, 1, 'only the header block (where the lines went) is read again');
    const after = diagnose(doc(edited, 2), v2, catalog);
    assert.equal(v2.requestsDiagnosed, 0, 'no request had to be diagnosed again');
    assert.deepEqual(after, diagnose(doc(edited), parseWsmanFile(edited), catalog));
    assert.deepEqual(after.map((d) => d.range.start.line), before.map((d) => d.range.start.line + 2));
  });

  it('re-reads both sides when an edit makes or breaks a ### line', () => {
    const text = fixture('requests.wsman');
    const v1 = parseWsmanFile(text);
    const sep = text.indexOf('### Read the general settings');
    const broken = text.slice(0, sep) + text.slice(sep + 1);
    const v2 = updateWsmanFile(v1, broken);
    assert.equal(v2.requests.length, v1.requests.length - 1, 'two requests merged into one block');
    assert.deepEqual(shape(v2), shape(parseWsmanFile(broken)));
    const v3 = updateWsmanFile(v2, text);
    assert.equal(v3.requests.length, v1.requests.length);
    assert.deepEqual(shape(v3), shape(v1));
  });

  it('resolves variables defined after the edit point, and re-checks the requests that use a changed one', () => {
    const get = (uri: string) =>
      `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd">\n<s:Header><a:Action>http://schemas.xmlsoap.org/ws/2004/09/transfer/Get</a:Action><w:ResourceURI>${uri}</w:ResourceURI></s:Header><s:Body/></s:Envelope>\n`;
    const text = `@amt = http://intel.com/wbem/wscim/1/amt-schema/1\n\n### a\n${get('{{amt}}/AMT_GeneralSettings')}\n### b\n${get('{{amt}}/AMT_GeneralSettings')}\n### c\n${get('http://intel.com/wbem/wscim/1/amt-schema/1/AMT_GeneralSettings')}`;
    const cache = new WsmanFileCache();
    const docAt = (t: string, version: number) => ({ uri: 'file:///v.wsman', version, getText: () => t });
    const v1 = cache.get(docAt(text, 1));
    assert.deepEqual(diagnose(doc(text), v1, catalog), []);
    const [analysisA, analysisB, analysisC] = v1.requests.map((r) => r.core.analysis);

    // A new definition below request a, above request b: b sees it, a still sees the old one.
    const at = text.indexOf('### b');
    const redefined = text.slice(0, at) + '@amt = http://example.com/nothing\n' + text.slice(at);
    const v2 = cache.get(docAt(redefined, 2));
    assert.equal(variablesAt(v2, v2.requests[0]!.xmlStart).get('amt'), 'http://intel.com/wbem/wscim/1/amt-schema/1');
    assert.equal(variablesAt(v2, v2.requests[1]!.xmlStart).get('amt'), 'http://example.com/nothing');
    const d2 = diagnose(doc(redefined, 2), v2, catalog);
    assert.deepEqual(d2.map((d) => [requestAt(v2, doc(redefined).offsetAt(d.range.start))!.title, d.code]), [['b', 'wsman.unknownClass']]);
    assert.equal(v2.requestsDiagnosed, 2, 'a (its block gained the line) and b (its variable changed) were checked again');
    assert.notEqual(v2.requests[0]!.core.analysis, analysisA);
    assert.notEqual(v2.requests[1]!.core.analysis, analysisB);
    assert.equal(v2.requests[2]!.core.analysis, analysisC, 'c uses no variable: its cached diagnostics stand');
    const uriOffset = redefined.indexOf('{{amt}}', v2.requests[1]!.xmlStart) + 2;
    const h = hover(doc(redefined, 2), v2, uriOffset, catalog);
    assert.match(JSON.stringify(h?.contents), /example\.com\/nothing/);

    // Removing the first definition leaves request a with an undefined variable.
    const removed = redefined.slice(redefined.indexOf('\n') + 1);
    const v3 = cache.get(docAt(removed, 3));
    const d3 = diagnose(doc(removed, 3), v3, catalog);
    assert.deepEqual(d3, diagnose(doc(removed), parseWsmanFile(removed), catalog));
    assert.ok(d3.some((d) => d.code === 'wsman.undefinedVariable' && requestAt(v3, doc(removed).offsetAt(d.range.start))!.title === 'a'));
  });

  it('finds the request at every offset as a scan of all requests would', () => {
    for (const name of ['requests.wsman', 'mistakes.wsman']) {
      const file = parseWsmanFile(fixture(name));
      for (let offset = 0; offset <= file.text.length; offset += 3) {
        const linear = file.requests.find((r) => offset >= r.start && offset <= r.end && (offset < r.end || r.end === file.text.length));
        assert.equal(requestAt(file, offset), linear, `offset ${offset} of ${name}`);
      }
    }
  });

  for (const name of readdirSync(FIXTURES).filter((f) => f.endsWith('.wsman'))) {
    it(`equals a fresh parse after each of 150 seeded random edits of ${name} (model, diagnostics, symbols, folding)`, () => {
      const seed = [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
      const rnd = random(seed);
      let text = fixture(name);
      let file = parseWsmanFile(text);
      assertMatchesOracle(file, name);
      diagnose(doc(text), file, catalog);
      for (let step = 1; step <= 150; step++) {
        text = randomEdit(text, rnd);
        file = updateWsmanFile(file, text);
        const fresh = parseWsmanFile(text);
        const what = `${name} after edit ${step} (seed ${seed})`;
        assert.deepEqual(shape(file), shape(fresh), `model of ${what}`);
        assertMatchesOracle(file, what);
        const d = doc(text, step + 1);
        assert.deepEqual(diagnose(d, file, catalog), diagnose(d, fresh, catalog), `diagnostics of ${what}`);
        assert.ok(file.blocksParsed <= fresh.blocksParsed, `blocks re-read for ${what}`);
        if (step % 10 === 0) {
          assert.deepEqual(documentSymbols(d, file, catalog), documentSymbols(d, fresh, catalog), `symbols of ${what}`);
          assert.deepEqual(foldingRanges(d, file), foldingRanges(d, fresh), `folding of ${what}`);
        }
      }
    });
  }
});
