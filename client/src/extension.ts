/** Extension entry: starts the backend and wires views, documents, commands and the status bar. */
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { Notifications } from '../../server/src/protocol';
import { createClient } from './client';
import { registerCommands } from './commands';
import { readConfig, RESTART_SETTINGS } from './config';
import { Ctx } from './ctx';
import { DeviceStore } from './deviceStore';
import { saveInstanceCommand } from './commands/saveInstance';
import { DeviceSideProvider, InstanceFileSystem, RESULT_SCHEME, ResultDocuments } from './instanceFs';
import { DEVICE_SCHEME, INSTANCE_SCHEME } from './model/instanceDocument';
import { redactingChannel } from './model/redact';
import { registerRedirection } from './redirection';
import { registerFleet } from './fleet';
import { registerActivation } from './activation';
import { registerPages } from './pages/panel';
import { registerSnapshots } from './snapshot';
import { DeviceSecrets } from './secrets';
import { registerStatusBar } from './statusBar';
import { registerViews } from './views/views';
import { registerWatchdogView } from './views/watchdogView';
import { registerWatchdogDebug } from './watchdogDebug';
import { beforeStop, warnIfLeftArmed } from './watchdogExit';

let client: LanguageClient | undefined;
/** Run by deactivate before the backend stops: disarms (or warns about) armed watchdogs. */
let stopping: (() => Promise<void>) | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  // Redacting: with amt.trace.server "verbose" the language client writes every request's params,
  // credentials included, to this channel (model/redact.ts).
  const output = redactingChannel(vscode.window.createOutputChannel('AMT Workbench', { log: true }));
  client = createClient(context, readConfig(), output);
  const ctx = new Ctx(context, client, new DeviceSecrets(context.secrets), output);
  const store = new DeviceStore(context.globalState);
  const fs = new InstanceFileSystem(ctx, (a) => ctx.classTree(a.targetId).refresh(a.className));
  const deviceSide = new DeviceSideProvider(fs.docs);
  const results = new ResultDocuments();
  const { disposables: views } = registerViews(ctx, () => readConfig().powerPollSeconds);
  const watchdogView = registerWatchdogView(ctx);
  stopping = () => beforeStop(ctx);

  context.subscriptions.push(
    output,
    ...views,
    ...registerStatusBar(ctx),
    ...watchdogView.disposables,
    ...registerWatchdogDebug(ctx),
    vscode.workspace.registerFileSystemProvider(INSTANCE_SCHEME, fs, { isCaseSensitive: true }),
    saveInstanceCommand(fs),
    vscode.workspace.registerTextDocumentContentProvider(DEVICE_SCHEME, deviceSide),
    vscode.workspace.registerTextDocumentContentProvider(RESULT_SCHEME, results),
    ...registerCommands(ctx, { store, deviceSide, results }),
    ...registerPages(ctx),
    ...registerRedirection(ctx),
    ...registerActivation(ctx),
    ...registerSnapshots(ctx),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (RESTART_SETTINGS.some((s) => e.affectsConfiguration(s))) void offerRestart();
    }),
  );

  await client.start();
  context.subscriptions.push(...registerFleet(ctx));
  context.subscriptions.push(
    client.onNotification(Notifications.targetChanged, (change) => ctx.devices.applyChange(change)),
    // Only sent while amt.trace.server is on; the backend has already redacted credentials.
    client.onNotification(Notifications.trace, (t) => output.info(`[${t.targetId}] ${t.direction}\n${t.text}`)),
    client.onNotification(Notifications.watchdogChanged, (s) => ctx.watchdog.update(s)),
    client.onNotification(Notifications.event, (e) => ctx.watchdog.receive(e)),
    // A restarted backend closed its watchdog sessions and event streams.
    client.onDidChangeState((e) => e.newState === State.Running && ctx.watchdog.backendRestarted()),
  );
  warnIfLeftArmed(ctx);
  const problems = await store.restore(ctx.request);
  if (problems.length > 0) void vscode.window.showWarningMessage(`Some saved devices could not be added: ${problems.join(' ')}`);
  await ctx.reselect();
}

async function offerRestart(): Promise<void> {
  const answer = await vscode.window.showInformationMessage('The AMT backend reads this setting when it starts.', 'Restart Backend', 'Reload Window');
  if (answer === 'Restart Backend') await vscode.commands.executeCommand('amt.restartBackend');
  else if (answer === 'Reload Window') await vscode.commands.executeCommand('workbench.action.reloadWindow');
}

export async function deactivate(): Promise<void> {
  await stopping?.();
  stopping = undefined;
  await client?.stop();
  client = undefined;
}
