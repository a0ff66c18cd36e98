/**
 * IDE redirection after authentication (docs/simulator.md "Redirection"). The console opens with
 * 0x40 — in either layout seen in the wild: settings at 8–17 (MeshCommander: RxTimeout, TxTimeout,
 * Heartbeat, Version) or at 1–7 (amtterm: TxTimeout, RxTimeout, Heartbeat) — and gets 0x41
 * (sequence 0, protocol 1.0, read and write buffers of 8192 bytes, features byte 21 = 0, no OEM
 * data). 0x48 DisableEnableFeatures: type 1 reports the drives available, type 2 their state,
 * type 3 enables them (value bit 0, start mode in 0x18) — then the host gets an IderBus — or
 * disables them. The firmware numbers every IDE-R message it sends 0, 1, 2, …; each console
 * message after 0x40 must carry the previous one's number + 1 (the first one sets the base,
 * because amtterm counts from its first write of the connection), else the firmware sends 0x4A
 * ErrorOccurred and ends the session. Heartbeats and pings a console echoes back carry the
 * firmware's number and are not checked (amtterm's next message still counts the echo).
 *
 * A host packet becomes 0x50 CommandWritten; the console's 0x54 DataToHost chunks and 0x51
 * CommandEndResponse (or the last 0x54, marked completed) answer it. One packet is on the wire at
 * a time; the others wait. A console silent past its RxTimeout (30 s when it gave 0) while a packet
 * is outstanding, or gone mid-packet, ends the session: pending packets reject, the host's bus is
 * detached. A host reset during the session rejects the host's packets and sends 0x46
 * ResetOccurred; the console may still finish the packet the reset cut off (MeshCommander does),
 * and those answers are dropped; new packets wait for its 0x47.
 */
import type { PowerChange } from '../device';
import type { AtapiResult, IderBus, IderDevice, Sense } from '../host/links';
import { POWER } from '../power-states';
import { OP, commandWritten, endStatus, inquiry, requestSense } from './atapi';
import type { Connection, KindHandler } from './session';
import { MIN_HEARTBEAT_MS, MSG, withHeader } from './wire';

const BUFFER_SIZE = 8192;
const DEFAULT_RX_TIMEOUT_MS = 30_000;
const INTEL_IANA = 343;
const COMPLETED = 0x02;
const FEATURE = { Available: 1, Status: 2, Toggle: 3 } as const;
const RESETS = new Set<number>([POWER.MasterBusReset, POWER.MasterBusResetGraceful, POWER.PowerCycleOffSoft, POWER.PowerCycleOffHard]);

interface Pending {
  readonly device: IderDevice;
  readonly cdb: Buffer;
  readonly allocation: number;
  readonly resolve: (r: AtapiResult) => void;
  readonly reject: (e: Error) => void;
  readonly chunks: Buffer[];
}

export function iderHandler(conn: Connection): KindHandler {
  return new IderSession(conn);
}

class IderSession implements KindHandler, IderBus {
  readonly devices: readonly IderDevice[] = ['cd', 'floppy'];
  private started = false;
  private ended_ = false;
  private attached = false;
  private seq = 0;
  private consoleSeq?: number;
  /** 0x46 went out; until the console's 0x47, its answers to the packet the reset cut off are dropped. */
  private resetting = false;
  private rxTimeoutMs = DEFAULT_RX_TIMEOUT_MS;
  private heartbeat?: NodeJS.Timeout;
  private silence?: NodeJS.Timeout;
  private current?: Pending;
  private readonly queue: Pending[] = [];
  private readonly sense = new Map<IderDevice, Sense>();
  private readonly onPower = (c: PowerChange) => {
    if (RESETS.has(c.requested)) this.reset();
  };

  constructor(private readonly conn: Connection) {}

  get open(): boolean {
    return this.started && !this.ended_;
  }

  busy(): boolean {
    return this.current !== undefined || this.resetting;
  }

