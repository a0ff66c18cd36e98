/**
 * The Watchdog view of the AMT container: the selected device's OS watchdog, agents and events
 * (model/watchdogStore.ts and model/watchdogTree.ts). While it is visible the countdown is redrawn every second, and the state is
 * read again whenever the view shows or the selection changes. The view's message says why there
 * is no watchdog to drive, when there is none; context keys tell the title buttons what applies.
 */
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import type { LogRecord } from '../../../server/src/protocol';
import { eventLogDocument } from '../model/eventLogDetail';
import { WatchdogExpiryWatch } from '../model/watchdogExpiry';
import { formatSeconds } from '../model/watchdogStore';
import { WatchdogTree } from '../model/watchdogTree';
import { TreeAdapter } from './treeAdapter';

export function registerWatchdogView(ctx: Ctx): { tree: WatchdogTree; disposables: vscode.Disposable[] } {
  const selected = () => {
    const t = ctx.selectedNow();
    return t ? { id: t.id, label: t.label } : undefined;
  };
  const tree = new WatchdogTree(ctx.watchdog, selected);
  const adapter = new TreeAdapter(tree);
  const view = vscode.window.createTreeView('amt.watchdog', { treeDataProvider: adapter });

  const showState = () => {
    const t = selected();
    const state = t ? ctx.watchdog.get(t.id) : undefined;
    view.description = t?.label;
    view.message = tree.message();
    void vscode.commands.executeCommand('setContext', 'amt.watchdog.armed', state?.armed === true);
    void vscode.commands.executeCommand('setContext', 'amt.watchdog.keepalive', state?.keepalive === true);
  };

  // The countdown ticks only while someone can see it and something is armed.
  let timer: NodeJS.Timeout | undefined;
  const stopTicking = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  const updateTicking = () => {
    const t = selected();
    const counting = view.visible && t !== undefined && ctx.watchdog.countdown(t.id).kind !== 'off';
    if (counting && !timer) {
      timer = setInterval(() => {
        if (!tree.tick()) stopTicking();
      }, 1000);
    } else if (!counting) stopTicking();
  };
  const reread = () => {
    const t = selected();
    if (t && view.visible) void ctx.watchdog.refresh(t.id).catch(() => undefined);
  };

  const subs = [
    ctx.watchdog.onDidChange((id) => {
      if (id !== selected()?.id) return;
      showState();
      updateTicking();
    }),
    ctx.onDidChangeSelection(() => {
      tree.selectionChanged();
      showState();
      reread();
      updateTicking();
    }),
  ];
  // Wherever the user is looking: the watchdog expired because the heartbeats stopped.
  const expiry = new WatchdogExpiryWatch(ctx.watchdog, (state) => {
    const label = ctx.devices.known.find((t) => t.id === state.targetId)?.label ?? state.targetId;
    const timeout = formatSeconds(state.timeoutSeconds ?? 0);
    void vscode.window
      .showWarningMessage(`The OS watchdog of ${label} expired: no heartbeat came within ${timeout}, so AMT logged an OS hang.`, 'Heartbeat Now', 'Disarm')
      .then((choice) => {
        if (choice === 'Heartbeat Now') void vscode.commands.executeCommand('amt.watchdog.heartbeat', state.targetId);
        else if (choice === 'Disarm') void vscode.commands.executeCommand('amt.watchdog.disarm', state.targetId);
      });
  });
  showState();
  const eventDocs = registerEventLogDetail(ctx);
  return {
    tree,
    disposables: [
      adapter,
      view,
      expiry,
      ...eventDocs,
      view.onDidChangeVisibility(() => {
        reread();
        updateTicking();
      }),
      new vscode.Disposable(() => {
        stopTicking();
        subs.forEach((s) => s.dispose());
      }),
    ],
  };
}

/**
 * A click on an event-log row (Devices or Watchdog view) opens the record as a read-only
 * Markdown document with every decoded field (model/eventLogDetail.ts).
 */
const EVENT_SCHEME = 'amt-event';

function registerEventLogDetail(ctx: Ctx): vscode.Disposable[] {
  const docs = new Map<string, string>();
  const provider: vscode.TextDocumentContentProvider = { provideTextDocumentContent: (uri) => docs.get(uri.toString()) ?? 'This event-log record is no longer open; open it again from the Event log.' };
  return [
    vscode.workspace.registerTextDocumentContentProvider(EVENT_SCHEME, provider),
    vscode.commands.registerCommand('amt.eventLog.open', async (targetId: string, record: LogRecord, index: number, total: number) => {
      if (!record) return;
      const device = (await ctx.target(targetId).catch(() => undefined))?.label ?? targetId;
      const stamp = (record.time || 'undated').replace(/[:.]/g, '-');
      const uri = vscode.Uri.from({ scheme: EVENT_SCHEME, path: `/${device} event ${stamp}.md`, query: `${record.raw}` });
      docs.set(uri.toString(), eventLogDocument(record, device, { index, total }));
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc, { preview: true });
    }),
  ];
}
