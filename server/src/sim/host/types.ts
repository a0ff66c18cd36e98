/** The simulated host's records and options (host.ts is the host itself). */
import type { PropValue } from '../values';

export interface BootRecord {
  /** 1 for the first boot this device simulated. */
  readonly number: number;
  /** Device-clock time of the boot (ms since the epoch). */
  readonly at: number;
  /** What caused it, as IPS_HostBootReason.ReasonDetails words it. */
  readonly reason: 'Power Up' | 'Reset' | 'Power Cycle';
  /** The CIM_BootSourceSetting InstanceID forced for this boot, if any. */
  readonly forcedSource?: string;
  /** Where the host booted from. */
  readonly medium: BootMedium;
  /** Whether the one-time options (SetBootConfigRole Role 1) applied to this boot. */
  readonly oneTime: boolean;
  /** The AMT_BootSettingData flags that were set (true or non-zero) for this boot. */
  readonly options: Readonly<Record<string, PropValue>>;
  /** Set when the host's OS asked for this boot (`reboot`), not a WS-Man request. */
  readonly initiator?: 'host';
  /**
   * What the boot did, step by step, as it goes (e.g. `post:sol`, `pxe:no-offers`, `hard-drive`,
   * `ider-cd:boot`, `installed`, `os`); a boot cut short by the next one stops where it was.
   */
  readonly path?: string[];
  /** The OS label the installer of this boot recorded (IDE-R CD boot). */
  installed?: string;
}

export type BootMedium = 'hard-drive' | 'pxe' | 'cd-dvd' | 'diagnostic' | 'ider-floppy' | 'ider-cd' | 'bios-setup' | 'uefi-https' | 'uefi-local';

export interface HostState {
  /** The source ChangeBootOrder forced (a CIM_BootSourceSetting InstanceID), until the next boot. */
  forcedSource?: string;
  /** AMT_BootSettingData.RSEPassword is write-only: the value a Put gave waits here. */
  pendingRsePassword?: string;
  boots: BootRecord[];
  /** The OS an installer put on the disk (an IDE-R CD's volume label); the simulator's own OS until then. */
  installed?: string;
  /** Device-clock time the installer ran. */
  installedAt?: number;
}

export interface SimHostOptions {
  /** The OS login (`amtwb sim --host-user/--host-password`); default root / amt. */
  user?: string;
  password?: string;
  /** Real-time ms between paced console lines (POST, boot messages); default 100, tests use 0. */
  lineDelayMs?: number;
}

/** What a firmware piece's boot step (SimHost.addBootStep) may do on the console. */
export interface BootStepContext {
  readonly record: BootRecord;
  /** Prints one paced line; throws (ending the step) when a newer boot or a power-off cut this one short. */
  line(text: string): Promise<void>;
  /** Waits `ms` of real time, with the same rule. */
  pause(ms: number): Promise<void>;
}

/**
 * A step every boot runs after POST and BIOS setup, before the boot device (e.g. Remote Platform
 * Erase acting on record.options.PlatformErase). A step that changes the power state ends the boot.
 */
export type BootStep = (ctx: BootStepContext) => Promise<void> | void;
