/**
 * Folding: each request (from its `###` line to the end of its XML) and each element or comment
 * that spans lines (up to the line before its end tag, so the end tag stays in view).
 */
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { WsmanFile } from './document';
import { walk } from './xmlTree';

export function foldingRanges(doc: TextDocument, file: WsmanFile): FoldingRange[] {
  const ranges: FoldingRange[] = [];
  const line = (offset: number) => doc.positionAt(offset).line;
  for (const r of file.requests) {
    const start = line(r.separator?.start ?? r.xmlStart);
    const end = line(r.xmlEnd);
    if (end > start) ranges.push({ startLine: start, endLine: end, kind: FoldingRangeKind.Region });
    for (const root of r.xml.roots) {
      for (const el of walk(root)) {
        const s = line(el.start);
        const e = line(el.endTagStart ?? el.end) - (el.endTagStart !== undefined ? 1 : 0);
        if (e > s) ranges.push({ startLine: s, endLine: e });
      }
    }
    for (const c of r.xml.comments) {
      const s = line(c.start);
      const e = line(c.end);
      if (e > s) ranges.push({ startLine: s, endLine: e, kind: FoldingRangeKind.Comment });
    }
  }
  return ranges;
}
