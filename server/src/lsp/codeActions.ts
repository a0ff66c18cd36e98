/**
 * Quick fixes for the diagnostics that carry `FixData`: replace a misspelled class, property,
 * parameter, method or selector name with the closest match (an element's end tag too), expand a bare class name to its
 * resource URI, and declare a missing namespace prefix on the Envelope.
 */
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { FixData } from './diagnostics';
import { requestAt, type WsmanFile } from './document';
import { attributeInsertOffset } from './prefixes';

export function codeActions(doc: TextDocument, file: WsmanFile, params: CodeActionParams): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const d of params.context.diagnostics) {
    if (d.source !== 'wsman' || !d.data) continue;
    const data = d.data as FixData;
    (data.replacements ?? []).forEach((text, i) => {
      const edits = [{ range: d.range, newText: text }, ...(data.endTag ? [{ range: data.endTag, newText: text }] : [])];
      actions.push(fix(`Change to ${text}`, d, edits, doc.uri, i === 0));
    });
    if (data.declare) {
      const block = requestAt(file, doc.offsetAt(d.range.start));
      const envelope = block?.xml.roots[0];
      if (!envelope) continue;
      const at = doc.positionAt(attributeInsertOffset(envelope, file.text));
      const { prefix, ns } = data.declare;
      actions.push(fix(`Declare xmlns:${prefix}="${ns}"`, d, [{ range: { start: at, end: at }, newText: ` xmlns:${prefix}="${ns}"` }], doc.uri, true));
    }
  }
  return actions;
}

function fix(title: string, diagnostic: Diagnostic, edits: { range: Diagnostic['range']; newText: string }[], uri: string, preferred: boolean): CodeAction {
  return {
    title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    ...(preferred ? { isPreferred: true } : {}),
    edit: { changes: { [uri]: edits } },
  };
}