  handle(m: Buffer): void {
    const type = m[0];
    if (!this.started) {
      if (type !== MSG.IderStart) return this.conn.end(`message 0x${type.toString(16)} before StartIDERRedirection`, true);
      return this.start(m);
    }
    const seq = m.readUInt32LE(4);
    if (type === MSG.IderHeartbeat || type === MSG.IderPing) {
      // amtterm echoes the firmware's heartbeat and ping byte for byte (the firmware's own number
      // inside), yet counts the echo as one of its writes: the next message is one further on.
      if (this.consoleSeq !== undefined) this.consoleSeq = (this.consoleSeq + 1) >>> 0;
      return type === MSG.IderPing ? this.send(MSG.IderPong) : undefined;
    }
    if (this.consoleSeq !== undefined && seq !== ((this.consoleSeq + 1) >>> 0)) {
      return this.fail(`console sequence number ${seq}, expected ${(this.consoleSeq + 1) >>> 0}`);
    }
    this.consoleSeq = seq;
    if (this.current || this.resetting) this.armSilence();
    const answer = type === MSG.IderDataToHost || type === MSG.IderCommandEnd || type === MSG.IderGetData;
    if (answer && this.resetting && !this.current) return; // the console finishing the packet the reset cut off
    switch (type) {
      case MSG.IderFeatures:
        return this.features(m);
      case MSG.IderEnd:
        this.send(MSG.IderEndReply);
        return this.stop('the console ended IDE-R (0x42)');
      case MSG.IderPong:
      case MSG.IderResetReply:
        if (!this.resetting) return;
        this.resetting = false;
        clearTimeout(this.silence);
        return this.next();
      case MSG.IderDataToHost:
        return this.dataToHost(m);
      case MSG.IderCommandEnd:
        if (!this.current) return this.fail('CommandEndResponse with no command outstanding');
        return this.finish(endStatus(m));
      case MSG.IderGetData: {
        if (!this.current) return this.fail('GetDataFromHost with no command outstanding');
        // The host's packets carry no data to write; the console gets zeros of the length it asked.
        const len = m.readUInt16LE(9);
        const body = Buffer.alloc(6 + len);
        body.writeUInt16LE(len, 1);
        return this.send(MSG.IderDataFromHost, body);
      }
      default:
        return this.fail(`message 0x${type.toString(16)} is not part of an IDE-R session`);
    }
  }

  ended(error?: string): void {
    this.stop(error ?? 'the session ended');
  }

