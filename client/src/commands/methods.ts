/** "Invoke Method…": pick a method of a class or instance, fill its form, show ReturnValue and the outputs. */
import * as vscode from 'vscode';
import { Requests, type InstanceRef } from '../../../server/src/protocol';
import type { Ctx } from '../ctx';
import type { ResultDocuments } from '../instanceFs';
import { runMethodForm } from '../methodFormUi';
import { MethodForm } from '../model/methodForm';
import { errorMessage } from '../model/request';
import type { TreeNode } from '../model/tree';
import { afterDeviceChange } from './refresh';

export function methodCommands(ctx: Ctx, results: ResultDocuments): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('amt.invokeMethod', async (node?: TreeNode) => {
      try {
        await invoke(ctx, results, node);
      } catch (err) {
        void vscode.window.showErrorMessage(errorMessage(err));
      }
    }),
  ];
}

async function invoke(ctx: Ctx, results: ResultDocuments, node: TreeNode | undefined): Promise<void> {
  let targetId: string | undefined;
  let className: string | undefined;
  let instance: InstanceRef | undefined;
  if (node?.data.kind === 'class') {
    ({ targetId, className } = node.data);
  } else if (node?.data.kind === 'instance') {
    ({ targetId, ref: instance } = node.data);
    className = instance.className;
  } else {
    targetId = (await ctx.selected())?.id;
    const classes = await ctx.request(Requests.listClasses, undefined);
    className = (await vscode.window.showQuickPick(classes.map((c) => c.name), { placeHolder: 'Invoke a method of which class?' })) ?? undefined;
  }
  if (!targetId || !className) return;
  const target = await ctx.target(targetId);
  if (!target) return;

  const methods = await MethodForm.methodsOf(ctx.request, className);
  if (methods.length === 0) {
    void vscode.window.showInformationMessage(`${className} has no methods.`);
    return;
  }
  const pick = await vscode.window.showQuickPick(
    methods.map((m) => ({
      label: m.name,
      description: m.in.length > 0 ? `(${m.in.map((p) => p.name + (p.required ? '*' : '')).join(', ')})` : '()',
      detail: m.declaredIn !== className ? `declared in ${m.declaredIn}` : undefined,
    })),
    { placeHolder: `Invoke which method of ${instance ? instance.text : className} on ${target.label}?` },
  );
  if (!pick) return;

  const form = await MethodForm.open(ctx.request, { targetId, className, method: pick.label, ...(instance ? { instance } : {}) }, {
    instancesOf: async (cls) => (await ctx.classTree(targetId!).load(cls)).items,
  });
  const result = await runMethodForm(form, target.label);
  if (!result) return;
  // A method may change device state (RequestPowerStateChange, a setting): every view reads it again.
  afterDeviceChange(ctx, targetId);
  const uri = results.add(`${className}.${pick.label}`, result.report);
  // In the active group (beside would split off a group next to an empty one when nothing is open).
  await vscode.window.showTextDocument(uri, { preview: true, viewColumn: vscode.ViewColumn.Active });
  const message = `${pick.label} on ${target.label}: ReturnValue ${result.returnValue} (${result.returnMeaning})`;
  if (result.returnValue === 0) void vscode.window.showInformationMessage(message);
  else void vscode.window.showWarningMessage(message);
}
