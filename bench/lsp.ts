/**
 * wsman language measures on .wsman files of 2,000 and 20,000 requests (the sample collection
 * repeated):
 * - full diagnostics of a freshly opened file vs fast-xml-parser's plain parse of every envelope
 *   (goal ≤ 3×, and linear: the same ratio at both sizes);
 * - one edit in the middle of the file + diagnostics (the server's incremental path) vs a full
 *   re-parse + diagnostics of the same text;
 * - completion p95 with the model cached, and right after an edit (goal ≤ 5 ms at any size);
 * - model memory (the file model with its cached diagnostics) vs the text (goal ≤ 3×), measured
 *   as the heap retained after a forced GC, also after a series of edits.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { XMLParser } from 'fast-xml-parser';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Catalog } from '../server/src/catalog';
import { complete } from '../server/src/lsp/completion';
import { diagnose } from '../server/src/lsp/diagnostics';
import { parseWsmanFile, updateWsmanFile, type WsmanFile } from '../server/src/lsp/document';
import { compare, fmtRatio, goal } from './stats';

const SIZES = [2000, 20000];

/** Repeats the requests of the sample collection until the file holds `requests` requests. */
function bigFile(requests: number): string {
  const sample = readFileSync(join(__dirname, '..', 'test', 'fixtures', 'wsman', 'requests.wsman'), 'utf8');
  const header = sample.slice(0, sample.indexOf('###'));
  const blocks = sample.slice(sample.indexOf('###')).split(/^(?=###)/m);
  const out = [header];
  for (let i = 0; i < requests; i++) out.push(blocks[i % blocks.length]!.trimEnd() + '\n\n');
  return out.join('');
}

/** A forced full GC: `--expose-gc` switched on at run time, so `npm run bench` needs no flag. */
function gcFunction(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const now = () => Number(process.hrtime.bigint()) / 1e6;
const MiB = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

function p95(fn: () => unknown, iterations: number): number {
  for (let i = 0; i < 5; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = now();
    fn();
    times.push(now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length * 0.95)]!;
}

export async function lspMeasures(): Promise<string[]> {
  const catalog = Catalog.default();
  const raw = new XMLParser({ ignoreAttributes: false });
  const gc = gcFunction();
  const lines: string[] = [];
  const fullRatios: number[] = [];
  const completionP95: number[] = [];

  for (const size of SIZES) {
    const text = bigFile(size);
    const doc = TextDocument.create('file:///bench.wsman', 'wsman', 1, text);
    const envelopes = parseWsmanFile(text).requests.map((r) => text.slice(r.xmlStart, r.xmlEnd));
    lines.push(`file of ${size} requests, ${(text.length / 1024).toFixed(0)} KiB:`);

    // Full diagnostics of a freshly opened file (nothing cached) vs a plain parse of every envelope.
    const iterations = size > 5000 ? 3 : 10;
    const full = await compare(
      () => diagnose(doc, parseWsmanFile(text), catalog),
      () => envelopes.forEach((e) => raw.parse(e)),
      { iterations, rounds: 3, warmup: 1 },
    );
    fullRatios.push(full.ratio);
    lines.push(`  full diagnostics vs fast-xml-parser parse of every envelope: ${fmtRatio(full)}; ${((full.a.median * 1000) / size).toFixed(1)} µs per request`);

    // One edit in the middle request, then diagnostics, as the server does on a change: the
    // model is built from the previous version. Two texts alternate so every call is a real edit.
    const mid = text.indexOf('AMT_GeneralSettings</', Math.floor(text.length / 2));
    const edited = text.slice(0, mid) + 'AMT_GeneralSetting</' + text.slice(mid + 'AMT_GeneralSettings</'.length);
    const docs = [doc, TextDocument.create('file:///bench.wsman', 'wsman', 2, edited)];
    let current: WsmanFile = parseWsmanFile(text);
    diagnose(doc, current, catalog);
    let turn = 0;
    let reparsed = 0;
    let rediagnosed = 0;
    const incremental = await compare(
      () => {
        turn ^= 1;
        current = updateWsmanFile(current, docs[turn]!.getText());
        diagnose(docs[turn]!, current, catalog);
        reparsed = current.blocksParsed;
        rediagnosed = current.requestsDiagnosed;
      },
      () => diagnose(docs[turn]!, parseWsmanFile(docs[turn]!.getText()), catalog),
      { iterations, rounds: 3, warmup: 1 },
    );
    lines.push(
      `  one edit + diagnostics: median ${incremental.a.median.toFixed(2)} ms (${reparsed} block re-read, ${rediagnosed} request re-diagnosed) = ${fmtRatio(incremental)} a full re-parse + diagnostics`,
    );

    // Completion inside the ResourceURI of the last Get, model cached; and right after an edit.
    const at = text.lastIndexOf('/AMT_GeneralSettings</') + 5;
    const cached = parseWsmanFile(text);
    const c = p95(() => complete(doc, cached, at, catalog), 200);
    completionP95.push(c);
    let afterEditFile = cached;
    const variants = [text, text.slice(0, at) + ' ' + text.slice(at + 1)];
    const variantDocs = variants.map((t, i) => TextDocument.create('file:///bench.wsman', 'wsman', i + 3, t));
    let k = 0;
    const ce = p95(() => {
      k ^= 1;
      afterEditFile = updateWsmanFile(afterEditFile, variants[k]!);
      complete(variantDocs[k]!, afterEditFile, at, catalog);
    }, 100);
    lines.push(`  completion p95: ${c.toFixed(3)} ms with the model cached; ${ce.toFixed(3)} ms right after an edit (model update + completion)`);

    // Memory: what the model (with its cached diagnostics) retains beyond the text.
    gc();
    const before = process.memoryUsage().heapUsed;
    let model: WsmanFile | undefined = parseWsmanFile(text);
    diagnose(doc, model, catalog);
    gc();
    const used = process.memoryUsage().heapUsed - before;
    // Then 50 edits, each version built from the last: old versions must not stay reachable.
    for (let e = 0; e < 50; e++) {
      const t = e % 2 === 0 ? edited : text;
      model = updateWsmanFile(model, t);
      diagnose(docs[e % 2 === 0 ? 1 : 0]!, model, catalog);
    }
    gc();
    const afterEdits = process.memoryUsage().heapUsed - before;
    lines.push(`  model memory: ${MiB(used)} = ${(used / text.length).toFixed(2)}× the text (${MiB(text.length)}); after 50 edits ${MiB(afterEdits)} = ${(afterEdits / text.length).toFixed(2)}×`);
    if (size === SIZES[SIZES.length - 1]) {
      lines.push(goal('model memory at 20,000 requests', `${(Math.max(used, afterEdits) / text.length).toFixed(2)}× the text`, '≤ 3×', Math.max(used, afterEdits) <= 3 * text.length));
    }
    model = undefined;
  }

  const [small, large] = fullRatios as [number, number];
  lines.push(goal('full diagnostics at 20,000 requests', `${large.toPrecision(3)}× the plain parse`, '≤ 3×', large <= 3));
  lines.push(goal('full diagnostics linear', `${small.toPrecision(3)}× at 2,000, ${large.toPrecision(3)}× at 20,000`, 'the same ratio at both sizes (within 25%)', large <= small * 1.25));
  lines.push(goal('completion p95 at any size', completionP95.map((c, i) => `${c.toFixed(3)} ms at ${SIZES[i]}`).join(', '), '≤ 5 ms', Math.max(...completionP95) <= 5));
  return lines;
}
