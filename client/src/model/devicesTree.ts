/**
 * The Devices view: every target with its connection state and identity, and under each one
 * Overview (Identify and firmware versions), Power (state and actions), Classes (the class tree)
 * and Event log. Expanding a device connects to it (the backend starts the simulator on first use).
 */
import { Requests, type IdentifyResult, type LegacyIdentityFields, type TargetChange, type TargetInfo } from '../../../server/src/protocol';
import type { ClassTree } from './classTree';
import { eventLogRows } from './eventLogDetail';
import { describeReading, POWER_ACTIONS, WRONG_PASSWORD, type PowerStore } from './power';
import { Emitter, errorMessage, type Request } from './request';
import { infoNode, redecorate, type TreeModel, type TreeNode } from './tree';

export interface DevicesTreeDeps {
  request: Request;
  power: PowerStore;
  /** The class tree of a device (one per device, shared with the Classes view). */
  classTree(targetId: string): ClassTree;
  /** The device pages (client/src/pages/registry.ts) listed under a device's "Pages" row. */
  pages?: ReadonlyArray<{ kind: string; title: string; icon: string }>;
}

type Identity = { id: IdentifyResult } | { error: string };

export class DevicesTree implements TreeModel {
  private targets: TargetInfo[] | undefined;
  /** Changes that arrived while the list was being read; applied once it is. */
  private pendingChanges: TargetChange[] = [];
  private readonly deviceNodes = new Map<string, TreeNode>();
  private readonly powerNodes = new Map<string, TreeNode>();
  private readonly classesNodes = new Map<string, TreeNode>();
  private readonly classTrees = new Set<string>();
  private readonly identities = new Map<string, { promise: Promise<Identity>; result?: Identity }>();
  private readonly changed = new Emitter<TreeNode | undefined>();
  readonly onDidChange = this.changed.event;
  private readonly targetsChanged = new Emitter<readonly TargetInfo[]>();
  /** The list or a target's state changed (whether or not its row is shown). */
  readonly onDidChangeTargets = this.targetsChanged.event;

  constructor(private readonly deps: DevicesTreeDeps) {
    deps.power.onDidChange((targetId) => {
      const node = this.powerNodes.get(targetId);
      if (node && redecorate(node, (n) => this.decoratePower(n, targetId))) this.changed.fire(node);
    });
  }

  /** The backend's list changed (added, removed, connected, failed). */
  setTargets(targets: TargetInfo[]): void {
    const sameIds = this.targets !== undefined && this.targets.map((t) => t.id).join('\n') === targets.map((t) => t.id).join('\n');
    this.targets = targets;
    this.targetsChanged.fire(targets);
    for (const t of targets) if (t.state === 'error' || t.state === 'disconnected' || t.state === 'wrong-password') this.identities.delete(t.id);
    if (!sameIds) {
      this.changed.fire(undefined);
      return;
    }
    for (const t of targets) {
      const node = this.deviceNodes.get(t.id);
      if (node && redecorate(node, (n) => this.decorateDevice(n, t))) this.changed.fire(node);
    }
  }

  /** One target's change, as the backend announces it (`amt/targets/changed`). */
  applyChange(change: TargetChange): void {
    if (this.targets === undefined) {
      this.pendingChanges.push(change);
      return;
    }
    this.setTargets(applyTargetChange(this.targets, change));
  }

  /** Asks the backend for the list again and forgets identities (they are read again on expansion). */
  async reload(): Promise<void> {
    this.identities.clear();
    this.targets = undefined;
    this.pendingChanges = [];
    this.changed.fire(undefined);
  }

  /** The list as last received, without asking the backend ([] before the first answer). */
  get known(): readonly TargetInfo[] {
    return this.targets ?? [];
  }

  async list(): Promise<TargetInfo[]> {
    if (this.targets === undefined) {
      this.pendingChanges = [];
      let targets = await this.deps.request(Requests.listTargets, undefined);
      for (const change of this.pendingChanges.splice(0)) targets = applyTargetChange(targets, change);
      this.targets ??= targets;
    }
    return this.targets;
  }

  async roots(): Promise<TreeNode[]> {
    return (await this.list()).map((t) => {
      let node = this.deviceNodes.get(t.id);
      if (!node) {
        node = { id: `device:${t.id}`, label: t.label, collapsible: 'collapsed', data: { kind: 'device', target: t } };
        this.deviceNodes.set(t.id, node);
      }
      this.decorateDevice(node, t);
      return node;
    });
  }

