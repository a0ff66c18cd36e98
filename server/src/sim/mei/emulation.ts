/**
 * What every emulated character device shares: the FUSE mount over a regular file, the worker
 * serving it (fuse-worker.ts, told which device kind to be), and the firmware clients hosted on
 * this thread. mountEmulatedMei and mountEmulatedWatchdog are thin wrappers around this.
 */
import { resolve } from 'node:path';
import { AmtError } from '../../errors';
import type { DeviceKind } from './bridge';
import type { FirmwareClient } from './firmware';
import { FirmwareHost } from './firmware-host';
import { mountFuse } from './mount';
import { workerEntry } from './worker-entry';
import { WorkerLink } from './worker-link';

export interface EmulationOptions {
  path: string;
  kind: DeviceKind;
  clients: FirmwareClient[];
  allowOther?: boolean;
  mode?: number;
  onError?: (err: unknown) => void;
}

export interface Emulation {
  readonly path: string;
  reset(): void;
  close(): Promise<void>;
}

export async function startEmulation(options: EmulationOptions): Promise<Emulation> {
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
    link = await WorkerLink.start(entry, mount, infos, { mode: options.mode ?? 0o666, uid: process.getuid!(), gid: process.getgid!() }, options.kind);
  } catch (err) {
    mount.release();
    throw err;
  }
  // The watchdog device holds each syscall until its message is handled (watchdog-device.ts).
  const host = new FirmwareHost(clients, link, onError, options.kind === 'watchdog');
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
