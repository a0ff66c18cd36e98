/**
 * One open iAMT watchdog, and the one keepalive mechanism of the product: a session keeps the
 * device open between requests, so the watchdog can be armed and left to expire, heartbeated by
 * hand, kept alive every timeout/2 (like LMS's WatchdogService, or at a given interval as the
 * Linux watchdog daemon allows) and disarmed, each on its own. The Watchdog view drives one
 * session per device (sessions.ts); `amtwb watchdog keepalive` runs keepWatchdogAlive below.
 *
 * Times are reported in wall-clock ms: the firmware fires `timeoutSeconds / timeScale` wall
 * seconds after the latest heartbeat (timeScale is the simulator's clock speed-up, 1 on hardware),
 * and the keepalive loop heartbeats at half that. Device calls run one at a time.
 */
import { AmtError } from '../../errors';
import type { WatchdogState } from '../../protocol';
import type { KeepAliveOptions } from './device';
import { checkTimeout, IAMT_WATCHDOG, type WatchdogHandle } from './device';

/** What a session drives: the device, how to open it, and how fast its firmware clock runs. */
export interface SessionDevice {
  /** Absent: the firmware client over MEI, found by discovery. */
  path?: string;
  via: 'emulated' | 'linux' | 'mei';
  timeScale: number;
  open(): Promise<WatchdogHandle>;
}

/** The session's part of WatchdogState (the view adds targetId and availability). */
export type SessionSnapshot = Omit<WatchdogState, 'targetId' | 'available' | 'reason'>;

/** The loop never heartbeats more often than this, however fast the simulator's clock runs. */
const MIN_INTERVAL_MS = 50;

export class WatchdogSession {
  private handle: WatchdogHandle | undefined;
  private armed = false;
  private timeoutSeconds: number | undefined;
  private lastHeartbeatAt: number | undefined;
  private heartbeats = 0;
  private error: string | undefined;
  private loop: { timer: NodeJS.Timeout | undefined; intervalMs: number; fixedMs?: number } | undefined;
  private loopError: unknown;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(
    readonly device: SessionDevice,
    private readonly changed: () => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Why the keepalive loop last ended by itself (a failed heartbeat), if it did. */
  get keepaliveFailure(): unknown {
    return this.loopError;
  }

  get isArmed(): boolean {
    return this.armed;
  }

  snapshot(): SessionSnapshot {
    const s: SessionSnapshot = { via: this.device.via, armed: this.armed, heartbeats: this.heartbeats, keepalive: this.loop !== undefined, timeScale: this.device.timeScale };
    if (this.device.path) s.path = this.device.path;
    if (this.armed && this.timeoutSeconds !== undefined && this.lastHeartbeatAt !== undefined) {
      s.timeoutSeconds = this.timeoutSeconds;
      s.lastHeartbeatAt = this.lastHeartbeatAt;
      s.expiresAt = this.lastHeartbeatAt + this.wallMs(this.timeoutSeconds);
    }
    if (this.loop) s.keepaliveIntervalSeconds = this.loop.intervalMs / 1000;
    if (this.error) s.error = this.error;
    return s;
  }

  /** Opens the device if needed and arms (or re-arms) the watchdog with this timeout. */
  arm(timeoutSeconds: number): Promise<SessionSnapshot> {
    checkTimeout(timeoutSeconds);
    return this.serial(async () => {
      const handle = await this.open();
      try {
        await handle.start(timeoutSeconds);
      } catch (err) {
        if (!this.armed) await this.closeHandle();
        throw err;
      }
      this.armed = true;
      this.timeoutSeconds = timeoutSeconds;
      this.beat();
      if (this.loop) this.schedule(); // a new timeout, a new interval
      return this.report();
    });
  }

  heartbeat(): Promise<SessionSnapshot> {
    return this.serial(async () => {
      if (!this.armed || !this.handle) {
        throw new AmtError('watchdog.not-armed', `The watchdog${this.device.path ? ` ${this.device.path}` : ''} is not armed, so there is nothing to heartbeat; arm it first.`);
      }
      await this.handle.heartbeat();
      this.beat();
      return this.report();
    });
  }

  /**
   * Heartbeats now and then every timeout/2 (wall time: divided by the time scale); arms first
   * when needed, or re-arms when given another timeout.
   */
  async startKeepalive(timeoutSeconds?: number, intervalMs?: number): Promise<SessionSnapshot> {
    if (!this.armed) await this.arm(timeoutSeconds ?? IAMT_WATCHDOG.defaultTimeout);
    else if (timeoutSeconds !== undefined && timeoutSeconds !== this.timeoutSeconds) await this.arm(timeoutSeconds);
    else if (!this.loop) await this.heartbeat();
    if (!this.loop) {
      this.loop = { timer: undefined, intervalMs: 0, ...(intervalMs !== undefined ? { fixedMs: intervalMs } : {}) };
      this.loopError = undefined;
      this.schedule();
    }
    return this.report();
  }

  /** Stops the loop; the watchdog stays armed. */
  stopKeepalive(): SessionSnapshot {
    this.endLoop();
    return this.report();
  }

  /** Stops the loop, disarms, and closes the device so other programs can open it. */
  disarm(): Promise<SessionSnapshot> {
    this.endLoop();
    return this.serial(async () => {
      const handle = this.handle;
      this.handle = undefined;
      const wasArmed = this.armed;
      this.armed = false;
      this.timeoutSeconds = undefined;
      this.lastHeartbeatAt = undefined;
      this.heartbeats = 0;
      if (handle) {
        try {
          if (wasArmed) await handle.stop();
        } finally {
          await handle.close();
        }
      }
      return this.report();
    });
  }

  /** Disarms and closes (the backend is stopping). */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.disarm().catch(() => this.closeHandle());
  }

