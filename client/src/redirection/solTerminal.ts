/**
 * "AMT: Open SOL Terminal": the host's serial console in the integrated terminal (a
 * Pseudoterminal). Keystrokes go to the host as they are typed; its bytes are decoded (UTF-8, a
 * BIOS screen's CP437) and shown. SOL carries no screen size: the terminal's is sent with each
 * open. When the session ends the terminal stays, saying why; Enter opens SOL again.
 */
import * as vscode from 'vscode';
import { RedirectionNotifications, RedirectionRequests, type TargetInfo } from '../../../server/src/protocol';
import { targetOf } from '../commands/devices';
import type { Ctx } from '../ctx';
import { SolDecoder, editorMessage, editorWords } from '../model/redirection';
import type { TreeNode } from '../model/tree';
import { withConsent } from './consent';
import type { RedirectionSessions } from './sessions';

export function solCommands(ctx: Ctx, sessions: RedirectionSessions): vscode.Disposable[] {
  const open = new Map<string, vscode.Terminal>();
  return [
    vscode.commands.registerCommand('amt.openSolTerminal', async (arg?: TreeNode | string) => {
      const target = typeof arg === 'string' ? await ctx.target(arg) : await targetOf(ctx, arg ?? undefined, () => true, 'Open SOL on which device?');
      if (!target) return;
      const existing = open.get(target.id);
      if (existing && existing.exitStatus === undefined) return existing.show();
      const terminal = vscode.window.createTerminal({ name: `SOL — ${target.label}`, pty: new SolPty(ctx, sessions, target), iconPath: new vscode.ThemeIcon('terminal') });
      open.set(target.id, terminal);
      terminal.show();
    }),
    vscode.window.onDidCloseTerminal((t) => {
      for (const [id, term] of open) if (term === t) open.delete(id);
    }),
  ];
}

export class SolPty implements vscode.Pseudoterminal {
  private readonly writer = new vscode.EventEmitter<string>();
  readonly onDidWrite = this.writer.event;
  private sessionId: string | undefined;
  private opening = false;
  private closed = false;
  private dims: vscode.TerminalDimensions | undefined;
  private decoder = new SolDecoder();

  constructor(
    private readonly ctx: Ctx,
    private readonly sessions: RedirectionSessions,
    private readonly target: TargetInfo,
  ) {}

  open(dims: vscode.TerminalDimensions | undefined): void {
    this.dims = dims;
    void this.connect();
  }

  /** Kept for the next open: the host learns no size over SOL, and the backend has nothing to pass it to. */
  setDimensions(dims: vscode.TerminalDimensions): void {
    this.dims = dims;
  }

  handleInput(data: string): void {
    if (this.sessionId) {
      void this.ctx.client.sendNotification(RedirectionNotifications.solInput, { sessionId: this.sessionId, data: Buffer.from(data, 'utf8').toString('base64') });
    } else if (!this.opening && data.includes('\r')) {
      void this.connect();
    }
  }

  close(): void {
    this.closed = true;
    const id = this.sessionId;
    this.sessionId = undefined;
    if (id) {
      this.sessions.offSol(id);
      void this.ctx.request(RedirectionRequests.solClose, { sessionId: id }).catch(() => undefined);
    }
    this.writer.dispose();
  }

  private write(text: string): void {
    if (!this.closed) this.writer.fire(text);
  }

  private async connect(): Promise<void> {
    this.opening = true;
    this.decoder = new SolDecoder();
    this.write(`[Opening SOL on ${this.target.label}…]\r\n`);
    try {
      const size = this.dims ? { columns: this.dims.columns, rows: this.dims.rows } : {};
      const result = await withConsent(this.ctx, this.target, () => this.ctx.request(RedirectionRequests.solOpen, { targetId: this.target.id, ...size }));
      if (!result) {
        this.write('[SOL not opened: the user consent was not given. Press Enter to try again.]\r\n');
        return;
      }
      if (this.closed) {
        void this.ctx.request(RedirectionRequests.solClose, { sessionId: result.sessionId }).catch(() => undefined);
        return;
      }
      this.sessionId = result.sessionId;
      this.write(`[SOL connected over ${result.route}${result.hostPowered ? '' : '; the host is off — power it on to see its console'}]\r\n`);
      this.sessions.onSol(result.sessionId, {
        output: (bytes) => this.write(this.decoder.decode(bytes)),
        ended: (e) => {
          if (this.sessionId !== e.sessionId) return;
          this.sessionId = undefined;
          this.write(`${this.decoder.flush()}\r\n[SOL session ended: ${e.reason ? editorWords(e.reason) : 'closed'}]\r\n[Press Enter to open SOL again.]\r\n`);
        },
      });
    } catch (err) {
      const message = editorMessage(err);
      void vscode.window.showErrorMessage(message);
      this.write(`[SOL not opened: ${message}]\r\n[Press Enter to try again.]\r\n`);
    } finally {
      this.opening = false;
    }
  }
}
