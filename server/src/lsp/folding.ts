/**
 * Folding: each request (from its `###` line to the end of its XML) and each element or comment
 * that spans lines (up to the line before its end tag, so the end tag stays in view).
 *
 * A request's ranges depend only on its own text, so they are kept on its block as lines relative
 * to the block's first line; an unchanged request is not read again after an edit elsewhere.
 */
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { RequestBlock, WsmanFile } from './document';
import { walk } from './xmlTree';

export function foldingRanges(doc: TextDocument, file: WsmanFile): FoldingRange[] {
  const ranges: FoldingRange[] = [];
  for (const r of file.requests) {
    const base = doc.positionAt(r.start).line;
    r.core.folds ??= requestFolds(file.text, r);
    for (const f of r.core.folds) ranges.push({ startLine: base + f.start, endLine: base + f.end, ...(f.kind ? { kind: f.kind === 'region' ? FoldingRangeKind.Region : FoldingRangeKind.Comment } : {}) });
  }
  return ranges;
}

function requestFolds(text: string, r: RequestBlock): NonNullable<RequestBlock['core']['folds']> {
  // Line starts inside the block, with the line breaks TextDocument counts (\n, \r\n, lone \r).
  const starts: number[] = [];
  for (let p = r.start; p < r.end; p++) {
    const c = text.charCodeAt(p);
    if (c === 10 || (c === 13 && text.charCodeAt(p + 1) !== 10)) starts.push(p + 1);
  }
  const line = (offset: number) => {
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const folds: NonNullable<RequestBlock['core']['folds']> = [];
  const start = line(r.separator?.start ?? r.xmlStart);
  const end = line(r.xmlEnd);
  if (end > start) folds.push({ start, end, kind: 'region' });
  const xml = r.xml;
  for (const root of xml.roots) {
    for (const el of walk(root)) {
      const s = line(el.start);
      const e = line(el.endTagStart ?? el.end) - (el.endTagStart !== undefined ? 1 : 0);
      if (e > s) folds.push({ start: s, end: e });
    }
  }
  for (const c of xml.comments) {
    const s = line(c.start);
    const e = line(c.end);
    if (e > s) folds.push({ start: s, end: e, kind: 'comment' });
  }
  return folds;
}