  private wallMs(firmwareSeconds: number): number {
    return (firmwareSeconds * 1000) / this.device.timeScale;
  }

  private beat(): void {
    this.heartbeats += 1;
    this.lastHeartbeatAt = this.now();
    this.error = undefined;
  }

  private async open(): Promise<WatchdogHandle> {
    if (this.disposed) throw new AmtError('watchdog.closed', 'The backend is stopping; the watchdog cannot be armed now.');
    this.handle ??= await this.device.open();
    return this.handle;
  }

  private async closeHandle(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close().catch(() => undefined);
  }

  private schedule(): void {
    const loop = this.loop;
    if (!loop) return;
    if (loop.timer) clearTimeout(loop.timer);
    loop.intervalMs = Math.max(MIN_INTERVAL_MS, loop.fixedMs ?? this.wallMs(this.timeoutSeconds ?? IAMT_WATCHDOG.defaultTimeout) / 2);
    loop.timer = setTimeout(() => {
      if (this.loop !== loop) return;
      this.heartbeat().then(
        () => this.loop === loop && this.schedule(),
        (err: unknown) => {
          if (this.loop !== loop) return;
          this.endLoop();
          this.loopError = err;
          this.error = `The keepalive stopped: ${err instanceof Error ? err.message : String(err)}`;
          this.changed();
        },
      );
    }, loop.intervalMs);
  }

  private endLoop(): void {
    if (this.loop?.timer) clearTimeout(this.loop.timer);
    this.loop = undefined;
  }

  private report(): SessionSnapshot {
    this.changed();
    return this.snapshot();
  }

  /** Device calls one after another, as on one file descriptor they would be anyway. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/**
 * `amtwb watchdog keepalive`: arms the watchdog and heartbeats it through a session until `signal`
 * aborts, then disarms it. Resolves with the number of heartbeats (the arming one included);
 * rejects when a heartbeat fails. Closes the handle when done.
 */
export async function keepWatchdogAlive(handle: WatchdogHandle, options: KeepAliveOptions = {}): Promise<number> {
  const timeout = options.timeoutSeconds ?? IAMT_WATCHDOG.defaultTimeout;
  checkTimeout(timeout);
  let count = 0;
  let ended: ((err?: unknown) => void) | undefined;
  const session = new WatchdogSession({ path: handle.path, via: handle.via, timeScale: 1, open: async () => handle }, () => {
    const s = session.snapshot();
    if (s.heartbeats > count) {
      count = s.heartbeats;
      options.onHeartbeat?.(count);
    }
    if (!s.keepalive && session.keepaliveFailure !== undefined) ended?.(session.keepaliveFailure);
  });
  const done = new Promise<void>((resolve, reject) => {
    ended = (err) => (err === undefined ? resolve() : reject(err));
    if (options.signal?.aborted) resolve();
    options.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  try {
    await session.startKeepalive(timeout, options.intervalMs);
    await done;
  } finally {
    await session.disarm().catch(() => handle.close());
  }
  return count;
}
