/** Finds and describes how to start the backend (dist/server.js) as a Node child process over IPC. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { TransportKind, type ServerOptions } from 'vscode-languageclient/node';
import type { AmtConfig } from './config';

export function serverOptions(context: vscode.ExtensionContext, config: AmtConfig): ServerOptions {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const env = { ...process.env, AMT_WORKBENCH_SIMULATOR: config.simulatorEnabled ? '1' : '0' };
  return {
    run: { module, transport: TransportKind.ipc, options: { env } },
    debug: { module, transport: TransportKind.ipc, options: { env, execArgv: ['--nolazy', '--inspect=6010'] } },
  };
}
