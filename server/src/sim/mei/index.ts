/**
 * `/dev/mei0` emulated through FUSE (spec/mei-emulation.md): a regular file that behaves like the
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
import { resolve } from 'node:path';
import { AmtError } from '../../errors';
import type { FirmwareClient } from './firmware';
import { FirmwareHost } from './firmware-host';
import { mountFuse } from './mount';
import { workerEntry } from './worker-entry';
import { WorkerLink } from './worker-link';

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
  if (process.platform !== 'linux') throw new AmtError('sim.mei.unsupported', `The emulated MEI device needs Linux with FUSE; this is ${process.platform}.`);
  const path = resolve(options.path);
  const clients = new Map<string, FirmwareClient>();
  for (const c of options.clients) {
    const guid = c.guid.toLowerCase();
    if (clients.has(guid)) throw new AmtError('sim.mei.clients', `Two firmware clients share the GUID ${guid}: give each client its own GUID.`);
    clients.set(guid, c);
  }
  const entry = workerEntry(); // before mounting: a missing worker file leaves nothing to undo
  const onError = options.onError ?? ((err: unknown) => process.emitWarning(err instanceof Error ? err : String(err), 'EmulatedMeiWarning'));

  const mount = mountFuse(path, { allowOther: options.allowOther ?? false });
  let link: WorkerLink;
  try {
    const infos = [...clients].map(([guid, c]) => ({ guid, maxMessageLength: c.maxMessageLength, protocolVersion: c.protocolVersion, singleConnection: c.singleConnection }));
    link = await WorkerLink.start(entry, mount, infos, { mode: options.mode ?? 0o666, uid: process.getuid!(), gid: process.getgid!() });
  } catch (err) {
    mount.release();
    throw err;
  }
  const host = new FirmwareHost(clients, link, onError);
  link.onEvent((e) => host.handle(e));
  // A dead worker would leave callers blocked in the kernel: closing /dev/fuse fails them at once.
  link.onCrash((err) => {
    onError(err);
    mount.release();
  });

  let closing: Promise<void> | undefined;
  return {
    path,
    reset() {
      host.endAll();
      link.postAndWait({ type: 'reset' });
    },
    close() {
      closing ??= (async () => {
        host.endAll();
        mount.detach();
        await link.stop();
        mount.release();
      })();
      return closing;
    },
  };
}
