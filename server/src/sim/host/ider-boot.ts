/**
 * Booting from IDE-R (placeholder until the ATAPI sequence lands): without a bus the BIOS says
 * there is no redirected medium and the host boots its disk.
 */
import type { SimDevice } from '../device';
import type { Run } from './console';
import type { IderBus, IderDevice } from './links';

export interface IderBootContext {
  readonly path: string[];
  readonly device: SimDevice;
  /** Records the installed OS label (host state). */
  install(label: string): void;
}

/** Returns true when an installer ran (the caller restarts the host). */
export async function bootIder(run: Run, drive: IderDevice, bus: IderBus | undefined, ctx: IderBootContext): Promise<boolean> {
  if (!bus || !bus.open) {
    await run.line('IDE-R: no redirected media (no console has an IDE-R session open)');
    ctx.path.push(`ider-${drive}:no-session`);
    return false;
  }
  return false;
}
