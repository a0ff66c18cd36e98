/**
 * The kernel side of one emulated device: a regular file at `path`, /dev/fuse opened and mounted
 * over it (mount(2) through koffi; no libfuse or fusermount), and an eventfd to wake the worker.
 * Released with MNT_DETACH, also at process exit (exit-cleanup.ts).
 */
import fs from 'node:fs';
import { AmtError } from '../../errors';
import { registerMount } from './exit-cleanup';
import { EFD_CLOEXEC, EFD_NONBLOCK, MNT_DETACH, MS_NODEV, MS_NOSUID, simLibc, type SimLibc } from './libc';

export interface FuseMount {
  readonly path: string;
  readonly fuseFd: number;
  readonly wakeFd: number;
  /** Takes the device out of the file tree; open fds keep working until the worker stops. Idempotent. */
  detach(): void;
  /** detach(), then close both fds and remove the file if we created it. Idempotent. */
  release(): void;
}

export function mountFuse(path: string, options: { allowOther: boolean }): FuseMount {
  const libc = simLibc();
  detachIfDead(libc, path);
  const created = ensureFile(path);
  let fuseFd = -1;
  let wakeFd = -1;
  let mounted = false;
  let unregister = () => {};
  const detach = () => {
    if (mounted) libc.umount2(path, MNT_DETACH);
    mounted = false;
  };
  const release = () => {
    unregister();
    detach();
    closeQuietly(fuseFd);
    closeQuietly(wakeFd);
    fuseFd = wakeFd = -1;
    if (created) fs.rmSync(path, { force: true });
  };
  try {
    fuseFd = openFuse();
    wakeFd = libc.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wakeFd < 0) throw new AmtError('sim.mei.eventfd', `eventfd(2) failed with errno ${libc.errno()}: the emulated MEI device cannot run.`);
    // default_permissions: the kernel checks the node's mode like on a device node (root bypasses it).
    const data = `fd=${fuseFd},rootmode=100000,user_id=${process.getuid!()},group_id=${process.getgid!()},default_permissions${options.allowOther ? ',allow_other' : ''}`;
    if (libc.mount('meisim', path, 'fuse.meisim', MS_NOSUID | MS_NODEV, data) !== 0) throw mountError(libc.errno(), path);
    mounted = true;
    unregister = registerMount(release);
  } catch (err) {
    release();
    throw err;
  }
  return { path, fuseFd, wakeFd, detach, release };
}

function openFuse(): number {
  try {
    return fs.openSync('/dev/fuse', fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AmtError('sim.mei.fuse', 'There is no /dev/fuse: load the fuse kernel module (modprobe fuse) to emulate an MEI device.', { cause: err });
    throw new AmtError('sim.mei.fuse', `Cannot open /dev/fuse (${code}): run as root to emulate an MEI device.`, { cause: err });
  }
}

function mountError(errno: number, path: string): AmtError {
  if (errno === 1 /* EPERM */) return new AmtError('sim.mei.mount', `Mounting the emulated MEI device at ${path} needs root (CAP_SYS_ADMIN): run as root.`);
  return new AmtError('sim.mei.mount', `mount(2) of the emulated MEI device at ${path} failed with errno ${errno}: use the path of a regular file on a local file system.`);
}

/** A mount left by a killed run answers ENOTCONN; detach it so the path is usable again. */
function detachIfDead(libc: SimLibc, path: string): void {
  try {
    fs.statSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOTCONN') libc.umount2(path, MNT_DETACH);
  }
}

/** Returns true when the file had to be created. */
function ensureFile(path: string): boolean {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (stat?.isDirectory()) throw new AmtError('sim.mei.path', `${path} is a directory: give the path of a file, e.g. ${path}/mei0.`);
  if (stat) return false;
  try {
    fs.writeFileSync(path, '', { flag: 'wx', mode: 0o600 });
  } catch (err) {
    throw new AmtError('sim.mei.path', `Cannot create ${path} for the emulated MEI device (${(err as NodeJS.ErrnoException).code}): check that its folder exists and is writable.`, { cause: err });
  }
  return true;
}

function closeQuietly(fd: number): void {
  if (fd < 0) return;
  try {
    fs.closeSync(fd);
  } catch {
    // already closed
  }
}
