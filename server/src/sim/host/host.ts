/**
 * The simulated host behind the firmware — for now only its boot: on every boot the device's power
 * changes cause, it records which boot source it used and what the one-time boot options asked
 * for, then clears those options as AMT does. (The redirection work extends this into a simulated
 * BIOS and OS.)
 *
 * The one-time sequence consoles run (Intel AMT SDK "Set or Disable Boot Configuration Settings for
 * the Next Boot"; MeshCommander and Open AMT mps): ChangeBootOrder() to clear, Put
 * AMT_BootSettingData with the flags, CIM_BootService.SetBootConfigRole(Role 1 = IsNextSingleUse),
 * ChangeBootOrder(Source) to force a device, then a power-on or reset. The options apply only when
 * the role was set (CIM_ElementSettingData.IsNext = 3, "Is Next For Single Use", DMTF DSP1012); after
 * that boot the forced source is gone, IsNext is 2 ("Is Not Next"), the AMT_BootSettingData flags
 * are back to their defaults and OptionsCleared is true (the SDK's "next boot only").
 *
 * A boot is: power-on from off or hibernate (2), a reset (10, 14) or a power cycle (5, 9). Waking
 * from sleep (S3) resumes the OS and is no boot; an NMI (11) neither.
 *
 * State that is not instances lives in `state` (plain JSON: the forced source, a pending RSE
 * password, the boot history), so a state file can keep it.
 */
import type { PowerChange, SimDevice } from '../device';
import { POWER } from '../power-states';
import { sideState } from '../side-state';
import type { PropMap, PropValue } from '../values';

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
}

export type BootMedium = 'hard-drive' | 'pxe' | 'cd-dvd' | 'diagnostic' | 'ider-floppy' | 'ider-cd' | 'bios-setup' | 'uefi-https' | 'uefi-local';

export interface HostState {
  /** The source ChangeBootOrder forced (a CIM_BootSourceSetting InstanceID), until the next boot. */
  forcedSource?: string;
  /** AMT_BootSettingData.RSEPassword is write-only: the value a Put gave waits here. */
  pendingRsePassword?: string;
  boots: BootRecord[];
}

const BOOT_SETTINGS = 'AMT_BootSettingData';
const ELEMENT_SETTING = 'CIM_ElementSettingData';
const BOOT_REASON = 'IPS_HostBootReason';
const SINGLE_USE = 3;
const NOT_NEXT = 2;
/** Kept at most in `state.boots` (the oldest go first). */
const MAX_BOOT_RECORDS = 100;

/** Flags of AMT_BootSettingData that a boot consumes, with the values they return to. */
const ONE_TIME_DEFAULTS: Readonly<Record<string, PropValue>> = {
  BIOSPause: false, BIOSSetup: false, BootMediaIndex: 0, ConfigurationDataReset: false, EnforceSecureBoot: false,
  FirmwareVerbosity: 0, ForcedProgressEvents: false, IDERBootDevice: 0, LockKeyboard: false, LockPowerButton: false,
  LockResetButton: false, LockSleepButton: false, PlatformErase: false, ReflashBIOS: false, SecureErase: false,
  UseIDER: false, UseSOL: false, UseSafeMode: false, UserPasswordBypass: false, UefiBootNumberOfParams: 0,
};

/** StructuredBootString (CIM_BootSourceSetting) → medium. */
const MEDIA: Readonly<Record<string, BootMedium>> = {
  'CIM:Hard-Disk': 'hard-drive', 'CIM:Network': 'pxe', 'CIM:CD/DVD': 'cd-dvd', 'CIM:Diagnostic': 'diagnostic',
};

export class SimHost {
  /** Plain JSON, a side object that `--state` keeps (side-state.ts). */
  readonly state: HostState;

  constructor(private readonly device: SimDevice) {
    this.state = sideState<HostState>(device, 'host', () => ({ boots: [] }));
    device.on('power', (change: PowerChange) => {
      const reason = bootReason(change);
      if (reason) this.boot(reason, change.previous);
    });
    device.on('put', ({ className, instance, changed }: { className: string; instance: PropMap; changed: string[] }) => {
      if (className !== BOOT_SETTINGS || changed.length === 0) return;
      if (changed.includes('RSEPassword')) {
        this.state.pendingRsePassword = String(instance.RSEPassword ?? '');
        instance.RSEPassword = '';
      }
      instance.OptionsCleared = false;
    });
  }

  /** The most recent boot, if the host has booted since the simulator started. */
  get lastBoot(): BootRecord | undefined {
    return this.state.boots[this.state.boots.length - 1];
  }

