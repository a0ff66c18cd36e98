/**
 * Ctrl+S in an `amt:` instance document: the Put is planned first, so a change the device cannot
 * take (a read-only property, XML that does not parse) is refused in one toast of one sentence
 * before VS Code's save starts; VS Code would wrap a failed save in its own longer message.
 */
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { INSTANCE_SCHEME, InstanceDocuments, parseInstanceQuery } from '../model/instanceDocument';
import { errorMessage } from '../model/request';

export function saveInstanceCommand(ctx: Ctx): vscode.Disposable {
  const docs = new InstanceDocuments(ctx.request);
  return vscode.commands.registerCommand('amt.saveInstance', async () => {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || doc.uri.scheme !== INSTANCE_SCHEME) return vscode.commands.executeCommand('workbench.action.files.save');
    try {
      await docs.plan(parseInstanceQuery(doc.uri.query), doc.getText());
    } catch (err) {
      void vscode.window.showErrorMessage(errorMessage(err));
      return;
    }
    await doc.save();
  });
}
