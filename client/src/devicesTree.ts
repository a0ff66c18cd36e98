/** The Devices view: every target, its connection state and identity, and its power state. */
import * as vscode from 'vscode';
import { Requests, type TargetInfo } from '../../server/src/protocol';
import type { Ctx } from './ctx';

type Node =
  | { kind: 'device'; target: TargetInfo }
  | { kind: 'detail'; target: TargetInfo; label: string; description?: string; icon: string; tooltip?: string };

export class DevicesTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private targets: TargetInfo[] = [];

  constructor(private readonly ctx: Ctx) {}

  refresh(targets?: TargetInfo[]): void {
    if (targets) this.targets = targets;
    this.changed.fire(undefined);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'device') {
      const t = node.target;
      const item = new vscode.TreeItem(t.label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `device:${t.id}`;
      item.description = t.state === 'error' ? 'error' : t.state;
      item.tooltip = t.error ?? t.url ?? t.label;
      item.contextValue = t.removable ? 'device.removable' : 'device';
      item.iconPath = new vscode.ThemeIcon(t.kind === 'sim' ? 'vm' : 'server', t.state === 'error' ? new vscode.ThemeColor('errorForeground') : undefined);
      return item;
    }
    const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.iconPath = new vscode.ThemeIcon(node.icon);
    return item;
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) {
      if (this.targets.length === 0) this.targets = await this.ctx.send(Requests.listTargets, undefined);
      return this.targets.map((target) => ({ kind: 'device', target }));
    }
    if (node.kind !== 'device') return [];
    return this.deviceDetails(node.target);
  }

  /** Connects on first expansion (the simulator is started lazily by the backend) and shows what the device says about itself. */
  private async deviceDetails(target: TargetInfo): Promise<Node[]> {
    const detail = (label: string, description: string | undefined, icon: string, tooltip?: string): Node => ({ kind: 'detail', target, label, description, icon, tooltip });
    try {
      const info = await this.ctx.sendToDevice(Requests.connect, target, {});
      const id = await this.ctx.sendToDevice(Requests.identify, target, {});
      const power = await this.ctx.sendToDevice(Requests.powerState, target, {});
      return [
        detail('Connection', info.state, 'plug', info.url),
        detail('Firmware', `${id.productVersion}`, 'chip', [id.productVendor, id.server].filter(Boolean).join('\n')),
        detail('Power', `${power.powerState} (${power.label})`, 'zap'),
      ];
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return [detail('Not connected', message, 'error', message)];
    }
  }
}
