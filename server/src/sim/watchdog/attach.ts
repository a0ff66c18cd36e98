/**
 * Gives a running simulator an emulated iAMT watchdog device (what `amtwb sim --watchdog PATH`
 * does): the firmware's watchdog client on the simulator's SimDevice, behind a Linux watchdog
 * device file emulated through FUSE (sim/mei/watchdog.ts). Heartbeats arm `device.watchdog`; when
 * they stop, the expiry lands in the message log and at every event subscriber.
 *
 * `timeScale` makes the device clock run N× faster (for demos: at 60× a 120 s timeout expires in
 * 2 s of wall time). A keepalive must then ping N× more often than timeout/2 of wall time.
 */
import type { SimDevice } from '../device';
import { WatchdogFirmware, type WatchdogFirmwareOptions } from '../firmware/watchdog';
import { mountEmulatedWatchdog } from '../mei/watchdog';

export interface AttachWatchdogOptions {
  /** Where the watchdog device file appears (created, mounted, removed on close). */
  path: string;
  /** Device-clock speed-up, > 0; default 1 (leaves the clock as it is). */
  timeScale?: number;
  /** The watchdog client's protocol version (> 1: heartbeats are answered); default 2. */
  protocolVersion?: WatchdogFirmwareOptions['protocolVersion'];
  allowOther?: boolean;
  mode?: number;
  onError?: (err: unknown) => void;
}

export interface AttachedWatchdog {
  readonly path: string;
  /** The firmware client; also add it to an emulated /dev/mei0 so MEI-direct access works. */
  readonly firmware: WatchdogFirmware;
  close(): Promise<void>;
}

export async function attachWatchdog(sim: { readonly device: SimDevice }, options: AttachWatchdogOptions): Promise<AttachedWatchdog> {
  if (options.timeScale !== undefined && options.timeScale !== 1) sim.device.setTimeScale(options.timeScale);
  const firmware = new WatchdogFirmware(sim.device, options.protocolVersion !== undefined ? { protocolVersion: options.protocolVersion } : {});
  const mounted = await mountEmulatedWatchdog({
    path: options.path,
    firmware,
    ...(options.allowOther !== undefined ? { allowOther: options.allowOther } : {}),
    ...(options.mode !== undefined ? { mode: options.mode } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
  });
  return { path: mounted.path, firmware, close: () => mounted.close() };
}
