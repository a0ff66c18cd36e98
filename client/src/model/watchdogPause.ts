/**
 * Debug-aware watchdog: while a debug session is paused (a `stopped` event, until a `continued`
 * event or a request that resumes it), an armed OS watchdog keeps counting down, and whatever
 * heartbeats it may be the very program that is paused. Per `amt.watchdog.whilePaused`:
 * - `warn` (default): only say how long until it fires (status bar, one message per pause);
 * - `keepAlive`: heartbeat from the backend while paused, stop again on continue;
 * - `disarm`: disarm while paused, re-arm with the same timeout (and keepalive) on continue.
 * Several debug sessions count as paused while any one is. vscode-free: watchdogDebug.ts feeds it
 * the debug adapter's messages and shows status().
 */
import { countdown, describeCountdown, type ExitPolicy, type WatchdogStore } from './watchdogStore';
import { Emitter, errorMessage } from './request';

export type WhilePaused = 'warn' | 'keepAlive' | 'disarm';

/** DAP requests after which the debuggee runs again (adapters need not send `continued` for them). */
export const RESUMING_REQUESTS: ReadonlySet<string> = new Set(['continue', 'next', 'stepIn', 'stepOut', 'stepBack', 'reverseContinue', 'goto', 'restart', 'restartFrame', 'terminate', 'disconnect']);

type Undo = { kind: 'stopKeepalive' } | { kind: 'rearm'; timeoutSeconds: number; keepalive: boolean; exitPolicy: ExitPolicy; label: string };

export interface PauseStatus {
  /** `AMT watchdog fires in 42 s`, … */
  text: string;
  tooltip: string;
  /** The watchdog counts down (or has fired) with nobody heartbeating it. */
  urgent: boolean;
}

export class PausePolicy {
  private readonly pausedSessions = new Set<string>();
  private readonly undo = new Map<string, Undo>();
  private readonly changed = new Emitter<boolean>();
  /** Fires true on pause, false on resume (of all sessions). */
  readonly onDidChangePaused = this.changed.event;
  private work: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: WatchdogStore,
    private readonly mode: () => WhilePaused,
    /** Device labels for messages. */
    private readonly label: (targetId: string) => string = (id) => id,
  ) {}

  get paused(): boolean {
    return this.pausedSessions.size > 0;
  }

  /** A debug session stopped (breakpoint, step, exception, pause). Resolves with problems, one sentence each. */
  stopped(sessionId: string): Promise<string[]> {
    const was = this.paused;
    this.pausedSessions.add(sessionId);
    if (was) return Promise.resolve([]);
    this.changed.fire(true);
    return this.serial(() => this.apply());
  }

  /** A debug session continued, stepped, or ended. */
  continued(sessionId: string): Promise<string[]> {
    if (!this.pausedSessions.delete(sessionId) || this.paused) return Promise.resolve([]);
    this.changed.fire(false);
    return this.serial(() => this.restore());
  }

  /** What the status bar says while paused, or undefined when there is nothing to say. */
  status(now = this.store.now()): PauseStatus | undefined {
    if (!this.paused) return undefined;
    const parts: PauseStatus[] = [];
    for (const s of this.store.armed()) {
      const c = countdown(s, now);
      const who = this.label(s.targetId);
      if (s.keepalive) {
        const ours = this.undo.get(s.targetId)?.kind === 'stopKeepalive';
        parts.push({ text: 'AMT watchdog kept alive', tooltip: `${who}: the backend heartbeats the watchdog${ours ? ' while the debugger is paused' : ''} (${describeCountdown(c)} without it).`, urgent: false });
      } else {
        parts.push({ text: `AMT watchdog ${describeCountdown(c)}`, tooltip: `${who}: the debugger is paused and nothing heartbeats the armed watchdog; it ${describeCountdown(c)}.`, urgent: true });
      }
    }
    for (const u of this.undo.values()) {
      if (u.kind === 'rearm') parts.push({ text: 'AMT watchdog disarmed while paused', tooltip: `${u.label}: disarmed while the debugger is paused; it is armed again (${u.timeoutSeconds} s) on continue.`, urgent: false });
    }
    if (parts.length === 0) return undefined;
    const first = parts.find((p) => p.urgent) ?? parts[0]!;
    return { text: first.text, tooltip: parts.map((p) => p.tooltip).join('\n'), urgent: parts.some((p) => p.urgent) };
  }

  private async apply(): Promise<string[]> {
    const mode = this.mode();
    const problems: string[] = [];
    for (const s of this.store.armed()) {
      const who = this.label(s.targetId);
      try {
        if (mode === 'keepAlive' && !s.keepalive) {
          await this.store.startKeepalive(s.targetId);
          this.undo.set(s.targetId, { kind: 'stopKeepalive' });
        } else if (mode === 'disarm') {
          this.undo.set(s.targetId, { kind: 'rearm', timeoutSeconds: s.timeoutSeconds ?? 120, keepalive: s.keepalive, exitPolicy: this.store.exitPolicy(s.targetId), label: who });
          await this.store.disarm(s.targetId);
        }
      } catch (err) {
        problems.push(`${who}: ${errorMessage(err)}`);
      }
    }
    this.changed.fire(true);
    return problems;
  }

  private async restore(): Promise<string[]> {
    const problems: string[] = [];
    const undo = [...this.undo];
    this.undo.clear();
    for (const [targetId, u] of undo) {
      try {
        if (u.kind === 'stopKeepalive') {
          if (this.store.get(targetId)?.keepalive) await this.store.stopKeepalive(targetId);
        } else {
          await this.store.arm(targetId, u.timeoutSeconds, u.exitPolicy);
          if (u.keepalive) await this.store.startKeepalive(targetId);
        }
      } catch (err) {
        problems.push(`${this.label(targetId)}: ${errorMessage(err)}`);
      }
    }
    this.changed.fire(false);
    return problems;
  }

  /** Pause and resume handling one after another, in the order the debugger reported them. */
  private serial(fn: () => Promise<string[]>): Promise<string[]> {
    const run = this.work.then(fn, fn);
    this.work = run.catch(() => undefined);
    return run;
  }
}
