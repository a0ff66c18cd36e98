/**
 * One Click Recovery HTTPS boot and Remote Platform Erase (both AMT 16+; Intel AMT SDK "One Click
 * Recovery", "Remote Platform Erase"; Open AMT mps `bootOptions`, the Device Management Toolkit
 * console's remote-erase code, MeshCommander `powerActionDlgRPE`).
 *
 * Both run the one-time sequence of once.ts with their own flags and checks, and refuse before any
 * write when the firmware is older than 16, AMT_BootCapabilities lacks the feature, or the BIOS
 * has it switched off (AMT_BootSettingData.UEFIHTTPSBootEnabled / RPEEnabled, read-only from
 * AMT's side). When CIM_BootService has the feature off (EnabledState 32768 + bit 0 OCR, bit 1
 * RPE), it is switched on first with RequestStateChange, keeping the other bit.
 */
import type { BootResult, EraseParams, HttpsBootParams } from '../../protocol';
import type { WsmanClient } from '../../wsman';
import type { WsInput, WsValue } from '../../wsman/types';
import { finish, runSequence } from './once';
import { choosePower, readBootContext } from './settings';
import { bool, int, StepRecorder, type CallOptions } from './steps';
import { encodeTlvs, eraseTlvs, httpsBootTlvs } from './tlv';

export const OCR_HTTPS_SOURCE = 'Intel(r) AMT: Force OCR UEFI HTTPS Boot';
const BOOT_SERVICE_BASE = 32768;

/** Erase actions by name → bit of AMT_BootCapabilities.PlatformErase and of the request mask (MeshCommander). */
export const ERASE_ACTIONS: Readonly<Record<string, { bit: number; words: string }>> = {
  ssd: { bit: 2, words: 'secure erase of all SSDs' },
  verify: { bit: 3, words: 'verify the storage erase' },
  tpm: { bit: 6, words: 'TPM clear' },
  oem: { bit: 16, words: 'the OEM custom action' },
  'bios-nvm': { bit: 25, words: 'clear BIOS NVM variables' },
  'bios-golden': { bit: 26, words: 'reload the BIOS golden configuration' },
};
/** What an erase does when no actions are named: each of these the device supports. */
const DEFAULT_ERASE = ['ssd', 'tpm', 'bios-nvm'];

export async function httpsBoot(client: WsmanClient, p: Omit<HttpsBootParams, 'targetId' | 'credentials'>, call: CallOptions = {}): Promise<BootResult> {
  const rec = new StepRecorder(client, call);
  const tlvs = httpsBootTlvs({ url: p.url, ...(p.username ? { username: p.username } : {}), ...(p.password ? { password: p.password } : {}), verify: p.verifyServerCertificate !== false });
  await requireAmt16(rec, client, 'One Click Recovery (HTTPS boot)');
  const ctx = await readBootContext(rec, client);
  if (!bool(ctx.caps.ForceUEFIHTTPSBoot)) rec.refuse('boot.unsupported', 'This device cannot boot from HTTPS: AMT_BootCapabilities.ForceUEFIHTTPSBoot is not true, so nothing was sent.');
  const sources = await client.enumerateAll('CIM_BootSourceSetting', {}, call);
  rec.steps.push({ step: 'Enumerate CIM_BootSourceSetting', ok: true, detail: `${sources.length} sources` });
  if (!sources.some((s) => s.instance?.properties.InstanceID === OCR_HTTPS_SOURCE)) {
    rec.refuse('boot.unsupported', `This device lists no CIM_BootSourceSetting "${OCR_HTTPS_SOURCE}" (the BIOS registers it when UEFI HTTPS boot is on), so nothing was sent.`);
  }
  const power = choosePower(rec, p.power, ctx.powerState);
  const flags: Record<string, WsInput> = {
    UefiBootParametersArray: encodeTlvs(tlvs).toString('base64'),
    UefiBootNumberOfParams: tlvs.length,
    BootMediaIndex: 0,
    ForcedProgressEvents: true,
  };
  await runSequence(rec, flags, OCR_HTTPS_SOURCE, async (settings) => {
    if (settings.UEFIHTTPSBootEnabled !== undefined && !bool(settings.UEFIHTTPSBootEnabled)) {
      rec.refuse('boot.unsupported', "The BIOS has UEFI HTTPS boot switched off (AMT_BootSettingData.UEFIHTTPSBootEnabled is false), which only its setup screen can change; turn it on there, then try again.");
    }
    await enableBootService(rec, client, 1, 'One Click Recovery');
  });
  return finish(client, rec, power, `Next boot: once from ${safeUrl(p.url)} over HTTPS (One Click Recovery).`, call);
}

/** The names an erase of this device may be confirmed with: its AMT host name plus what the caller knows it as. */
export async function deviceNames(client: WsmanClient, known: readonly string[] = [], call: CallOptions = {}): Promise<string[]> {
  const names = known.filter((n) => n.trim() !== '');
  try {
    const host = (await client.get('AMT_GeneralSettings', undefined, call)).properties.HostName;
    if (typeof host === 'string' && host.trim() !== '') names.unshift(host.trim());
  } catch {
    // Without AMT_GeneralSettings the caller's names are all there is.
  }
  return [...new Set(names)];
}

