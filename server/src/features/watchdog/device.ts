/**
 * The OS-health watchdog (Linux kernel documentation: "The Linux Watchdog driver API"; Intel's
 * mei_wdt driver and LMS's WatchdogService): software on the host sends heartbeats; when they
 * stop for longer than the timeout, AMT logs an OS hang and tells its event subscribers.
 *
 * Two ways to reach it, tried in this order when no device is given:
 * - the Linux watchdog device the mei_wdt driver registers (`/dev/iamt_watchdog` from LMS's udev
 *   rule, or the `/dev/watchdogN` sysfs names `iamt_wdt`) — the normal case;
 * - the firmware's watchdog client over MEI directly, when the driver is not bound.
 * This file opens the device and reads what it reports; session.ts arms and heartbeats it.
 */
import { AmtError } from '../../errors';
import { findIamtWatchdog, type DiscoveryRoots } from './discovery';
import { checkTimeout, IAMT_WATCHDOG, optionNames } from './linux-api';
import { LinuxWatchdog } from './linux-device';
import { MeiWatchdog } from './mei-device';

export { IAMT_WATCHDOG, checkTimeout } from './linux-api';
export { findIamtWatchdog, findHolders } from './discovery';

export interface WatchdogInfo {
  /** The device path, or the MEI device for the firmware client. */
  path: string;
  via: 'linux' | 'mei';
  identity: string;
  /** WDIOF_* bits (0x8480 for mei_wdt) and their names; 0/[] over MEI. */
  options: number;
  optionNames: string[];
  /** mei_wdt: the firmware client's protocol version. */
  firmwareVersion: number;
  /** The timeout the next ping will arm (the driver's, not the firmware's); absent over MEI. */
  timeoutSeconds?: number;
  status?: number;
  bootStatus?: number;
  /** Absent when the driver cannot tell (mei_wdt has no get_timeleft). */
  timeLeftSeconds?: number;
}

export interface WatchdogHandle {
  readonly via: 'linux' | 'mei';
  readonly path: string;
  /** Arms the watchdog with this timeout (120..65535 s) and sends the first heartbeat. */
  start(timeoutSeconds: number): Promise<void>;
  heartbeat(): Promise<void>;
  /** Disarms it (the firmware gets STOP). */
  stop(): Promise<void>;
  /** Closes the device; this stops the watchdog too. Idempotent. */
  close(): Promise<void>;
}

export interface FindWatchdogOptions {
  /** A watchdog device path; skips discovery. */
  device?: string;
  /** The MEI device for the fallback (default /dev/mei0 … /dev/mei3). */
  meiPath?: string;
  /** Where discovery looks (tests). */
  roots?: DiscoveryRoots;
  signal?: AbortSignal;
}

/** Opens the iAMT watchdog: the given device, the discovered one, or the firmware client over MEI. */
export async function openWatchdog(options: FindWatchdogOptions = {}): Promise<WatchdogHandle> {
  const path = options.device ?? findIamtWatchdog(options.roots);
  if (path) return linuxHandle(await openIamt(path));
  return meiHandle(await openMeiFallback(options));
}

/**
 * Reads identity, options and timeout. For the Linux device this opens and closes it without a
 * write or ping, so the firmware hears nothing (opening starts the kernel watchdog, closing stops
 * it). A non-iAMT device with a magic close gets its "V" before closing, so it stops too.
 */
export async function readWatchdogInfo(options: FindWatchdogOptions = {}): Promise<WatchdogInfo> {
  const path = options.device ?? findIamtWatchdog(options.roots);
  if (!path) {
    const mei = await openMeiFallback(options);
    try {
      return { path: mei.path, via: 'mei', identity: 'AMT watchdog client (MEI)', options: 0, optionNames: [], firmwareVersion: mei.protocolVersion };
    } finally {
      await mei.close();
    }
  }
  const wd = LinuxWatchdog.open(path);
  try {
    const support = await wd.support();
    const info: WatchdogInfo = {
      path,
      via: 'linux',
      identity: support.identity,
      options: support.options,
      optionNames: optionNames(support.options),
      firmwareVersion: support.firmwareVersion,
      timeoutSeconds: await wd.getTimeout(),
      status: await wd.status(),
      bootStatus: await wd.bootStatus(),
    };
    const left = await wd.timeLeft();
    if (left !== undefined) info.timeLeftSeconds = left;
    if (support.identity !== IAMT_WATCHDOG.identity) await wd.allowRelease(support.options);
    return info;
  } finally {
    await wd.close();
  }
}

export interface KeepAliveOptions {
  /** Seconds, 120..65535; default 120. */
  timeoutSeconds?: number;
  /** Stops the loop; the watchdog is then disarmed. */
  signal?: AbortSignal;
  /** Between heartbeats; default timeout/2 (what LMS does). */
  intervalMs?: number;
  onHeartbeat?: (count: number) => void;
}

async function openIamt(path: string): Promise<LinuxWatchdog> {
  const wd = LinuxWatchdog.open(path);
  try {
    const { identity } = await wd.support();
    if (identity !== IAMT_WATCHDOG.identity) {
      throw new AmtError('watchdog.not-iamt', `${path} is the "${identity}" watchdog, not the iAMT one ("${IAMT_WATCHDOG.identity}"); give the iAMT watchdog's device (often /dev/iamt_watchdog or /dev/watchdog1), or leave --device out to find it.`);
    }
    return wd;
  } catch (err) {
    await wd.close().catch(() => undefined);
    throw err;
  }
}

async function openMeiFallback(options: FindWatchdogOptions): Promise<MeiWatchdog> {
  try {
    return await MeiWatchdog.open({ ...(options.meiPath ? { path: options.meiPath } : {}), ...(options.signal ? { signal: options.signal } : {}) });
  } catch (err) {
    if (err instanceof AmtError && err.code === 'watchdog.busy') throw err;
    const why = err instanceof Error ? err.message.replace(/\.$/, '') : String(err);
    throw new AmtError(
      'watchdog.not-found',
      `No iAMT watchdog was found (no /dev/iamt_watchdog, no /dev/watchdogN named "${IAMT_WATCHDOG.identity}" in sysfs, and over MEI: ${why}); load the driver with "modprobe mei_wdt" and make sure AMT is enabled, or give the device with --device.`,
      { cause: err },
    );
  }
}

function linuxHandle(wd: LinuxWatchdog): WatchdogHandle {
  return {
    via: 'linux',
    path: wd.path,
    start: async (timeoutSeconds) => {
      await wd.setTimeout(timeoutSeconds); // SETTIMEOUT pings, which arms the firmware timer
    },
    heartbeat: () => wd.keepalive(),
    stop: () => wd.disable(),
    close: () => wd.close(),
  };
}

function meiHandle(wd: MeiWatchdog): WatchdogHandle {
  return {
    via: 'mei',
    path: wd.path,
    start: (t) => wd.start(t),
    heartbeat: () => wd.heartbeat(),
    stop: () => wd.stop(),
    close: () => wd.close(),
  };
}
