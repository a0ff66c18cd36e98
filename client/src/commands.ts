/** Command handlers of the extension. */
import * as vscode from 'vscode';
import { Requests, type TargetInfo } from '../../server/src/protocol';
import type { Ctx } from './ctx';
import type { DevicesTree } from './devicesTree';

export function registerCommands(ctx: Ctx, devices: DevicesTree): vscode.Disposable[] {
  const refresh = async () => devices.refresh(await ctx.send(Requests.listTargets, undefined));
  return [
    vscode.commands.registerCommand('amt.refreshDevices', refresh),
    vscode.commands.registerCommand('amt.addDevice', async () => {
      const url = await vscode.window.showInputBox({
        title: 'Add AMT device (1/3)',
        prompt: 'Address of the device: http://HOST:16992 or https://HOST:16993',
        placeHolder: 'http://192.0.2.10:16992',
        validateInput: (v) => (/^https?:\/\/[^/\s]+(:\d+)?\/?$/.test(v.trim()) ? undefined : 'Give http://HOST:PORT or https://HOST:PORT'),
      });
      if (!url) return;
      const user = await vscode.window.showInputBox({ title: 'Add AMT device (2/3)', prompt: 'User name', value: 'admin' });
      if (!user) return;
      const password = await vscode.window.showInputBox({ title: 'Add AMT device (3/3)', prompt: `Password for ${user} (kept in VS Code's secret storage)`, password: true });
      if (password === undefined) return;
      const target = await ctx.send(Requests.addTarget, { url: url.trim(), user });
      await ctx.secrets.store(target, password);
      await refresh();
    }),
    vscode.commands.registerCommand('amt.removeDevice', async (node?: { target?: TargetInfo }) => {
      const target = node?.target;
      if (!target) return;
      const answer = await vscode.window.showWarningMessage(`Remove ${target.label} from AMT Workbench?`, { modal: true }, 'Remove');
      if (answer !== 'Remove') return;
      await ctx.send(Requests.removeTarget, { targetId: target.id });
      await ctx.secrets.forget(target);
      await refresh();
    }),
    vscode.commands.registerCommand('amt.identify', async (node?: { target?: TargetInfo }) => {
      const target = node?.target ?? (await ctx.send(Requests.listTargets, undefined))[0];
      if (!target) return;
      const id = await ctx.sendToDevice(Requests.identify, target, {});
      void vscode.window.showInformationMessage(`${target.label}: ${id.productVendor} ${id.productVersion}`);
    }),
  ];
}
