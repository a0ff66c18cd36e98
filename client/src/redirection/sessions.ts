/**
 * Routes the backend's SOL and IDE-R notifications to the session they belong to (by sessionId).
 * A session registers before its first byte can arrive: output that comes before (between the
 * open request's answer and the registration) is kept and handed over on registration.
 */
import type * as vscode from 'vscode';
import { RedirectionNotifications, type IderProgress, type SessionEnded, type SolData } from '../../../server/src/protocol';
import type { Ctx } from '../ctx';

export interface SolListener {
  output(data: Uint8Array): void;
  ended(e: SessionEnded): void;
}

export class RedirectionSessions {
  private readonly sol = new Map<string, SolListener>();
  private readonly ider = new Map<string, (p: IderProgress) => void>();
  /** Notifications for sessions not registered yet (bounded: a few per session). */
  private readonly early = new Map<string, (SolData | SessionEnded | IderProgress)[]>();

  constructor(private readonly ctx: Ctx) {}

  register(): vscode.Disposable[] {
    const c = this.ctx.client;
    return [
      c.onNotification(RedirectionNotifications.solOutput, (d) => {
        const l = this.sol.get(d.sessionId);
        if (l) l.output(Buffer.from(d.data, 'base64'));
        else this.keep(d.sessionId, d);
      }),
      c.onNotification(RedirectionNotifications.solEnded, (e) => {
        const l = this.sol.get(e.sessionId);
        if (!l) return this.keep(e.sessionId, e);
        this.sol.delete(e.sessionId);
        l.ended(e);
      }),
      c.onNotification(RedirectionNotifications.iderProgress, (p) => {
        const l = this.ider.get(p.sessionId);
        if (!l) return this.keep(p.sessionId, p);
        if (p.state === 'ended' || p.state === 'ejected') this.ider.delete(p.sessionId);
        l(p);
      }),
    ];
  }

  onSol(sessionId: string, listener: SolListener): void {
    this.sol.set(sessionId, listener);
    for (const n of this.take(sessionId)) {
      if ('data' in n) listener.output(Buffer.from(n.data, 'base64'));
      else if (!('state' in n)) {
        this.sol.delete(sessionId);
        listener.ended(n);
      }
    }
  }

  offSol(sessionId: string): void {
    this.sol.delete(sessionId);
  }

  onIder(sessionId: string, listener: (p: IderProgress) => void): void {
    this.ider.set(sessionId, listener);
    for (const n of this.take(sessionId)) if ('state' in n) listener(n);
  }

  private keep(sessionId: string, n: SolData | SessionEnded | IderProgress): void {
    const list = this.early.get(sessionId) ?? [];
    list.push(n);
    // Only the window between an open's answer and its registration matters; keep it bounded.
    if (list.length > 256) list.shift();
    this.early.set(sessionId, list);
    if (this.early.size > 32) this.early.delete(this.early.keys().next().value!);
  }

  private take(sessionId: string): (SolData | SessionEnded | IderProgress)[] {
    const list = this.early.get(sessionId) ?? [];
    this.early.delete(sessionId);
    return list;
  }
}
