/**
 * The OS-health watchdog, event log, events and agent-presence commands of `amtwb`, for cli.ts to
 * route to: `watchdog`, `log`, `events`, `agent`. Each is `(args, io) => Promise<number>`: `args`
 * are the command line after the command word without the global options cli.ts handles, `io`
 * gives output, the device connection and the Ctrl-C signal. Errors are thrown as AmtError (code
 * `usage` for command-line mistakes), for cli.ts to print as one line like every other command.
 *
 * splitFeatureCommand() separates a full argv into the command, its own arguments, and the global
 * options (target and credentials) for cli.ts to parse as it does for every device command.
 */
import type { WsmanClient } from '../wsman/client';
import { runAgentCli } from './agent';
import { runEventsCli } from './events';
import { runLogCli } from './log';
import { runWatchdogCli } from './watchdog';
import { runSendCli, SEND_USAGE } from './send';
import { BOOT_USAGE, runBootCli, runConsentCli, runEraseCli, runRedirectionCli } from './boot';
import { REDIRECTION_USAGE, runIderCli, runSolCli } from './redirection';
import { KVM_USAGE, runKvmCli } from './kvm';
import { FLEET_USAGE } from './fleet';
import { DEFENSE_USAGE, runDefenseCli } from './defense';
import { SNAPSHOT_USAGE, runSnapshotCli } from './snapshot';
import type { RedirectionTarget } from '../features/redirection/connect';
import { ACCOUNTS_USAGE, runAccountsCli } from './accounts';
import { NETWORK_USAGE, runCertsCli, runNetworkCli } from './network';
import { OVERVIEW_USAGE, runOverviewCli } from './overview';
import { HARDWARE_USAGE, runHardwareCli } from './hardware';
import { runStorageCli, STORAGE_USAGE } from './storage';

export interface CliIo {
  /** Writes to stdout (a trailing newline is added when missing). */
  out(text: string): Promise<void>;
  /** Writes one status line to stderr. */
  err(text: string): Promise<void>;
  /** A client for the device the global options chose; cli.ts builds it and disposes it afterwards. */
  connect(): Promise<WsmanClient>;
  /** The --target as given (`sim`, a URL, `local`, …), to pick the event listener's address. */
  target: string;
  /** --mei: the MEI device for the watchdog's fallback path (firmware client over MEI). */
  meiPath?: string;
  /** Aborted on SIGINT/SIGTERM: foreground commands wind down and return 0. */
  signal: AbortSignal;
  /** The device's base URL (`http://host:port`), for `{{$target}}` in .wsman files. */
  targetUrl?: string;
  /** The device's redirection service (sol, ider). */
  redirection?: RedirectionTarget;
  /** The user name the connection signs in with, when known (lock-out checks). */
  user?: string;
}

export type CliCommand = (args: readonly string[], io: CliIo) => Promise<number>;

export const FEATURE_COMMANDS: Readonly<Record<string, CliCommand>> = {
  watchdog: runWatchdogCli,
  log: runLogCli,
  events: runEventsCli,
  agent: runAgentCli,
  send: runSendCli,
  boot: runBootCli,
  erase: runEraseCli,
  redirection: runRedirectionCli,
  consent: runConsentCli,
  sol: runSolCli,
  ider: runIderCli,
  kvm: runKvmCli,
  defense: runDefenseCli,
  accounts: runAccountsCli,
  network: runNetworkCli,
  certs: runCertsCli,
  overview: runOverviewCli,
  hardware: runHardwareCli,
  storage: runStorageCli,
  snapshot: runSnapshotCli,
};

/** Lines for `amtwb --help` (Commands section). */
export const FEATURE_USAGE = `  log [--audit]                            the firmware event log (AMT_MessageLog), or with --audit the
                                           audit log (AMT_AuditLog), decoded
  events --follow [--listen ADDR[:PORT]]   subscribe to the device's events and print each as it
                                           arrives (one JSON object per line with --json) until Ctrl-C
  agent list                               agent-presence watchdogs and their actions
  agent register --agent GUID [--interval S] [--startup S]
                                           create the agent's watchdog if needed, then RegisterAgent
  agent assert|shutdown --agent GUID --sequence N
                                           AssertPresence / AssertShutdown (N > the last number)
  watchdog info [--device PATH]            the iAMT OS watchdog: identity, options, timeout
                                           (opens and closes it; sends the firmware nothing)
  watchdog keepalive [--device PATH] [--timeout S] [--interval I]
                                           arm it with S seconds (120..65535, default 120) and send
                                           a heartbeat every I seconds (default S/2) until Ctrl-C,
                                           then disarm it
${SEND_USAGE}
${BOOT_USAGE}
${REDIRECTION_USAGE}
${KVM_USAGE}
${DEFENSE_USAGE}
${ACCOUNTS_USAGE}
${NETWORK_USAGE}
${OVERVIEW_USAGE}
${HARDWARE_USAGE}
${STORAGE_USAGE}
${SNAPSHOT_USAGE}
${FLEET_USAGE}
                                           any device command also takes --target mps://HOST:PORT/GUID`;

/** Global options that take a value; `timeout` is the watchdog command's own. */
const GLOBAL_VALUES = new Set(['target', 'user', 'password', 'timeout', 'insecure-fingerprint', 'ca', 'mei']);
const GLOBAL_FLAGS = new Set(['trace']);
const SHORT: Record<string, string> = { u: 'user', p: 'password' };

export interface SplitCommand {
  name: string;
  run: CliCommand;
  /** Global options, in order, for cli.ts's own parser. */
  globals: string[];
  /** Everything else after the command word. */
  args: string[];
}

/** The feature command in `argv`, or undefined when argv names another command (or none). */
export function splitFeatureCommand(argv: readonly string[]): SplitCommand | undefined {
  const globals: string[] = [];
  const rest: string[] = [];
  let name: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    const m = /^--?([^=]+)(=.*)?$/.exec(token);
    const opt = m ? (SHORT[m[1]!] ?? m[1]!) : undefined;
    // `boot https … --user U` names the HTTPS server's account, not AMT's (give AMT's before "boot").
    const own = (opt === 'timeout' && name === 'watchdog') || (opt === 'user' && name === 'boot' && rest[0] === 'https');
    const global = opt !== undefined && (GLOBAL_FLAGS.has(opt) || (GLOBAL_VALUES.has(opt) && !own));
    if (token === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (global) {
      globals.push(token);
      if (GLOBAL_VALUES.has(opt!) && m![2] === undefined && i + 1 < argv.length) globals.push(argv[++i]!);
    } else if (name === undefined && !token.startsWith('-')) {
      name = token;
    } else {
      rest.push(token);
    }
  }
  if (name === undefined || !Object.prototype.hasOwnProperty.call(FEATURE_COMMANDS, name)) return undefined;
  return { name, run: FEATURE_COMMANDS[name]!, globals, args: rest };
}
