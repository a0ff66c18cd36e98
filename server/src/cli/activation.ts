/**
 * `amtwb activate | deactivate | configure | status --local`: the local agent (features/activation/).
 * These talk to AMT on this machine only — AMTHI through the MEI device and WS-Man over our own APF —
 * so they parse their own arguments: `--target local` is accepted (and the default), any other
 * target is a usage error. Progress goes to stderr, one line per step; the outcome to stdout.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { describeError } from '../errors';
import { activateAcm } from '../features/activation/acm';
import { activateCcm } from '../features/activation/ccm';
import { configureFromProfile, renderConfigureResult } from '../features/activation/configure';
import { deactivate } from '../features/activation/deactivate';
import { readProfile } from '../features/activation/profile';
import { localStatus, renderLocalStatus } from '../features/activation/status';
import type { ActivationOptions } from '../features/activation/local';
import { stderrTrace } from './local';
import { isUsageError, parseArgsError, usageError } from './usage';

export const ACTIVATION_COMMANDS = ['activate', 'deactivate', 'configure', 'status'] as const;

export const ACTIVATION_USAGE = `  activate --ccm [--password P]            activate AMT on this machine in Client Control Mode
                                           (host-based setup over the MEI device); the new admin
                                           password may come from AMT_PASSWORD instead
  activate --acm --cert F.pfx [--cert-password P] [--password P]
                                           Admin Control Mode with a provisioning certificate
                                           (chain and key in F.pfx; AMT_CERT_PASSWORD also works)
  deactivate [--password P]                back to pre-provisioning (CCM: no password; ACM: admin)
  configure --profile F.yaml [--password P]
                                           apply a profile (network, TLS, users, redirection,
                                           CIRA) as admin, verify each setting, skip what is set
  status --local                           what the firmware reports (versions, SKU, control
                                           mode, provisioning, DNS suffix, UUID, LAN, cert hashes)`;

const OPTIONS = {
  target: { type: 'string' },
  mei: { type: 'string' },
  password: { type: 'string', short: 'p' },
  ccm: { type: 'boolean' },
  acm: { type: 'boolean' },
  cert: { type: 'string' },
  'cert-password': { type: 'string' },
  profile: { type: 'string' },
  local: { type: 'boolean' },
  json: { type: 'boolean' },
  trace: { type: 'boolean' },
  timeout: { type: 'string' },
} as const;

/** The activation command `argv` names (its first word that is not an option value), or undefined. */
export function activationCommand(argv: readonly string[]): string | undefined {
  const valued = new Set(['--target', '--mei', '--password', '-p', '--cert', '--cert-password', '--profile', '--timeout', '--user', '-u']);
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') return undefined;
    if (valued.has(token)) {
      i++;
      continue;
    }
    if (token.startsWith('-')) continue;
    return (ACTIVATION_COMMANDS as readonly string[]).includes(token) ? token : undefined;
  }
  return undefined;
}

export interface ActivationIo {
  out(text: string): Promise<void>;
  err(text: string): Promise<void>;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/** Runs the command; returns the exit status (0 done or nothing to do, 1 failed, 2 usage). */
export async function runActivationCli(argv: readonly string[], io: ActivationIo): Promise<number> {
  let secrets: string[] = [];
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
    } catch (err) {
      throw parseArgsError(err, 'run amtwb --help for the options of activate, deactivate, configure and status');
    }
    const { values: v, positionals } = parsed;
    const [name, ...extra] = positionals;
    if (extra.length) throw usageError(`"${name}" takes no arguments, but "${extra.join(' ')}" was given; remove it.`);
    if (v.target !== undefined && v.target !== 'local') {
      throw usageError(`"${name}" configures AMT on this machine through its MEI device; leave out --target "${v.target}" or write --target local.`);
    }
    const password = v.password ?? (io.env.AMT_PASSWORD || undefined);
    const certPassword = v['cert-password'] ?? (io.env.AMT_CERT_PASSWORD || undefined);
    secrets = [password, certPassword].filter((s): s is string => !!s);
    const only = (allowed: string, opts: Record<string, unknown>) => {
      for (const [opt, val] of Object.entries(opts)) if (val !== undefined && name !== allowed) throw usageError(`--${opt} does not apply to "${name}"; it is used with amtwb ${allowed}.`);
    };
    only('activate', { ccm: v.ccm, acm: v.acm, cert: v.cert, 'cert-password': v['cert-password'] });
    only('configure', { profile: v.profile });
    only('status', { local: v.local });
    if (name === 'status' && !v.local && v.target !== 'local') throw usageError('"status" here means this machine\'s AMT; write amtwb status --local or amtwb --target local status.');
    let timeoutMs: number | undefined;
    if (v.timeout !== undefined) {
      const s = Number(v.timeout);
      if (!Number.isFinite(s) || s <= 0) throw usageError(`--timeout "${v.timeout}" is not a positive number of seconds; write for example --timeout 10.`);
      timeoutMs = Math.round(s * 1000);
    }
    const trace = stderrTrace(v.trace ?? false);
    const options: ActivationOptions = {
      ...(v.mei ? { meiPath: v.mei } : {}),
      ...(trace ? { trace } : {}),
      ...(timeoutMs ? { timeoutMs } : {}),
      ...(io.signal ? { signal: io.signal } : {}),
      progress: (step) => void io.err(`… ${step}`),
    };
    const print = (text: string, json: unknown) => io.out(v.json ? JSON.stringify(json, null, 2) : text);
    switch (name) {
      case 'activate': {
        if (v.ccm === v.acm) throw usageError('"activate" needs exactly one of --ccm (Client Control Mode) or --acm --cert F.pfx (Admin Control Mode).');
        if (!password) throw usageError('"activate" needs the new AMT admin password; pass --password P or set AMT_PASSWORD.');
        if (v.ccm) {
          if (v.cert) throw usageError('--cert applies to --acm only; Client Control Mode needs no certificate.');
          const result = await activateCcm(password, options);
          await print(result.message, result);
        } else {
          if (!v.cert) throw usageError('"activate --acm" needs the provisioning certificate; give its .pfx file with --cert F.pfx.');
          const file = v.cert;
          const pfx = await readFile(file).catch((err: NodeJS.ErrnoException) => {
            throw usageError(`Cannot read ${file} (${err.code ?? err.message}); check the path given with --cert.`, err);
          });
          const result = await activateAcm({ password, pfx, pfxName: file, pfxPassword: certPassword ?? '' }, options);
          await print(result.message, result);
        }
        return 0;
      }
      case 'deactivate': {
        const result = await deactivate({ ...options, ...(password ? { password } : {}) });
        await print(result.message, result);
        return 0;
      }
      case 'configure': {
        if (!v.profile) throw usageError('"configure" needs a profile; give it with --profile F.yaml.');
        if (!password) throw usageError('"configure" logs in as the AMT admin; pass --password P or set AMT_PASSWORD.');
        const profile = await readProfile(v.profile, io.env);
        const result = await configureFromProfile(profile, password, options);
        await print(renderConfigureResult(result), result);
        return 0;
      }
      case 'status': {
        const status = await localStatus(options);
        await print(renderLocalStatus(status), status);
        return 0;
      }
      default:
        throw usageError(`"${name}" is not an activation command.`);
    }
  } catch (err) {
    let text = describeError(err).replace(/\s*\r?\n\s*/g, ' ').trim();
    for (const s of secrets) text = text.split(s).join('[redacted]');
    await io.err(`amtwb: ${text}`);
    return isUsageError(err) ? 2 : 1;
  }
}