export interface PlatformEraseOptions extends Omit<EraseParams, 'targetId' | 'credentials'> {
  /** Names the device goes by (its label, the host of its URL); its AMT host name is added. */
  knownNames?: readonly string[];
}

export async function platformErase(client: WsmanClient, p: PlatformEraseOptions, call: CallOptions = {}): Promise<BootResult> {
  const rec = new StepRecorder(client, call);
  const names = await deviceNames(client, p.knownNames ?? [], call);
  const typed = (p.confirmation ?? '').trim();
  if (!names.some((n) => n.toLowerCase() === typed.toLowerCase()) || typed === '') {
    rec.refuse('boot.confirmation', `${typed ? `"${typed}" is not this device's name` : 'No confirmation was typed'}; type ${names.length ? names[0] : "the device's name"} exactly to confirm erasing it.`);
  }
  await requireAmt16(rec, client, 'Remote Platform Erase');
  const ctx = await readBootContext(rec, client);
  const supported = int(ctx.caps.PlatformErase) ?? 0;
  if ((supported & 1) === 0) rec.refuse('boot.unsupported', 'This device cannot erase itself remotely: AMT_BootCapabilities.PlatformErase does not have bit 0 set, so nothing was sent.');
  const mask = eraseMask(rec, supported, p.actions);
  const power = choosePower(rec, p.power ?? (ctx.powerState === 2 ? 'cycle' : 'on'), ctx.powerState);
  const tlvs = eraseTlvs(mask);
  const flags: Record<string, WsInput> = { PlatformErase: true, UefiBootParametersArray: encodeTlvs(tlvs).toString('base64'), UefiBootNumberOfParams: tlvs.length };
  await runSequence(rec, flags, undefined, async (settings) => {
    if (!bool(settings.RPEEnabled)) {
      rec.refuse('boot.unsupported', 'The BIOS has Remote Platform Erase switched off (AMT_BootSettingData.RPEEnabled is false), which only its setup screen can change; turn it on there, then try again.');
    }
    await enableBootService(rec, client, 2, 'Remote Platform Erase');
  });
  const what = Object.entries(ERASE_ACTIONS).filter(([, a]) => mask & (1 << a.bit)).map(([, a]) => a.words);
  return finish(client, rec, power, `Next boot: Remote Platform Erase (${what.join(', ')}).`, call);
}

function eraseMask(rec: StepRecorder, supported: number, asked: readonly string[] | undefined): number {
  const names = asked && asked.length ? asked : DEFAULT_ERASE.filter((n) => supported & (1 << ERASE_ACTIONS[n]!.bit));
  let mask = 0;
  for (const name of names) {
    const a = ERASE_ACTIONS[name];
    if (!a) rec.refuse('boot.invalid', `"${name}" is not an erase action; use ${Object.keys(ERASE_ACTIONS).join(', ')}.`);
    if (!(supported & (1 << a.bit))) rec.refuse('boot.unsupported', `This device does not offer ${a.words} (bit ${a.bit} of AMT_BootCapabilities.PlatformErase), so nothing was sent.`);
    mask |= 1 << a.bit;
  }
  if (mask === 0) rec.refuse('boot.unsupported', 'This device offers none of the erase actions (SSD erase, TPM clear, BIOS NVM clear), so nothing was sent; name one it supports with --actions.');
  return mask >>> 0;
}

/** Firmware 16 or later, from Identify's ProductVersion (`AMT 16.1`). */
async function requireAmt16(rec: StepRecorder, client: WsmanClient, what: string): Promise<void> {
  const id = await client.identify();
  const major = Number(/(\d+)/.exec(id.productVersion ?? '')?.[1] ?? NaN);
  rec.steps.push({ step: 'Identify', ok: true, detail: id.productVersion || 'no ProductVersion' });
  if (Number.isFinite(major) && major < 16) rec.refuse('boot.unsupported', `${what} needs AMT 16 or later, and this device runs ${id.productVersion}, so nothing was sent.`);
}

/** Switches CIM_BootService's OCR (value 1) or RPE (value 2) bit on when it is off, keeping the other. */
async function enableBootService(rec: StepRecorder, client: WsmanClient, bit: 1 | 2, what: string): Promise<void> {
  const state = int((await client.get('CIM_BootService')).properties.EnabledState as WsValue) ?? 0;
  const bits = state >= BOOT_SERVICE_BASE ? state - BOOT_SERVICE_BASE : 0;
  rec.steps.push({ step: 'Get CIM_BootService', ok: true, detail: `EnabledState ${state}` });
  if (bits & bit) return;
  const wanted = BOOT_SERVICE_BASE + (bits | bit);
  await rec.invoke(`CIM_BootService.RequestStateChange ${wanted} (${what} on)`, 'CIM_BootService', 'RequestStateChange', { RequestedState: wanted });
}

/** The URL without any user:password part, for the sentence. */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url;
  }
}
