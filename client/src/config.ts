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
  /** This machine's iAMT watchdog device for the Watchdog view ('' finds it); the backend reads it at start. */
  watchdogDevice: string;
  /** What the Watchdog view does while a debug session is paused. */
  watchdogWhilePaused: 'warn' | 'keepAlive' | 'disarm';
  /** How many times faster the embedded simulator's firmware clock runs (1: real time); read at start. */
  simulatorTimeScale: number;
}

export function readConfig(): AmtConfig {
  const c = vscode.workspace.getConfiguration('amt');
  return {
    simulatorEnabled: c.get<boolean>('simulator.enabled', true),
    requestTimeoutSeconds: c.get<number>('requestTimeoutSeconds', 30),
    trace: c.get<'off' | 'messages' | 'verbose'>('trace.server', 'off'),
    enumerationPageSize: Math.max(1, Math.floor(c.get<number>('enumeration.pageSize', 50))),
    powerPollSeconds: Math.max(0, c.get<number>('power.pollSeconds', 10)),
    watchdogDevice: c.get<string>('watchdog.device', '').trim(),
    watchdogWhilePaused: oneOf(c.get<string>('watchdog.whilePaused', 'warn'), ['warn', 'keepAlive', 'disarm'] as const, 'warn'),
    simulatorTimeScale: positive(c.get<number>('simulator.timeScale', 1), 1),
  };
}

/** Settings the backend reads only when it starts. */
export const RESTART_SETTINGS = ['amt.simulator.enabled', 'amt.requestTimeoutSeconds', 'amt.trace.server', 'amt.watchdog.device', 'amt.simulator.timeScale'] as const;

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T {
  return (allowed as readonly string[]).includes(value ?? '') ? (value as T) : fallback;
}

function positive(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}
