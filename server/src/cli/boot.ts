/**
 * `amtwb boot`, `amtwb erase`, `amtwb redirection` and `amtwb consent` (features/boot,
 * features/consent, features/redirection/features.ts). Text by default, one JSON document with
 * --json. A refused boot prints the steps that were sent, then fails with the one-line reason.
 */
import { createInterface } from 'node:readline/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { bootOnce, BootError, bootStatus, deviceNames, ERASE_ACTIONS, httpsBoot, isBootTarget, platformErase, BOOT_TARGETS } from '../features/boot';
import { cancelConsent, readConsent, sendConsentCode, startConsent } from '../features/consent';
import { readRedirectionFeatures, setRedirectionFeatures } from '../features/redirection/features';
import type { BootPower, BootResult, BootStatus, BootStep, ConsentState, RedirectionFeatures } from '../protocol';
import type { CliIo } from './feature-commands';
import { parseArgsError, usageError } from './usage';

export const BOOT_USAGE = `  boot <pxe|hdd|cd|ider-cd|ider-floppy|bios-setup> [--power on|reset|cycle|none] [--sol] [--bios-pause]
                                           boot once from that device (the console sequence:
                                           ChangeBootOrder, Put AMT_BootSettingData,
                                           SetBootConfigRole, ChangeBootOrder, power); prints
                                           each step. Default power: on when off, reset when on
  boot https URL [--user U] [--password-env VAR] [--no-verify] [--power …]
                                           One Click Recovery (AMT 16+): boot once from an
                                           HTTPS image; U and the password (read from the
                                           environment variable VAR) are the web server's
  boot status                              the next boot as the device has it, and what it offers
  erase [--confirm NAME] [--actions ssd,tpm,bios-nvm,…] [--power …]
                                           Remote Platform Erase (AMT 16+) at the next boot;
                                           asks you to type the device's name (--confirm for
                                           scripts). Default power: cycle when on, on when off
  redirection [--listener on|off] [--sol on|off] [--ider on|off] [--kvm on|off]
                                           the redirection switches; no flags: show them
  consent [status|start|code NNNNNN|cancel]
                                           user consent (IPS_OptInService): start shows a code
                                           on the host screen, code sends it back`;

const POWER = ['on', 'reset', 'cycle', 'none'];

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: readonly string[], options: O, fix: string) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (err) {
    throw parseArgsError(err, fix);
  }
}

function power(v: unknown): BootPower | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !POWER.includes(v)) throw usageError(`--power "${String(v)}" is not a power change; give on, reset, cycle or none.`);
  return v as BootPower;
}

export async function runBootCli(args: readonly string[], io: CliIo): Promise<number> {
  const fix = 'write amtwb boot <pxe|hdd|cd|ider-cd|ider-floppy|bios-setup|https URL|status> (amtwb --help lists the options)';
  const { values: v, positionals: pos } = parse(args, {
    json: { type: 'boolean' }, power: { type: 'string' }, sol: { type: 'boolean' }, 'bios-pause': { type: 'boolean' },
    user: { type: 'string' }, 'password-env': { type: 'string' }, 'no-verify': { type: 'boolean' },
  }, fix);
  const [what, ...rest] = pos;
  if (what === undefined) throw usageError(`"boot" needs a target; ${fix}.`);
  const json = v.json === true;
  const only = (allowed: string[]) => {
    for (const opt of ['power', 'sol', 'bios-pause', 'user', 'password-env', 'no-verify'] as const) {
      if (v[opt] !== undefined && !allowed.includes(opt)) throw usageError(`--${opt} does not apply to "boot ${what}"; ${fix}.`);
    }
  };
  if (what === 'status') {
    only([]);
    if (rest.length) throw usageError(`"boot status" takes no arguments, but "${rest.join(' ')}" was given.`);
    const status = await bootStatus(await io.connect(), { signal: io.signal });
    await io.out(json ? JSON.stringify(status, null, 2) : formatStatus(status));
    return 0;
  }
  if (what === 'https') {
    only(['power', 'user', 'password-env', 'no-verify']);
    if (rest.length !== 1) throw usageError('"boot https" needs the image URL and nothing else; write amtwb boot https https://server/image.iso.');
    const envName = v['password-env'] as string | undefined;
    const password = envName === undefined ? undefined : process.env[envName];
    if (envName !== undefined && !password) throw usageError(`--password-env names ${envName}, but that environment variable is empty or not set; export it first.`);
    return report(io, json, () =>
      io.connect().then((c) => httpsBoot(c, {
        url: rest[0]!, ...(v.user ? { username: v.user as string } : {}), ...(password ? { password } : {}),
        verifyServerCertificate: v['no-verify'] !== true, ...optionalPower(v.power),
      }, { signal: io.signal })));
  }
  if (!isBootTarget(what)) throw usageError(`"${what}" is not a boot target; use one of ${[...Object.keys(BOOT_TARGETS), 'https', 'status'].join(', ')}.`);
  only(['power', 'sol', 'bios-pause']);
  if (rest.length) throw usageError(`"boot ${what}" takes no further arguments, but "${rest.join(' ')}" was given.`);
  return report(io, json, () =>
    io.connect().then((c) => bootOnce(c, { target: what, useSol: v.sol === true, biosPause: v['bios-pause'] === true, ...optionalPower(v.power) }, { signal: io.signal })));
}

