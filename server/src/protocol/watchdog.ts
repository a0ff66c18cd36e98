/**
 * The OS watchdog (the Watchdog view):
 * requests and payloads. protocol.ts re-exports them; the same rules hold (names and types only).
 */
import { RequestType } from 'vscode-languageserver-protocol';
import type { TargetParams } from './shared';

// ---- OS watchdog (the Watchdog view) ----
// The iAMT OS watchdog that belongs to a target, driven from the machine the backend runs on: the
// embedded simulator's emulated device, this machine's iAMT watchdog for local targets and loopback
// devices, none for other remote devices. The backend keeps the device open between requests, so a
// watchdog can be armed and left to expire, heartbeated by hand, or kept alive (every timeout/2).

export interface WatchdogState {
  targetId: string;
  /** False when there is no iAMT watchdog to drive for this target; `reason` says why. */ available: boolean;
  /** One sentence: why there is none, and what to do. */ reason?: string;
  /** The device path (absent for the firmware client over MEI when found by discovery). */ path?: string;
  /** `emulated`: the embedded simulator's FUSE device; `linux`: a watchdog device; `mei`: the firmware client. */
  via?: 'emulated' | 'linux' | 'mei';
  /** The driver's identity (`iamt_wdt`), once the device was opened. */ identity?: string;
  armed: boolean;
  /** The armed timeout in firmware seconds (120..65535). */ timeoutSeconds?: number;
  /** Wall-clock ms since the epoch of the latest heartbeat (arming counts as one). */ lastHeartbeatAt?: number;
  /** Wall-clock ms since the epoch when the firmware fires unless another heartbeat comes. */ expiresAt?: number;
  /** Heartbeats since the session armed it (arming included). */ heartbeats: number;
  /** The keepalive loop runs. */ keepalive: boolean;
  /** Wall-clock seconds between the loop's heartbeats. */ keepaliveIntervalSeconds?: number;
  /** How many times faster the firmware clock runs than the wall clock (the simulator's time scale; 1 on hardware). */ timeScale: number;
  /** Why the last heartbeat or the keepalive loop failed. */ error?: string;
}

export interface WatchdogArmParams extends TargetParams {
  /** 120..65535. */ timeoutSeconds: number;
}

export interface WatchdogKeepaliveParams extends TargetParams {
  /** Arms with this timeout first when the watchdog is not armed; default 120. */ timeoutSeconds?: number;
}

export const WatchdogRequests = {
  /** The target's watchdog state; opens nothing but reads the device's identity. */
  state: new RequestType<TargetParams, WatchdogState, void>('amt/watchdog/state'),
  /** Opens the device and arms the watchdog with this timeout (a first heartbeat). */
  arm: new RequestType<WatchdogArmParams, WatchdogState, void>('amt/watchdog/arm'),
  /** One heartbeat now; the watchdog must be armed. */
  heartbeat: new RequestType<TargetParams, WatchdogState, void>('amt/watchdog/heartbeat'),
  /** Heartbeats every timeout/2 until stopKeepalive or disarm; arms first when needed. */
  startKeepalive: new RequestType<WatchdogKeepaliveParams, WatchdogState, void>('amt/watchdog/startKeepalive'),
  /** Stops the loop; the watchdog stays armed and fires unless heartbeats come from elsewhere. */
  stopKeepalive: new RequestType<TargetParams, WatchdogState, void>('amt/watchdog/stopKeepalive'),
  /** Stops the loop, disarms the watchdog and closes the device. */
  disarm: new RequestType<TargetParams, WatchdogState, void>('amt/watchdog/disarm'),
} as const;
