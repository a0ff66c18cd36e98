/**
 * Document symbols: one per request, named by its `###` title or by operation and class
 * (`Get AMT_GeneralSettings`, `RequestPowerStateChange CIM_PowerManagementService`), plus the
 * file's `@variables`.
 */
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Catalog } from '../catalog/catalog';
import { analyse } from './diagnostics';
import type { WsmanFile } from './document';

export function documentSymbols(doc: TextDocument, file: WsmanFile, catalog: Catalog): DocumentSymbol[] {
  const symbols: DocumentSymbol[] = [];
  const range = (start: number, end: number) => ({ start: doc.positionAt(start), end: doc.positionAt(end) });
  for (const v of file.variables) {
    symbols.push({ name: `@${v.name}`, detail: v.value, kind: SymbolKind.Variable, range: range(v.start, v.end), selectionRange: range(v.nameStart, v.nameEnd) });
  }
  for (const r of file.requests) {
    // The label comes with the request's cached analysis, so an unchanged request is not read again.
    const { label, resourceUri } = analyse(file, r, catalog);
    const name = r.title ?? label;
    const sel = r.separator ?? { start: r.xmlStart, end: r.xmlStart + 1 };
    symbols.push({
      name,
      detail: r.title ? label : (resourceUri ?? ''),
      kind: SymbolKind.Function,
      range: range(Math.min(r.start, r.xmlStart), r.xmlEnd),
      selectionRange: range(sel.start, sel.end),
    });
  }
  return symbols.sort((a, b) => a.range.start.line - b.range.start.line);
}
