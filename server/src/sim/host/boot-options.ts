/**
 * The one-time boot options as a boot takes them (host.ts has the sequence consoles run): which
 * were set, which medium they choose, and clearing them afterwards as AMT does — forced source
 * gone, CIM_ElementSettingData.IsNext 2, the AMT_BootSettingData flags back to their defaults,
 * OptionsCleared true.
 */
import type { PowerChange, SimDevice } from '../device';
import { POWER } from '../power-states';
import type { PropMap, PropValue } from '../values';
import { httpsBootUrl } from './bios';
import type { BootMedium, BootRecord, HostState } from './types';

export const BOOT_SETTINGS = 'AMT_BootSettingData';
const ELEMENT_SETTING = 'CIM_ElementSettingData';
const SINGLE_USE = 3;
const NOT_NEXT = 2;

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

export interface OneTimeOptions {
  readonly oneTime: boolean;
  readonly forcedSource?: string;
  readonly options: Record<string, PropValue>;
  readonly medium: BootMedium;
  /** The OCR HTTPS URI from UefiBootParametersArray (read before the boot clears it). */
  readonly httpsUrl?: string;
}

/** Reads what this boot was asked to do and clears it, as the boot consumes the options. */
export function takeOneTimeOptions(d: SimDevice, state: HostState): OneTimeOptions {
  const link = d.instances(ELEMENT_SETTING).find((e) => isBootConfigLink(e));
  const oneTime = link?.IsNext === SINGLE_USE;
  const settings = d.instances(BOOT_SETTINGS)[0] ?? {};
  const forcedSource = oneTime ? state.forcedSource : undefined;
  const options: Record<string, PropValue> = {};
  if (oneTime) {
    for (const [k, dflt] of Object.entries(ONE_TIME_DEFAULTS)) {
      const v = settings[k];
      if (v !== undefined && v !== dflt) options[k] = v;
    }
  }
  const httpsUrl = oneTime ? httpsBootUrl(settings.UefiBootParametersArray) : undefined;
  const taken: OneTimeOptions = {
    oneTime, options, medium: medium(d, forcedSource, options),
    ...(forcedSource ? { forcedSource } : {}), ...(httpsUrl ? { httpsUrl } : {}),
  };
  // The boot consumed the one-time options (Intel AMT SDK: they apply to the next boot only).
  delete state.forcedSource;
  delete state.pendingRsePassword;
  if (link) link.IsNext = NOT_NEXT;
  for (const [k, dflt] of Object.entries(ONE_TIME_DEFAULTS)) if (settings[k] !== undefined) settings[k] = dflt;
  if ('UefiBootParametersArray' in settings) delete settings.UefiBootParametersArray;
  if (settings.InstanceID !== undefined) settings.OptionsCleared = true;
  return taken;
}

export function bootReason(c: PowerChange): BootRecord['reason'] | undefined {
  if (c.state !== POWER.On) return undefined;
  if (c.requested === POWER.On) {
    return c.previous === POWER.OffSoft || c.previous === POWER.OffHard || c.previous === POWER.Hibernate ? 'Power Up' : undefined;
  }
  if (c.requested === POWER.MasterBusReset || c.requested === POWER.MasterBusResetGraceful) return 'Reset';
  if (c.requested === POWER.PowerCycleOffSoft || c.requested === POWER.PowerCycleOffHard) return 'Power Cycle';
  return undefined;
}

/** The host S-state before the boot (IPS_HostBootReason.PreviousSxState: 0..5 = S0..S5). */
export function sxState(power: number): number {
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
