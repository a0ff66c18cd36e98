/**
 * ioctl/write/close off the main thread, with their errno. A watchdog ping returns only once the
 * firmware has the message; when that firmware is this process's own simulator (tests, an
 * in-process `sim`), a call blocking the main thread would block the very thread that must answer.
 *
 * Why a worker thread and not koffi's `.async()`: koffi runs async calls on the libuv pool and
 * does not carry that thread's errno back (koffi.errno() reads 0 in the callback), and the errno
 * is the whole diagnosis here (EBUSY, EINVAL, EOPNOTSUPP, ENODEV). The worker makes the calls
 * synchronously and reads errno on its own thread. One worker per open device, ended by close();
 * calls on it run one after another, as on one file descriptor they would anyway.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface SyscallResult {
  result: number;
  errno: number;
}

type Request =
  | { op: 'ioctl'; fd: number; request: number; arg: Uint8Array }
  | { op: 'write'; fd: number; arg: Uint8Array }
  | { op: 'close'; fd: number };

interface Reply extends SyscallResult {
  id: number;
  arg?: Uint8Array;
}

// Plain CommonJS for an eval worker: it needs no bundling and finds koffi by the path given.
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const koffi = require(workerData.koffi);
const lib = koffi.load('libc.so.6');
const ioctl = lib.func('int ioctl(int fd, unsigned long request, _Inout_ void *arg)');
const write = lib.func('long write(int fd, const void *buf, size_t count)');
const close = lib.func('int close(int fd)');
parentPort.on('message', ({ id, req }) => {
  let result;
  const arg = req.arg ? Buffer.from(req.arg.buffer, req.arg.byteOffset, req.arg.byteLength) : undefined;
  if (req.op === 'ioctl') result = ioctl(req.fd, req.request, arg);
  else if (req.op === 'write') result = Number(write(req.fd, arg, arg.length));
  else result = close(req.fd);
  parentPort.postMessage({ id, result, errno: result < 0 ? koffi.errno() : 0, arg: req.arg });
});
`;

export class SyscallThread {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: unknown) => void }>();
  private failure: unknown;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: Reply) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (this.pending.size === 0) worker.unref();
      p?.resolve(m);
    });
    const fail = (err: unknown) => {
      this.failure ??= err;
      for (const p of this.pending.values()) p.reject(this.failure);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the syscall thread exited with code ${code}`)));
    // Idle, it must not keep the process alive; a call in flight does (ref'd while pending).
    worker.unref();
  }

  static start(): SyscallThread {
    return new SyscallThread(new Worker(SOURCE, { eval: true, workerData: { koffi: createRequire(__filename).resolve('koffi') } }));
  }

  /** ioctl(2) with `arg` in and out: the kernel's output is copied back into `arg`. */
  async ioctl(fd: number, request: number, arg: Buffer): Promise<SyscallResult> {
    const r = await this.call({ op: 'ioctl', fd, request, arg: new Uint8Array(arg) });
    if (r.arg) Buffer.from(r.arg.buffer, r.arg.byteOffset, r.arg.byteLength).copy(arg);
    return { result: r.result, errno: r.errno };
  }

  async write(fd: number, data: Buffer): Promise<SyscallResult> {
    const r = await this.call({ op: 'write', fd, arg: new Uint8Array(data) });
    return { result: r.result, errno: r.errno };
  }

  /** close(2), then the thread ends. */
  async close(fd: number): Promise<SyscallResult> {
    try {
      const r = await this.call({ op: 'close', fd });
      return { result: r.result, errno: r.errno };
    } finally {
      await this.worker.terminate();
    }
  }

  private call(req: Request): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, req });
    });
  }
}
