/**
 * Command-line grammar of `amtwb`, parsed with node:util parseArgs (strict, positionals allowed),
 * then checked per command so that every mistake gets one sentence saying what to write instead.
 */
import { FEATURE_COMMANDS, FEATURE_USAGE } from './feature-commands';
import { ACTIVATION_COMMANDS, ACTIVATION_USAGE } from './activation';
import { parseTimeScale } from './sim-watchdog';
import { parseArgs } from 'node:util';
import { usageError, parseArgsError } from './usage';
import { isPowerAction, POWER_ACTIONS, type PowerAction } from '../features/power';

export const USAGE = `Usage:
  amtwb sim [--port N] [--host 127.0.0.1] [--user admin] [--password P] [--mei PATH]
            [--watchdog WPATH] [--time-scale N] [--software-identities N]
            [--tls-port N] [--model laptop|desktop|amt5] [--amt 11|12|16|18] [--state FILE]
            [--host-user root] [--host-password amt]
            [--redirection-port N] [--redirection-tls-port N] [--redirection-basic-auth] [--rfb-port N]
            [--unprovisioned] [--trust-root SHA256 ...]
      Run a simulated AMT device in the foreground until Ctrl-C. Prints
      "listening on http://HOST:PORT/wsman" once ready (--port 0 picks a free port).
      The account is admin / P@ssw0rd unless --user/--password say otherwise; the password
      may come from the AMT_PASSWORD environment variable instead, which other users
      cannot read in the process list.
      --software-identities N adds N generated CIM_SoftwareIdentity instances (bulk tests).
      --model laptop (default: battery and Wi-Fi) or desktop (neither); --amt the firmware
      family (default 16), which changes which classes and boot features exist.
      --model amt5 is a device older than AMT 6.0: no /wsman, only the legacy SOAP services
      (general information, security administration, network administration, remote control).
      --mei PATH also exposes it through an emulated MEI device file at PATH (needs root
      and /dev/fuse; created and mounted, removed on exit), for --target local.
      --watchdog WPATH emulates the kernel's iAMT watchdog device (mei_wdt) at WPATH;
      --time-scale N runs the simulated firmware clock N times faster.
      --tls-port N also serves WS-Man over TLS on N (AMT uses 16993), with the device's
      self-signed certificate until a TLS set-up (AMT_TLSSettingData + CommitChanges) names another.
      --redirection-port N serves redirection (SOL, IDE-R) on N (default 16994, as AMT; with
      --port 0 any free port) and prints "redirection on HOST:PORT"; --redirection-tls-port N
      the same over TLS (default 16995; with --port 0 any free port); 0 picks a free port.
      --redirection-basic-auth also accepts log-ons with the password in clear (AMT before
      7.0, or MEBx's legacy option), which old clients such as amtterm 1.4 use.
      --rfb-port N serves standard RFB on N as AMT does on 5900 (off unless given; it takes a
      VNC viewer once IPS_KVMRedirectionSettingData has Is5900PortEnabled and an RFBPassword).
      --state FILE keeps the device's state (accounts, certificates, storage, policies, boot
      settings, logs) in FILE between runs: loaded at start, saved after changes and on exit.
      --unprovisioned starts the device out of the box (pre-provisioning), for amtwb activate;
      --trust-root SHA256 adds a provisioning root certificate hash that ACM activation trusts.
      --host-user U --host-password P set the login of the simulated host OS on its serial
      console, which SOL carries (default root / amt).

  amtwb lms [--listen 127.0.0.1:16992] [--mei PATH]
      Stand in for Intel LMS: forward each TCP connection to AMT over its own APF channel
      through the MEI device. Prints "listening on HOST:PORT" once ready (port 0 allowed).

  amtwb [--target URL|sim|local|lms|auto] [--user U] [--password P] [options] <command>

Commands:
  info                                     what the firmware says over MEI (AMTHI): versions,
                                           provisioning, UUID, DNS suffix, LAN; --target local,
                                           lms or auto
  identify                                 WS-Man Identify and the firmware's Server header
  classes                                  list the classes of the built-in class catalog
  get <Class> [--selector K=V ...]         read one instance
  enumerate <Class>                        read every instance
  put <Class> --file F.xml [--selector K=V ...]
                                           write an instance read from F.xml (a full envelope
                                           or just the <g:Class> element)
  invoke <Class> <Method> [--param K=V ...] [--selector K=V ...]
                                           call a method; prints ReturnValue and its meaning
  power status                             the host power state
  power on|off|reset|cycle|soft-off|soft-reset
                                           request a power change (RequestPowerStateChange
                                           2, 8, 10, 5, 12, 14)
${FEATURE_USAGE}
${ACTIVATION_USAGE}

Target and credentials:
  --target URL|sim     http://HOST:16992, https://HOST:16993, or sim (default): a simulator
                       started inside this command with the account admin / P@ssw0rd
  --target local       AMT on this machine through the MEI device, with our own APF port
                       forwarding (no LMS needed); --target lms: through an installed LMS on
                       127.0.0.1:16992; --target auto: the LMS if one listens, else local.
                       Without --password these use AMT's local system account (from AMTHI).
  --mei PATH           the MEI device file (default: the first of /dev/mei0 … /dev/mei3)
  --user U             AMT user (default admin)
  --password P         AMT password; for URL targets it may come from the AMT_PASSWORD
                       environment variable instead. It is never printed.
  --insecure-fingerprint SHA256
                       https: trust exactly the certificate with this SHA-256 fingerprint
  --ca FILE            https: trust certificates signed by the CA(s) in this PEM file

Output and behaviour:
  --json               print exactly one JSON document (instances as {Property: value})
  --xml                print the raw response envelope(s) instead of text
  --timeout S          per-request timeout in seconds (default 30)
  --trace              print the WS-Man wire traffic to stderr (Authorization redacted); with
                       local targets and lms also every APF message (decoded) and MEI
                       message (hex)
  -h, --help           this text

Values:
  --selector K=V and --param K=V may be repeated; repeating a --param name makes an array.
  Parameter names and values are checked against the class catalog: numbers may be given by
  their value-map label (--param PowerState="Power Off - Soft"), booleans as true/false.
  A reference (EPR) is written Class?Key=Value&Key2=Value2, for example
    --param ManagedElement='CIM_ComputerSystem?CreationClassName=CIM_ComputerSystem&Name=ManagedSystem'
  (write & inside a value as %26; a nested reference goes in parentheses).

Exit status: 0 on success (also when a method returns a non-zero ReturnValue), 1 when the
device or connection fails, 2 for a mistake on the command line. Errors are one line on stderr.`;

