/**
 * "Send" and "Send to …" above each request. The client implements the commands
 * (`amt.wsman.send` sends to the selected device, `amt.wsman.sendTo` asks which one) and calls
 * `amt/wsman/send` with the same `{ uri, requestIndex }`.
 */
import type { CodeLens } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { WsmanCommands, type WsmanCommandArgs } from '../protocol';
import type { WsmanFile } from './document';

export function codeLenses(doc: TextDocument, file: WsmanFile): CodeLens[] {
  const lenses: CodeLens[] = [];
  for (const r of file.requests) {
    const at = doc.positionAt(r.separator?.start ?? r.xmlStart);
    const range = { start: { line: at.line, character: 0 }, end: { line: at.line, character: 0 } };
    const args: WsmanCommandArgs = { uri: doc.uri, requestIndex: r.index };
    lenses.push({ range, command: { title: 'Send', command: WsmanCommands.send, arguments: [args] } });
    lenses.push({ range, command: { title: 'Send to …', command: WsmanCommands.sendTo, arguments: [args] } });
  }
  return lenses;
}
