/** Every `amt.*` setting is read here and nowhere else. */
import * as vscode from 'vscode';

export interface AmtConfig {
  simulatorEnabled: boolean;
  requestTimeoutSeconds: number;
  trace: 'off' | 'messages' | 'verbose';
  /** Instances per Pull when a class is expanded. */
  enumerationPageSize: number;
  /** Seconds between power-state reads while the Power view is visible (0: never). */
  powerPollSeconds: number;
}

export function readConfig(): AmtConfig {
  const c = vscode.workspace.getConfiguration('amt');
  return {
    simulatorEnabled: c.get<boolean>('simulator.enabled', true),
    requestTimeoutSeconds: c.get<number>('requestTimeoutSeconds', 30),
    trace: c.get<'off' | 'messages' | 'verbose'>('trace.server', 'off'),
    enumerationPageSize: Math.max(1, Math.floor(c.get<number>('enumeration.pageSize', 50))),
    powerPollSeconds: Math.max(0, c.get<number>('power.pollSeconds', 10)),
  };
}

/** Settings the backend reads only when it starts. */
export const RESTART_SETTINGS = ['amt.simulator.enabled', 'amt.requestTimeoutSeconds', 'amt.trace.server'] as const;
