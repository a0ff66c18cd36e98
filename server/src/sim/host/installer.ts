/**
 * The simulated OS installer an IDE-R CD boots: it copies the image (READ(10)s of 64 KiB through
 * the redirection, up to a cap, so the console sees real traffic), prints its progress, records
 * the volume label as the host's installed OS (host state, kept by --state), and ejects the
 * medium (START STOP UNIT, LoEj). The host then restarts into the new OS.
 */
import type { AtapiResult } from './links';
import type { Run } from './console';

/** 2048-byte sectors per READ(10): 64 KiB. */
export const INSTALL_CHUNK = 32;
/** The most the installer reads: 16 MiB (a large ISO needs no full copy to make the point). */
export const INSTALL_CAP = 8192;

export interface InstallJob {
  readonly label: string;
  /** 2048-byte sectors in the image. */
  readonly blocks: number;
  read(lba: number, count: number): Promise<Buffer>;
  eject(): Promise<AtapiResult>;
  record(label: string): void;
  readonly path: string[];
}

export async function install(run: Run, job: InstallJob): Promise<void> {
  const total = Math.max(1, Math.min(job.blocks, INSTALL_CAP));
  await run.line(`SimOS installer: installing "${job.label}" from the IDE-R CD (${Math.ceil((total * 2048) / 1024)} KiB to copy)`);
  let next = 25;
  for (let lba = 0; lba < total; lba += INSTALL_CHUNK) {
    const count = Math.min(INSTALL_CHUNK, total - lba);
    await job.read(lba, count);
    const percent = Math.floor(((lba + count) * 100) / total);
    for (; next <= percent; next += 25) await run.line(`Installing ${job.label}: ${next}%`);
  }
  job.record(job.label);
  job.path.push('installed');
  await run.line(`SimOS installer: ${job.label} is installed`);
  const ejected = await job.eject();
  await run.line(ejected.sense ? 'SimOS installer: the drive would not eject the medium; remove it at the console' : 'SimOS installer: medium ejected');
}
