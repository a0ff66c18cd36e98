/**
 * The handful of libc calls the MEI device needs, through koffi (no native build). Node's fs has no
 * ioctl or poll, and we want the exact errno of every syscall, so open/read/write/close go through
 * libc too.
 *
 * open and ioctl are variadic in libc; koffi cannot call variadic functions asynchronously, and
 * declaring them with fixed arguments is ABI-compatible on x86-64 and aarch64 Linux. They return at
 * once anyway, so they are only ever called synchronously. `pollAsync` runs on the libuv pool,
 * always with a short timeout (see device.ts); `poll` blocks its caller and is only for the MEI
 * I/O worker thread (io-worker.ts), which sleeps in it. Bound lazily, once per thread.
 */
import koffi from 'koffi';
import { AmtError } from '../errors';

/** Linux open(2) flags (same values on x86-64 and aarch64). */
export const O_RDWR = 0o2;
export const O_NONBLOCK = 0o4000;
export const O_CLOEXEC = 0o2000000;

export const POLLIN = 0x001;
export const POLLOUT = 0x004;
export const POLLERR = 0x008;
export const POLLHUP = 0x010;
export const POLLNVAL = 0x020;
export const EFD_NONBLOCK = 0o4000;
export const EFD_CLOEXEC = 0o2000000;

export interface PollResult {
  /** poll(2)'s return value: >0 ready, 0 timed out, -1 error (see errno). */
  result: number;
  revents: number;
  errno: number;
}

export interface MeiLibc {
  open(path: string, flags: number): number;
  close(fd: number): number;
  read(fd: number, buf: Buffer, count: number): number;
  write(fd: number, buf: Buffer, count: number): number;
  ioctl(fd: number, request: number, arg: Buffer): number;
  /** errno of the last synchronous call on this thread. */
  errno(): number;
  /** poll(2) on one fd, run on the libuv threadpool. */
  pollAsync(fd: number, events: number, timeoutMs: number): Promise<PollResult>;
  /** Blocking poll(2) over `nfds` struct pollfd (8 bytes each) in `fds`; revents are written back. */
  poll(fds: Buffer, nfds: number, timeoutMs: number): number;
  eventfd(initval: number, flags: number): number;
}

// Bound once, on first use: importing this module must not fail on machines without glibc (the
// backend also runs on Windows and macOS, where local MEI access is simply unavailable).
let bound: MeiLibc | undefined;

export function meiLibc(): MeiLibc {
  bound ??= bind();
  return bound;
}

function bind(): MeiLibc {
  if (process.platform !== 'linux') {
    throw new AmtError('mei.unsupported', `Local MEI access needs Linux; this is ${process.platform}: use the "lms" or a remote target instead.`);
  }
  let lib: koffi.IKoffiLib;
  try {
    lib = koffi.load('libc.so.6');
  } catch (cause) {
    throw new AmtError('mei.unsupported', 'Local MEI access could not load the C library (libc.so.6): use the "lms" or a remote target instead.', { cause });
  }
  const open = lib.func('int open(const char *path, int flags)');
  const close = lib.func('int close(int fd)');
  const read = lib.func('long read(int fd, _Out_ void *buf, size_t count)');
  const write = lib.func('long write(int fd, const void *buf, size_t count)');
  const ioctl = lib.func('int ioctl(int fd, unsigned long request, _Inout_ void *arg)');
  const poll = lib.func('int poll(_Inout_ void *fds, unsigned long nfds, int timeout)');
  const eventfd = lib.func('int eventfd(unsigned int initval, int flags)');

  return {
    open: (path, flags) => open(path, flags),
    close: (fd) => close(fd),
    read: (fd, buf, count) => Number(read(fd, buf, count)),
    write: (fd, buf, count) => Number(write(fd, buf, count)),
    ioctl: (fd, request, arg) => ioctl(fd, request, arg),
    errno: () => koffi.errno(),
    poll: (fds, nfds, timeoutMs) => poll(fds, nfds, timeoutMs),
    eventfd: (initval, flags) => eventfd(initval, flags),
    pollAsync(fd, events, timeoutMs) {
      // struct pollfd { int fd; short events; short revents; }
      const pfd = Buffer.alloc(8);
      pfd.writeInt32LE(fd, 0);
      pfd.writeInt16LE(events, 4);
      return new Promise((resolve, reject) => {
        // koffi restores the worker thread's errno while this callback runs.
        poll.async(pfd, 1, timeoutMs, (err: unknown, result: number) => {
          if (err) reject(err);
          else resolve({ result, revents: pfd.readUInt16LE(6), errno: result < 0 ? koffi.errno() : 0 });
        });
      });
    },
  };
}
