/**
 * Finding the iAMT watchdog without touching any other watchdog. Opening a watchdog device starts
 * it, and closing one whose driver wants a magic close leaves it running until the machine reboots,
 * so candidates are identified from sysfs, never by opening them to ask WDIOC_GETSUPPORT:
 * 1. `/dev/iamt_watchdog`, the name Intel LMS's udev rule gives the device;
 * 2. `/dev/watchdogN` whose `/sys/class/watchdog/watchdogN/identity` is `iamt_wdt`
 *    (CONFIG_WATCHDOG_SYSFS), or whose parent device is bound to the `mei_wdt` driver.
 * Who holds a device open is read from /proc/<pid>/fd (complete when running as root).
 */
import fs from 'node:fs';
import path from 'node:path';
import { IAMT_WATCHDOG } from './linux-api';

export const LMS_WATCHDOG_PATH = '/dev/iamt_watchdog';

export interface DiscoveryRoots {
  dev?: string;
  sysfs?: string;
  proc?: string;
}

/** The iAMT watchdog's device path, or undefined when none is registered. */
export function findIamtWatchdog(roots: DiscoveryRoots = {}): string | undefined {
  const dev = roots.dev ?? '/dev';
  const lms = path.join(dev, path.basename(LMS_WATCHDOG_PATH));
  if (fs.existsSync(lms)) return lms;
  const classDir = roots.sysfs ?? '/sys/class/watchdog';
  let names: string[];
  try {
    names = fs.readdirSync(classDir).filter((n) => /^watchdog\d+$/.test(n)).sort((a, b) => Number(a.slice(8)) - Number(b.slice(8)));
  } catch {
    return undefined;
  }
  for (const name of names) {
    const identity = readTrimmed(path.join(classDir, name, 'identity'));
    const driver = readLinkBase(path.join(classDir, name, 'device', 'driver'));
    if (identity === IAMT_WATCHDOG.identity || driver === 'mei_wdt') {
      const node = path.join(dev, name);
      if (fs.existsSync(node)) return node;
    }
  }
  return undefined;
}

/** Processes with `devicePath` open, as `process <pid> (<command>)`. */
export function findHolders(devicePath: string, procRoot = '/proc'): string[] {
  const target = path.resolve(devicePath);
  const holders: string[] = [];
  let pids: string[];
  try {
    pids = fs.readdirSync(procRoot).filter((n) => /^\d+$/.test(n));
  } catch {
    return holders;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = fs.readdirSync(path.join(procRoot, pid, 'fd'));
    } catch {
      continue; // gone, or not ours to read
    }
    const holds = fds.some((fd) => {
      try {
        return fs.readlinkSync(path.join(procRoot, pid, 'fd', fd)) === target;
      } catch {
        return false;
      }
    });
    if (holds) {
      const comm = readTrimmed(path.join(procRoot, pid, 'comm'));
      holders.push(`process ${pid}${comm ? ` (${comm})` : ''}`);
    }
  }
  return holders;
}

function readTrimmed(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function readLinkBase(link: string): string | undefined {
  try {
    return path.basename(fs.readlinkSync(link));
  } catch {
    return undefined;
  }
}
