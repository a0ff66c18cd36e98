/**
 * The Fleet view: one row per MPS server, under it that server's devices (connection status, host
 * name, tags, firmware, last seen; a page at a time with a "Show more" row), narrowed by the
 * view's filter (a tag as `tag:NAME`, or any text of host name, GUID or tag). The power state of a
 * bulk read shows beside each device.
 */
import * as vscode from 'vscode';
import { FleetRequests, type FleetDevice, type FleetServer } from '../../../server/src/protocol';
import type { Request } from '../model/request';

export type FleetNode =
  | { kind: 'server'; server: FleetServer }
  | { kind: 'device'; serverId: string; device: FleetDevice }
  | { kind: 'more'; serverId: string; shown: number; total: number }
  | { kind: 'message'; serverId: string; text: string };

const PAGE = 100;

export class FleetTree implements vscode.TreeDataProvider<FleetNode> {
  private readonly changed = new vscode.EventEmitter<FleetNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Pages loaded so far, per server. */
  private readonly pages = new Map<string, number>();
  /** Power state labels from the last bulk read, by GUID. */
  readonly powerLabels = new Map<string, string>();
  filter = '';

  constructor(private readonly request: Request) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  more(serverId: string): void {
    this.pages.set(serverId, (this.pages.get(serverId) ?? 1) + 1);
    this.refresh();
  }

  setFilter(text: string): void {
    this.filter = text.trim();
    this.pages.clear();
    this.refresh();
  }

  /** The filter as the backend's query. */
  query(): { tag?: string; text?: string } {
    const tag = /^tag:(.+)$/i.exec(this.filter)?.[1]?.trim();
    return tag ? { tag } : this.filter ? { text: this.filter } : {};
  }

  getTreeItem(node: FleetNode): vscode.TreeItem {
    switch (node.kind) {
      case 'server': {
        const item = new vscode.TreeItem(node.server.url, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `fleet:${node.server.id}`;
        item.description = node.server.error ? 'not logged in' : node.server.user;
        item.tooltip = node.server.error ?? `MPS ${node.server.url} as ${node.server.user}`;
        item.contextValue = 'amt.fleet.server';
        item.iconPath = new vscode.ThemeIcon(node.server.connected ? 'server-environment' : 'warning');
        return item;
      }
      case 'device': {
        const d = node.device;
        const item = new vscode.TreeItem(d.hostname || d.guid, vscode.TreeItemCollapsibleState.None);
        item.id = `fleet:${node.serverId}/${d.guid}`;
        const power = this.powerLabels.get(d.guid);
        item.description = [d.connected ? 'connected' : 'disconnected', power, d.tags.join(', ') || undefined].filter(Boolean).join(' · ');
        item.tooltip = [
          `GUID ${d.guid}`,
          `Status: ${d.connected ? 'connected' : 'disconnected'}`,
          `Tags: ${d.tags.join(', ') || 'none'}`,
          `Firmware: ${d.firmware ?? 'not recorded'}`,
          `Last seen: ${d.lastSeen ?? 'not recorded'}`,
          ...(power ? [`Power: ${power}`] : []),
        ].join('\n');
        item.contextValue = d.connected ? 'amt.fleet.device.connected' : 'amt.fleet.device';
        item.iconPath = new vscode.ThemeIcon(d.connected ? 'vm-active' : 'vm-outline');
        return item;
      }
      case 'more': {
        const item = new vscode.TreeItem(`Show more (${node.shown} of ${node.total})`);
        item.command = { command: 'amt.fleet.more', title: 'Show more', arguments: [node.serverId] };
        return item;
      }
      case 'message':
        return new vscode.TreeItem(node.text);
    }
  }

  async getChildren(node?: FleetNode): Promise<FleetNode[]> {
    if (!node) {
      const servers = await this.request(FleetRequests.servers, {});
      return servers.map((server) => ({ kind: 'server' as const, server }));
    }
    if (node.kind !== 'server') return [];
    const serverId = node.server.id;
    if (node.server.error && !node.server.connected) return [{ kind: 'message', serverId, text: node.server.error }];
    try {
      const pages = this.pages.get(serverId) ?? 1;
      const out: FleetNode[] = [];
      let total = 0;
      for (let page = 0; page < pages; page++) {
        const p = await this.request(FleetRequests.devices, { serverId, page, pageSize: PAGE, ...this.query() });
        total = p.total;
        out.push(...p.rows.map((device) => ({ kind: 'device' as const, serverId, device })));
        if ((page + 1) * PAGE >= p.total) break;
      }
      if (out.length === 0) return [{ kind: 'message', serverId, text: this.filter ? `No device matches "${this.filter}".` : 'MPS lists no devices.' }];
      const shownAll = pages * PAGE >= total;
      return shownAll ? out : [...out, { kind: 'more', serverId, shown: pages * PAGE, total }];
    } catch (err) {
      return [{ kind: 'message', serverId, text: err instanceof Error ? err.message : String(err) }];
    }
  }
}
