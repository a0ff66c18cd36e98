/**
 * errno from a watchdog device → one AmtError sentence naming the device, the cause and the fix.
 * Codes are `watchdog.<cause>`. "Already in use" names who holds the device when /proc tells, and
 * always the usual holders of the iAMT watchdog with how to stop each.
 */
import { Errno, errnoName } from '../../targets/mei';
import { AmtError, type ErrorCode } from '../../errors';
import { IAMT_WATCHDOG } from './linux-api';

export interface WatchdogErrorContext {
  op: 'open' | 'ioctl' | 'write' | 'close';
  path: string;
  /** The ioctl's name, e.g. WDIOC_SETTIMEOUT. */
  ioctl?: string;
  /** Processes that have the device open, e.g. `process 812 (lms)`. */
  holders?: string[];
}

export const LIKELY_HOLDERS =
  `Intel LMS's WatchdogService ("systemctl stop lms"), systemd's hardware watchdog (RuntimeWatchdogSec= in /etc/systemd/system.conf; set it to 0 and run "systemctl daemon-reexec") or the watchdog/wd_keepalive daemon ("systemctl stop watchdog wd_keepalive")`;

export function watchdogError(errno: number, ctx: WatchdogErrorContext): AmtError {
  const name = errnoName(errno);
  const { path } = ctx;
  const cause = Object.assign(new Error(`${ctx.ioctl ?? ctx.op} ${path}: ${name}`), { errno, code: name, syscall: ctx.op, path });
  const make = (code: ErrorCode, message: string) => new AmtError(code, message, { cause });
  switch (errno) {
    case Errno.EBUSY: {
      const who = ctx.holders?.length ? ctx.holders.join(', ') : 'another program';
      return make('watchdog.busy', `${path} is already in use by ${who}, and a watchdog device allows one user at a time; it is usually held by ${LIKELY_HOLDERS}: stop the holder, or let it keep the watchdog alive instead.`);
    }
    case Errno.ENOENT:
      return make('watchdog.enoent', `No watchdog device at ${path}: load the iAMT watchdog driver ("modprobe mei_wdt"); it registers a device only while AMT is enabled, so check AMT in the BIOS/MEBx.`);
    case Errno.EACCES:
    case Errno.EPERM:
      return make('watchdog.eacces', `Permission denied opening ${path}: run as root, or grant access with a udev rule such as SUBSYSTEM=="watchdog", ATTR{identity}=="${IAMT_WATCHDOG.identity}", GROUP="watchdog", MODE="0660".`);
    case Errno.EINVAL:
      if (ctx.ioctl === 'WDIOC_SETTIMEOUT') {
        return make('watchdog.timeout', `${path} refused the timeout: the iAMT watchdog accepts ${IAMT_WATCHDOG.minTimeout}..${IAMT_WATCHDOG.maxTimeout} seconds; give a value in that range.`);
      }
      break;
    case Errno.ENODEV:
      return make('watchdog.enodev', `The watchdog at ${path} is gone (the firmware says no watchdog is needed, e.g. AMT was disabled, or the MEI device was reset): open it again once AMT is enabled.`);
    case Errno.ENOTTY:
      return make('watchdog.enotty', `${path} does not understand ${ctx.ioctl ?? 'the watchdog ioctls'}: it is not a Linux watchdog device; give the path of a /dev/watchdogN.`);
    case Errno.EOPNOTSUPP: // also ENOTSUP: the same number on Linux
      return make('watchdog.eopnotsupp', `${path} does not support ${ctx.ioctl ?? ctx.op} (EOPNOTSUPP): its driver lacks that operation (mei_wdt cannot report the time left, nor take a pretimeout).`);
    case Errno.ENOTCONN:
      return make('watchdog.enotconn', `The watchdog device at ${path} no longer answers (its simulator stopped): restart the simulator.`);
  }
  return make(`watchdog.e${name.toLowerCase().slice(1)}`, `Watchdog ${ctx.ioctl ?? ctx.op} on ${path} failed with ${name}: check the kernel log (dmesg) and retry.`);
}
