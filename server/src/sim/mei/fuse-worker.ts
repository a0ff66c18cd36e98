/**
 * Worker-thread entry: serves the FUSE connection of one emulated MEI device.
 *
 * Why a thread of its own: until INIT is answered, and for every later request, the kernel blocks
 * the caller's syscall until this loop replies. The product opens, reads and writes the file with
 * synchronous syscalls on the main thread, so the loop must not need the main thread to answer;
 * per-fd state lives here, and the firmware clients (main thread) are reached only by messages.
 *
 * Why a synchronous poll(2) loop and not fs.read: an async read of /dev/fuse would park a libuv pool
 * thread, and the product's own poll(2) calls on the emulated file wait on the same pool for our
 * replies; that is a deadlock once the pool is full. Blocking this thread instead costs nothing. The
 * main thread wakes us through an eventfd after posting a command.
 */
import fs from 'node:fs';
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { DeviceCommand, DeviceEvent, FuseDevice, WorkerInput } from './bridge';
import { EmulatedMeiDevice } from './emulated-device';
import { EmulatedWatchdogDevice } from './watchdog-device';
import { parseRequest, READ_BUFFER_SIZE, replyError, type FuseRequest } from './fuse-proto';
import { POLLIN, simLibc } from './libc';

/** Upper bound on one wait, so a lost wake-up costs at most this long. */
const IDLE_POLL_MS = 1000;
const EIO = 5;

serve(workerData as WorkerInput);

function serve({ fuseFd, wakeFd, port, ack, clients, attr, kind }: WorkerInput): void {
  const libc = simLibc();
  const post = (e: DeviceEvent) => port.postMessage(e);
  const writeFrame = (frame: Buffer) => {
    try {
      fs.writeSync(fuseFd, frame);
    } catch (err) {
      // ENOENT: the request was interrupted or its caller gone; the kernel no longer wants a reply.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') post({ type: 'warning', message: `FUSE reply failed: ${String(err)}` });
    }
  };
  const out = { write: writeFrame, event: post };
  const device: FuseDevice = kind === 'watchdog' ? new EmulatedWatchdogDevice(clients[0]!, attr, out) : new EmulatedMeiDevice(clients, attr, out);
  const buf = Buffer.alloc(READ_BUFFER_SIZE);
  const wakeBuf = Buffer.alloc(8);

  loop: for (;;) {
    for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
      const cmd = m.message as DeviceCommand;
      if (cmd.type === 'stop') break loop;
      if (cmd.type === 'send') device.firmwareSend(cmd.conn, Buffer.from(cmd.data.buffer, cmd.data.byteOffset, cmd.data.byteLength));
      else if (cmd.type === 'handled') device.handled?.(cmd.conn);
      else if (cmd.type === 'drop' || cmd.type === 'reset') {
        if (cmd.type === 'drop') device.firmwareDrop(cmd.conn);
        else device.reset();
        Atomics.store(ack, 0, cmd.seq);
        Atomics.notify(ack, 0);
      }
    }
    const due = device.tick?.(Date.now());
    const wait = due === undefined ? IDLE_POLL_MS : Math.max(0, Math.min(IDLE_POLL_MS, due - Date.now()));
    const revents = libc.poll([{ fd: fuseFd, events: POLLIN }, { fd: wakeFd, events: POLLIN }], wait);
    if (!revents) continue;
    if (revents[1]) readQuietly(wakeFd, wakeBuf); // reset the eventfd counter; commands are drained above
    if (!revents[0]) continue;
    let n: number;
    try {
      n = fs.readSync(fuseFd, buf);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN' || code === 'EINTR' || code === 'ENOENT') continue; // nothing (left) to read
      if (code === 'ENODEV') break; // unmounted: the kernel closed the connection
      throw err;
    }
    let req: FuseRequest | undefined;
    try {
      req = parseRequest(buf.subarray(0, n));
      device.handle(req);
    } catch (err) {
      // A bug here must not leave the caller's syscall hanging: fail that one request.
      post({ type: 'warning', message: `FUSE request failed: ${String(err)}` });
      if (req) writeFrame(replyError(req.unique, EIO));
    }
  }
  post({ type: 'stopped' });
  port.close();
}

function readQuietly(fd: number, buf: Buffer): void {
  try {
    fs.readSync(fd, buf);
  } catch {
    // EAGAIN: already reset.
  }
}
