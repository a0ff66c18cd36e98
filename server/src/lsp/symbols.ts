/**
 * Document symbols: one per request, named by its `###` title or by operation and class
 * (`Get AMT_GeneralSettings`, `RequestPowerStateChange CIM_PowerManagementService`), plus the
 * file's `@variables`.
 */
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Catalog } from '../catalog/catalog';
import { classNameFromUri } from '../wsman/namespaces';
import { variablesAt, type WsmanFile } from './document';
import { readRequest, STANDARD_ACTIONS, type RequestModel } from './request';

export function documentSymbols(doc: TextDocument, file: WsmanFile, catalog: Catalog): DocumentSymbol[] {
  const symbols: DocumentSymbol[] = [];
  const range = (start: number, end: number) => ({ start: doc.positionAt(start), end: doc.positionAt(end) });
  for (const v of file.variables) {
    symbols.push({ name: `@${v.name}`, detail: v.value, kind: SymbolKind.Variable, range: range(v.start, v.end), selectionRange: range(v.nameStart, v.nameEnd) });
  }
  for (const r of file.requests) {
    const model = readRequest(r, catalog, variablesAt(file, r.xmlStart));
    const name = r.title ?? describeRequest(model);
    const sel = r.separator ?? { start: r.xmlStart, end: r.xmlStart + 1 };
    symbols.push({
      name,
      detail: r.title ? describeRequest(model) : (model.resourceUri ?? ''),
      kind: SymbolKind.Function,
      range: range(Math.min(r.start, r.xmlStart), r.xmlEnd),
      selectionRange: range(sel.start, sel.end),
    });
  }
  return symbols.sort((a, b) => a.range.start.line - b.range.start.line);
}

/** `Get AMT_GeneralSettings`, `Identify`, `RequestPowerStateChange CIM_PowerManagementService`. */
export function describeRequest(model: RequestModel): string {
  const className = model.cls?.name ?? (model.resourceUri ? classNameFromUri(model.resourceUri) : '');
  let op: string;
  if (model.operation === 'identify') return 'Identify';
  if (model.operation === 'invoke') op = model.methodName ?? 'Invoke';
  else op = STANDARD_ACTIONS.find((a) => a.op === model.operation)?.label ?? (model.action ? classNameFromUri(model.action) : 'Request');
  return className ? `${op} ${className}` : op;
}
