/** Creates the LanguageClient that connects the extension to the backend. */
import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions } from 'vscode-languageclient/node';
import type { InitializationOptions } from '../../server/src/protocol';
import { serverOptions } from './bootstrap';
import { readConfig, type AmtConfig } from './config';

export function createClient(context: vscode.ExtensionContext, config: AmtConfig, output: vscode.LogOutputChannel): LanguageClient {
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'wsman' }],
    outputChannel: output,
    // A function, so a restarted backend gets the settings of that moment.
    initializationOptions: () => {
      const c = readConfig();
      const options: InitializationOptions = { requestTimeoutSeconds: c.requestTimeoutSeconds, trace: c.trace, watchdogDevice: c.watchdogDevice, simulatorTimeScale: c.simulatorTimeScale };
      return options;
    },
  };
  return new LanguageClient('amt', 'AMT Workbench', serverOptions(context, config), clientOptions);
}
