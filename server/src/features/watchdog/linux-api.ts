/**
 * The Linux watchdog API as the iAMT watchdog driver (mei_wdt) implements it (Linux kernel
 * documentation: "The Linux Watchdog driver API"; drivers/watchdog/mei_wdt.c): ioctl numbers verified against the x86_64 headers, `struct watchdog_info`, and the
 * driver's timeout range. Pure data and checks; the syscalls are in linux-device.ts.
 */
import { AmtError } from '../../errors';

export const WDIOC = {
  GETSUPPORT: 0x80285700,
  GETSTATUS: 0x80045701,
  GETBOOTSTATUS: 0x80045702,
  SETOPTIONS: 0x80045704,
  KEEPALIVE: 0x80045705,
  SETTIMEOUT: 0xc0045706,
  GETTIMEOUT: 0x80045707,
  GETTIMELEFT: 0x8004570a,
} as const;

export const WDIOS = { DISABLECARD: 0x1, ENABLECARD: 0x2 } as const;

/** `watchdog_info.options` bits (linux/watchdog.h). */
export const WDIOF = {
  SETTIMEOUT: 0x0080,
  MAGICCLOSE: 0x0100,
  PRETIMEOUT: 0x0200,
  ALARMONLY: 0x0400,
  KEEPALIVEPING: 0x8000,
} as const;

/** What mei_wdt registers: identity, and its timeout limits in seconds. */
export const IAMT_WATCHDOG = { identity: 'iamt_wdt', defaultTimeout: 120, minTimeout: 120, maxTimeout: 65535 } as const;

export const WATCHDOG_INFO_SIZE = 40;

export interface WatchdogSupport {
  /** WDIOF_* bits; 0x8480 for mei_wdt. */
  options: number;
  /** For mei_wdt: the firmware watchdog client's protocol version. */
  firmwareVersion: number;
  identity: string;
}

/** `struct watchdog_info { u32 options; u32 firmware_version; u8 identity[32]; }`. */
export function decodeWatchdogInfo(buf: Buffer): WatchdogSupport {
  if (buf.length < WATCHDOG_INFO_SIZE) throw new RangeError(`struct watchdog_info is ${WATCHDOG_INFO_SIZE} bytes, got ${buf.length}`);
  const raw = buf.subarray(8, 40);
  const end = raw.indexOf(0);
  return { options: buf.readUInt32LE(0), firmwareVersion: buf.readUInt32LE(4), identity: raw.subarray(0, end < 0 ? raw.length : end).toString('latin1') };
}

/** Option bits as names, e.g. `KEEPALIVEPING, ALARMONLY, SETTIMEOUT`. */
export function optionNames(options: number): string[] {
  return Object.entries(WDIOF).filter(([, bit]) => options & bit).sort(([, a], [, b]) => b - a).map(([name]) => name);
}

/** Throws the sentence a user sees for a timeout the iAMT watchdog does not accept. */
export function checkTimeout(seconds: number): void {
  const { minTimeout, maxTimeout } = IAMT_WATCHDOG;
  if (!Number.isInteger(seconds) || seconds < minTimeout || seconds > maxTimeout) {
    throw new AmtError(
      'watchdog.timeout',
      `A watchdog timeout of ${seconds} seconds is outside what the iAMT watchdog accepts (${minTimeout}..${maxTimeout} seconds); give a whole number of seconds in that range, e.g. ${IAMT_WATCHDOG.defaultTimeout}.`,
    );
  }
}