  private boot(reason: BootRecord['reason'], previous: number): void {
    const d = this.device;
    const link = d.instances(ELEMENT_SETTING).find((e) => isBootConfigLink(e));
    const oneTime = link?.IsNext === SINGLE_USE;
    const settings = d.instances(BOOT_SETTINGS)[0] ?? {};
    const forcedSource = oneTime ? this.state.forcedSource : undefined;
    const options: Record<string, PropValue> = {};
    if (oneTime) {
      for (const [k, dflt] of Object.entries(ONE_TIME_DEFAULTS)) {
        const v = settings[k];
        if (v !== undefined && v !== dflt) options[k] = v;
      }
    }
    const record: BootRecord = {
      number: (this.lastBoot?.number ?? 0) + 1,
      at: d.now(),
      reason,
      ...(forcedSource ? { forcedSource } : {}),
      medium: medium(d, forcedSource, options),
      oneTime,
      options,
    };
    this.state.boots.push(record);
    if (this.state.boots.length > MAX_BOOT_RECORDS) this.state.boots.shift();
    // The boot consumed the one-time options (Intel AMT SDK: they apply to the next boot only).
    delete this.state.forcedSource;
    delete this.state.pendingRsePassword;
    if (link) link.IsNext = NOT_NEXT;
    for (const [k, dflt] of Object.entries(ONE_TIME_DEFAULTS)) if (settings[k] !== undefined) settings[k] = dflt;
    if ('UefiBootParametersArray' in settings) delete settings.UefiBootParametersArray;
    if (settings.InstanceID !== undefined) settings.OptionsCleared = true;
    const hostReason = d.instances(BOOT_REASON)[0];
    if (hostReason) Object.assign(hostReason, { Reason: 2, ReasonDetails: reason, PreviousSxState: sxState(previous) });
    // The BIOS reports its POST to the firmware's event log as PET "System Firmware Progress"
    // events (IPMI 2.0 table 42-3: sensor type 0Fh, offset 02h, event data 2 = the progress code),
    // from the BIOS entity (22h), as AMT_MessageLog shows after a remote power-on.
    for (const code of POST_PROGRESS) {
      d.addLogRecord({ sensorType: 0x0f, eventType: 0x6f, eventOffset: 2, entity: 0x22, eventData: [0xc2, code] });
    }
    d.emit('host-boot', record);
  }
}

/** Memory initialization, video initialization, starting the operating system boot process. */
const POST_PROGRESS = [0x01, 0x09, 0x13] as const;

function bootReason(c: PowerChange): BootRecord['reason'] | undefined {
  if (c.state !== POWER.On) return undefined;
  if (c.requested === POWER.On) {
    return c.previous === POWER.OffSoft || c.previous === POWER.OffHard || c.previous === POWER.Hibernate ? 'Power Up' : undefined;
  }
  if (c.requested === POWER.MasterBusReset || c.requested === POWER.MasterBusResetGraceful) return 'Reset';
  if (c.requested === POWER.PowerCycleOffSoft || c.requested === POWER.PowerCycleOffHard) return 'Power Cycle';
  return undefined;
}

/** The host S-state before the boot (IPS_HostBootReason.PreviousSxState: 0..5 = S0..S5). */
function sxState(power: number): number {
  if (power === POWER.SleepDeep) return 3;
  if (power === POWER.Hibernate) return 4;
  if (power === POWER.OffSoft || power === POWER.OffHard) return 5;
  return 0;
}

function isBootConfigLink(e: PropMap): boolean {
  const s = e.SettingData as { kind?: string; resourceUri?: string } | undefined;
  return s?.kind === 'epr' && !!s.resourceUri?.endsWith('/CIM_BootConfigSetting');
}

function medium(d: SimDevice, forced: string | undefined, options: Record<string, PropValue>): BootMedium {
  if (options.BIOSSetup === true) return 'bios-setup';
  if (options.UseIDER === true) return options.IDERBootDevice === 1 ? 'ider-cd' : 'ider-floppy';
  if (forced) {
    const src = d.instances('CIM_BootSourceSetting').find((s) => s.InstanceID === forced);
    const structured = String(src?.StructuredBootString ?? '').replace(/:\d+$/, '');
    if (MEDIA[structured]) return MEDIA[structured];
    if (forced.includes('HTTPS')) return 'uefi-https';
    if (forced.includes('UEFI')) return 'uefi-local';
  }
  return 'hard-drive';
}
