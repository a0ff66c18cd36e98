/**
 * wsman language measures (WS-Man XML authoring issue): on a 2,000-request .wsman file, the time to
 * re-parse the file model and run diagnostics after an edit, and one completion near the end of the
 * file, each relative to fast-xml-parser's plain parse of every envelope of the same file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Catalog } from '../server/src/catalog';
import { parseWsmanFile } from '../server/src/lsp/document';
import { diagnose } from '../server/src/lsp/diagnostics';
import { complete } from '../server/src/lsp/completion';
import { fmt, ratio, time } from './stats';

const REQUESTS = 2000;

/** Repeats the requests of the sample collection until the file holds REQUESTS requests. */
function bigFile(): string {
  const sample = readFileSync(join(__dirname, '..', 'test', 'fixtures', 'wsman', 'requests.wsman'), 'utf8');
  const header = sample.slice(0, sample.indexOf('###'));
  const blocks = sample.slice(sample.indexOf('###')).split(/^(?=###)/m);
  const out = [header];
  for (let i = 0; i < REQUESTS; i++) out.push(blocks[i % blocks.length].trimEnd() + '\n\n');
  return out.join('');
}

export async function lspMeasures(): Promise<string[]> {
  const catalog = Catalog.default();
  const text = bigFile();
  const doc = TextDocument.create('file:///bench.wsman', 'wsman', 1, text);
  const file = parseWsmanFile(text);
  const envelopes = file.requests.map((r) => text.slice(r.xmlStart, r.xmlEnd));
  const raw = new XMLParser({ ignoreAttributes: false });

  // Completion inside the ResourceURI of the last Get-like request.
  const at = text.lastIndexOf('/AMT_GeneralSettings</');
  const baseline = await time(() => envelopes.forEach((e) => raw.parse(e)), 20, 3);
  const parseAndDiagnose = await time(() => diagnose(doc, parseWsmanFile(text), catalog), 20, 3);
  const completion = await time(() => complete(doc, file, at + 5, catalog), 200, 20);
  const completionWithParse = await time(() => complete(doc, parseWsmanFile(text), at + 5, catalog), 20, 3);
  return [
    `file: ${file.requests.length} requests, ${(text.length / 1024).toFixed(0)} KiB`,
    `fast-xml-parser plain parse of every envelope: ${fmt(baseline)}`,
    `re-parse file model + all diagnostics: ${fmt(parseAndDiagnose)} → ${ratio(parseAndDiagnose, baseline)} the plain parse`,
    `completion at the end (file model cached, as the server keeps it): ${fmt(completion)} → ${ratio(completion, baseline)}`,
    `completion right after an edit (re-parse + complete): ${fmt(completionWithParse)} → ${ratio(completionWithParse, baseline)}`,
  ];
}
