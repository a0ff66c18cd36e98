/** A vscode TreeDataProvider over a vscode-free TreeModel (client/src/model/). */
import * as vscode from 'vscode';
import { errorMessage, type Emitter } from '../model/request';
import { infoNode, type TreeModel, type TreeNode } from '../model/tree';

const COLLAPSIBLE = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
} as const;

export class TreeAdapter implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private subscription: { dispose(): void };

  constructor(private model: TreeModel) {
    this.subscription = model.onDidChange((node) => this.emitter.fire(node));
  }

  /** Shows another model (the Classes view follows the selected device). */
  setModel(model: TreeModel): void {
    if (model === this.model) return;
    this.subscription.dispose();
    this.model = model;
    this.subscription = model.onDidChange((node) => this.emitter.fire(node));
    this.emitter.fire(undefined);
  }

  refresh(): void {
    this.emitter.fire(undefined);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.label, COLLAPSIBLE[node.collapsible]);
    item.id = node.id;
    if (node.description !== undefined) item.description = node.description;
    if (node.tooltip !== undefined) item.tooltip = node.tooltip;
    if (node.icon) item.iconPath = new vscode.ThemeIcon(node.icon, node.iconColor ? new vscode.ThemeColor(node.iconColor) : undefined);
    if (node.contextValue) item.contextValue = node.contextValue;
    if (node.command) item.command = { command: node.command.id, title: node.command.title, arguments: node.command.args ?? [node] };
    return item;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    try {
      return node ? await this.model.children(node) : await this.model.roots();
    } catch (err) {
      // A failed expansion shows why in the tree rather than an empty row.
      return [infoNode(`${node?.id ?? 'root'}/error`, errorMessage(err), { icon: 'error', iconColor: 'errorForeground', tooltip: errorMessage(err) })];
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}

/** An empty model, for a view with nothing to show (no device selected). */
export function emptyModel(changed: Emitter<TreeNode | undefined>): TreeModel {
  return { roots: async () => [], children: async () => [], onDidChange: changed.event };
}