const OPTIONS = {
  target: { type: 'string' },
  user: { type: 'string', short: 'u' },
  password: { type: 'string', short: 'p' },
  json: { type: 'boolean' },
  xml: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  timeout: { type: 'string' },
  trace: { type: 'boolean' },
  'insecure-fingerprint': { type: 'string' },
  ca: { type: 'string' },
  selector: { type: 'string', multiple: true },
  param: { type: 'string', multiple: true },
  file: { type: 'string', short: 'f' },
  port: { type: 'string' },
  host: { type: 'string' },
  mei: { type: 'string' },
  listen: { type: 'string' },
  watchdog: { type: 'string' },
  'time-scale': { type: 'string' },
  'software-identities': { type: 'string' },
  model: { type: 'string' },
  amt: { type: 'string' },
  'tls-port': { type: 'string' },
  state: { type: 'string' },
  'host-user': { type: 'string' },
  'host-password': { type: 'string' },
  'redirection-port': { type: 'string' },
  'redirection-tls-port': { type: 'string' },
  'rfb-port': { type: 'string' },
  'redirection-basic-auth': { type: 'boolean' },
  unprovisioned: { type: 'boolean' },
  'trust-root': { type: 'string', multiple: true },
} as const;

/** Targets that mean "AMT on this machine" (targets/local/). */
export const LOCAL_TARGETS = ['local', 'lms', 'auto'] as const;
export type LocalTargetName = (typeof LOCAL_TARGETS)[number];
export function isLocalTarget(target: string): target is LocalTargetName {
  return (LOCAL_TARGETS as readonly string[]).includes(target);
}

export type Output = 'text' | 'json' | 'xml';

export type Command =
  | { name: 'help' }
  | { name: 'sim'; host: string; port: number; user?: string; password?: string; mei?: string; watchdog?: string; timeScale?: number; softwareIdentities?: number; model?: 'laptop' | 'desktop'; amt?: 11 | 12 | 16 | 18; legacy?: 'amt5'; tlsPort?: number; state?: string; hostUser?: string; hostPassword?: string; redirectionPort?: number; redirectionTlsPort?: number; redirectionBasicAuth?: boolean; rfbPort?: number; unprovisioned?: boolean; trustRoots?: string[] }
  | { name: 'lms'; host: string; port: number }
  | { name: 'info' }
  | { name: 'identify' }
  | { name: 'classes' }
  | { name: 'get'; className: string; selectors: string[] }
  | { name: 'enumerate'; className: string }
  | { name: 'put'; className: string; file: string; selectors: string[] }
  | { name: 'invoke'; className: string; method: string; params: string[]; selectors: string[] }
  | { name: 'power-status' }
  | { name: 'power'; action: PowerAction };

