/**
 * errno from the MEI driver → one AmtError sentence naming the device path, the cause and the fix
 * (spec protocols.md §1.9). Codes are `mei.<errno name in lower case>`, e.g. `mei.enoent`, so a
 * caller can branch on them; EPERM is folded into `mei.eacces` because the fix is the same.
 */
import { constants } from 'node:os';
import { basename } from 'node:path';
import { AmtError, type ErrorCode } from '../errors';
import { clientLabel } from './guid';

export const Errno = constants.errno;

/** What the failing call was doing, for the sentence. */
export interface MeiErrorContext {
  op: 'open' | 'connect' | 'read' | 'write' | 'poll' | 'close';
  /** The device path, or a description such as "/dev/mei0 … /dev/mei3" when several were tried. */
  path: string;
  guid?: string;
  /** write: the message length, and the client's maximum. */
  length?: number;
  maxMessageLength?: number;
}

export function errnoName(errno: number): string {
  for (const [name, value] of Object.entries(Errno)) if (value === errno) return name;
  return `errno ${errno}`;
}

/** Builds the typed error for an errno returned by a syscall on an MEI device. */
export function meiError(errno: number, ctx: MeiErrorContext): AmtError {
  const name = errnoName(errno);
  const { path } = ctx;
  const client = ctx.guid ? `the ${clientLabel(ctx.guid)} firmware client` : 'the firmware client';
  const cause = Object.assign(new Error(`${ctx.op} ${path}: ${name}`), { errno, code: name, syscall: ctx.op, path });
  const make = (code: ErrorCode, message: string) => new AmtError(code, message, { cause });

  switch (errno) {
    case Errno.ENOENT:
      return make('mei.enoent', `No MEI device at ${path}: the Intel MEI driver is not loaded (run "modprobe mei_me") or this machine has no Intel ME.`);
    case Errno.EACCES:
    case Errno.EPERM: {
      const node = /^mei\d+$/.test(basename(path)) ? basename(path) : 'mei0';
      return make('mei.eacces', `Permission denied opening ${path}: run as root, or grant access with a udev rule such as KERNEL=="${node}", GROUP="mei", MODE="0660" and add your user to the "mei" group.`);
    }
    case Errno.ENOTTY:
      return make('mei.enotty', `${capitalize(client)} is not present on ${path}: Intel AMT is missing on this machine or disabled in the BIOS/MEBx; enable it there.`);
    case Errno.EBUSY:
      return make('mei.ebusy', `${capitalize(client)} on ${path} is already in use by another program (for example Intel LMS): stop that program, or use the "lms" target instead.`);
    case Errno.ENODEV:
      return make('mei.enodev', `The MEI connection on ${path} was dropped (firmware reset, or the device is not ready): reconnect.`);
    case Errno.EFBIG:
      return make('mei.efbig', `A ${ctx.length ?? 'too long'}-byte message does not fit ${client} on ${path} (at most ${ctx.maxMessageLength ?? '?'} bytes): send it in smaller pieces.`);
    case Errno.ECANCELED:
      return make('mei.ecanceled', `The MEI ${ctx.op} on ${path} was cancelled by the driver: retry.`);
    case Errno.EINTR:
      return make('mei.eintr', `The MEI ${ctx.op} on ${path} was interrupted by a signal: retry.`);
    case Errno.EMFILE:
      return make('mei.emfile', `Too many MEI connections are open on ${path}: close some (or stop other MEI programs) and retry.`);
    case Errno.ENOTCONN: // only a FUSE-emulated device whose simulator has stopped says this
      return make('mei.enotconn', `The MEI device at ${path} no longer answers (its simulator stopped): restart the simulator and reconnect.`);
    case Errno.EFAULT:
      if (ctx.op === 'connect') return make('mei.efault', `The firmware did not answer the connect to ${client} on ${path} in time: retry, and reboot if it keeps happening.`);
      break;
  }
  return make(`mei.e${name.toLowerCase().slice(1)}`, `MEI ${ctx.op} on ${path} failed with ${name}: check the MEI driver's kernel log (dmesg) and retry.`);
}

/** An aborted wait: the caller's own AmtError back as is, a TimeoutError signal as `timeout`, else `cancelled`. */
export function cancelled(signal: AbortSignal | undefined, message: string): AmtError {
  const reason: unknown = signal?.reason;
  // A caller that aborts with its own AmtError (e.g. a higher-level timeout) gets it back as is.
  if (reason instanceof AmtError) return reason;
  // AbortSignal.timeout() aborts with a DOMException named TimeoutError.
  if ((reason as { name?: unknown } | undefined)?.name === 'TimeoutError') {
    return new AmtError('timeout', message.replace(/was cancelled\.$/, 'timed out.'), { cause: reason });
  }
  return new AmtError('cancelled', message, { cause: reason });
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
