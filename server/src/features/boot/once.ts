/**
 * The one-time boot sequence consoles run (Intel AMT SDK "Set or Disable Boot Configuration
 * Settings for the Next Boot"; MeshCommander `powerActionResponse0…3`, Open AMT mps `bootOptions`):
 *
 *   1. Get AMT_BootSettingData
 *   2. CIM_BootConfigSetting.ChangeBootOrder() with no Source — clears a forced device
 *   3. Put AMT_BootSettingData with the flags for this boot
 *   4. CIM_BootService.SetBootConfigRole(Intel(r) AMT: Boot Configuration 0, Role 1 = next boot only)
 *   5. CIM_BootConfigSetting.ChangeBootOrder(Source) when a device is forced (PXE, hard drive, CD/DVD)
 *   6. CIM_PowerManagementService.RequestPowerStateChange (on when off, reset when on, unless asked)
 *
 * Before step 1 it reads what decides whether the sequence can work at all (capabilities,
 * consent, power) and refuses then, so a device that cannot do it gets no write.
 */
import type { BootParams, BootPower, BootResult, BootTarget } from '../../protocol';
import { getPowerState, managedSystemEpr } from '../power';
import { resourceUriFor, type WsmanClient } from '../../wsman';
import type { EndpointReference, WsInput, WsValue } from '../../wsman/types';
import { BOOT_CONFIG_ID, BOOT_SETTINGS, bootSettingsPut, choosePower, powerStep, readBootContext, requireCapability } from './settings';
import { StepRecorder, type CallOptions } from './steps';

export type BootOnceOptions = Omit<BootParams, 'targetId' | 'credentials'>;

interface TargetPlan {
  capability: string;
  /** What the refusal says the device cannot do. */
  what: string;
  /** The CIM_BootSourceSetting to force, if any. */
  source?: string;
  flags: Record<string, WsInput>;
  /** The next-boot sentence. */
  words: string;
}

export const BOOT_TARGETS: Readonly<Record<BootTarget, TargetPlan>> = {
  pxe: { capability: 'ForcePXEBoot', what: 'boot from the network (PXE)', source: 'Intel(r) AMT: Force PXE Boot', flags: {}, words: 'from the network (PXE)' },
  hdd: { capability: 'ForceHardDriveBoot', what: 'force a hard-drive boot', source: 'Intel(r) AMT: Force Hard-drive Boot', flags: {}, words: 'from the hard drive' },
  cd: { capability: 'ForceCDorDVDBoot', what: 'force a CD/DVD boot', source: 'Intel(r) AMT: Force CD/DVD Boot', flags: {}, words: 'from the CD/DVD drive' },
  'ider-cd': { capability: 'IDER', what: 'boot from an IDE-R drive', flags: { UseIDER: true, IDERBootDevice: 1 }, words: 'from the IDE-R CD' },
  'ider-floppy': { capability: 'IDER', what: 'boot from an IDE-R drive', flags: { UseIDER: true, IDERBootDevice: 0 }, words: 'from the IDE-R floppy' },
  'bios-setup': { capability: 'BIOSSetup', what: 'boot into BIOS setup', flags: { BIOSSetup: true }, words: 'into BIOS setup' },
};

export function isBootTarget(text: string): text is BootTarget {
  return Object.hasOwn(BOOT_TARGETS, text);
}

/** The reference SetBootConfigRole takes. */
export function bootConfigEpr(): EndpointReference {
  return { kind: 'epr', address: '', resourceUri: resourceUriFor('CIM_BootConfigSetting'), selectors: { InstanceID: BOOT_CONFIG_ID } };
}

export function bootSourceEpr(instanceId: string): EndpointReference {
  return { kind: 'epr', address: '', resourceUri: resourceUriFor('CIM_BootSourceSetting'), selectors: { InstanceID: instanceId } };
}

/** Boots the host once from `target` (BootError on refusal, naming the step). */
export async function bootOnce(client: WsmanClient, options: BootOnceOptions, call: CallOptions = {}): Promise<BootResult> {
  const plan = BOOT_TARGETS[options.target];
  const rec = new StepRecorder(client, call);
  if (!plan) rec.refuse('boot.invalid', `"${String(options.target)}" is not a boot target; use one of ${Object.keys(BOOT_TARGETS).join(', ')}.`);
  const ctx = await readBootContext(rec, client);
  requireCapability(rec, ctx.caps, plan.capability, plan.what);
  if (options.useSol) requireCapability(rec, ctx.caps, 'SOL', 'send BIOS output to Serial-over-LAN');
  if (options.biosPause) requireCapability(rec, ctx.caps, 'BIOSPause', 'pause in the BIOS');
  const power = choosePower(rec, options.power, ctx.powerState);

  const flags: Record<string, WsInput> = { ...plan.flags, ...(options.useSol ? { UseSOL: true } : {}), ...(options.biosPause ? { BIOSPause: true } : {}) };
  await runSequence(rec, flags, plan.source);
  return finish(client, rec, power, sentence(plan.words, options), call);
}

/**
 * Steps 1–5 for any boot (also One Click Recovery and platform erase, which add their own flags
 * and source). `before` sees the settings as read and may refuse or prepare before step 2.
 */
export async function runSequence(
  rec: StepRecorder,
  flags: Record<string, WsInput>,
  source: string | undefined,
  before?: (settings: Record<string, WsValue>) => Promise<void>,
): Promise<void> {
  const read = await rec.get(BOOT_SETTINGS);
  await before?.(read);
  await rec.invoke('ChangeBootOrder (clear the forced device)', 'CIM_BootConfigSetting', 'ChangeBootOrder', {});
  await rec.put(BOOT_SETTINGS, bootSettingsPut(read, flags));
  await rec.invoke('SetBootConfigRole 1 (next boot only)', 'CIM_BootService', 'SetBootConfigRole', { BootConfigSetting: bootConfigEpr(), Role: 1 });
  if (source) {
    await rec.invoke(`ChangeBootOrder ${source}`, 'CIM_BootConfigSetting', 'ChangeBootOrder', { Source: bootSourceEpr(source) }, (rv) =>
      rv === 4 ? `this device lists no CIM_BootSourceSetting "${source}", so it cannot force that device; the other settings stay for the next boot` : undefined,
    );
  }
}

/** Step 6 and the result. */
export async function finish(client: WsmanClient, rec: StepRecorder, power: Exclude<BootPower, 'none'> | undefined, next: string, call: CallOptions): Promise<BootResult> {
  if (!power) return { steps: rec.steps, message: `${next} The host was not powered on or reset; it boots like this the next time it starts.` };
  await powerStep(rec, power, managedSystemEpr());
  const result: BootResult = { steps: rec.steps, message: `${next} The host was ${power === 'on' ? 'powered on' : power === 'reset' ? 'reset' : 'power-cycled'} into it.` };
  try {
    const state = await getPowerState(client, call);
    result.powerState = { powerState: state.powerState, label: state.label };
  } catch {
    // The boot was requested; the read-back is a convenience and may race the transition.
  }
  return result;
}

function sentence(words: string, o: BootOnceOptions): string {
  const extras = [o.useSol ? 'BIOS output to SOL' : '', o.biosPause ? 'pausing in the BIOS' : ''].filter(Boolean);
  return `Next boot: once ${words}${extras.length ? `, ${extras.join(', ')}` : ''}.`;
}
