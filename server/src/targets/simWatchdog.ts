/**
 * The embedded simulator's OS watchdog: so the Watchdog view has a device to drive without AMT
 * hardware, the backend mounts an emulated iAMT watchdog (sim/watchdog/attach.ts, the same as
 * `amtwb sim --watchdog PATH`) for the embedded simulator at a fresh temporary path. Mounting
 * needs FUSE: root and /dev/fuse; without them `ensure` says why, in the sentence the view shows.
 *
 * It lives in targets/ because it extends the embedded default target the registry starts (only
 * targets/ may import sim/), and is used only for it. It also applies the simulator's
 * time scale (amt.simulator.timeScale): at N× a 120 s timeout fires after 120/N s of wall time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SimDevice } from '../sim/device';
import { attachWatchdog, type AttachedWatchdog } from '../sim/watchdog/attach';

export type SimWatchdogResult = { path: string; timeScale: number } | { reason: string };

/** What SimWatchdog needs of the embedded simulator: its device model. Features name it through this type, not sim/. */
export interface EmbeddedSimulator {
  readonly device: SimDevice;
}

export interface SimWatchdogOptions {
  /** Firmware clock speed-up for the simulator, > 0; default 1. */
  timeScale?: number;
  /** Where the temporary folder is made; default the OS temp dir. */
  tmpdir?: string;
  /** Why FUSE cannot be used, or undefined when it can (tests replace it). */
  missingPrerequisite?: () => string | undefined;
}

/** Why an emulated device cannot be mounted here, or undefined when it can. */
export function fuseUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `the simulator's emulated watchdog needs Linux FUSE, and this is ${process.platform}`;
  if (!fs.existsSync('/dev/fuse')) return "/dev/fuse is missing, so the simulator's emulated watchdog cannot be mounted (load the fuse module, or start the container with --device /dev/fuse)";
  if (process.getuid?.() !== 0) return `mounting the simulator's emulated watchdog (FUSE) needs root, and the backend runs as uid ${process.getuid?.()}; run VS Code as root, or start "amtwb sim --watchdog PATH" as root and set amt.watchdog.device to PATH`;
  return undefined;
}

export class SimWatchdog {
  private mounting: Promise<SimWatchdogResult> | undefined;
  private attached: AttachedWatchdog | undefined;
  private dir: string | undefined;
  private disposed = false;

  constructor(private readonly options: SimWatchdogOptions = {}) {}

  get timeScale(): number {
    const n = this.options.timeScale;
    return n !== undefined && Number.isFinite(n) && n > 0 ? n : 1;
  }

  /**
   * The emulated device of this simulator, mounted on first call; a failure is not kept, so a
   * later call tries again. `simulator` starts the simulator if it is not running yet.
   */
  ensure(simulator: () => Promise<EmbeddedSimulator>): Promise<SimWatchdogResult> {
    this.mounting ??= this.mount(simulator).then((r) => {
      if ('reason' in r) this.mounting = undefined;
      return r;
    });
    return this.mounting;
  }

  /** Unmounts the device and removes its folder. */
  async dispose(): Promise<void> {
    this.disposed = true;
    await this.mounting?.catch(() => undefined);
    await this.attached?.close().catch(() => undefined);
    this.attached = undefined;
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  private async mount(simulator: () => Promise<EmbeddedSimulator>): Promise<SimWatchdogResult> {
    let sim: EmbeddedSimulator;
    try {
      sim = await simulator();
    } catch (err) {
      return { reason: `the embedded simulator did not start (${message(err)})` };
    }
    if (this.timeScale !== 1 && sim.device.clockScale !== this.timeScale) sim.device.setTimeScale(this.timeScale);
    const missing = (this.options.missingPrerequisite ?? fuseUnavailable)();
    if (missing) return { reason: missing };
    if (this.disposed) return { reason: 'the backend is stopping' };
    const dir = fs.mkdtempSync(path.join(this.options.tmpdir ?? os.tmpdir(), 'amtwb-watchdog-'));
    fs.chmodSync(dir, 0o755);
    try {
      this.attached = await attachWatchdog(sim, { path: path.join(dir, 'watchdog0') });
      this.dir = dir;
      return { path: this.attached.path, timeScale: sim.device.clockScale };
    } catch (err) {
      fs.rmSync(dir, { recursive: true, force: true });
      return { reason: `the simulator's emulated watchdog could not be mounted (${message(err)})` };
    }
  }
}

function message(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\.$/, '');
}
