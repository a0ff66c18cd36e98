/**
 * What a boot needs to know before it writes anything, and the AMT_BootSettingData a Put sends.
 *
 * Before the first write: the capabilities (AMT_BootCapabilities), user consent (IPS_OptInService:
 * with consent required for everything, AMT answers the boot writes with AccessDenied until the
 * code was entered — Intel AMT SDK "User Consent") and the power state (the default power change
 * is on when the host is off and reset when it is on, as MeshCommander and Open AMT mps choose).
 *
 * The Put sends the instance as read without the properties AMT reports but refuses back: the
 * BIOS-owned switches, the status words and the write-only RSE password (MeshCommander deletes
 * exactly these before its Put; Open AMT mps clears BIOSLastStatus).
 */
import type { BootPower } from '../../protocol';
import { getPowerState, POWER_ACTIONS } from '../power';
import type { WsmanClient } from '../../wsman';
import type { WsInput, WsValue } from '../../wsman/types';
import { bool, int, type StepRecorder } from './steps';

export const BOOT_SETTINGS = 'AMT_BootSettingData';
export const BOOT_CAPABILITIES = 'AMT_BootCapabilities';
export const BOOT_CONFIG_ID = 'Intel(r) AMT: Boot Configuration 0';
/** IPS_OptInService.OptInRequired when consent is needed for every redirection and boot change. */
export const CONSENT_ALL = 0xffffffff;

const NOT_PUT = new Set([
  'BIOSLastStatus', 'BootguardStatus', 'OptionsCleared', 'RPEEnabled', 'SecureBootControlEnabled',
  'UEFIHTTPSBootEnabled', 'UEFILocalPBABootEnabled', 'WinREBootEnabled', 'RSEPassword', 'UefiBootParametersArray',
]);

/** Every one-time flag a plain boot sends false or 0 unless it asks for it (MeshCommander's simple path). */
const PLAIN: Readonly<Record<string, boolean | number>> = {
  BIOSPause: false, BIOSSetup: false, BootMediaIndex: 0, ConfigurationDataReset: false, EnforceSecureBoot: false,
  FirmwareVerbosity: 0, ForcedProgressEvents: false, IDERBootDevice: 0, LockKeyboard: false, LockPowerButton: false,
  LockResetButton: false, LockSleepButton: false, PlatformErase: false, ReflashBIOS: false, SecureErase: false,
  UseIDER: false, UseSOL: false, UseSafeMode: false, UserPasswordBypass: false, UefiBootNumberOfParams: 0,
};

/**
 * The Put body: the instance as read (in its order), read-only and nil values left out, the one-time
 * flags reset to PLAIN, then `changes` applied (a change to a property the device lacks is added).
 */
export function bootSettingsPut(read: Record<string, WsValue>, changes: Record<string, WsInput>): Record<string, WsInput> {
  const out: Record<string, WsInput> = {};
  for (const [name, value] of Object.entries(read)) {
    if (NOT_PUT.has(name) || value === null) continue;
    out[name] = Object.hasOwn(PLAIN, name) ? PLAIN[name]! : value;
  }
  for (const [name, value] of Object.entries(changes)) out[name] = value;
  return out;
}

export interface BootContext {
  caps: Record<string, WsValue>;
  powerState: number;
}

/** Reads capabilities, consent and power; refuses (nothing written yet) when consent is missing. */
export async function readBootContext(rec: StepRecorder, client: WsmanClient): Promise<BootContext> {
  const caps = await rec.get(BOOT_CAPABILITIES);
  const optIn = await readOptIn(client);
  if (optIn && optIn.required === CONSENT_ALL && optIn.state !== 3 && optIn.state !== 4) {
    rec.refuse(
      'boot.consent',
      'This device needs user consent before boot options change (IPS_OptInService requires it for everything, as in client control mode); run amtwb consent start, read the six digits on the host screen, enter them with amtwb consent code NNNNNN, then boot again.',
    );
  }
  const power = await getPowerState(client);
  rec.steps.push({ step: 'Enumerate CIM_AssociatedPowerManagementService', ok: true, detail: `PowerState ${power.powerState} (${power.label})` });
  return { caps, powerState: power.powerState };
}

async function readOptIn(client: WsmanClient): Promise<{ required: number; state: number } | undefined> {
  try {
    const p = (await client.get('IPS_OptInService')).properties;
    return { required: int(p.OptInRequired) ?? 0, state: int(p.OptInState) ?? 0 };
  } catch {
    return undefined; // firmware without IPS_OptInService (before AMT 6) asks for no consent
  }
}

/** Refuses a feature the device's AMT_BootCapabilities does not offer. */
export function requireCapability(rec: StepRecorder, caps: Record<string, WsValue>, name: string, what: string): void {
  if (!bool(caps[name])) {
    rec.refuse('boot.unsupported', `This device cannot ${what}: AMT_BootCapabilities.${name} is ${caps[name] === undefined ? 'absent' : 'false'}, so nothing was sent.`);
  }
}

/** The power change after the settings: the one asked for, or on when off and reset when on. */
export function choosePower(rec: StepRecorder, asked: BootPower | undefined, powerState: number): Exclude<BootPower, 'none'> | undefined {
  const on = powerState === 2;
  if (asked === 'none') return undefined;
  if (asked === undefined) return on ? 'reset' : 'on';
  if (asked === 'on' && on) {
    rec.refuse('boot.invalid', 'The host is already on, so powering it on would not boot it; use --power reset or cycle, or leave --power out (reset when on).');
  }
  if (asked !== 'on' && !on) {
    rec.refuse('boot.invalid', `The host is off, so it cannot be ${asked === 'reset' ? 'reset' : 'power-cycled'}; use --power on, or leave --power out (on when off).`);
  }
  return asked;
}

/** The last step: RequestPowerStateChange, recorded like the others. */
export async function powerStep(rec: StepRecorder, power: Exclude<BootPower, 'none'>, managedElement: WsInput): Promise<void> {
  const value = POWER_ACTIONS[power];
  await rec.invoke(`RequestPowerStateChange ${value} (${power})`, 'CIM_PowerManagementService', 'RequestPowerStateChange', { PowerState: value, ManagedElement: managedElement }, (rv) =>
    rv === 4097 ? 'the host is not in a state that allows it; the boot options stay set for the next boot, so power the host on or reset it yourself' : undefined,
  );
}
