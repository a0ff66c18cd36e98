/** Class and instance commands: the class-name filter, refreshing, opening instances as documents, comparing with the device. */
import * as vscode from 'vscode';
import type { InstanceRef } from '../../../server/src/protocol';
import type { Ctx } from '../ctx';
import { DeviceSideProvider, instanceUri } from '../instanceFs';
import { INSTANCE_SCHEME } from '../model/instanceDocument';
import type { TreeNode } from '../model/tree';

export function classCommands(ctx: Ctx, deviceSide: DeviceSideProvider): vscode.Disposable[] {
  const reg = vscode.commands.registerCommand;
  const open = async (targetId: string, ref: InstanceRef, name: string) => {
    const target = await ctx.target(targetId);
    if (!target) return;
    await vscode.window.showTextDocument(instanceUri(target, ref, name), { preview: false });
  };
  return [
    reg('amt.classes.filter', async () => {
      const text = await vscode.window.showInputBox({
        title: 'Filter classes',
        prompt: 'Show only classes whose name contains this text (words separated by spaces must all occur); empty shows all',
        value: ctx.filter,
        placeHolder: 'e.g. power, GeneralSettings, boot setting',
      });
      if (text !== undefined) ctx.setFilter(text);
    }),
    reg('amt.classes.clearFilter', () => ctx.setFilter('')),
    reg('amt.classes.refresh', async (node?: TreeNode) => {
      if (node?.data.kind === 'class') ctx.classTree(node.data.targetId).refresh(node.data.className);
      else {
        const target = await ctx.selected();
        if (target) ctx.classTree(target.id).refresh();
      }
    }),
    reg('amt.classes.probe', async (node?: TreeNode) => {
      const target = node && 'targetId' in node.data && node.data.targetId ? await ctx.target(node.data.targetId) : await ctx.selected();
      if (!target) {
        void vscode.window.showInformationMessage('Add a device in the Devices view first; then "Check Which Classes the Device Serves" asks it about every class.');
        return;
      }
      const tree = ctx.classTree(target.id);
      await tree.probe();
      const status = tree.probeStatus;
      if (status.kind === 'failed') void vscode.window.showErrorMessage(`Could not check which classes ${target.label} serves: ${status.error}`);
      else if (status.kind === 'done') void vscode.window.showInformationMessage(`${target.label} serves ${status.served} of the ${status.total} catalog classes; the others are marked "not served by this device" in the Classes view.`);
    }),
    reg('amt.openInstance', async (node?: TreeNode) => {
      if (node?.data.kind !== 'instance') {
        void vscode.window.showInformationMessage('Pick an instance in the Classes view (expand a class), then run "Open Instance".');
        return;
      }
      await open(node.data.targetId, node.data.ref, node.label);
    }),
    reg('amt.openReference', async (node?: TreeNode) => {
      if (node?.data.kind !== 'property' || !node.data.property.refs?.length) return;
      const refs = node.data.property.refs;
      const ref = refs.length === 1 ? refs[0] : (await vscode.window.showQuickPick(refs.map((r) => ({ label: r.text, ref: r })), { placeHolder: 'Open which reference?' }))?.ref;
      if (ref) await open(node.data.targetId, ref, referenceName(ref));
    }),
    reg('amt.compareWithDevice', async (uri?: vscode.Uri) => {
      const doc = uri ?? vscode.window.activeTextEditor?.document.uri;
      if (!doc || doc.scheme !== INSTANCE_SCHEME) {
        void vscode.window.showInformationMessage('Open an instance (from the Classes view) first; "Compare with Device" compares that document with the device.');
        return;
      }
      const name = doc.path.slice(doc.path.lastIndexOf('/') + 1);
      await vscode.commands.executeCommand('vscode.diff', deviceSide.deviceUri(doc), doc, `${name} (device ↔ editor)`);
    }),
  ];
}

function referenceName(ref: InstanceRef): string {
  for (const key of ['Name', 'InstanceID', 'ElementName']) {
    const v = ref.selectors[key];
    if (typeof v === 'string' && v) return v;
  }
  return ref.className;
}
