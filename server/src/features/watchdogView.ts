/**
 * The backend's side of the Watchdog view (protocol.ts "watchdog view" block): which iAMT watchdog
 * belongs to a target, one WatchdogSession per device, and the requests and notifications for them.
 *
 * Which device a target's OS watchdog is, from the machine the backend runs on:
 * - the embedded simulator (`sim`): its emulated device, mounted by SimWatchdog on first use;
 * - AMT on this machine (`local`, `lms`) and devices on a loopback address (e.g. an
 *   `amtwb sim --watchdog PATH` added by URL): `amt.watchdog.device`, else the discovered iAMT
 *   watchdog (/dev/iamt_watchdog, /dev/watchdogN named iamt_wdt), else the firmware client over MEI;
 * - any other device: none — its OS watchdog is heartbeated by software on its own host.
 *
 * main.ts calls registerWatchdogView once, `configure` with the initializationOptions, and
 * `dispose` on shutdown (every session disarms and closes, the emulated device is unmounted).
 */
import type { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import { AmtError } from '../errors';
import {
  WatchdogSessionNotifications,
  WatchdogSessionRequests,
  type TargetInfo,
  type WatchdogInitOptions,
  type WatchdogSessionState,
} from '../protocol';
import { DEFAULT_SIM_ID, parseDeviceUrl } from '../targets/registry';
import { SimWatchdog, type EmbeddedSimulator, type SimWatchdogOptions } from '../targets/simWatchdog';
import { findIamtWatchdog, openWatchdog, readWatchdogInfo, type FindWatchdogOptions } from './watchdog';
import { WatchdogSession, type SessionDevice } from './watchdogSession';

export interface WatchdogViewHost {
  handle<P, R>(type: RequestType<P, R, void>, fn: (params: P, signal: AbortSignal) => Promise<R> | R): void;
  notify<P>(type: NotificationType<P>, params: P): void;
  /** The registry's target (throws for an unknown id). */
  target(targetId: string): TargetInfo;
  /** The registry's running simulator for a `sim` target (started if needed). */
  simulator(targetId: string): Promise<EmbeddedSimulator>;
}

export interface WatchdogViewOptions {
  /** Replaces SimWatchdog's options (tests). */
  sim?: SimWatchdogOptions;
  /** Where discovery looks (tests). */
  discovery?: FindWatchdogOptions['roots'];
}

export interface WatchdogView {
  /** Reads the initializationOptions (amt.watchdog.device, amt.simulator.timeScale); call before the first request. */
  configure(initializationOptions: unknown): void;
  dispose(): Promise<void>;
}

type Resolved = { device: SessionDevice; key: string } | { reason: string };

const NOT_HERE = 'No iAMT watchdog on this machine';

export function registerWatchdogView(host: WatchdogViewHost, options: WatchdogViewOptions = {}): WatchdogView {
  let settings: WatchdogInitOptions = {};
  let sim: SimWatchdog | undefined;
  const simWatchdog = () => (sim ??= new SimWatchdog({ ...(settings.simulatorTimeScale ? { timeScale: settings.simulatorTimeScale } : {}), ...options.sim }));
  /** Device key (path, or `mei`) → its session; target id → the key it resolved to. */
  const sessions = new Map<string, WatchdogSession>();
  const targetsOf = new Map<string, Set<string>>();
  /** Identities read from devices not opened by a session. */
  const identities = new Map<string, string>();
  let disposed = false;

  const configuredDevice = () => (settings.watchdogDevice?.trim() ? settings.watchdogDevice.trim() : undefined);

  async function resolve(targetId: string): Promise<Resolved> {
    const t = host.target(targetId);
    if (t.kind === 'sim') {
      if (t.id !== DEFAULT_SIM_ID) return { reason: `${NOT_HERE} for ${t.label}: only the embedded simulator gets an emulated watchdog device.` };
      const r = await simWatchdog().ensure(() => host.simulator(t.id));
      if ('reason' in r) return { reason: `${NOT_HERE}: ${r.reason}.` };
      return { key: r.path, device: linuxDevice(r.path, 'emulated', r.timeScale) };
    }
    const local = t.kind === 'local' || t.kind === 'lms' || (t.url !== undefined && isLoopback(t.url));
    if (!local) {
      return {
        reason: `${NOT_HERE} for ${t.label}: its OS watchdog is on that host and is heartbeated by software running there (LMS, or "amtwb watchdog keepalive"); this view drives the iAMT watchdog of the machine AMT Workbench runs on (the simulator's, or local AMT's).`,
      };
    }
    const path = configuredDevice() ?? findIamtWatchdog(options.discovery);
    if (path) return { key: path, device: linuxDevice(path, 'linux', 1) };
    return { key: 'mei', device: { via: 'mei', timeScale: 1, open: () => openWatchdog({ ...(options.discovery ? { roots: options.discovery } : {}) }) } };
  }

  function linuxDevice(path: string, via: 'emulated' | 'linux', timeScale: number): SessionDevice {
    return { path, via, timeScale, open: () => openWatchdog({ device: path }) };
  }

  function sessionFor(targetId: string, r: { device: SessionDevice; key: string }): WatchdogSession {
    let s = sessions.get(r.key);
    if (!s) {
      const key = r.key;
      s = new WatchdogSession(r.device, () => {
        for (const id of targetsOf.get(key) ?? []) host.notify(WatchdogSessionNotifications.state, stateOf(id, sessions.get(key)!));
      });
      sessions.set(r.key, s);
    }
    let ids = targetsOf.get(r.key);
    if (!ids) targetsOf.set(r.key, (ids = new Set()));
    ids.add(targetId);
    return s;
  }

  function stateOf(targetId: string, s: WatchdogSession): WatchdogSessionState {
    const snapshot = s.snapshot();
    const identity = identities.get(s.device.path ?? 'mei');
    return { targetId, available: true, ...snapshot, ...(identity ? { identity } : {}) };
  }

  async function session(targetId: string): Promise<WatchdogSession> {
    if (disposed) throw new AmtError('watchdog.closed', 'The backend is stopping; try again once it has restarted.');
    const r = await resolve(targetId);
    if ('reason' in r) throw new AmtError('watchdog.notFound', r.reason);
    return sessionFor(targetId, r);
  }

  host.handle(WatchdogSessionRequests.state, async (p) => {
    const r = await resolve(p.targetId);
    if ('reason' in r) return { targetId: p.targetId, available: false, reason: r.reason, armed: false, heartbeats: 0, keepalive: false, timeScale: 1 };
    const s = sessionFor(p.targetId, r);
    if (!s.isArmed && !identities.has(r.key)) {
      // Opening the device to read its identity starts nothing in the firmware (no ping).
      try {
        const info = await readWatchdogInfo(r.device.path ? { device: r.device.path } : { ...(options.discovery ? { roots: options.discovery } : {}) });
        identities.set(r.key, info.identity);
      } catch (err) {
        return { targetId: p.targetId, available: false, reason: `${NOT_HERE}: ${err instanceof Error ? err.message : String(err)}`, armed: false, heartbeats: 0, keepalive: false, timeScale: r.device.timeScale, ...(r.device.path ? { path: r.device.path } : {}) };
      }
    }
    return stateOf(p.targetId, s);
  });
  host.handle(WatchdogSessionRequests.arm, async (p) => {
    const s = await session(p.targetId);
    await s.arm(p.timeoutSeconds);
    return stateOf(p.targetId, s);
  });
  host.handle(WatchdogSessionRequests.heartbeat, async (p) => {
    const s = await session(p.targetId);
    await s.heartbeat();
    return stateOf(p.targetId, s);
  });
  host.handle(WatchdogSessionRequests.startKeepalive, async (p) => {
    const s = await session(p.targetId);
    await s.startKeepalive(p.timeoutSeconds);
    return stateOf(p.targetId, s);
  });
  host.handle(WatchdogSessionRequests.stopKeepalive, async (p) => {
    const s = await session(p.targetId);
    s.stopKeepalive();
    return stateOf(p.targetId, s);
  });
  host.handle(WatchdogSessionRequests.disarm, async (p) => {
    const s = await session(p.targetId);
    await s.disarm();
    return stateOf(p.targetId, s);
  });

  return {
    configure(init) {
      const o = (init ?? {}) as WatchdogInitOptions;
      settings = {
        ...(typeof o.watchdogDevice === 'string' ? { watchdogDevice: o.watchdogDevice } : {}),
        ...(typeof o.simulatorTimeScale === 'number' && o.simulatorTimeScale > 0 ? { simulatorTimeScale: o.simulatorTimeScale } : {}),
      };
    },
    async dispose() {
      disposed = true;
      await Promise.allSettled([...sessions.values()].map((s) => s.dispose()));
      sessions.clear();
      await sim?.dispose();
    },
  };
}

function isLoopback(url: string): boolean {
  try {
    const host = parseDeviceUrl(url).host;
    return host === 'localhost' || host === '::1' || host.startsWith('127.');
  } catch {
    return false;
  }
}
