/**
 * Tells when an armed OS watchdog expires: for each device whose watchdog is armed, a timer at
 * its deadline; when it passes with no newer heartbeat, `onExpired` gets the state once. (The
 * iAMT watchdog fires when the OS stops heartbeating within the timeout: AMT then logs an OS hang
 * and raises PLAT0322, Intel AMT SDK "Agent Presence / Watchdog" and mei_wdt in Linux.)
 */
import type { WatchdogState } from '../../../server/src/protocol';
import type { WatchdogStore } from './watchdogStore';

export class WatchdogExpiryWatch {
  private readonly timers = new Map<string, { expiresAt: number; timer: NodeJS.Timeout }>();
  private readonly reported = new Map<string, number>();
  private readonly subscription: { dispose(): void };

  constructor(
    private readonly store: WatchdogStore,
    private readonly onExpired: (state: WatchdogState) => void,
  ) {
    this.subscription = store.onDidChange((id) => this.schedule(id));
  }

  private schedule(targetId: string): void {
    const state = this.store.get(targetId);
    const current = this.timers.get(targetId);
    if (!state?.armed || state.expiresAt === undefined || state.keepalive) {
      if (current) clearTimeout(current.timer);
      this.timers.delete(targetId);
      return;
    }
    if (current?.expiresAt === state.expiresAt) return;
    if (current) clearTimeout(current.timer);
    const expiresAt = state.expiresAt;
    const timer = setTimeout(() => this.check(targetId, expiresAt), Math.max(0, expiresAt - this.store.now()) + 50);
    timer.unref?.();
    this.timers.set(targetId, { expiresAt, timer });
  }

  private check(targetId: string, expiresAt: number): void {
    this.timers.delete(targetId);
    const state = this.store.get(targetId);
    if (!state?.armed || state.expiresAt !== expiresAt || state.keepalive || this.reported.get(targetId) === expiresAt) return;
    if (this.store.countdown(targetId).kind !== 'fired') return;
    this.reported.set(targetId, expiresAt);
    this.onExpired(state);
  }

  dispose(): void {
    this.subscription.dispose();
    for (const t of this.timers.values()) clearTimeout(t.timer);
    this.timers.clear();
  }
}
