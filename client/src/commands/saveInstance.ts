/**
 * Ctrl+S in an `amt:` instance document: the Put is planned, confirmed and sent before VS Code's
 * save, so a change the device cannot take (a read-only property, XML that does not parse, a
 * refusal by the device) is one toast of one sentence; VS Code would wrap a failed save in its own
 * longer message. Other documents save as usual.
 */
import * as vscode from 'vscode';
import type { InstanceFileSystem } from '../instanceFs';
import { INSTANCE_SCHEME } from '../model/instanceDocument';

export function saveInstanceCommand(fs: InstanceFileSystem): vscode.Disposable {
  return vscode.commands.registerCommand('amt.saveInstance', async () => {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || doc.uri.scheme !== INSTANCE_SCHEME) return vscode.commands.executeCommand('workbench.action.files.save');
    await fs.saveWithPut(doc);
  });
}
