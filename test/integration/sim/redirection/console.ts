/**
 * A minimal redirection console for the tests, written from the protocol (not from product code):
 * it connects over TCP or TLS (or any Duplex, e.g. an APF channel), sends messages, and reads the
 * firmware's messages one whole message at a time by type and length.
 */
import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** Firmware → console message lengths. */
function firmwareLength(b: Buffer): number | undefined {
  const need = (n: number) => (b.length >= n ? true : undefined);
  switch (b[0]) {
    case 0x11: return need(13) && 13 + b[12];
    case 0x14: return need(9) && 9 + b.readUInt32LE(5);
    case 0x21: return 23;
    case 0x29: return 10;
    case 0x2a: return need(10) && 10 + b.readUInt16LE(8);
    case 0x23: case 0x25: case 0x2b: case 0x43: case 0x45: case 0x4b: return 8;
    case 0x41: return need(30) && 30 + b[29];
    case 0x46: return 9;
    case 0x49: return 13;
    case 0x4a: return 11;
    case 0x50: return 28;
    case 0x53: return need(11) && 14 + b.readUInt16LE(9);
    default: throw new Error(`the firmware sent unknown message type 0x${b[0].toString(16)}`);
  }
}

export function header(type: number, seq = 0, body: Buffer | number[] = [], attributes = 0): Buffer {
  const h = Buffer.from([type, 0, 0, attributes, 0, 0, 0, 0]);
  h.writeUInt32LE(seq, 4);
  return Buffer.concat([h, Buffer.from(body)]);
}

export function strings(...v: string[]): Buffer {
  return Buffer.concat(v.map((s) => Buffer.concat([Buffer.from([Buffer.byteLength(s)]), Buffer.from(s)])));
}

export function authMessage(type: number, data: Buffer): Buffer {
  const b = Buffer.from([0x13, 0, 0, 0, type, 0, 0, 0, 0]);
  b.writeUInt32LE(data.length, 5);
  return Buffer.concat([b, data]);
}

export function startSession(tag: 'SOL ' | 'IDER' | 'KVMR' | string): Buffer {
  return Buffer.concat([Buffer.from([0x10, tag === 'KVMR' ? 1 : 0, 0, 0]), Buffer.from(tag, 'latin1')]);
}

export const SOL_START = Buffer.from([0x20, 0, 0, 0, 1, 0, 0, 0, 0x10, 0x27, 100, 0, 0, 0, 0x10, 0x27, 100, 0, 0, 0, 0, 0, 0, 0]);

export class Console extends EventEmitter {
  private acc = Buffer.alloc(0);
  private readonly queue: Buffer[] = [];
  closed = false;

  constructor(readonly stream: Duplex) {
    super();
    stream.on('data', (c: Buffer) => {
      this.acc = Buffer.concat([this.acc, c]);
      for (;;) {
        const n = this.acc.length ? firmwareLength(this.acc) : undefined;
        if (!n || this.acc.length < n) break;
        this.queue.push(Buffer.from(this.acc.subarray(0, n)));
        this.acc = this.acc.subarray(n);
        this.emit('message');
      }
    });
    stream.on('error', () => {});
    stream.on('close', () => {
      this.closed = true;
      this.emit('message');
    });
  }

  static async tcp(port: number): Promise<Console> {
    const s = net.connect(port, '127.0.0.1');
    await once(s, 'connect');
    return new Console(s);
  }

  static async tls(port: number): Promise<Console> {
    const s = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false });
    await once(s, 'secureConnect');
    return new Console(s);
  }

  send(b: Buffer): void {
    this.stream.write(b);
  }

  /** The next firmware message; rejects when the connection closed first. */
  async next(): Promise<Buffer> {
    while (this.queue.length === 0) {
      if (this.closed) throw new Error('the firmware closed the connection');
      await once(this, 'message');
    }
    return this.queue.shift()!;
  }

  /** The next message of this type, skipping heartbeats and controls. */
  async expect(type: number): Promise<Buffer> {
    for (;;) {
      const m = await this.next();
      if (m[0] === type) return m;
      if (m[0] !== 0x2b && m[0] !== 0x29 && m[0] !== 0x4b) throw new Error(`expected 0x${type.toString(16)}, got 0x${m[0].toString(16)}`);
    }
  }

  /** Resolves once the firmware closed the connection (messages before that are dropped). */
  async closedByFirmware(): Promise<void> {
    while (!this.closed) await once(this, 'message');
  }

  /** 0x10 + digest type 4 log-on; returns the start status, and the auth status when started. */
  async logOn(tag: string, user: string, password: string): Promise<{ start: number; auth?: number }> {
    this.send(startSession(tag));
    const start = (await this.expect(0x11))[1];
    if (start !== 0) return { start };
    this.send(authMessage(0, Buffer.alloc(0)));
    await this.expect(0x14);
    const uri = '/RedirectionService';
    this.send(authMessage(4, strings(user, '', '', uri, '', '', '', '')));
    const challenge = await this.expect(0x14);
    const [realm, nonce, qop] = readStrings(challenge.subarray(9));
    const cnonce = randomBytes(16).toString('hex');
    const nc = '00000002';
    const response = md5(`${md5(`${user}:${realm}:${password}`)}:${nonce}:${nc}:${cnonce}:${qop}:${md5(`POST:${uri}`)}`);
    this.send(authMessage(4, strings(user, realm, nonce, uri, cnonce, nc, response, qop)));
    return { start, auth: (await this.expect(0x14))[1] };
  }

  close(): void {
    this.stream.destroy();
  }
}

export function readStrings(b: Buffer): string[] {
  const out: string[] = [];
  for (let at = 0; at < b.length; at += 1 + b[at]) out.push(b.subarray(at + 1, at + 1 + b[at]).toString());
  return out;
}

/** Resolves with the next session end the device notes (closed or ended by error). */
export function sessionEnd(device: EventEmitter): Promise<{ event: string; reason?: string; kind?: string }> {
  return new Promise((resolve) => {
    const on = (e: { event: string; reason?: string; kind?: string }) => {
      if (e.event !== 'closed' && e.event !== 'ended-by-error') return;
      device.off('redirection', on);
      resolve(e);
    };
    device.on('redirection', on);
  });
}

/** Closes the console's connection and waits until the device has ended its session. */
export async function closeAndWait(c: Console, device: EventEmitter): Promise<void> {
  const end = sessionEnd(device);
  c.close();
  await end;
}
