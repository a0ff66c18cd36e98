/** Every command of the extension, registered in one place; each group lives in its own file. */
import type * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import type { DeviceStore } from '../deviceStore';
import type { DeviceSideProvider, ResultDocuments } from '../instanceFs';
import { classCommands } from './classes';
import { deviceCommands } from './devices';
import { methodCommands } from './methods';
import { powerCommands } from './power';
import { watchdogCommands } from './watchdog';
import { wsmanCommands } from './wsman';

export function registerCommands(ctx: Ctx, deps: { store: DeviceStore; deviceSide: DeviceSideProvider; results: ResultDocuments }): vscode.Disposable[] {
  return [...deviceCommands(ctx, deps.store), ...powerCommands(ctx), ...classCommands(ctx, deps.deviceSide), ...methodCommands(ctx, deps.results), ...wsmanCommands(ctx, deps.results), ...watchdogCommands(ctx)];
}