  packet(device: IderDevice, cdb: Buffer, allocation: number): Promise<AtapiResult> {
    if (!this.open) return Promise.reject(new Error('the IDE-R session is not open'));
    if (cdb[0] === OP.Inquiry) return Promise.resolve(inquiry(device, cdb, allocation));
    if (cdb[0] === OP.RequestSense) {
      const s = this.sense.get(device);
      this.sense.delete(device);
      return Promise.resolve(requestSense(s, cdb, allocation));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ device, cdb: Buffer.from(cdb), allocation, resolve, reject, chunks: [] });
      this.next();
    });
  }

  private start(m: Buffer): void {
    // MeshCommander's layout has bytes 1–7 zero and the settings at 8–17; amtterm's starts at 1.
    const mc = m.subarray(8, 18).some((b) => b !== 0) || m.subarray(1, 8).every((b) => b === 0);
    const rx = mc ? m.readUInt16LE(8) : m.readUInt16LE(3);
    const heartbeatMs = mc ? m.readUInt16LE(12) : m.readUInt16LE(5);
    this.rxTimeoutMs = rx || DEFAULT_RX_TIMEOUT_MS;
    this.started = true;
    const body = Buffer.alloc(22);
    body[0] = 1; // protocol major
    body[1] = 0; // protocol minor
    const [major, minor] = this.conn.device.identity.firmwareVersion.split('.').map(Number);
    body[2] = major || 0;
    body[3] = minor || 0;
    body.writeUInt16LE(BUFFER_SIZE, 8);
    body.writeUInt16LE(BUFFER_SIZE, 10);
    body.writeUInt32LE(INTEL_IANA, 17);
    this.send(MSG.IderStartReply, body); // 30 bytes, OEM length (byte 29) 0
    this.conn.opened();
    this.conn.device.on('power', this.onPower);
    if (heartbeatMs > 0) {
      this.heartbeat = setInterval(() => this.send(MSG.IderHeartbeat), Math.max(heartbeatMs, MIN_HEARTBEAT_MS));
      this.heartbeat.unref();
    }
  }

  private features(m: Buffer): void {
    const kind = m[8];
    const value = m.readUInt32LE(9);
    const reply = (v: number) => {
      const body = Buffer.alloc(5);
      body[0] = kind;
      body.writeUInt32LE(v, 1);
      this.send(MSG.IderFeaturesReply, body);
    };
    if (kind === FEATURE.Available) return reply(1);
    if (kind === FEATURE.Status) return reply(this.attached ? 2 : 0);
    if (kind !== FEATURE.Toggle) return reply(0);
    reply(1);
    const ider = this.conn.ctx.links().ider;
    if (value & 1) {
      if (this.attached) return;
      this.attached = true;
      ider?.attachIder(this, value & 0x18);
    } else this.detach();
  }

  private dataToHost(m: Buffer): void {
    const p = this.current;
    if (!p) return this.fail('DataToHost with no command outstanding');
    const len = m.readUInt16LE(9);
    // Only the host's allocation length is kept (finish() cuts to it): a console that streams
    // chunks without "completed" cannot grow this past it.
    const kept = p.chunks.reduce((n, c) => n + c.length, 0);
    if (kept < p.allocation) p.chunks.push(Buffer.from(m.subarray(34, 34 + Math.min(len, p.allocation - kept))));
    if (m[3] & COMPLETED) this.finish(endStatus(m));
  }

  private finish(sense: Sense | undefined): void {
    const p = this.current!;
    this.current = undefined;
    clearTimeout(this.silence);
    if (sense) this.sense.set(p.device, sense);
    else this.sense.delete(p.device);
    const data = Buffer.concat(p.chunks).subarray(0, p.allocation);
    p.resolve(sense ? { data, sense } : { data });
    this.next();
  }

  private next(): void {
    if (this.current || this.resetting || this.ended_) return;
    const p = this.queue.shift();
    if (!p) return;
    this.current = p;
    this.send(MSG.IderCommand, commandWritten(p.device, p.cdb, p.allocation));
    this.armSilence();
  }

  private armSilence(): void {
    clearTimeout(this.silence);
    this.silence = setTimeout(
      () => this.conn.end(`the console did not answer ${this.resetting ? 'ResetOccurred' : 'a packet'} within its RxTimeout of ${this.rxTimeoutMs} ms`, true),
      this.rxTimeoutMs,
    );
    this.silence.unref();
  }

  private reset(): void {
    if (!this.open) return;
    const p = this.current;
    this.current = undefined;
    for (const q of [...(p ? [p] : []), ...this.queue.splice(0)]) q.reject(new Error('the host was reset'));
    this.resetting = true;
    this.send(MSG.IderReset, Buffer.from([0]));
    this.armSilence();
  }

  private fail(why: string): void {
    this.send(MSG.IderError, Buffer.from([0, 0, 0]));
    this.conn.end(why, true);
  }

  private stop(why: string): void {
    if (this.ended_) return;
    this.ended_ = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.silence);
    this.conn.device.off('power', this.onPower);
    const err = new Error(`IDE-R ended: ${why}`);
    for (const q of [...(this.current ? [this.current] : []), ...this.queue.splice(0)]) q.reject(err);
    this.current = undefined;
    this.detach();
  }

  private detach(): void {
    if (!this.attached) return;
    this.attached = false;
    this.conn.ctx.links().ider?.detachIder(this);
  }

  /** One IDE-R message from the firmware, numbered in order. */
  private send(type: number, body: Buffer = Buffer.alloc(0)): void {
    this.conn.send(withHeader(type, this.seq++, body));
  }
}
