/**
 * The simulated BIOS: POST text, BIOSPause, the BIOS setup screen, and the boot devices that have
 * nothing to boot in the simulator (PXE, CD/DVD, diagnostics, One Click Recovery) — each prints
 * what a real BIOS or option ROM says and falls back to the hard drive. IDE-R is ider-boot.ts.
 *
 * Where text goes: POST lines go to the serial port only with console redirection (the boot's
 * one-time UseSOL, "BIOS text to SOL", spec platform-features.md §1.3); they always reach the
 * screen model. Prompts that wait for a key (BIOSPause, BIOS setup) and the lines naming the boot
 * path go to the serial port always — the user asked for them and types the answer there; that
 * is the simulator's choice, so a console without UseSOL still sees where the host booted.
 */
import type { Key, Run } from './console';
import type { BootMedium } from './types';

export interface BiosInfo {
  readonly vendor: string;
  readonly version: string;
  readonly memoryMb: number;
  readonly amtVersion: string;
  readonly uuid: string;
  /** UseSOL: POST text to the serial port. */
  readonly redirect: boolean;
  /** The steps this boot took, as the BootRecord keeps them. */
  readonly path: string[];
}

export async function post(run: Run, b: BiosInfo): Promise<void> {
  b.path.push(b.redirect ? 'post:sol' : 'post');
  // No screen clear: what the firmware printed as the boot began (Remote Platform Erase) stays.
  run.print('\r\n', b.redirect);
  await run.line(`${b.vendor} BIOS ${b.version}`, b.redirect);
  await run.line('CPU: Intel(R) Core(TM) vPro(R) processor (simulated)', b.redirect);
  await run.line(`Memory Test: ${b.memoryMb * 1024}K OK (${b.memoryMb} MB)`, b.redirect);
  await run.line(`Intel(R) AMT ${b.amtVersion} - Intel(R) Management Engine firmware`, b.redirect);
  await run.line('Press F2 for Setup, F12 for Network Boot', b.redirect);
}

/** BIOSPause: waits for any key before booting. */
export async function biosPause(run: Run, b: BiosInfo): Promise<void> {
  b.path.push('bios-pause');
  run.print('Press any key to continue...');
  await run.key(true);
  run.print('\r\n');
}

/** BIOSSetup: the setup screen, until Esc (exit) or F10 (save and exit). */
export async function biosSetup(run: Run, b: BiosInfo): Promise<void> {
  b.path.push('bios-setup');
  run.print(setupScreen(b));
  let k: Key;
  do k = await run.key(true);
  while (k.kind !== 'esc' && k.kind !== 'f10');
  b.path.push(k.kind === 'f10' ? 'setup:save-exit' : 'setup:exit');
  run.print('\x1b[2J\x1b[H');
  await run.line(k.kind === 'f10' ? 'Saving changes and exiting BIOS setup.' : 'Exiting BIOS setup without saving.');
}

function setupScreen(b: BiosInfo): string {
  const rows = [
    '                       BIOS Setup Utility (simulated)',
    ' Main   Boot   Security   Intel(R) AMT   Exit',
    ' ------------------------------------------------------------------------------',
    ` BIOS Version           ${b.version}`,
    ` BIOS Vendor            ${b.vendor}`,
    ` System Memory          ${b.memoryMb} MB`,
    ` System UUID            ${b.uuid}`,
    ` Intel(R) AMT           ${b.amtVersion} (enabled)`,
    '',
    ' Boot Order',
    '   1. Hard Drive',
    '   2. Network (PXE)',
    '   3. CD/DVD',
    '',
    ' ------------------------------------------------------------------------------',
    ' Esc: Exit  F10: Save & Exit',
  ];
  return `\x1b[2J\x1b[H${rows.join('\r\n')}\r\n`;
}

/**
 * The boot devices the simulated host has no medium for: prints the firmware's message and says
 * so in the path; the caller then boots the hard drive.
 */
export async function bootElsewhere(run: Run, medium: BootMedium, b: BiosInfo, detail: { httpsUrl?: string; source?: string }): Promise<void> {
  switch (medium) {
    case 'pxe':
      await run.line('Intel(R) Boot Agent GE v1.5.88 (simulated)');
      await run.line('PXE-E51: No DHCP or proxy DHCP offers were received.');
      await run.line('PXE-M0F: Exiting Intel Boot Agent.');
      b.path.push('pxe:no-offers');
      break;
    case 'cd-dvd':
      await run.line('No bootable CD/DVD in the drive');
      b.path.push('cd-dvd:empty');
      break;
    case 'diagnostic':
      await run.line('No diagnostic partition found');
      b.path.push('diagnostic:none');
      break;
    case 'uefi-https':
      await run.line(`One Click Recovery: UEFI HTTPS boot from ${detail.httpsUrl ?? 'the URL AMT was given'}`);
      await run.line('One Click Recovery: the simulated host has no network boot image; booting the hard drive');
      b.path.push('uefi-https');
      break;
    case 'uefi-local':
      await run.line(`One Click Recovery: UEFI boot option ${detail.source ?? ''}`.trimEnd());
      b.path.push('uefi-local');
      break;
    default:
      break;
  }
}

/** The last BIOS line before the OS loads. */
export async function bootDisk(run: Run, b: BiosInfo): Promise<void> {
  b.path.push('hard-drive');
  await run.line('Booting from Hard Drive...');
}

/** The HTTPS URI (TLV type 1) in AMT_BootSettingData.UefiBootParametersArray (spec platform-features.md §1.5). */
export function httpsBootUrl(base64: unknown): string | undefined {
  const raw = Array.isArray(base64) ? base64[0] : base64;
  if (typeof raw !== 'string' || raw === '') return undefined;
  const buf = Buffer.from(raw, 'base64');
  for (let at = 0; at + 8 <= buf.length; ) {
    const type = buf.readUInt16LE(at + 2);
    const len = buf.readUInt32LE(at + 4);
    if (at + 8 + len > buf.length) return undefined;
    if (type === 1) return buf.subarray(at + 8, at + 8 + len).toString('utf8');
    at += 8 + len;
  }
  return undefined;
}