export interface Invocation {
  command: Command;
  /** `sim`, `local`, `lms`, `auto` or a URL. */
  target: string;
  /** --mei: the MEI device file for local targets, `info` and `lms`. */
  meiPath?: string;
  user?: string;
  /** From --password only; the CLI adds AMT_PASSWORD for URL targets. */
  password?: string;
  output: Output;
  timeoutMs?: number;
  trace: boolean;
  insecureFingerprint?: string;
  caFile?: string;
}

export function parseCommandLine(argv: readonly string[]): Invocation {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw parseArgsError(err, 'run amtwb --help for the options');
  }
  const { values: v, positionals: pos } = parsed;
  const base = {
    target: v.target ?? 'sim',
    ...(v.user !== undefined ? { user: v.user } : {}),
    ...(v.password !== undefined ? { password: v.password } : {}),
    output: (v.json ? 'json' : v.xml ? 'xml' : 'text') as Output,
    trace: v.trace ?? false,
    ...(v['insecure-fingerprint'] !== undefined ? { insecureFingerprint: v['insecure-fingerprint'] } : {}),
    ...(v.ca !== undefined ? { caFile: v.ca } : {}),
    ...(v.mei !== undefined ? { meiPath: v.mei } : {}),
  };
  if (v.help) return { ...base, command: { name: 'help' } };
  if (v.json && v.xml) throw usageError('--json and --xml cannot be used together; pick one output format.');
  if (v.timeout !== undefined) {
    const s = Number(v.timeout);
    if (!Number.isFinite(s) || s <= 0) throw usageError(`--timeout "${v.timeout}" is not a positive number of seconds; write for example --timeout 10.`);
    (base as Invocation).timeoutMs = Math.round(s * 1000);
  }

  const [name, ...args] = pos;
  if (name === undefined) throw usageError('No command was given; run amtwb --help to see the commands.');

  const only = (allowed: readonly string[], opts: Record<string, unknown>) => {
    for (const [opt, val] of Object.entries(opts)) {
      if (val !== undefined && !allowed.includes(name)) {
        throw usageError(`--${opt} does not apply to "${name}"; it is used with ${opt === 'port' || opt === 'host' ? 'amtwb sim' : opt === 'listen' ? 'amtwb lms' : allowedFor(opt)}.`);
      }
    }
  };
  only(['sim'], { port: v.port, host: v.host, watchdog: v.watchdog, 'time-scale': v['time-scale'], 'software-identities': v['software-identities'], model: v.model, amt: v.amt, 'tls-port': v['tls-port'], state: v.state });
  only(['sim'], { 'host-user': v['host-user'], 'host-password': v['host-password'] });
  only(['sim'], { 'redirection-port': v['redirection-port'], 'redirection-tls-port': v['redirection-tls-port'], 'redirection-basic-auth': v['redirection-basic-auth'], 'rfb-port': v['rfb-port'] });
  only(['sim'], { unprovisioned: v.unprovisioned, 'trust-root': v['trust-root'] });
  only(['lms'], { listen: v.listen });
  only(['put'], { file: v.file });
  only(['invoke'], { param: v.param });
  only(['get', 'put', 'invoke'], { selector: v.selector });

  const expectArgs = (n: number, shape: string) => {
    if (args.length < n) throw usageError(`"${name}" needs ${shape}; write amtwb ${name} ${shape}.`);
    if (args.length > n) throw usageError(`"${name}" takes ${shape || 'no arguments'}, but "${args.slice(n).join(' ')}" was also given; remove it or quote it.`);
  };
  const selectors = v.selector ?? [];
  let command: Command;
  switch (name) {
    case 'sim': {
      expectArgs(0, '');
      if (v.target !== undefined) throw usageError('--target does not apply to "sim"; use --host and --port to choose where the simulator listens.');
      const port = v.port === undefined ? 16992 : Number(v.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError(`--port "${v.port}" is not a port number; give 0 to 65535 (0 picks a free port).`);
      const ids = v['software-identities'];
      const softwareIdentities = ids === undefined ? undefined : /^\d{1,7}$/.test(ids) && Number(ids) <= 1_000_000 ? Number(ids) : NaN;
      if (Number.isNaN(softwareIdentities)) throw usageError(`--software-identities "${ids}" is not a count; give a whole number from 0 to 1000000.`);
      const tlsPort = v['tls-port'] === undefined ? undefined : Number(v['tls-port']);
      if (tlsPort !== undefined && (!Number.isInteger(tlsPort) || tlsPort < 0 || tlsPort > 65535)) throw usageError(`--tls-port "${v['tls-port']}" is not a port number; give 0 to 65535 (AMT uses 16993).`);
      if (v.state === '') throw usageError('--state needs a file name; write --state FILE, e.g. --state device.json.');
      if (v['host-user'] !== undefined && !/^[a-z_][a-z0-9_.-]{0,31}$/i.test(v['host-user'])) throw usageError(`--host-user "${v['host-user']}" is not a login name; give letters, digits, "_", "." or "-" (at most 32, starting with a letter), e.g. --host-user root.`);
      if (v['host-password'] === '') throw usageError('--host-password needs a password; write --host-password P (the default is amt).');
      const redirectionPort = portOption(v['redirection-port'], '--redirection-port');
      const redirectionTlsPort = portOption(v['redirection-tls-port'], '--redirection-tls-port');
      const rfbPort = portOption(v['rfb-port'], '--rfb-port');
      command = {
        name: 'sim', host: v.host ?? '127.0.0.1', port,
        ...(tlsPort !== undefined ? { tlsPort } : {}),
        ...(redirectionPort !== undefined ? { redirectionPort } : {}), ...(redirectionTlsPort !== undefined ? { redirectionTlsPort } : {}),
        ...(v['redirection-basic-auth'] ? { redirectionBasicAuth: true } : {}), ...(rfbPort !== undefined ? { rfbPort } : {}),
        ...(softwareIdentities !== undefined ? { softwareIdentities } : {}), ...(v.state !== undefined ? { state: v.state } : {}),
        ...(v.user !== undefined ? { user: v.user } : {}), ...(v.password !== undefined ? { password: v.password } : {}), ...(v.mei !== undefined ? { mei: v.mei } : {}),
        ...(v.watchdog !== undefined ? { watchdog: v.watchdog } : {}), ...(v['time-scale'] !== undefined ? { timeScale: parseTimeScale(v['time-scale']) } : {}),
        ...simModel(v.model, v.amt),
        ...(v['host-user'] !== undefined ? { hostUser: v['host-user'] } : {}), ...(v['host-password'] !== undefined ? { hostPassword: v['host-password'] } : {}),
        ...(v.unprovisioned ? { unprovisioned: true } : {}), ...(v['trust-root'] ? { trustRoots: trustRoots(v['trust-root']) } : {}),
      };
      break;
    }
    case 'lms': {
      expectArgs(0, '');
      if (v.target !== undefined) throw usageError('--target does not apply to "lms", which always talks to AMT on this machine; use --mei to choose the MEI device.');
      command = { name: 'lms', ...parseListen(v.listen ?? '127.0.0.1:16992') };
      break;
    }
    case 'info':
      expectArgs(0, '');
      if (!isLocalTarget(base.target)) {
        throw usageError('"info" reads the firmware over the MEI device of this machine; add --target local (with --mei PATH for an emulated device), lms or auto.');
      }
      command = { name };
      break;
    case 'identify':
      expectArgs(0, '');
      command = { name };
      break;
    case 'classes':
      expectArgs(0, '');
      command = { name };
      break;
    case 'get':
      expectArgs(1, '<Class>');
      command = { name, className: args[0]!, selectors };
      break;
    case 'enumerate':
      expectArgs(1, '<Class>');
      command = { name, className: args[0]! };
      break;
    case 'put':
      expectArgs(1, '<Class>');
      if (!v.file) throw usageError('"put" needs the instance to write; give it with --file F.xml.');
      command = { name, className: args[0]!, file: v.file, selectors };
      break;
    case 'invoke':
      expectArgs(2, '<Class> <Method>');
      command = { name, className: args[0]!, method: args[1]!, params: v.param ?? [], selectors };
      break;
    case 'power': {
      const what = args[0];
      const choices = ['status', ...Object.keys(POWER_ACTIONS)].join(', ');
      if (what === undefined) throw usageError(`"power" needs one of ${choices}; for example amtwb power status.`);
      expectArgs(1, what);
      if (what === 'status') command = { name: 'power-status' };
      else if (isPowerAction(what)) command = { name: 'power', action: what };
      else throw usageError(`"${what}" is not a power command; use one of ${choices}.`);
      break;
    }
    default:
      throw usageError(`"${name}" is not a command; use one of ${commandNames().join(', ')} (amtwb --help describes each).`);
  }
  const local = isLocalTarget(base.target);
  if (command.name !== 'sim' && command.name !== 'lms' && command.name !== 'classes' && base.target !== 'sim' && !local && !/^(https?|mps):\/\//i.test(base.target)) {
    throw usageError(`--target "${base.target}" is neither sim nor a URL (nor local, lms or auto); write --target http://HOST:16992, https://HOST:16993, sim, local, lms or auto.`);
  }
  if (base.meiPath !== undefined && !local && command.name !== 'sim' && command.name !== 'lms') {
    throw usageError('--mei applies to --target local, lms or auto and to "amtwb sim" and "amtwb lms"; add --target local.');
  }
  if ((base.insecureFingerprint || base.caFile) && !/^https:\/\//i.test(base.target) && !local) {
    throw usageError('--insecure-fingerprint and --ca apply only to https:// targets; use --target https://HOST:16993.');
  }
  if (base.output === 'xml' && (command.name === 'classes' || command.name === 'sim' || command.name === 'lms' || command.name === 'info')) {
    throw usageError(`--xml does not apply to "${command.name}", which sends nothing to a device; use --json or plain text.`);
  }
  return { ...base, command } as Invocation;
}

