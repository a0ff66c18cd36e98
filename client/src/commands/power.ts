/** Power commands: each action asks for confirmation in a modal naming the device. */
import * as vscode from 'vscode';
import type { PowerAction } from '../../../server/src/protocol';
import type { Ctx } from '../ctx';
import { actionLabel, POWER_ACTIONS } from '../model/power';
import { errorMessage } from '../model/request';
import type { TreeNode } from '../model/tree';
import { targetOf } from './devices';

export function powerCommands(ctx: Ctx): vscode.Disposable[] {
  const reg = vscode.commands.registerCommand;
  return [
    // Rows pass (targetId, action); the palette and context menus pass a row or nothing.
    reg('amt.power.action', async (first?: string | TreeNode, second?: PowerAction) => {
      const target = typeof first === 'string' ? await ctx.target(first) : await targetOf(ctx, first ?? undefined, () => true, 'Which device?');
      if (!target) return;
      let action = second ?? (typeof first === 'object' && first.data.kind === 'powerAction' ? first.data.action : undefined);
      if (!action) {
        const pick = await vscode.window.showQuickPick(
          POWER_ACTIONS.map((a) => ({ label: a.label, detail: a.detail, action: a.action })),
          { placeHolder: `Power action for ${target.label}` },
        );
        if (!pick) return;
        action = pick.action;
      }
      const label = actionLabel(action);
      const detail = POWER_ACTIONS.find((a) => a.action === action)?.detail;
      const answer = await vscode.window.showWarningMessage(`${label}: ${target.label}?`, { modal: true, detail: `This ${detail}.` }, label);
      if (answer !== label) return;
      try {
        const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `${label}: ${target.label}…` }, () =>
          ctx.power.run(target.id, action!),
        );
        const state = result.powerState ? ` Power state now: ${result.powerState.label} (${result.powerState.powerState}).` : '';
        void vscode.window.showInformationMessage(`${label} on ${target.label}: ${result.returnMeaning}.${state}`);
      } catch (err) {
        void vscode.window.showErrorMessage(errorMessage(err));
      }
    }),
    reg('amt.power.refresh', async () => {
      const target = ctx.selectedNow();
      if (target) await ctx.power.refresh(target.id).catch((err) => vscode.window.showErrorMessage(errorMessage(err)));
      if (target) await ctx.boot.refresh(target.id);
    }),
  ];
}
