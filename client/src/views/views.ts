/**
 * The three views of the AMT container: Devices (every target), Classes (the selected device's
 * class tree, with the class-name filter in its message) and Power (the selected device's state,
 * read again every few seconds while the view is visible).
 */
import * as vscode from 'vscode';
import type { TargetInfo } from '../../../server/src/protocol';
import type { Ctx } from '../ctx';
import { PowerPoller, PowerTree } from '../model/power';
import { Emitter } from '../model/request';
import type { TreeNode } from '../model/tree';
import { emptyModel, TreeAdapter } from './treeAdapter';

export interface Views {
  devices: TreeAdapter;
  classes: TreeAdapter;
  power: TreeAdapter;
  powerTree: PowerTree;
}

/** The device a row belongs to, for rows that carry one. */
export function targetIdOf(node: TreeNode | undefined): string | undefined {
  if (!node) return undefined;
  const d = node.data;
  return d.kind === 'device' ? d.target.id : 'targetId' in d ? d.targetId : undefined;
}

export function registerViews(ctx: Ctx, pollSeconds: () => number): { views: Views; disposables: vscode.Disposable[] } {
  const noDevice = new Emitter<TreeNode | undefined>();
  const devices = new TreeAdapter(ctx.devices);
  const classes = new TreeAdapter(emptyModel(noDevice));
  const powerTree = new PowerTree(ctx.power, () => {
    const t = ctx.selectedNow();
    return t ? { id: t.id, label: t.label } : undefined;
  }, ctx.boot);
  const power = new TreeAdapter(powerTree);

  const devicesView = vscode.window.createTreeView('amt.devices', { treeDataProvider: devices, showCollapseAll: true });
  const classesView = vscode.window.createTreeView('amt.classes', { treeDataProvider: classes, showCollapseAll: true });
  const powerView = vscode.window.createTreeView('amt.power', { treeDataProvider: power });

  const showSelection = (target: TargetInfo | undefined) => {
    classes.setModel(target ? ctx.classTree(target.id) : emptyModel(noDevice));
    classesView.description = target?.label;
    powerView.description = target?.label;
    powerTree.selectionChanged();
  };
  const showFilter = (filter: string) => {
    classesView.message = filter ? `Showing classes whose name contains "${filter}". Run "AMT: Clear Class Filter" to see all.` : undefined;
  };

  // Polls only while someone can see the result, and not a device that refused its password.
  let timer: NodeJS.Timeout | undefined;
  const poller = new PowerPoller(ctx.power, () => ctx.selectedNow(), () => powerView.visible);
  const poll = () => poller.tick();
  const updatePolling = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    const seconds = pollSeconds();
    if (powerView.visible && seconds > 0) {
      poll();
      timer = setInterval(poll, seconds * 1000);
    }
  };

  const disposables: vscode.Disposable[] = [
    devices,
    classes,
    power,
    devicesView,
    classesView,
    powerView,
    devicesView.onDidChangeSelection(async (e) => {
      const id = targetIdOf(e.selection[0]);
      const target = id ? await ctx.target(id) : undefined;
      if (!target || target.id === ctx.selectedNow()?.id) return;
      ctx.select(target);
      // Choosing a device is a use of it: its power state is read for the status bar and Power view.
      if (!ctx.power.get(target.id)) void ctx.power.refresh(target.id).catch(() => undefined);
    }),
    powerView.onDidChangeVisibility(updatePolling),
    { dispose: () => timer && clearInterval(timer) },
    toDisposable(ctx.onDidChangeSelection(showSelection)),
    toDisposable(ctx.onDidChangeFilter(showFilter)),
  ];
  return { views: { devices, classes, power, powerTree }, disposables };
}

function toDisposable(d: { dispose(): void }): vscode.Disposable {
  return new vscode.Disposable(() => d.dispose());
}