/** Every command word amtwb takes, in the order --help lists them. */
export function commandNames(): string[] {
  return ['sim', 'lms', 'info', 'identify', 'classes', 'get', 'enumerate', 'put', 'invoke', 'power', ...Object.keys(FEATURE_COMMANDS), ...ACTIVATION_COMMANDS, 'fleet'];
}

/** `HOST:PORT`, `[v6]:PORT` or just `PORT` (127.0.0.1). */
function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(text) ?? /^()()(\d+)$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || !Number.isInteger(port) || port > 65535) {
    throw usageError(`--listen "${text}" is not an address; write HOST:PORT, for example --listen 127.0.0.1:16992 (port 0 picks a free port).`);
  }
  return { host: m[1] || m[2] || '127.0.0.1', port };
}

/** `--model` and `--amt` of `amtwb sim` (the simulator's device models, server/src/sim/README.md). */
function simModel(model: string | undefined, amt: string | undefined): { model?: 'laptop' | 'desktop'; amt?: 11 | 12 | 16 | 18; legacy?: 'amt5' } {
  if (model === 'amt5') {
    if (amt !== undefined) throw usageError('--amt does not apply to --model amt5, which is AMT 5.0 with the legacy SOAP interface; leave out --amt.');
    return { legacy: 'amt5' };
  }
  if (model !== undefined && model !== 'laptop' && model !== 'desktop') throw usageError(`--model "${model}" is not a device model; give laptop or desktop (or amt5, a device older than AMT 6.0).`);
  if (amt !== undefined && !['11', '12', '16', '18'].includes(amt)) throw usageError(`--amt "${amt}" is not a firmware family the simulator has; give 11, 12, 16 or 18.`);
  return { ...(model !== undefined ? { model } : {}), ...(amt !== undefined ? { amt: Number(amt) as 11 | 12 | 16 | 18 } : {}) };
}