function optionalPower(v: unknown): { power?: BootPower } {
  const p = power(v);
  return p ? { power: p } : {};
}

export async function runEraseCli(args: readonly string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parse(args, { json: { type: 'boolean' }, confirm: { type: 'string' }, actions: { type: 'string' }, power: { type: 'string' } }, 'write amtwb erase [--confirm NAME] [--actions ssd,tpm,bios-nvm] [--power on|cycle|none]');
  if (positionals.length) throw usageError(`"erase" takes no arguments, but "${positionals.join(' ')}" was given; confirm with --confirm NAME.`);
  const actions = typeof v.actions === 'string' ? v.actions.split(',').map((a: string) => a.trim()).filter(Boolean) : undefined;
  for (const a of actions ?? []) if (!Object.hasOwn(ERASE_ACTIONS, a)) throw usageError(`"${a}" is not an erase action; use ${Object.keys(ERASE_ACTIONS).join(', ')}.`);
  const p = optionalPower(v.power);
  const client = await io.connect();
  const known = io.targetUrl ? [new URL(io.targetUrl).hostname] : [];
  let confirmation = v.confirm as string | undefined;
  if (confirmation === undefined) {
    if (!process.stdin.isTTY) throw usageError('"erase" needs the device name typed on a terminal, and this input is not one; pass --confirm NAME in scripts.');
    const names = await deviceNames(client, known, { signal: io.signal });
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      confirmation = await rl.question(`This erases the storage, TPM and BIOS settings the device names at its next boot. Type the device name (${names[0] ?? 'its host name'}) to go on: `, { signal: io.signal });
    } finally {
      rl.close();
    }
  }
  return report(io, v.json === true, () => platformErase(client, { confirmation: confirmation!, knownNames: known, ...(actions ? { actions } : {}), ...p }, { signal: io.signal }));
}

export async function runRedirectionCli(args: readonly string[], io: CliIo): Promise<number> {
  const fix = 'write amtwb redirection [--listener on|off] [--sol on|off] [--ider on|off] [--kvm on|off]';
  const { values: v, positionals } = parse(args, { json: { type: 'boolean' }, listener: { type: 'string' }, sol: { type: 'string' }, ider: { type: 'string' }, kvm: { type: 'string' } }, fix);
  if (positionals.length) throw usageError(`"redirection" takes no arguments, but "${positionals.join(' ')}" was given; ${fix}.`);
  const change: Record<string, boolean> = {};
  for (const name of ['listener', 'sol', 'ider', 'kvm'] as const) {
    const text = v[name];
    if (text === undefined) continue;
    if (text !== 'on' && text !== 'off') throw usageError(`--${name} "${String(text)}" is neither on nor off; write --${name} on or --${name} off.`);
    change[name] = text === 'on';
  }
  const client = await io.connect();
  const state = Object.keys(change).length ? await setRedirectionFeatures(client, change, { signal: io.signal }) : await readRedirectionFeatures(client, { signal: io.signal });
  await io.out(v.json ? JSON.stringify(state, null, 2) : formatFeatures(state));
  return 0;
}

