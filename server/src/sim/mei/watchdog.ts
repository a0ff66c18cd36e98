/**
 * A Linux watchdog device file (`/dev/watchdogN` as mei_wdt registers it) emulated through FUSE,
 * in front of a firmware watchdog client — the second device kind of this folder, beside
 * /dev/mei0. Programs use it exactly like the real one (open, ioctl WDIOC_*, write, close), e.g.
 * the product's koffi path, `wd_keepalive`, or LMS's WatchdogService; see watchdog-device.ts for
 * the driver behaviour emulated.
 *
 *   const wd = await mountEmulatedWatchdog({ path: '/tmp/sim/watchdog0', firmware: new WatchdogFirmware(device) });
 *   …
 *   await wd.close();
 *
 * Same requirements and lifetime rules as mountEmulatedMei (root, /dev/fuse, MNT_DETACH on close
 * and at exit). Calls that send the firmware a message (a ping, a stop on close) return once the
 * firmware has handled it, so the product must make them asynchronously when the simulator runs
 * in its own process (a synchronous call would block the thread the firmware runs on; the device
 * then answers after 2 s with a warning rather than hang).
 */
import { startEmulation } from './emulation';
import type { FirmwareClient } from './firmware';

export interface EmulatedWatchdogOptions {
  /** Where the device appears; a regular file is created there if missing (and removed on close). */
  path: string;
  /** The firmware's watchdog client (sim/firmware/watchdog.ts), e.g. `new WatchdogFirmware(device)`. */
  firmware: FirmwareClient;
  allowOther?: boolean;
  /** Permission bits of the node. Default 0o666 (a real /dev/watchdogN is 0o600 root). */
  mode?: number;
  onError?: (err: unknown) => void;
}

export interface EmulatedWatchdog {
  readonly path: string;
  /** Firmware reset: the driver reconnects to the client with its next message. */
  reset(): void;
  close(): Promise<void>;
}

export async function mountEmulatedWatchdog(options: EmulatedWatchdogOptions): Promise<EmulatedWatchdog> {
  const { firmware, ...rest } = options;
  return startEmulation({ ...rest, kind: 'watchdog', clients: [firmware] });
}
