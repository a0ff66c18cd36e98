/** SOL, IDE-R, KVM screenshots and typing, boot options and user consent in the editor: the notifications' router and every command. */
import type * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { bootCommands } from './boot';
import { kvmCommands } from './kvm';
import { IderMounts } from './mount';
import { RedirectionSessions } from './sessions';
import { solCommands } from './solTerminal';

export function registerRedirection(ctx: Ctx): vscode.Disposable[] {
  const sessions = new RedirectionSessions(ctx);
  const mounts = new IderMounts(ctx, sessions);
  return [...sessions.register(), mounts, ...mounts.commands(), ...solCommands(ctx, sessions), ...bootCommands(ctx, mounts), ...kvmCommands(ctx)];
}
