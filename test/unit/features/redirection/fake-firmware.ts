/**
 * A minimal stand-in for AMT's redirection service, for the client's unit tests: session start
 * (with a chosen status), the digest log-on (checking the response hash), SOL start and an echoing
 * host. It counts failed log-ons so a test can see that a wrong password is sent once only.
 * The simulator's own service (server/src/sim/redirection/) is what integration tests use.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { MessageReader, readLengthPrefixed } from '../../../../server/src/features/redirection/wire';

export interface FakeFirmware {
  port: number;
  failedLogOns: number;
  /** Every message type the console sent, in order. */
  received: number[];
  /** IDE-R: the host sends one ATAPI packet (0x50) and gets the console's data and status. */
  packet(cdb: number[], device?: number): Promise<{ data: Buffer; sense?: number[] }>;
  /** IDE-R: the host's bus is reset (0x46); resolves when the console answers 0x47. */
  busReset(): Promise<void>;
  /** IDE-R: the next message skips a sequence number, as a broken firmware would. */
  skipSequence(): void;
  /** IDE-R: the drives' start mode the console asked for (0x48 value). */
  iderToggle?: number;
  /** Resolves when the console's connection has closed. */
  disconnected: Promise<void>;
  close(): Promise<void>;
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

export async function fakeFirmware(options: { status?: number; user?: string; password?: string; authTypes?: number[]; hostOff?: boolean; beatOnce?: boolean } = {}): Promise<FakeFirmware> {
  const user = options.user ?? 'admin';
  const password = options.password ?? 'P@ssw0rd';
  const realm = 'Digest:00000000000000000000000000000000';
  const nonce = 'aabbccdd';
  const sockets = new Set<Socket>();
  let gone!: () => void;
  let seq = 0;
  let current: Socket | undefined;
  let resetDone: (() => void) | undefined;
  let pending: { data: Buffer[]; resolve: (r: { data: Buffer; sense?: number[] }) => void } | undefined;
  const fw: FakeFirmware = {
    port: 0, failedLogOns: 0, received: [], disconnected: new Promise<void>((r) => (gone = r)), close: async () => undefined,
    busReset: () => new Promise<void>((resolve) => {
      resetDone = resolve;
      iderReply(0x46, 1);
    }),
    skipSequence: () => void seq++,
    packet: (cdb, device = 0xb0) => new Promise((resolve) => {
      pending = { data: [], resolve };
      const b = Buffer.alloc(28);
      b[0] = 0x50;
      b.writeUInt32LE(seq++, 4);
      b[14] = device === 0xb0 ? 0x10 : 0;
      b[15] = 0xa0;
      Buffer.from(cdb).copy(b, 16);
      current!.write(b);
    }),
  };
  const iderReply = (type: number, extra: number, fill?: (b: Buffer) => void) => {
    const b = Buffer.alloc(8 + extra);
    b[0] = type;
    b.writeUInt32LE(seq++, 4);
    fill?.(b);
    current!.write(b);
  };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    current = socket;
    const reader = new MessageReader();
    const hdr = (type: number, extra: number) => { const b = Buffer.alloc(8 + extra); b[0] = type; return b; };
    const auth = (status: number, type: number, data: Buffer) => {
      const b = Buffer.from([0x14, status, 0, 0, type, 0, 0, 0, 0]);
      b.writeUInt32LE(data.length, 5);
      socket.write(Buffer.concat([b, data]));
    };
    const lp = (fields: string[]) => Buffer.concat(fields.flatMap((f) => [Buffer.from([f.length]), Buffer.from(f)]));
    socket.on('data', (chunk) => {
      for (const m of reader.push(chunk)) {
        fw.received.push(m[0]!);
        switch (m[0]) {
          case 0x10: {
            const b = Buffer.alloc(13);
            b[0] = 0x11;
            b[1] = options.status ?? 0;
            socket.write(b);
            break;
          }
          case 0x13: {
            const type = m[4]!;
            const data = m.subarray(9);
            if (type === 0) auth(0, 0, Buffer.from(options.authTypes ?? [3, 4]));
            else {
              const f = readLengthPrefixed(data);
              if (!f[6]) auth(1, type, lp(type === 4 ? [realm, nonce, 'auth'] : [realm, nonce]));
              else {
                const ha1 = md5(`${user}:${realm}:${password}`);
                const ha2 = md5('POST:/RedirectionService');
                const want = type === 4 ? md5(`${ha1}:${nonce}:${f[5]}:${f[4]}:${f[7]}:${ha2}`) : md5(`${ha1}:${nonce}:${ha2}`);
                const ok = f[0] === user && f[6] === want;
                if (!ok) fw.failedLogOns++;
                auth(ok ? 0 : 1, type, Buffer.alloc(0));
              }
            }
            break;
          }
          case 0x20: {
            socket.write(hdr(0x21, 15));
            const controls = hdr(0x29, 2);
            controls[9] = options.hostOff ? 0 : 0x04;
            socket.write(controls);
            if (options.beatOnce) socket.write(hdr(0x2b, 0)); // one heartbeat, then silence
            break;
          }
          case 0x28: {
            // the host echoes what it is sent, upper-cased, as 0x2A
            const data = Buffer.from(m.subarray(10).toString('latin1').toUpperCase(), 'latin1');
            const b = hdr(0x2a, 2);
            b.writeUInt16LE(data.length, 8);
            socket.write(Buffer.concat([b, data]));
            break;
          }
          case 0x40:
            seq = 0;
            iderReply(0x41, 22, (b) => b.writeUInt16LE(4096, 16)); // read buffer 4096
            break;
          case 0x48:
            fw.iderToggle = m.readUInt32LE(9);
            iderReply(0x49, 5, (b) => { b[8] = 3; b.writeUInt32LE(1, 9); });
            break;
          case 0x54:
            pending!.data.push(Buffer.from(m.subarray(34)));
            if (m[3]! & 2) pending!.resolve({ data: Buffer.concat(pending!.data) });
            break;
          case 0x51: {
            const p = pending!;
            p.resolve({ data: Buffer.concat(p.data), ...(m[27]! & 1 ? { sense: [m[28]!, m[29]!, m[30]!] } : {}) });
            break;
          }
          case 0x42:
            iderReply(0x43, 0);
            break;
          case 0x47:
            resetDone?.();
            break;
          case 0x22:
            socket.write(hdr(0x23, 0));
            break;
          case 0x12:
            socket.end();
            break;
        }
      }
    });
    socket.on('close', () => {
      sockets.delete(socket);
      gone();
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fw.port = (server.address() as { port: number }).port;
  fw.close = () => new Promise<void>((r) => {
    for (const s of sockets) s.destroy();
    server.close(() => r());
  });
  return fw;
}
