/**
 * libc calls the FUSE emulation needs and Node lacks: mount(2)/umount2(2) (we speak the FUSE
 * protocol ourselves, so there is no fusermount/libfuse), eventfd(2) to wake the worker, and a
 * synchronous poll(2) for the worker's loop. Bound lazily per thread (the worker binds its own).
 */
import koffi from 'koffi';

export const MS_NOSUID = 2;
export const MS_NODEV = 4;
export const MNT_DETACH = 2;
export const EFD_NONBLOCK = 0o4000;
export const EFD_CLOEXEC = 0o2000000;
export const POLLIN = 0x001;
export const POLLERR = 0x008;
export const POLLHUP = 0x010;
export const POLLNVAL = 0x020;
const EINTR = 4;

export interface SimLibc {
  /** Returns 0, or -1 with errno. */
  mount(source: string, target: string, fstype: string, flags: number, data: string): number;
  umount2(target: string, flags: number): number;
  eventfd(initval: number, flags: number): number;
  /** poll(2) over `fds`; returns each fd's revents, or null on timeout/EINTR; throws on other errors. */
  poll(fds: { fd: number; events: number }[], timeoutMs: number): number[] | null;
  errno(): number;
}

let bound: SimLibc | undefined;

export function simLibc(): SimLibc {
  bound ??= bind();
  return bound;
}

function bind(): SimLibc {
  const lib = koffi.load('libc.so.6');
  const mount = lib.func('int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data)');
  const umount2 = lib.func('int umount2(const char *target, int flags)');
  const eventfd = lib.func('int eventfd(unsigned int initval, int flags)');
  const poll = lib.func('int poll(_Inout_ void *fds, unsigned long nfds, int timeout)');
  return {
    mount: (source, target, fstype, flags, data) => mount(source, target, fstype, flags, data),
    umount2: (target, flags) => umount2(target, flags),
    eventfd: (initval, flags) => eventfd(initval, flags),
    errno: () => koffi.errno(),
    poll(fds, timeoutMs) {
      const buf = Buffer.alloc(8 * fds.length); // struct pollfd { int fd; short events; short revents; }
      fds.forEach((f, i) => {
        buf.writeInt32LE(f.fd, i * 8);
        buf.writeInt16LE(f.events, i * 8 + 4);
      });
      const n = poll(buf, fds.length, timeoutMs);
      if (n < 0 && koffi.errno() !== EINTR) throw new Error(`poll(2) failed with errno ${koffi.errno()}`);
      if (n <= 0) return null;
      return fds.map((_, i) => buf.readUInt16LE(i * 8 + 6));
    },
  };
}
