/**
 * The next boot as the device has it: AMT_BootSettingData's one-time flags, whether they are armed
 * (CIM_ElementSettingData.IsNext 3 "Is Next For Single Use" after SetBootConfigRole(1), DMTF
 * DSP1012), and what AMT_BootCapabilities allows. AMT does not report which device
 * ChangeBootOrder forced, so the sentence says only that one is set when the flags do not explain the boot.
 */
import type { BootStatus, BootTarget } from '../../protocol';
import type { WsmanClient } from '../../wsman';
import type { WsValue } from '../../wsman/types';
import { BOOT_TARGETS } from './once';
import { BOOT_CAPABILITIES, BOOT_SETTINGS } from './settings';
import { bool, int, type CallOptions } from './steps';

/** Flags that are false/0 unless a console set them; shown when set. */
const FLAGS = [
  'BIOSPause', 'BIOSSetup', 'ConfigurationDataReset', 'EnforceSecureBoot', 'FirmwareVerbosity', 'ForcedProgressEvents',
  'IDERBootDevice', 'LockKeyboard', 'LockPowerButton', 'LockResetButton', 'LockSleepButton', 'PlatformErase', 'ReflashBIOS',
  'SecureErase', 'UseIDER', 'UseSOL', 'UseSafeMode', 'UserPasswordBypass', 'UefiBootNumberOfParams',
];

export async function bootStatus(client: WsmanClient, call: CallOptions = {}): Promise<BootStatus> {
  const opts = call.signal ? { signal: call.signal } : {};
  const settings = (await client.get(BOOT_SETTINGS, undefined, opts)).properties;
  const caps = (await client.get(BOOT_CAPABILITIES, undefined, opts)).properties;
  const links = await client.enumerateAll('CIM_ElementSettingData', {}, opts).catch(() => []);
  const armed = links.some((l) => int(l.instance?.properties.IsNext) === 3 && isBootConfig(l.instance?.properties.SettingData));
  const options: Record<string, string | number | boolean> = {};
  for (const name of FLAGS) {
    const v = settings[name];
    if (typeof v !== 'string') continue;
    if (v === 'true') options[name] = true;
    else if (/^\d+$/.test(v) && v !== '0') options[name] = Number(v);
  }
  return { nextBoot: nextBootSentence(armed, options), options, supported: supportedTargets(caps) };
}

export function supportedTargets(caps: Record<string, WsValue>): string[] {
  const list: string[] = (Object.entries(BOOT_TARGETS) as [BootTarget, { capability: string }][]).filter(([, p]) => bool(caps[p.capability])).map(([t]) => t);
  if (bool(caps.ForceUEFIHTTPSBoot)) list.push('https');
  if (((int(caps.PlatformErase) ?? 0) & 1) === 1) list.push('erase');
  return list;
}

function nextBootSentence(armed: boolean, o: Record<string, string | number | boolean>): string {
  if (!armed) return "Next boot: the host's own order.";
  const what =
    o.PlatformErase === true ? 'Remote Platform Erase'
    : o.BIOSSetup === true ? 'once into BIOS setup'
    : o.UseIDER === true ? `once from the IDE-R ${o.IDERBootDevice === 1 ? 'CD' : 'floppy'}`
    : typeof o.UefiBootNumberOfParams === 'number' ? 'once with One Click Recovery parameters (HTTPS boot)'
    : 'once from the device a console forced (AMT does not report which)';
  const extras = [o.UseSOL === true ? 'BIOS output to SOL' : '', o.BIOSPause === true ? 'pausing in the BIOS' : ''].filter(Boolean);
  return `Next boot: ${what}${extras.length ? `, ${extras.join(', ')}` : ''}.`;
}

function isBootConfig(v: WsValue | undefined): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && (v as { kind?: string; resourceUri?: string }).kind === 'epr' && String((v as { resourceUri?: string }).resourceUri).endsWith('/CIM_BootConfigSetting');
}