export async function runConsentCli(args: readonly string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parse(args, { json: { type: 'boolean' } }, 'write amtwb consent [status|start|code NNNNNN|cancel]');
  const [what = 'status', ...rest] = positionals;
  const expect = (n: number) => {
    if (rest.length !== n) throw usageError(n ? `"consent ${what}" needs the six-digit code; write amtwb consent code 123456.` : `"consent ${what}" takes no arguments, but "${rest.join(' ')}" was given.`);
  };
  const client = await io.connect();
  let state: ConsentState;
  let note = '';
  switch (what) {
    case 'status':
      expect(0);
      state = await readConsent(client, { signal: io.signal });
      break;
    case 'start':
      expect(0);
      state = await startConsent(client, { signal: io.signal });
      note = state.state === 2 ? `The host screen shows a six-digit code; enter it with amtwb consent code NNNNNN within ${state.codeTimeoutSeconds} s.` : 'Consent is already given; nothing was sent.';
      break;
    case 'code':
      expect(1);
      state = await sendConsentCode(client, rest[0]!, { signal: io.signal });
      note = 'Consent given: boot and redirection changes are allowed now.';
      break;
    case 'cancel':
      expect(0);
      state = await cancelConsent(client, { signal: io.signal });
      note = 'Consent withdrawn; pending remote boot options no longer apply.';
      break;
    default:
      throw usageError(`"${what}" is not a consent command; use status, start, code NNNNNN or cancel.`);
  }
  await io.out(v.json ? JSON.stringify(state, null, 2) : [formatConsent(state), ...(note ? ['', note] : [])].join('\n'));
  return 0;
}

/** Runs a boot, printing each step; a refusal prints the steps sent so far before the error line. */
async function report(io: CliIo, json: boolean, run: () => Promise<BootResult>): Promise<number> {
  try {
    const r = await run();
    await io.out(json ? JSON.stringify(r, null, 2) : [...r.steps.map(stepLine), '', r.message, ...(r.powerState ? [`Power state: ${r.powerState.label}`] : [])].join('\n'));
    return 0;
  } catch (err) {
    if (err instanceof BootError && err.steps.length && !json) await io.out(err.steps.map(stepLine).join('\n'));
    throw err;
  }
}

export function stepLine(s: BootStep): string {
  return `${s.ok ? 'ok  ' : 'FAIL'}  ${s.step.padEnd(52)}  ${s.detail}`;
}

export function formatStatus(s: BootStatus): string {
  const opts = Object.entries(s.options).map(([k, val]) => `${k}=${val}`);
  return [s.nextBoot, `Options set: ${opts.length ? opts.join(', ') : 'none'}`, ...(s.forcedSource ? [`Forced source: ${s.forcedSource}`] : []), `Supported: ${s.supported.join(', ') || 'nothing'}`].join('\n');
}

export function formatFeatures(f: RedirectionFeatures): string {
  const onOff = (b: boolean) => (b ? 'on' : 'off');
  return [
    `Listener (16994/16995): ${onOff(f.listener)}`,
    `SOL: ${onOff(f.sol)}`,
    `IDE-R: ${onOff(f.ider)}`,
    `KVM: ${f.kvm === undefined ? 'not on this device' : onOff(f.kvm)}`,
    `Consent: required for ${f.consent.required}, state ${f.consent.stateText}, ${f.consent.controlMode}`,
  ].join('\n');
}

export function formatConsent(c: ConsentState): string {
  return [
    `Control mode: ${c.controlMode}`,
    `Consent required: ${c.required === 'all' ? 'for everything (redirection and boot changes)' : c.required === 'kvm' ? 'for KVM only' : 'never'}`,
    `State: ${c.stateText}`,
    `Code timeout: ${c.codeTimeoutSeconds} s, display timeout: ${c.displayTimeoutSeconds} s`,
  ].join('\n');
}
