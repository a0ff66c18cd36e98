/** The status-bar item: selected device and its power state, a spinner while a request runs; click picks a device. */
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { describeReading, WRONG_PASSWORD } from './model/power';

export function registerStatusBar(ctx: Ctx): vscode.Disposable[] {
  const item = vscode.window.createStatusBarItem('amt.device', vscode.StatusBarAlignment.Left, 10);
  item.name = 'AMT Device';
  item.command = 'amt.selectDevice';
  const update = () => {
    item.command = 'amt.selectDevice';
    const t = ctx.selectedNow();
    if (!t) {
      item.text = '$(plug) AMT: no device';
      item.tooltip = 'Select or add an AMT device';
    } else if (t.state === 'wrong-password') {
      // Clicking asks for the password: nothing is sent to the device until it is given.
      item.text = `$(key) ${t.label} · ${WRONG_PASSWORD}`;
      item.tooltip = `${t.error ?? `The device refused the password for ${t.user ?? 'admin'}.`} Click to enter it again.`;
      item.command = { command: 'amt.enterPassword', title: 'Enter Password', arguments: [t.id] };
    } else {
      const reading = ctx.power.get(t.id);
      const power = reading && 'state' in reading ? ` · ${reading.state.label}` : '';
      const icon = ctx.busy ? '$(sync~spin)' : t.state === 'error' ? '$(error)' : t.kind === 'sim' ? '$(vm)' : '$(server)';
      item.text = `${icon} ${t.label}${power}`;
      item.tooltip = new vscode.MarkdownString(
        [`**${t.label}** — ${t.state}`, t.url, t.error, `Power: ${describeReading(reading)}`, '', 'Click to choose another device.'].filter((l) => l !== undefined).join('\n\n'),
      );
    }
    item.show();
  };
  update();
  const subs = [ctx.onDidChangeSelection(update), ctx.onDidChangeBusy(update), ctx.power.onDidChange(update), ctx.devices.onDidChange(update), ctx.devices.onDidChangeTargets(update)];
  return [item, new vscode.Disposable(() => subs.forEach((s) => s.dispose()))];
}