  async children(node: TreeNode): Promise<TreeNode[]> {
    const d = node.data;
    switch (d.kind) {
      case 'device':
        return this.deviceRows(d.target);
      case 'overview':
        return this.overviewRows(node, d.targetId);
      case 'power':
        return POWER_ACTIONS.map((a) => ({
          id: `${node.id}/${a.action}`,
          label: a.label,
          tooltip: `${a.label}: ${a.detail}`,
          icon: a.icon,
          collapsible: 'none' as const,
          contextValue: 'amt.powerAction',
          command: { id: 'amt.power.action', title: a.label, args: [d.targetId, a.action] },
          data: { kind: 'powerAction' as const, targetId: d.targetId, action: a.action },
        }));
      case 'classes':
        return this.classTree(d.targetId).roots();
      case 'eventLog':
        return this.eventRows(node, d.targetId);
      case 'pages':
        return (this.deps.pages ?? []).map((p) => ({
          id: `${node.id}/${p.kind}`,
          label: p.title,
          icon: p.icon,
          collapsible: 'none' as const,
          contextValue: `amt.page.${p.kind}`,
          command: { id: 'amt.openPage', title: `Show ${p.title}`, args: [p.kind, d.targetId] },
          data: { kind: 'page' as const, targetId: d.targetId, page: p.kind },
        }));
      case 'schema':
      case 'class':
      case 'instance':
      case 'property':
        return this.classTree(d.targetId).children(node);
      default:
        return [];
    }
  }

  /** Identify, once per connection; a failure is remembered until the device changes state. */
  identity(targetId: string): Promise<Identity> {
    let entry = this.identities.get(targetId);
    if (!entry) {
      const e: { promise: Promise<Identity>; result?: Identity } = {
        promise: this.deps.request(Requests.identify, { targetId }).then(
          (id): Identity => ({ id }),
          (err): Identity => ({ error: errorMessage(err) }),
        ),
      };
      void e.promise.then((result) => {
        e.result = result;
        const node = this.deviceNodes.get(targetId);
        const target = this.targets?.find((t) => t.id === targetId);
        if (node && target && this.identities.get(targetId) === e && redecorate(node, (n) => this.decorateDevice(n, target))) this.changed.fire(node);
      });
      this.identities.set(targetId, e);
      entry = e;
    }
    return entry.promise;
  }

  /**
   * A device's class tree, whose changes show here too: a changed class row is redrawn as is, a
   * change to the whole tree (the filter) redraws the device's Classes row.
   */
  private classTree(targetId: string) {
    const tree = this.deps.classTree(targetId);
    if (!this.classTrees.has(targetId)) {
      this.classTrees.add(targetId);
      tree.onDidChange((node) => {
        const target = node ?? this.classesNodes.get(targetId);
        if (target) this.changed.fire(target);
      });
    }
    return tree;
  }

  private decorateDevice(node: TreeNode, t: TargetInfo): void {
    const identity = this.identities.get(t.id)?.result;
    const version = identity && 'id' in identity ? identity.id.productVersion : undefined;
    node.label = t.label;
    node.data = { kind: 'device', target: t };
    node.description = [t.state === 'wrong-password' ? WRONG_PASSWORD : t.state, version].filter(Boolean).join(' · ');
    node.tooltip = [t.label, t.url, t.user ? `user ${t.user}` : undefined, t.error, identity && 'error' in identity ? identity.error : undefined].filter(Boolean).join('\n');
    node.icon = t.kind === 'sim' ? 'vm' : 'server';
    node.iconColor = t.state === 'error' || t.state === 'wrong-password' ? 'errorForeground' : t.state === 'connected' ? 'testing.iconPassed' : undefined;
    node.contextValue = t.removable ? 'amt.device.removable' : 'amt.device';
  }

  private decoratePower(node: TreeNode, targetId: string): void {
    const reading = this.deps.power.get(targetId);
    node.description = describeReading(reading);
    node.iconColor = reading && 'error' in reading ? 'errorForeground' : undefined;
  }

