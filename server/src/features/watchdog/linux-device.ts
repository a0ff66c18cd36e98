/**
 * One open Linux watchdog device through koffi (Linux kernel documentation: "The Linux Watchdog driver API"). Opening starts the
 * watchdog in the kernel but sends the firmware nothing; the first ping (SETTIMEOUT or KEEPALIVE)
 * arms it; close always stops the iAMT watchdog (its driver has no magic close).
 *
 * ioctl, write and close run on a syscall thread of its own (syscalls.ts says why); open(2)
 * returns at once, so it stays synchronous on the MEI code's koffi binding. The raw calls are
 * reachable through `syscalls` for tests that need an errno the product turns into a sentence.
 */
import { meiLibc, O_CLOEXEC, type MeiLibc } from '../../targets/mei';
import { AmtError } from '../../errors';
import { Errno } from '../../targets/mei';
import { findHolders } from './discovery';
import { watchdogError } from './errors';
import { decodeWatchdogInfo, WATCHDOG_INFO_SIZE, WDIOC, WDIOF, WDIOS, type WatchdogSupport } from './linux-api';
import { SyscallThread } from './syscalls';

const O_WRONLY = 0o1;
const IOCTL_NAMES: Record<number, string> = Object.fromEntries(Object.entries(WDIOC).map(([k, v]) => [v, `WDIOC_${k}`]));

export class LinuxWatchdog {
  private closed: Promise<void> | undefined;

  private constructor(
    private readonly fd: number,
    readonly path: string,
    private readonly sys: SyscallThread,
  ) {}

  /** Opens (and so starts) the watchdog. EBUSY becomes "already in use by …" with the holders found. */
  static open(path: string, libc: MeiLibc = meiLibc()): LinuxWatchdog {
    // O_WRONLY like LMS's WatchdogService: a watchdog has nothing to read.
    const fd = libc.open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
      const errno = libc.errno();
      throw watchdogError(errno, { op: 'open', path, ...(errno === Errno.EBUSY ? { holders: findHolders(path) } : {}) });
    }
    return new LinuxWatchdog(fd, path, SyscallThread.start());
  }

  /** The descriptor and its syscall thread, for raw calls (tests: an ioctl's exact errno). */
  get raw(): { fd: number; sys: SyscallThread } {
    return { fd: this.fd, sys: this.sys };
  }

  async support(): Promise<WatchdogSupport> {
    return decodeWatchdogInfo(await this.ioctl(WDIOC.GETSUPPORT, Buffer.alloc(WATCHDOG_INFO_SIZE)));
  }

  async getTimeout(): Promise<number> {
    return (await this.ioctl(WDIOC.GETTIMEOUT, int(0))).readInt32LE(0);
  }

  /**
   * Sets the timeout and pings with it; returns what the driver took. The driver is the judge of
   * the range (mei_wdt: 120..65535 s); its EINVAL becomes a sentence naming that range.
   */
  async setTimeout(seconds: number): Promise<number> {
    return (await this.ioctl(WDIOC.SETTIMEOUT, int(seconds))).readInt32LE(0);
  }

  async keepalive(): Promise<void> {
    await this.ioctl(WDIOC.KEEPALIVE, int(0));
  }

  async status(): Promise<number> {
    return (await this.ioctl(WDIOC.GETSTATUS, int(0))).readInt32LE(0);
  }

  async bootStatus(): Promise<number> {
    return (await this.ioctl(WDIOC.GETBOOTSTATUS, int(0))).readInt32LE(0);
  }

  /** Seconds until expiry, or undefined when the driver cannot tell (mei_wdt: EOPNOTSUPP). */
  async timeLeft(): Promise<number | undefined> {
    try {
      return (await this.ioctl(WDIOC.GETTIMELEFT, int(0))).readInt32LE(0);
    } catch (err) {
      if (err instanceof AmtError && err.code === 'watchdog.eopnotsupp') return undefined;
      throw err;
    }
  }

  /** WDIOS_DISABLECARD: stops the watchdog (the firmware gets STOP if it was pinged). */
  async disable(): Promise<void> {
    await this.ioctl(WDIOC.SETOPTIONS, int(WDIOS.DISABLECARD));
  }

  async enable(): Promise<void> {
    await this.ioctl(WDIOC.SETOPTIONS, int(WDIOS.ENABLECARD));
  }

  /**
   * For drivers with WDIOF_MAGICCLOSE only: writing "V" lets close() stop them. Without it, closing
   * such a watchdog leaves it running and the machine reboots. (The iAMT watchdog always stops.)
   */
  async allowRelease(options: number): Promise<void> {
    if (!(options & WDIOF.MAGICCLOSE)) return;
    const v = Buffer.from('V');
    const r = await this.sys.write(this.fd, v);
    if (r.result < 0) throw watchdogError(r.errno, { op: 'write', path: this.path });
  }

  /** Closes the device, which stops the iAMT watchdog. Idempotent. */
  close(): Promise<void> {
    this.closed ??= this.sys.close(this.fd).then((r) => {
      if (r.result < 0 && r.errno !== Errno.EINTR) throw watchdogError(r.errno, { op: 'close', path: this.path });
    });
    return this.closed;
  }

  private async ioctl(request: number, arg: Buffer): Promise<Buffer> {
    if (this.closed) throw new AmtError('watchdog.closed', `The watchdog device ${this.path} is closed: open it again.`);
    const r = await this.sys.ioctl(this.fd, request, arg);
    if (r.result < 0) throw watchdogError(r.errno, { op: 'ioctl', path: this.path, ioctl: IOCTL_NAMES[request] });
    return arg;
  }
}

function int(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(v);
  return b;
}
