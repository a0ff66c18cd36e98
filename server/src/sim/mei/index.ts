/**
 * `/dev/mei0` emulated through FUSE (docs/simulator.md "The firmware side over MEI"): a regular file that behaves like the
 * MEI character device, so the product's real koffi path, and unmodified third-party programs,
 * talk to the simulated firmware clients.
 *
 * Threads: the FUSE request loop runs in a worker (fuse-worker.ts says why); the firmware clients
 * run on this thread and exchange whole messages with it. So the simulator and the product can
 * share one process (tests) or run apart (`amtwb sim --mei PATH`).
 *
 * Needs root (mount(2) wants CAP_SYS_ADMIN) and /dev/fuse. Unmounting is MNT_DETACH, on close() and
 * on process exit or SIGINT/SIGTERM/SIGHUP, so a run never leaves a dead (ENOTCONN) mount behind.
 * While mounted, the device keeps the process alive, like a listening server.
 */
import { startEmulation } from './emulation';
import type { FirmwareClient } from './firmware';

export type { FirmwareClient, FirmwareConnection, FirmwareSession } from './firmware';

export interface EmulatedMeiOptions {
  /** Where the device appears; a regular file is created there if missing (and removed on close). */
  path: string;
  clients: FirmwareClient[];
  /** Let users other than the one who mounted open the device (FUSE `allow_other`). */
  allowOther?: boolean;
  /** Permission bits of the node, enforced by the kernel. Default 0o666; a stock /dev/mei0 is 0o600 root. */
  mode?: number;
  /** A firmware client threw (in open, onMessage or onClose). Default: process.emitWarning. */
  onError?: (err: unknown) => void;
}

export interface EmulatedMei {
  /** Absolute path of the device file. */
  readonly path: string;
  /**
   * Firmware reset: every session gets onClose, and every connection fails with ENODEV on its
   * pending and next read/write (the fds may connect again). Done when it returns.
   */
  reset(): void;
  /** Ends all sessions, unmounts, stops the worker, removes the file if it was created. Idempotent. */
  close(): Promise<void>;
}

export async function mountEmulatedMei(options: EmulatedMeiOptions): Promise<EmulatedMei> {
  return startEmulation({ ...options, kind: 'mei' });
}

export { mountEmulatedWatchdog, type EmulatedWatchdog, type EmulatedWatchdogOptions } from './watchdog';
