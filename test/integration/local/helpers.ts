/**
 * Set-up of the local-access tier: a simulator whose firmware side (LME, AMTHI, MKHI) is attached
 * behind an emulated MEI device at a temporary path, and a target registry with a `local` target
 * on that path. Needs root and /dev/fuse; the guard is the MEI tier's (meiSuite).
 */
import fs from 'node:fs';
import path from 'node:path';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../../server/src/sim';
import type { AttachMeiOptions } from '../../../server/src/sim/firmware/attach';
import { TargetRegistry, type LocalTargetSpec, type TargetRegistryOptions } from '../../../server/src/targets/registry';
import { tempDir } from '../mei/helpers';

export { meiSuite, eventually, tempDir } from '../mei/helpers';

export interface LocalRig {
  sim: Simulator & { mei: NonNullable<Simulator['mei']> };
  /** The emulated device file. */
  path: string;
  dir: string;
  close(): Promise<void>;
}

/** A simulator on a free port with its MEI device mounted at <fresh temp dir>/mei0. */
export async function localRig(mei: Omit<AttachMeiOptions, 'path'> = {}, sim: SimulatorOptions = {}): Promise<LocalRig> {
  const dir = tempDir();
  const file = path.join(dir, 'mei0');
  const started = await startSimulator({ port: 0, ...sim, mei: { ...mei, path: file } });
  return {
    sim: started as LocalRig['sim'],
    path: file,
    dir,
    async close() {
      await started.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A registry (no embedded simulator) with one `local` target on `meiPath`, id `local`. */
export function localRegistry(meiPath: string, spec: Partial<LocalTargetSpec> = {}, options: TargetRegistryOptions = {}): TargetRegistry {
  const registry = new TargetRegistry({ simulator: false, ...options });
  registry.add({ kind: 'local', meiPath, ...spec } as LocalTargetSpec);
  return registry;
}

/** Counts WS-Man requests the simulator reads, by the last segment of their Action. */
export function countRequests(sim: Simulator): Map<string, number> {
  const counts = new Map<string, number>();
  sim.device.on('request', ({ action }: { action?: string }) => {
    const key = action?.split('/').pop() ?? 'Identify';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  });
  return counts;
}
