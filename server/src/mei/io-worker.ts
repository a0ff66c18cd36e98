/**
 * Worker-thread entry: owns one connected MEI file descriptor and does all its I/O, so the main
 * thread never waits in read(2) or write(2) on the device (threaded.ts is the main thread's end).
 *
 * The loop: take the writes the main thread posted and write them in order; read every message
 * the driver has ready (one read(2) per message — the driver returns one message per read — up to
 * a batch) and post them in one message; then sleep in poll(2) on the device and on an eventfd
 * the main thread bumps after posting. The descriptor is O_NONBLOCK, so no syscall here ever
 * blocks except that poll, and a close request ends the loop at once (a blocking read could not
 * be cancelled: the driver has no flush).
 */
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { Errno } from './errno';
import { meiLibc, POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT } from './libc';

export interface IoWorkerInput {
  fd: number;
  /** eventfd (O_NONBLOCK) the main thread writes to after each post. */
  wakeFd: number;
  maxMessageLength: number;
  port: MessagePort;
}

/** Main thread → worker. Each message has its own ArrayBuffer (transferred). */
export type ToWorker = { t: 'write'; firstId: number; messages: Uint8Array[] } | { t: 'close' };

/** Worker → main thread. */
export type FromWorker =
  | { t: 'read'; messages: Uint8Array[] }
  /** Every write with an id up to this one is written, in order. */
  | { t: 'written'; upTo: number }
  /** The write `id` failed with `errno`; later writes are not attempted. */
  | { t: 'write-failed'; id: number; errno: number }
  /** Reading failed with `errno`; messages read before were posted first. */
  | { t: 'read-failed'; errno: number }
  /** The descriptor is closed; the worker ends. */
  | { t: 'closed' };

/** Messages read before posting them (bounds one post, and the time before the first is seen). */
const MAX_BATCH = 32;
/** Upper bound on one sleep, so a lost wake-up costs at most this long. */
const IDLE_POLL_MS = 1000;
const DEAD = POLLERR | POLLHUP | POLLNVAL;

if (workerData) serve(workerData as IoWorkerInput);

function serve({ fd, wakeFd, maxMessageLength, port }: IoWorkerInput): void {
  const libc = meiLibc();
  const post = (m: FromWorker, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer);
  // struct pollfd[2]: the device, then the eventfd.
  const pfds = Buffer.alloc(16);
  pfds.writeInt32LE(wakeFd, 8);
  pfds.writeInt16LE(POLLIN, 12);
  const scratch = Buffer.allocUnsafe(Math.max(maxMessageLength, 1));
  const wakeBuf = Buffer.alloc(8);
  const queue: { id: number; data: Buffer }[] = [];
  let readErrno = 0;
  let writeErrno = 0;
  /** poll(2) reported an error condition: a read or write that then says EAGAIN means ENODEV. */
  let pollSaidDead = false;
  let closing = false;

  const takeCommands = () => {
    for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
      const c = m.message as ToWorker;
      if (c.t === 'close') closing = true;
      else c.messages.forEach((u, i) => queue.push({ id: c.firstId + i, data: Buffer.from(u.buffer, u.byteOffset, u.byteLength) }));
    }
  };

  const writeQueued = () => {
    let written = 0;
    while (queue.length > 0 && !writeErrno) {
      const w = queue[0]!;
      if (libc.write(fd, w.data, w.data.length) >= 0) {
        written = w.id;
        queue.shift();
        continue;
      }
      const errno = libc.errno();
      if (errno === Errno.EINTR) continue;
      if (errno === Errno.EAGAIN && !pollSaidDead) break; // the driver's queue is full: wait for POLLOUT
      writeErrno = errno === Errno.EAGAIN ? Errno.ENODEV : errno;
    }
    if (written) post({ t: 'written', upTo: written });
    if (writeErrno && queue.length > 0) {
      post({ t: 'write-failed', id: queue[0]!.id, errno: writeErrno });
      queue.length = 0;
    }
  };

  /** Reads what the driver has ready; true when the batch filled up (more may be waiting). */
  const readReady = (): boolean => {
    if (readErrno) return false;
    const messages: Uint8Array[] = [];
    while (messages.length < MAX_BATCH) {
      const n = libc.read(fd, scratch, scratch.length);
      if (n > 0) {
        messages.push(new Uint8Array(scratch.subarray(0, n))); // a copy with its own ArrayBuffer
        continue;
      }
      if (n === 0) break; // carries no message
      const errno = libc.errno();
      if (errno === Errno.EINTR) continue;
      if (errno !== Errno.EAGAIN || pollSaidDead) readErrno = errno === Errno.EAGAIN ? Errno.ENODEV : errno;
      break;
    }
    if (messages.length > 0) post({ t: 'read', messages }, messages.map((m) => m.buffer as ArrayBuffer));
    if (readErrno) post({ t: 'read-failed', errno: readErrno });
    return messages.length === MAX_BATCH;
  };

  for (;;) {
    takeCommands();
    writeQueued();
    if (closing) break;
    if (readReady()) continue;
    const events = (readErrno ? 0 : POLLIN) | (queue.length > 0 && !writeErrno ? POLLOUT : 0);
    pfds.writeInt32LE(events ? fd : -1, 0); // a negative fd is skipped: nothing more is wanted from it
    pfds.writeInt16LE(events, 4);
    pfds.writeInt16LE(0, 6);
    pfds.writeInt16LE(0, 14);
    if (libc.poll(pfds, 2, IDLE_POLL_MS) <= 0) continue; // timeout or EINTR: look again
    if (pfds.readUInt16LE(14)) libc.read(wakeFd, wakeBuf, 8); // reset the counter; commands are taken above
    if (events && pfds.readUInt16LE(6) & DEAD) pollSaidDead = true;
  }
  libc.close(fd);
  post({ t: 'closed' });
  port.close();
}
