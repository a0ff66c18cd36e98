/**
 * `amtwb watchdog info|keepalive [--device PATH] [--timeout S] [--interval S] [--json]` — the iAMT OS-health
 * watchdog on this machine (features/watchdog/). Without --device the iAMT watchdog is found as
 * the product finds it (/dev/iamt_watchdog, the /dev/watchdogN sysfs names iamt_wdt, else the
 * firmware client over MEI, --mei choosing the MEI device through the global options).
 *
 * info opens and closes the device without writing: opening starts the kernel watchdog and
 * closing stops it, but the firmware hears nothing. keepalive runs in the foreground until
 * SIGINT/SIGTERM, then disarms the watchdog and exits 0; it heartbeats every --interval seconds
 * (default timeout/2), as the Linux watchdog daemon's interval option sets its heartbeat period.
 */
import { parseArgs } from 'node:util';
import { usageError, parseArgsError } from './usage';
import { checkTimeout, IAMT_WATCHDOG, keepWatchdogAlive, openWatchdog, readWatchdogInfo, type WatchdogInfo } from '../features/watchdog';
import type { CliIo } from './feature-commands';
import { formatRows, type Row } from './format';

const USAGE = 'write amtwb watchdog info [--device PATH] or amtwb watchdog keepalive [--device PATH] [--timeout S] [--interval S]';

export async function runWatchdogCli(args: readonly string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parse(args);
  const [sub, ...extra] = positionals;
  if (extra.length) throw usageError(`"watchdog ${sub}" takes no further arguments, but "${extra.join(' ')}" was given; ${USAGE}.`);
  const where = { ...(v.device ? { device: v.device } : {}), ...(io.meiPath ? { meiPath: io.meiPath } : {}) };
  if (sub === 'info') {
    if (v.timeout !== undefined || v.interval !== undefined) throw usageError(`--${v.timeout !== undefined ? 'timeout' : 'interval'} applies to "watchdog keepalive", not "watchdog info".`);
    const info = await readWatchdogInfo(where);
    await io.out(v.json ? JSON.stringify(info, null, 2) : formatWatchdogInfo(info));
    return 0;
  }
  if (sub === 'keepalive') {
    if (v.json) throw usageError('--json applies to "watchdog info"; keepalive prints one line per heartbeat.');
    const timeout = parseTimeout(v.timeout);
    const interval = parseInterval(v.interval, timeout);
    const handle = await openWatchdog(where);
    try {
      await io.out(`Arming ${handle.path} with a ${timeout} s timeout; a heartbeat every ${interval} s until Ctrl-C.`);
      const count = await keepWatchdogAlive(handle, {
        timeoutSeconds: timeout,
        intervalMs: interval * 1000,
        signal: io.signal,
        onHeartbeat: (n) => void io.out(`heartbeat ${n} at ${new Date().toISOString()}`),
      });
      await io.out(`Stopped after ${count} heartbeat${count === 1 ? '' : 's'}; the watchdog is disarmed.`);
    } finally {
      await handle.close();
    }
    return 0;
  }
  throw usageError(sub === undefined ? `"watchdog" needs info or keepalive; ${USAGE}.` : `"${sub}" is not a watchdog command; ${USAGE}.`);
}

export function formatWatchdogInfo(info: WatchdogInfo): string {
  const rows: Row[] = [
    ['Device', `${info.path}${info.via === 'mei' ? ' (firmware watchdog client over MEI; the mei_wdt driver is not bound)' : ''}`],
    ['Identity', info.identity],
  ];
  if (info.via === 'linux') rows.push(['Options', `0x${info.options.toString(16).padStart(4, '0')} (${info.optionNames.join(', ') || 'none'})`]);
  rows.push([info.via === 'linux' ? 'Firmware version' : 'Protocol version', String(info.firmwareVersion)]);
  if (info.timeoutSeconds !== undefined) rows.push(['Timeout', `${info.timeoutSeconds} s`]);
  if (info.status !== undefined) rows.push(['Status', String(info.status)]);
  if (info.bootStatus !== undefined) rows.push(['Boot status', String(info.bootStatus)]);
  if (info.via === 'linux') rows.push(['Time left', info.timeLeftSeconds !== undefined ? `${info.timeLeftSeconds} s` : 'not reported by the driver']);
  return formatRows(rows);
}

/** --timeout S: whole seconds in the iAMT range; anything else is a command-line mistake naming it. */
function parseTimeout(text: string | undefined): number {
  if (text === undefined) return IAMT_WATCHDOG.defaultTimeout;
  const n = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  try {
    checkTimeout(n);
  } catch (err) {
    throw usageError(`--timeout "${text}" is not a whole number of seconds in ${IAMT_WATCHDOG.minTimeout}..${IAMT_WATCHDOG.maxTimeout}; the iAMT watchdog accepts only that range (default ${IAMT_WATCHDOG.defaultTimeout}).`, err);
  }
  return n;
}

/**
 * --interval S: seconds between heartbeats, default timeout/2. It must be shorter than the
 * timeout, or the watchdog fires between two heartbeats.
 */
function parseInterval(text: string | undefined, timeout: number): number {
  if (text === undefined) return timeout / 2;
  const n = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : NaN;
  if (!(n >= 1 && n < timeout)) {
    throw usageError(`--interval "${text}" is not a number of seconds from 1 to below the ${timeout} s timeout; the heartbeat must come before the watchdog fires (default ${timeout / 2}, half the timeout).`);
  }
  return n;
}

function parse(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      options: { device: { type: 'string' }, timeout: { type: 'string' }, interval: { type: 'string' }, json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw parseArgsError(err, USAGE);
  }
}
