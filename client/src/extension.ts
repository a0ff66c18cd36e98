/** Extension entry: starts the backend and wires views and commands. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Notifications } from '../../server/src/protocol';
import { createClient } from './client';
import { registerCommands } from './commands';
import { readConfig } from './config';
import { Ctx } from './ctx';
import { DevicesTree } from './devicesTree';
import { DeviceSecrets } from './secrets';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('AMT Workbench', { log: true });
  const config = readConfig();
  client = createClient(context, config, output);
  const ctx = new Ctx(context, client, new DeviceSecrets(context.secrets), output);
  const devices = new DevicesTree(ctx);
  context.subscriptions.push(output, vscode.window.createTreeView('amt.devices', { treeDataProvider: devices, showCollapseAll: true }), ...registerCommands(ctx, devices));
  await client.start();
  context.subscriptions.push(client.onNotification(Notifications.targetsChanged, (targets) => devices.refresh(targets)));
  context.subscriptions.push(client.onNotification(Notifications.trace, (t) => output.trace(`[${t.targetId}] ${t.direction}\n${t.text}`)));
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
