/**
 * The `amtwb sim … [--watchdog WPATH] [--time-scale N]` part, for cli.ts's sim command: parses
 * --time-scale and attaches the emulated iAMT watchdog device (sim/watchdog/attach.ts) to the
 * running simulator. The watchdog's firmware client should also be among the clients of the
 * simulator's MEI device (--mei), so the MEI-direct path reaches the same timer.
 */
import { AmtError } from '../errors';
import type { SimDevice } from '../sim/device';
import { attachWatchdog } from '../sim/watchdog/attach';

/** --time-scale N: a positive number (N× faster device clock); undefined when not given. */
export function parseTimeScale(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > 1_000_000) {
    throw new AmtError('usage', `--time-scale "${text}" is not a positive number; give how many times faster the simulated firmware clock runs, e.g. --time-scale 60.`);
  }
  return n;
}

export interface SimWatchdogOptions {
  /** --watchdog WPATH */
  watchdog?: string;
  /** --time-scale N (already parsed) */
  timeScale?: number;
}

/**
 * Applies --time-scale and mounts --watchdog; returns what to close on exit (a no-op when neither
 * was given) and prints where the device is.
 */
export async function attachSimWatchdog(
  sim: { readonly device: SimDevice },
  options: SimWatchdogOptions,
  out: (text: string) => Promise<void>,
): Promise<{ close(): Promise<void> }> {
  if (options.timeScale !== undefined) sim.device.setTimeScale(options.timeScale);
  if (!options.watchdog) return { close: async () => {} };
  const wd = await attachWatchdog(sim, { path: options.watchdog });
  const scale = sim.device.clockScale === 1 ? '' : ` (firmware clock ${sim.device.clockScale}× faster)`;
  await out(`watchdog device at ${wd.path}${scale}`);
  return wd;
}
