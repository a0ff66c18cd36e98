/**
 * The commands behind the "Send" / "Send to …" code lenses of .wsman files (WsmanCommands in
 * protocol.ts): send the request to the selected device (or a picked one) through `amt/wsman/send`
 * and show the reply as a read-only XML document.
 */
import * as vscode from 'vscode';
import { WsmanCommands, WsmanRequests, type TargetInfo, type WsmanCommandArgs } from '../../../server/src/protocol';
import type { Ctx } from '../ctx';
import type { ResultDocuments } from '../instanceFs';
import { errorMessage } from '../model/request';
import { targetOf } from './devices';

export function wsmanCommands(ctx: Ctx, results: ResultDocuments): vscode.Disposable[] {
  const send = async (args: WsmanCommandArgs | undefined, target: TargetInfo | undefined) => {
    if (!args || !target) return;
    try {
      const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Sending to ${target.label}…` }, () =>
        ctx.request(WsmanRequests.send, { targetId: target.id, uri: args.uri, requestIndex: args.requestIndex }),
      );
      const head = `<!-- HTTP ${r.status} · ${Math.round(r.elapsedMs)} ms · ${r.target}${r.fault ? ` · fault ${r.fault.subcode}` : ''} -->\n`;
      const uri = results.add(`response ${args.requestIndex + 1}`, head + r.xml, 'xml');
      await vscode.window.showTextDocument(uri, { preview: true, preserveFocus: true, viewColumn: vscode.ViewColumn.Beside });
      if (r.fault) void vscode.window.showWarningMessage(`${r.fault.subcode}: ${r.fault.meaning}`);
    } catch (err) {
      void vscode.window.showErrorMessage(errorMessage(err));
    }
  };
  return [
    vscode.commands.registerCommand(WsmanCommands.send, async (args?: WsmanCommandArgs) => send(args, await ctx.selected())),
    vscode.commands.registerCommand(WsmanCommands.sendTo, async (args?: WsmanCommandArgs) =>
      send(args, await targetOf(ctx, undefined, () => true, 'Send the request to which device?', true)),
    ),
  ];
}
