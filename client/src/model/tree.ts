/**
 * Plain descriptions of tree rows. The models build these; views/treeAdapter.ts turns them into
 * vscode.TreeItems. `data` says what the row stands for, so commands run on a row get it.
 */
import type { BootTarget, InstanceRef, PowerAction, PropertyView, TargetInfo } from '../../../server/src/protocol';

export type NodeData =
  | { kind: 'device'; target: TargetInfo }
  | { kind: 'overview'; targetId: string }
  | { kind: 'power'; targetId: string }
  | { kind: 'powerAction'; targetId: string; action: PowerAction }
  | { kind: 'classes'; targetId: string }
  | { kind: 'schema'; targetId: string; schema: 'amt' | 'cim' | 'ips' }
  | { kind: 'class'; targetId: string; className: string }
  | { kind: 'instance'; targetId: string; ref: InstanceRef }
  | { kind: 'property'; targetId: string; owner: InstanceRef; property: PropertyView }
  | { kind: 'eventLog'; targetId: string }
  | { kind: 'pages'; targetId: string }
  | { kind: 'page'; targetId: string; page: string }
  | { kind: 'watchdog'; targetId: string; section: 'os' | 'agents' | 'events' | 'eventLog' }
  | { kind: 'agent'; targetId: string; agent: string }
  | { kind: 'info'; targetId?: string }
  | { kind: 'bootSection' | 'redirectionSection'; targetId: string }
  | { kind: 'bootOption'; targetId: string; target: BootTarget | 'https' }
  | { kind: 'redirectionFeature'; targetId: string; feature: 'listener' | 'sol' | 'ider' | 'kvm'; enabled: boolean };

export interface TreeNode {
  /** Unique within its tree: VS Code keeps expansion and selection by it. */
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  /** A codicon name, e.g. `symbol-class`. */
  icon?: string;
  /** A theme colour id for the icon, e.g. `errorForeground`. */
  iconColor?: string;
  collapsible: 'none' | 'collapsed' | 'expanded';
  /** The `viewItem` value for menus. */
  contextValue?: string;
  /** Run when the row is clicked. */
  command?: { id: string; title: string; args?: unknown[] };
  data: NodeData;
}

/** A tree the adapter can show: roots, lazily computed children, and rows that changed (undefined: all). */
export interface TreeModel {
  roots(): Promise<TreeNode[]>;
  children(node: TreeNode): Promise<TreeNode[]>;
  readonly onDidChange: (listener: (node: TreeNode | undefined) => void) => { dispose(): void };
}

/**
 * Applies `decorate` to `node` and says whether anything a row shows changed. Views redraw a row
 * only then: VS Code drops the children of an expanded row that is redrawn while they load, so a
 * redraw that changes nothing (a poll, a repeated notification) must not happen.
 */
export function redecorate(node: TreeNode, decorate: (node: TreeNode) => void): boolean {
  const shown = (n: TreeNode) => JSON.stringify([n.label, n.description, n.tooltip, n.icon, n.iconColor, n.contextValue, n.collapsible]);
  const before = shown(node);
  decorate(node);
  return shown(node) !== before;
}

/** A leaf row that only says something (empty, error, hint). */
export function infoNode(id: string, label: string, opts: { description?: string; tooltip?: string; icon?: string; iconColor?: string; targetId?: string } = {}): TreeNode {
  const { targetId, ...rest } = opts;
  return { id, label, collapsible: 'none', icon: 'info', ...rest, data: { kind: 'info', ...(targetId ? { targetId } : {}) } };
}
