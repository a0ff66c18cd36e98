/**
 * The OS watchdog of each target, as the Watchdog view drives it: which iAMT watchdog belongs to a
 * target, one WatchdogSession per device, and the state reported for it.
 *
 * Which device a target's OS watchdog is, from the machine the backend runs on:
 * - the embedded simulator (`sim`): its emulated device, mounted by SimWatchdog on first use;
 * - AMT on this machine (`local`, `lms`) and devices on a loopback address (e.g. an
 *   `amtwb sim --watchdog PATH` added by URL): `amt.watchdog.device`, else the discovered iAMT
 *   watchdog (/dev/iamt_watchdog, /dev/watchdogN named iamt_wdt), else the firmware client over MEI;
 * - any other device: none — its OS watchdog is heartbeated by software on its own host.
 *
 * The entry point makes one WatchdogSessions, gives it the settings, and disposes it on shutdown
 * (every session disarms and closes, the emulated device is unmounted).
 */
import { AmtError } from '../../errors';
import type { TargetInfo, WatchdogState } from '../../protocol';
import { DEFAULT_SIM_ID, parseDeviceUrl } from '../../targets/registry';
import { SimWatchdog, type EmbeddedSimulator, type SimWatchdogOptions } from '../../targets/simWatchdog';
import { findIamtWatchdog, openWatchdog, readWatchdogInfo, type FindWatchdogOptions } from './device';
import { WatchdogSession, type SessionDevice } from './session';

export interface WatchdogSessionsHost {
  /** The registry's target (throws for an unknown id). */
  target(targetId: string): TargetInfo;
  /** The registry's running simulator for a `sim` target (started if needed). */
  simulator(targetId: string): Promise<EmbeddedSimulator>;
  /** A target's watchdog changed (armed, heartbeat, keepalive started or ended, disarmed, failed). */
  changed(state: WatchdogState): void;
}

export interface WatchdogSettings {
  /** This machine's iAMT watchdog device; absent or '': find it. */
  watchdogDevice?: string;
  /** The embedded simulator's firmware clock runs this many times faster. */
  simulatorTimeScale?: number;
}

export interface WatchdogSessionsOptions {
  /** Replaces SimWatchdog's options (tests). */
  sim?: SimWatchdogOptions;
  /** Where discovery looks (tests). */
  discovery?: FindWatchdogOptions['roots'];
}

type Resolved = { device: SessionDevice; key: string } | { reason: string };

const NOT_HERE = 'No iAMT watchdog on this machine';

export class WatchdogSessions {
  private settings: WatchdogSettings = {};
  private sim: SimWatchdog | undefined;
  /** Device key (path, or `mei`) → its session; key → the targets that resolved to it. */
  private readonly sessions = new Map<string, WatchdogSession>();
  private readonly targetsOf = new Map<string, Set<string>>();
  /** Identities read from devices not opened by a session. */
  private readonly identities = new Map<string, string>();
  private disposed = false;

  constructor(
    private readonly host: WatchdogSessionsHost,
    private readonly options: WatchdogSessionsOptions = {},
  ) {}

  /** Reads the settings (amt.watchdog.device, amt.simulator.timeScale); call before the first request. */
  configure(settings: WatchdogSettings): void {
    this.settings = {
      ...(typeof settings.watchdogDevice === 'string' ? { watchdogDevice: settings.watchdogDevice } : {}),
      ...(typeof settings.simulatorTimeScale === 'number' && settings.simulatorTimeScale > 0 ? { simulatorTimeScale: settings.simulatorTimeScale } : {}),
    };
  }

  /** The target's state; opens nothing but reads the device's identity once. */
  async state(targetId: string): Promise<WatchdogState> {
    const r = await this.resolve(targetId);
    if ('reason' in r) return { targetId, available: false, reason: r.reason, armed: false, heartbeats: 0, keepalive: false, timeScale: 1 };
    const s = this.sessionFor(targetId, r);
    if (!s.isArmed && !this.identities.has(r.key)) {
      // Opening the device to read its identity starts nothing in the firmware (no ping).
      try {
        const info = await readWatchdogInfo(r.device.path ? { device: r.device.path } : { ...(this.options.discovery ? { roots: this.options.discovery } : {}) });
        this.identities.set(r.key, info.identity);
      } catch (err) {
        return { targetId, available: false, reason: `${NOT_HERE}: ${err instanceof Error ? err.message : String(err)}`, armed: false, heartbeats: 0, keepalive: false, timeScale: r.device.timeScale, ...(r.device.path ? { path: r.device.path } : {}) };
      }
    }
    return this.stateOf(targetId, s);
  }

