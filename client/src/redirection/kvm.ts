/**
 * KVM from the editor: "Open KVM Viewer" (kvmViewer.ts, the live screen), "Save KVM Screenshot"
 * (one frame of the host's screen as a PNG in the workspace, opened beside) and "Type on the
 * Host's Keyboard (KVM)…".
 * The backend opens the KVM session with the device's credentials; nothing here holds a password.
 */
import * as vscode from 'vscode';
import { KvmRequests, type TargetInfo } from '../../../server/src/protocol';
import { targetOf } from '../commands/devices';
import type { Ctx } from '../ctx';
import { editorMessage, screenshotName } from '../model/redirection';
import type { TreeNode } from '../model/tree';
import { withConsent } from './consent';
import { KvmViewers } from './kvmViewer';

async function deviceOf(ctx: Ctx, arg: TreeNode | string | undefined, prompt: string): Promise<TargetInfo | undefined> {
  return typeof arg === 'string' ? ctx.target(arg) : targetOf(ctx, arg ?? undefined, () => true, prompt);
}

export function kvmCommands(ctx: Ctx): vscode.Disposable[] {
  const reg = vscode.commands.registerCommand;
  const viewers = new KvmViewers(ctx);
  return [
    viewers,
    reg('amt.kvm.openViewer', async (arg?: TreeNode | string) => {
      const target = await deviceOf(ctx, arg, 'Open the KVM viewer of which device?');
      if (target) viewers.show(target);
    }),
    reg('amt.kvm.screenshot', async (arg?: TreeNode | string) => {
      const target = await deviceOf(ctx, arg, 'Screenshot of which device?');
      if (!target) return;
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      if (!folder) return void vscode.window.showErrorMessage('Saving a KVM screenshot needs an open folder; open one with File > Open Folder and try again.');
      try {
        const shot = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Reading ${target.label}'s screen over KVM…` }, () =>
          withConsent(ctx, target, () => ctx.request(KvmRequests.screenshot, { targetId: target.id })),
        );
        if (!shot) return;
        const file = vscode.Uri.joinPath(folder, screenshotName(target.label, new Date()));
        await vscode.workspace.fs.writeFile(file, Buffer.from(shot.png, 'base64'));
        await vscode.commands.executeCommand('vscode.open', file, { preview: true, viewColumn: vscode.ViewColumn.Beside });
        void vscode.window.showInformationMessage(`Saved ${target.label}'s screen (${shot.width}×${shot.height}) as ${vscode.workspace.asRelativePath(file)}.`);
      } catch (err) {
        void vscode.window.showErrorMessage(editorMessage(err));
      }
    }),
    reg('amt.kvm.type', async (arg?: TreeNode | string) => {
      const target = await deviceOf(ctx, arg, 'Type on which device?');
      if (!target) return;
      const text = await vscode.window.showInputBox({ title: `Type on ${target.label}'s keyboard (KVM)`, prompt: 'The text is typed as key presses, then Enter.', ignoreFocusOut: true });
      if (text === undefined) return;
      try {
        const sent = await withConsent(ctx, target, () => ctx.request(KvmRequests.type, { targetId: target.id, text, enter: true }));
        if (sent) void vscode.window.showInformationMessage(`Typed ${sent.keys} key${sent.keys === 1 ? '' : 's'} on ${target.label} over KVM.`);
      } catch (err) {
        void vscode.window.showErrorMessage(editorMessage(err));
      }
    }),
  ];
}