function allowedFor(opt: string): string {
  switch (opt) {
    case 'file':
      return 'put';
    case 'param':
      return 'invoke';
    case 'selector':
      return 'get, put and invoke';
    case 'watchdog':
    case 'time-scale':
    case 'software-identities':
    case 'model':
    case 'amt':
    case 'tls-port':
    case 'state':
    case 'host-user':
    case 'host-password':
    case 'redirection-port':
    case 'redirection-tls-port':
    case 'redirection-basic-auth':
    case 'rfb-port':
    case 'unprovisioned':
    case 'trust-root':
      return 'amtwb sim';
    default:
      return 'another command';
  }
}

/** A port option's value, or undefined when it was not given. */
function portOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw usageError(`${name} "${value}" is not a port number; give 0 to 65535 (0 picks a free port).`);
  return port;
}

/** `--trust-root HASH` (repeatable): SHA-256 hashes of provisioning roots the simulator trusts for ACM. */
function trustRoots(values: string[]): string[] {
  for (const v of values) {
    if (!/^[0-9a-fA-F]{64}$/.test(v)) throw usageError(`--trust-root "${v}" is not a SHA-256 hash; give the root certificate's 64 hex digits (openssl x509 -noout -fingerprint -sha256, colons removed).`);
  }
  return values.map((v) => v.toLowerCase());
}
