/** Every `amt.*` setting is read here and nowhere else. */
import * as vscode from 'vscode';

export interface AmtConfig {
  simulatorEnabled: boolean;
  requestTimeoutSeconds: number;
  trace: 'off' | 'messages' | 'verbose';
}

export function readConfig(): AmtConfig {
  const c = vscode.workspace.getConfiguration('amt');
  return {
    simulatorEnabled: c.get<boolean>('simulator.enabled', true),
    requestTimeoutSeconds: c.get<number>('requestTimeoutSeconds', 30),
    trace: c.get<'off' | 'messages' | 'verbose'>('trace.server', 'off'),
  };
}
