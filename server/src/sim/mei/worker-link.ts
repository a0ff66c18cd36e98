/**
 * The main thread's end of the FUSE worker: starts it, waits for INIT, posts commands and wakes
 * it through the eventfd, and stops it.
 */
import fs from 'node:fs';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { AmtError } from '../../errors';
import type { ClientInfo, DeviceCommand, DeviceEvent, DeviceKind, NodeAttributes, WorkerInput } from './bridge';
import type { FuseMount } from './mount';
import type { WorkerEntry } from './worker-entry';

const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
const SYNC_TIMEOUT_MS = 2_000;
const WAKE = Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]); // eventfd adds this u64 to its counter

export class WorkerLink {
  private stopping = false;
  private seq = 0;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly ack: Int32Array,
    private readonly wakeFd: number,
  ) {
    this.exited = new Promise((res) => worker.once('exit', () => res()));
  }

  /** Starts the worker on `mount` and resolves once the kernel's INIT is answered. */
  static async start(entry: WorkerEntry, mount: FuseMount, clients: ClientInfo[], attr: NodeAttributes, kind: DeviceKind = 'mei'): Promise<WorkerLink> {
    const { port1, port2 } = new MessageChannel();
    const ack = new Int32Array(new SharedArrayBuffer(4));
    const input: WorkerInput = { fuseFd: mount.fuseFd, wakeFd: mount.wakeFd, port: port2, ack, clients, attr, kind };
    const worker = new Worker(entry.file, { workerData: input, transferList: [port2], execArgv: entry.execArgv });
    const link = new WorkerLink(worker, port1, ack, mount.wakeFd);
    try {
      await link.ready(mount.path);
    } catch (err) {
      link.stopping = true;
      port1.close();
      await worker.terminate();
      throw err;
    }
    return link;
  }

  onEvent(handler: (e: DeviceEvent) => void): void {
    this.port.on('message', handler);
  }

  onCrash(handler: (err: Error) => void): void {
    this.worker.on('error', handler);
  }

  post(c: DeviceCommand): void {
    if (this.stopping) return;
    this.port.postMessage(c);
    try {
      fs.writeSync(this.wakeFd, WAKE);
    } catch {
      // EAGAIN: the counter is saturated, so a wake-up is pending anyway.
    }
  }

  /**
   * Posts drop/reset and waits until the worker has applied it (microseconds: the worker never
   * needs this thread for it), so a syscall made right afterwards already sees the new state.
   */
  postAndWait(c: { type: 'drop'; conn: number } | { type: 'reset' }): void {
    if (this.stopping) return;
    const mine = ++this.seq;
    this.post({ ...c, seq: mine });
    const end = Date.now() + SYNC_TIMEOUT_MS;
    for (let seen = Atomics.load(this.ack, 0); seen < mine && Date.now() < end; seen = Atomics.load(this.ack, 0)) {
      Atomics.wait(this.ack, 0, seen, Math.max(1, end - Date.now()));
    }
  }

  async stop(): Promise<void> {
    this.post({ type: 'stop' });
    this.stopping = true;
    const timer = setTimeout(() => void this.worker.terminate(), STOP_TIMEOUT_MS);
    await this.exited;
    clearTimeout(timer);
    this.port.close();
  }

  /** Until INIT is answered the mount blocks every access, so nobody may touch the file before. */
  private ready(path: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => settle(new AmtError('sim.mei.init', `The kernel never sent FUSE INIT for ${path} within ${READY_TIMEOUT_MS} ms: check that /dev/fuse works.`)), READY_TIMEOUT_MS);
      const onMessage = (e: DeviceEvent) => e.type === 'ready' && settle();
      const onExit = (code: number) => settle(new AmtError('sim.mei.worker', `The MEI emulation worker exited with code ${code} before the device was ready.`));
      const settle = (err?: unknown) => {
        clearTimeout(timer);
        this.port.off('message', onMessage);
        this.worker.off('error', settle);
        this.worker.off('exit', onExit);
        if (err) reject(err);
        else resolve();
      };
      this.port.on('message', onMessage);
      this.worker.once('error', settle);
      this.worker.once('exit', onExit);
    });
  }
}