  async arm(targetId: string, timeoutSeconds: number): Promise<WatchdogState> {
    const s = await this.session(targetId);
    await s.arm(timeoutSeconds);
    return this.stateOf(targetId, s);
  }

  async heartbeat(targetId: string): Promise<WatchdogState> {
    const s = await this.session(targetId);
    await s.heartbeat();
    return this.stateOf(targetId, s);
  }

  async startKeepalive(targetId: string, timeoutSeconds?: number): Promise<WatchdogState> {
    const s = await this.session(targetId);
    await s.startKeepalive(timeoutSeconds);
    return this.stateOf(targetId, s);
  }

  async stopKeepalive(targetId: string): Promise<WatchdogState> {
    const s = await this.session(targetId);
    s.stopKeepalive();
    return this.stateOf(targetId, s);
  }

  async disarm(targetId: string): Promise<WatchdogState> {
    const s = await this.session(targetId);
    await s.disarm();
    return this.stateOf(targetId, s);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await Promise.allSettled([...this.sessions.values()].map((s) => s.dispose()));
    this.sessions.clear();
    await this.sim?.dispose();
  }

  private simWatchdog(): SimWatchdog {
    const scale = this.settings.simulatorTimeScale;
    return (this.sim ??= new SimWatchdog({ ...(scale ? { timeScale: scale } : {}), ...this.options.sim }));
  }

  private configuredDevice(): string | undefined {
    return this.settings.watchdogDevice?.trim() ? this.settings.watchdogDevice.trim() : undefined;
  }

  private async resolve(targetId: string): Promise<Resolved> {
    const t = this.host.target(targetId);
    if (t.kind === 'sim') {
      if (t.id !== DEFAULT_SIM_ID) return { reason: `${NOT_HERE} for ${t.label}: only the embedded simulator gets an emulated watchdog device.` };
      const r = await this.simWatchdog().ensure(() => this.host.simulator(t.id));
      if ('reason' in r) return { reason: `${NOT_HERE}: ${r.reason}.` };
      return { key: r.path, device: linuxDevice(r.path, 'emulated', r.timeScale) };
    }
    const local = t.kind === 'local' || t.kind === 'lms' || (t.url !== undefined && isLoopback(t.url));
    if (!local) {
      return {
        reason: `${NOT_HERE} for ${t.label}: its OS watchdog is on that host and is heartbeated by software running there (LMS, or "amtwb watchdog keepalive"); this view drives the iAMT watchdog of the machine AMT Workbench runs on (the simulator's, or local AMT's).`,
      };
    }
    const path = this.configuredDevice() ?? findIamtWatchdog(this.options.discovery);
    if (path) return { key: path, device: linuxDevice(path, 'linux', 1) };
    const roots = this.options.discovery;
    return { key: 'mei', device: { via: 'mei', timeScale: 1, open: () => openWatchdog({ ...(roots ? { roots } : {}) }) } };
  }

  private sessionFor(targetId: string, r: { device: SessionDevice; key: string }): WatchdogSession {
    let s = this.sessions.get(r.key);
    if (!s) {
      const key = r.key;
      s = new WatchdogSession(r.device, () => {
        for (const id of this.targetsOf.get(key) ?? []) this.host.changed(this.stateOf(id, this.sessions.get(key)!));
      });
      this.sessions.set(r.key, s);
    }
    let ids = this.targetsOf.get(r.key);
    if (!ids) this.targetsOf.set(r.key, (ids = new Set()));
    ids.add(targetId);
    return s;
  }

  private stateOf(targetId: string, s: WatchdogSession): WatchdogState {
    const snapshot = s.snapshot();
    const identity = this.identities.get(s.device.path ?? 'mei');
    return { targetId, available: true, ...snapshot, ...(identity ? { identity } : {}) };
  }

  private async session(targetId: string): Promise<WatchdogSession> {
    if (this.disposed) throw new AmtError('watchdog.closed', 'The backend is stopping; try again once it has restarted.');
    const r = await this.resolve(targetId);
    if ('reason' in r) throw new AmtError('watchdog.not-found', r.reason);
    return this.sessionFor(targetId, r);
  }
}

function linuxDevice(path: string, via: 'emulated' | 'linux', timeScale: number): SessionDevice {
  return { path, via, timeScale, open: () => openWatchdog({ device: path }) };
}

function isLoopback(url: string): boolean {
  try {
    const host = parseDeviceUrl(url).host;
    return host === 'localhost' || host === '::1' || host.startsWith('127.');
  } catch {
    return false;
  }
}
