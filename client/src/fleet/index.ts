/**
 * Fleet: the Fleet view and its commands. "AMT: Add MPS Server…" asks for the MPS address, user and
 * password (kept in SecretStorage, sent to the backend only to log in); saved servers log in again
 * when the extension starts. Bulk power state runs with a cancellable progress notification; a
 * power action on the selected devices runs only after the user types their count.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { FleetNotifications, FleetRequests, type FleetBulkResult, type FleetProgress } from '../../../server/src/protocol';
import type { Ctx } from '../ctx';
import { errorMessage } from '../model/request';
import { MpsSecrets } from './secrets';
import { SavedServers } from './servers';
import { FleetTree, type FleetNode } from './view';

const ACTIONS = ['on', 'off', 'cycle', 'reset', 'soft-off', 'soft-reset'] as const;

export function registerFleet(ctx: Ctx): vscode.Disposable[] {
  const tree = new FleetTree(ctx.request);
  const view = vscode.window.createTreeView('amt.fleet', { treeDataProvider: tree, canSelectMany: true, showCollapseAll: true });
  const secrets = new MpsSecrets(ctx.extension.secrets);
  const saved = new SavedServers(ctx.extension.globalState);
  const progressHandlers = new Map<string, (p: FleetProgress) => void>();

  const login = async (url: string, user: string, password: string) => {
    const server = await ctx.request(FleetRequests.addServer, { url, user, password });
    await secrets.store(server.id, user, password);
    await saved.add({ url: server.id, user });
    return server;
  };

  const restore = async () => {
    for (const s of saved.list()) {
      const password = await secrets.get(s.url, s.user);
      if (password === undefined) continue;
      await login(s.url, s.user, password).catch((err) => ctx.output.warn(`Fleet: ${errorMessage(err)}`));
    }
    tree.refresh();
  };

  const serverOf = (node: FleetNode | undefined): string | undefined => (node && node.kind !== 'server' ? node.serverId : node?.server.id);

  /** Runs a bulk request with a cancellable progress notification. */
  const bulk = (title: string, run: (token: string, cancel: vscode.CancellationToken) => Promise<FleetBulkResult>) =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, cancel) => {
      const token = randomUUID();
      let last = 0;
      progressHandlers.set(token, (p) => {
        progress.report({ message: `${p.done} of ${p.total}`, increment: ((p.done - last) / p.total) * 100 });
        last = p.done;
      });
      try {
        return await run(token, cancel);
      } finally {
        progressHandlers.delete(token);
      }
    });

  const summary = (r: FleetBulkResult) => {
    const failed = r.items.filter((i) => !i.ok);
    return `${r.items.length - failed.length} ok, ${failed.length} failed${r.cancelled ? ', cancelled before the rest' : ''}.${failed[0] ? ` First failure: ${failed[0].error}` : ''}`;
  };

  void restore();
  return [
    view,
    ctx.client.onNotification(FleetNotifications.progress, (p) => progressHandlers.get(p.token)?.(p)),
    vscode.commands.registerCommand('amt.fleet.addServer', async () => {
      const url = await vscode.window.showInputBox({ title: 'Add MPS Server (1/3)', prompt: 'The MPS address (its REST API and relay port)', placeHolder: 'mps://mps.example.com:3000', ignoreFocusOut: true });
      if (!url) return;
      const user = await vscode.window.showInputBox({ title: 'Add MPS Server (2/3)', prompt: 'The MPS web administrator user', ignoreFocusOut: true });
      if (!user) return;
      const password = await vscode.window.showInputBox({ title: 'Add MPS Server (3/3)', prompt: `Password of ${user} (kept in VS Code's secret storage)`, password: true, ignoreFocusOut: true });
      if (!password) return;
      try {
        const server = await login(url, user, password);
        void vscode.window.showInformationMessage(`Logged in to the MPS at ${server.url}.`);
      } catch (err) {
        void vscode.window.showErrorMessage(errorMessage(err));
      }
      tree.refresh();
    }),
    vscode.commands.registerCommand('amt.fleet.removeServer', async (node?: FleetNode) => {
      const id = serverOf(node);
      if (!id) return;
      const user = saved.list().find((s) => s.url === id)?.user;
      await ctx.request(FleetRequests.removeServer, { serverId: id }).catch(() => null);
      await saved.remove(id);
      if (user) await secrets.forget(id, user);
      tree.refresh();
    }),
    vscode.commands.registerCommand('amt.fleet.refresh', () => tree.refresh()),
    vscode.commands.registerCommand('amt.fleet.more', (serverId: string) => tree.more(serverId)),
    vscode.commands.registerCommand('amt.fleet.filter', async () => {
      const text = await vscode.window.showInputBox({ title: 'Filter Fleet', prompt: 'tag:NAME for one tag, or text of a host name, GUID or tag (empty shows all)', value: tree.filter });
      if (text !== undefined) tree.setFilter(text);
    }),
    vscode.commands.registerCommand('amt.fleet.powerStates', async (node?: FleetNode) => {
      const serverId = serverOf(node) ?? saved.list()[0]?.url;
      if (!serverId) return void vscode.window.showInformationMessage('Add an MPS server first (AMT: Add MPS Server…).');
      const tag = tree.query().tag;
      try {
        const result = await bulk(`Power state of ${tag ? `tag ${tag}` : 'all devices'} on ${serverId}`, (token, cancel) =>
          ctx.requestCancellable(FleetRequests.powerStates, { serverId, ...(tag ? { tag } : {}), progressToken: token }, cancel));
        for (const i of result.items) tree.powerLabels.set(i.guid, i.ok ? (i.label ?? String(i.value)) : 'power state unknown');
        tree.refresh();
        void vscode.window.showInformationMessage(`Power state: ${summary(result)}`);
      } catch (err) {
        void vscode.window.showErrorMessage(errorMessage(err));
      }
    }),
    vscode.commands.registerCommand('amt.fleet.powerAction', async (node?: FleetNode, nodes?: FleetNode[]) => {
      const picked = (nodes?.length ? nodes : node ? [node] : [...view.selection]).filter((n): n is Extract<FleetNode, { kind: 'device' }> => n.kind === 'device');
      if (picked.length === 0) return void vscode.window.showInformationMessage('Select one or more devices in the Fleet view first.');
      const serverId = picked[0]!.serverId;
      if (picked.some((n) => n.serverId !== serverId)) return void vscode.window.showErrorMessage('The selected devices are on different MPS servers; select devices of one server.');
      const action = (await vscode.window.showQuickPick([...ACTIONS], { title: `Power action on ${picked.length} device${picked.length === 1 ? '' : 's'}` })) as (typeof ACTIONS)[number] | undefined;
      if (!action) return;
      const typed = await vscode.window.showInputBox({
        title: `Power ${action}`,
        prompt: `Type ${picked.length} to ${action} ${picked.length} device${picked.length === 1 ? '' : 's'}`,
        validateInput: (v) => (v === String(picked.length) ? undefined : `Type ${picked.length} to confirm.`),
      });
      if (typed === undefined) return;
      try {
        const result = await bulk(`Power ${action} on ${picked.length} devices`, (token, cancel) =>
          ctx.requestCancellable(FleetRequests.powerAction, { serverId, guids: picked.map((n) => n.device.guid), action, confirmCount: Number(typed), progressToken: token }, cancel));
        void vscode.window.showInformationMessage(`Power ${action}: ${summary(result)}`);
      } catch (err) {
        void vscode.window.showErrorMessage(errorMessage(err));
      }
    }),
    vscode.commands.registerCommand('amt.fleet.openDevice', async (node?: FleetNode) => {
      if (node?.kind !== 'device') return;
      try {
        const { targetId } = await ctx.request(FleetRequests.openDevice, { serverId: node.serverId, guid: node.device.guid, label: node.device.hostname || node.device.guid });
        await ctx.devices.list();
        const target = await ctx.target(targetId);
        if (target) ctx.select(target);
      } catch (err) {
        void vscode.window.showErrorMessage(errorMessage(err));
      }
    }),
  ];
}
