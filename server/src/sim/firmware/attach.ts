/**
 * Gives a running simulator its firmware side: the LME (APF), AMTHI and MKHI clients built from the
 * simulator's own SimDevice, behind an emulated MEI device file at `path`. Channels the host opens
 * over APF are fed into the simulator's HTTP(S) service, so WS-Man over MEI and over TCP reach the
 * same device. The device's Digest accounts gain the local system account AMTHI reports, as on
 * real AMT, where that account only works from the host.
 */
import type { Duplex } from 'node:stream';
import type { SimDevice } from '../device';
import { mountEmulatedMei, type FirmwareClient } from '../mei/index';
import { AmthiFirmware } from './amthi';
import { deviceFacts } from './device-facts';
import type { DeviceFacts } from './facts';
import { LmeFirmware, type LmeFirmwareOptions } from './lme';
import { setLocalEventRoute } from '../eventing/local-route';
import { MkhiFirmware } from './mkhi';
import { WatchdogFirmware } from './watchdog';

export type FirmwareClientName = 'lme' | 'amthi' | 'mkhi' | 'watchdog';

export interface AttachMeiOptions {
  /** Where the emulated device appears (created, mounted, and removed again on close). */
  path: string;
  /** Firmware clients to expose; default all four. Leaving out `lme` models AMT without local access. */
  clients?: FirmwareClientName[];
  /** Replace single AMTHI/MKHI facts (e.g. `{ amtEnabled: false }`, `amthiFailures`). */
  facts?: Partial<DeviceFacts>;
  /** LME knobs: window size, forwarded ports, one connection at a time (older AMT), … */
  lme?: Omit<LmeFirmwareOptions, 'handleConnection' | 'systemUuid'>;
  /** Let other users open the device (FUSE allow_other), with these permission bits (default 0o666). */
  allowOther?: boolean;
  mode?: number;
  onError?: (err: unknown) => void;
}

export interface AttachedMei {
  /** Absolute path of the device file. */
  readonly path: string;
  /** What AMTHI and MKHI report (live over the device model). */
  readonly facts: DeviceFacts;
  /** The LME client (open channels, host protocol violations), or undefined when left out. */
  readonly lme?: LmeFirmware;
  /** Test hook: a firmware reset — every MEI connection fails with ENODEV and must be reopened. */
  reset(): void;
  /** Unmounts the device and removes its file. Idempotent. */
  close(): Promise<void>;
}

/** What of a simulator the firmware side needs (startSimulator's result fits). */
export interface SimulatorLike {
  readonly device: SimDevice;
  handleConnection(stream: Duplex, amtPort?: number): void;
}

export async function attachMei(sim: SimulatorLike, options: AttachMeiOptions): Promise<AttachedMei> {
  const wanted = new Set<FirmwareClientName>(options.clients ?? ['lme', 'amthi', 'mkhi', 'watchdog']);
  const facts = deviceFacts(sim.device, options.facts);
  const { username, password } = facts.localSystemAccount;
  sim.device.accounts.set(username, password);

  const clients: FirmwareClient[] = [];
  let lme: LmeFirmware | undefined;
  if (wanted.has('lme')) {
    // 16992 reaches the plain service, 16993 the TLS one, as on AMT.
    lme = new LmeFirmware({ ...options.lme, systemUuid: sim.device.identity.uuid, handleConnection: (stream, port) => sim.handleConnection(stream, port) });
    clients.push(lme);
    const firmware = lme;
    setLocalEventRoute(sim.device, (port) => firmware.openToHost(port));
  }
  if (wanted.has('amthi')) clients.push(new AmthiFirmware(facts));
  if (wanted.has('mkhi')) clients.push(new MkhiFirmware(facts));
  // The same firmware timer the emulated kernel watchdog device drives, for the MEI-direct path.
  if (wanted.has('watchdog')) clients.push(new WatchdogFirmware(sim.device));

  const mounted = await mountEmulatedMei({
    path: options.path,
    clients,
    ...(options.allowOther !== undefined ? { allowOther: options.allowOther } : {}),
    ...(options.mode !== undefined ? { mode: options.mode } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
  });
  return {
    path: mounted.path,
    facts,
    ...(lme ? { lme } : {}),
    reset: () => mounted.reset(),
    close: () => {
      setLocalEventRoute(sim.device, undefined);
      return mounted.close();
    },
  };
}