  private deviceRows(t: TargetInfo): TreeNode[] {
    // Connect and identify in the background: the device row shows the version when it arrives.
    void this.identity(t.id);
    const base = `device:${t.id}`;
    let power = this.powerNodes.get(t.id);
    if (!power) {
      power = { id: `${base}/power`, label: 'Power', icon: 'zap', collapsible: 'collapsed', contextValue: 'amt.power', data: { kind: 'power', targetId: t.id } };
      this.powerNodes.set(t.id, power);
      void this.deps.power.refresh(t.id).catch(() => undefined);
    }
    this.decoratePower(power, t.id);
    let classes = this.classesNodes.get(t.id);
    if (!classes) {
      classes = { id: `${base}/classes`, label: 'Classes', icon: 'symbol-class', collapsible: 'collapsed', contextValue: 'amt.classes', data: { kind: 'classes', targetId: t.id } };
      this.classesNodes.set(t.id, classes);
    }
    return [
      { id: `${base}/overview`, label: 'Overview', icon: 'info', collapsible: 'collapsed', data: { kind: 'overview', targetId: t.id } },
      power,
      classes,
      { id: `${base}/eventLog`, label: 'Event log', icon: 'output', collapsible: 'collapsed', contextValue: 'amt.eventLog', data: { kind: 'eventLog', targetId: t.id } },
      ...(this.deps.pages?.length ? [{ id: `${base}/pages`, label: 'Pages', icon: 'browser', collapsible: 'collapsed' as const, data: { kind: 'pages' as const, targetId: t.id } }] : []),
    ];
  }

  private async overviewRows(node: TreeNode, targetId: string): Promise<TreeNode[]> {
    const identity = await this.identity(targetId);
    const t = (await this.list()).find((x) => x.id === targetId);
    const row = (key: string, label: string, description: string | undefined, icon: string) =>
      infoNode(`${node.id}/${key}`, label, { description: description || '—', tooltip: description, icon, targetId });
    const rows: TreeNode[] = [row('connection', 'Connection', [t?.state, t?.url].filter(Boolean).join(' · '), 'plug')];
    if ('error' in identity) {
      rows.push(infoNode(`${node.id}/error`, 'Not connected', { description: identity.error, tooltip: identity.error, icon: 'error', iconColor: 'errorForeground', targetId }));
      return rows;
    }
    const id = identity.id;
    const legacy = (id as IdentifyResult & LegacyIdentityFields).legacy;
    if (legacy) rows.push(row('legacy', 'Legacy AMT', legacy.summary, 'history'));
    rows.push(
      row('product', 'Product', `${id.productVendor} ${id.productVersion}`.trim(), 'chip'),
      row('protocol', 'Protocol', id.protocolVersion, 'symbol-interface'),
      row('dash', 'DASH', id.dashVersion, 'symbol-interface'),
      row('profiles', 'Security profiles', id.securityProfiles.join(', '), 'shield'),
      row('server', 'Firmware', id.server, 'server-process'),
    );
    try {
      const versions = await this.classTree(targetId).load('CIM_SoftwareIdentity');
      for (const v of versions.items) {
        const version = v.properties.find((p) => p.name === 'VersionString')?.text;
        const name = v.properties.find((p) => p.name === 'InstanceID')?.text ?? v.label;
        if (version !== undefined) rows.push(row(`v/${name}`, name, version, 'versions'));
      }
    } catch {
      // Versions are a bonus: a device that refuses CIM_SoftwareIdentity still has its Identify rows.
    }
    return rows;
  }

  private async eventRows(node: TreeNode, targetId: string): Promise<TreeNode[]> {
    try {
      const { records } = await this.deps.request(Requests.readLog, { targetId });
      if (records.length === 0) return [infoNode(`${node.id}/empty`, 'The event log is empty', { icon: 'circle-outline', targetId })];
      return eventLogRows(records, node.id, targetId);
    } catch (err) {
      return [infoNode(`${node.id}/error`, errorMessage(err), { icon: 'error', iconColor: 'errorForeground', targetId })];
    }
  }
}

/** The list after one target's change: added at the end, updated in place, removed. */
export function applyTargetChange(targets: readonly TargetInfo[], change: TargetChange): TargetInfo[] {
  if (change.kind === 'removed') return targets.filter((t) => t.id !== change.targetId);
  const at = targets.findIndex((t) => t.id === change.target.id);
  if (at < 0) return [...targets, change.target];
  return targets.map((t, i) => (i === at ? change.target : t));
}
