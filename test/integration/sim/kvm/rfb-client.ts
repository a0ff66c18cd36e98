/**
 * A minimal KVM console for the tests, written from the protocol (redirection.md §5), not from
 * product code: it logs on to the redirection port (KVMR, digest), does the 0x40/0x41 hand-off and
 * the RFB 3.8 handshake with security None, and reconstructs the framebuffer from raw and
 * encoding-16 rectangles: a lone stored deflate block is taken directly (the MeshCommander /
 * ui-toolkit quirk), anything else goes through the session's one raw-inflate stream.
 */
import { once } from 'node:events';
import { constants, inflateRawSync } from 'node:zlib';
import { DEFAULT_ACCOUNT } from '../../../../server/src/sim';
import { Console } from '../redirection/console';

export interface Format {
  bpp: 8 | 16;
  max: [number, number, number];
  shift: [number, number, number];
}
export const RGB565: Format = { bpp: 16, max: [31, 63, 31], shift: [11, 5, 0] };
export const RGB332: Format = { bpp: 8, max: [7, 7, 3], shift: [5, 2, 0] };
export const GREY8: Format = { bpp: 8, max: [255, 0, 0], shift: [0, 0, 0] };

export interface UpdateRect {
  x: number;
  y: number;
  w: number;
  h: number;
  encoding: number;
}

export class RfbClient {
  private acc = Buffer.alloc(0);
  private closed = false;
  width = 0;
  height = 0;
  name = '';
  format: Format = RGB565;
  /** Pixel values as received, row by row. */
  pixels = new Uint32Array(0);
  /** ServerCutText messages received. */
  readonly cutTexts: Buffer[] = [];
  /** Encoding-16 rectangles that came compressed (through the inflater). */
  compressed = 0;
  private zin = Buffer.alloc(0);
  private zout = 0;

  private constructor(readonly console: Console) {
    const s = console.stream;
    s.removeAllListeners('data');
    s.on('data', (c: Buffer) => {
      this.acc = Buffer.concat([this.acc, c]);
      s.emit('rfb');
    });
    s.on('close', () => {
      this.closed = true;
      s.emit('rfb');
    });
  }

  /** Logs on, hands off to RFB and completes the handshake (ServerInit read). */
  static async open(port: number, user = DEFAULT_ACCOUNT.user, password = DEFAULT_ACCOUNT.password): Promise<RfbClient> {
    const c = await Console.tcp(port);
    const logOn = await c.logOn('KVMR', user, password);
    if (logOn.start !== 0 || logOn.auth !== 0) throw new Error(`KVM log-on failed: ${JSON.stringify(logOn)}`);
    const k = new RfbClient(c);
    k.send(Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0]));
    const reply = await k.read(8);
    if (reply[0] !== 0x41) throw new Error(`expected 0x41, got 0x${reply[0].toString(16)}`);
    const version = (await k.read(12)).toString('latin1');
    if (version !== 'RFB 003.008\n') throw new Error(`server version ${JSON.stringify(version)}`);
    k.send(Buffer.from('RFB 003.008\n', 'latin1'));
    const count = (await k.read(1))[0];
    const types = [...(await k.read(count))];
    if (!types.includes(1)) throw new Error(`security types ${types.join(',')} lack None`);
    k.send(Buffer.from([1]));
    const result = (await k.read(4)).readUInt32BE(0);
    if (result !== 0) throw new Error(`SecurityResult ${result}`);
    k.send(Buffer.from([1]));
    const init = await k.read(24);
    k.width = init.readUInt16BE(0);
    k.height = init.readUInt16BE(2);
    k.name = (await k.read(init.readUInt32BE(20))).toString('utf8');
    k.pixels = new Uint32Array(k.width * k.height);
    return k;
  }

  send(b: Buffer): void {
    this.console.stream.write(b);
  }

  async read(n: number): Promise<Buffer> {
    while (this.acc.length < n) {
      if (this.closed) throw new Error('the firmware closed the connection');
      await once(this.console.stream, 'rfb');
    }
    const out = Buffer.from(this.acc.subarray(0, n));
    this.acc = this.acc.subarray(n);
    return out;
  }

  /** Resolves once the firmware closed the connection. */
  async closedByFirmware(): Promise<void> {
    while (!this.closed) await once(this.console.stream, 'rfb');
  }

  setEncodings(list: number[]): void {
    const b = Buffer.alloc(4 + 4 * list.length);
    b[0] = 2;
    b.writeUInt16BE(list.length, 2);
    list.forEach((e, i) => b.writeInt32BE(e, 4 + 4 * i));
    this.send(b);
  }

  setPixelFormat(f: Format): void {
    const b = Buffer.alloc(20);
    b[4] = f.bpp;
    b[5] = f === GREY8 ? 8 : f.bpp;
    b[7] = 1; // true colour
    b.writeUInt16BE(f.max[0], 8);
    b.writeUInt16BE(f.max[1], 10);
    b.writeUInt16BE(f.max[2], 12);
    [b[14], b[15], b[16]] = f.shift;
    this.send(b);
    this.format = f;
  }

  request(incremental: boolean, x = 0, y = 0, w = this.width, h = this.height): void {
    const b = Buffer.alloc(10);
    b[0] = 3;
    b[1] = incremental ? 1 : 0;
    b.writeUInt16BE(x, 2);
    b.writeUInt16BE(y, 4);
    b.writeUInt16BE(w, 6);
    b.writeUInt16BE(h, 8);
    this.send(b);
  }

  key(keysym: number, down: boolean): void {
    const b = Buffer.alloc(8);
    b[0] = 4;
    b[1] = down ? 1 : 0;
    b.writeUInt32BE(keysym, 4);
    this.send(b);
  }

  /** Presses and releases each character's key (Latin-1 keysyms; \r is Return). */
  type(text: string): void {
    for (const ch of text) {
      const sym = ch === '\r' ? 0xff0d : ch.charCodeAt(0);
      this.key(sym, true);
      this.key(sym, false);
    }
  }

  clientCutText(text: Buffer): void {
    const b = Buffer.alloc(8);
    b[0] = 6;
    b.writeUInt32BE(text.length, 4);
    this.send(Buffer.concat([b, text]));
  }

  /** Reads server messages until a FramebufferUpdate and applies it; returns its rectangles. */
  async update(): Promise<UpdateRect[]> {
    for (;;) {
      const type = (await this.read(1))[0];
      if (type === 2) continue;
      if (type === 3) {
        const len = (await this.read(7)).readUInt32BE(3);
        this.cutTexts.push(await this.read(len));
        continue;
      }
      if (type !== 0) throw new Error(`unexpected server message type ${type}`);
      const n = (await this.read(3)).readUInt16BE(1);
      const rects: UpdateRect[] = [];
      for (let i = 0; i < n; i++) {
        const h = await this.read(12);
        const r = { x: h.readUInt16BE(0), y: h.readUInt16BE(2), w: h.readUInt16BE(4), h: h.readUInt16BE(6), encoding: h.readInt32BE(8) };
        if (r.w > 64 || r.h > 64) throw new Error(`Invalid tile size ${r.w}×${r.h}`);
        if (r.encoding === 0) this.place(r, 0, await this.read(r.w * r.h * (this.format.bpp / 8)));
        else if (r.encoding === 16) this.decode16(r, await this.read((await this.read(4)).readUInt32BE(0)));
        else throw new Error(`unexpected encoding ${r.encoding}`);
        rects.push(r);
      }
      return rects;
    }
  }

  /** The (r, g, b) channel levels of a pixel value, each 0..its maximum. */
  levels(v: number): [number, number, number] {
    const f = this.format;
    return [0, 1, 2].map((c) => (v >> f.shift[c]) & f.max[c]) as [number, number, number];
  }

  private pixel(b: Buffer, at: number): number {
    return this.format.bpp === 16 ? b.readUInt16LE(at) : b[at];
  }

  private place(r: UpdateRect, at: number, b: Buffer): void {
    const size = this.format.bpp / 8;
    for (let y = 0; y < r.h; y++) {
      for (let x = 0; x < r.w; x++) this.pixels[(r.y + y) * this.width + r.x + x] = this.pixel(b, at + (y * r.w + x) * size);
    }
  }

  private decode16(r: UpdateRect, data: Buffer): void {
    const t = data[0] === 0 && data.readUInt16LE(1) === data.length - 5 ? data.subarray(5) : this.inflate(data);
    const size = this.format.bpp / 8;
    const sub = t[0];
    if (sub === 0) return this.place(r, 1, t);
    if (sub === 1) {
      const v = this.pixel(t, 1);
      for (let y = 0; y < r.h; y++) this.pixels.fill(v, (r.y + y) * this.width + r.x, (r.y + y) * this.width + r.x + r.w);
      return;
    }
    if (sub >= 2 && sub <= 16) {
      const palette = Array.from({ length: sub }, (_, i) => this.pixel(t, 1 + i * size));
      const bits = sub === 2 ? 1 : sub <= 4 ? 2 : 4;
      const base = 1 + sub * size;
      for (let n = 0; n < r.w * r.h; n++) {
        const bit = n * bits;
        const index = (t[base + (bit >> 3)] >> (8 - bits - (bit & 7))) & ((1 << bits) - 1);
        this.pixels[(r.y + Math.floor(n / r.w)) * this.width + r.x + (n % r.w)] = palette[index];
      }
      return;
    }
    throw new Error(`unexpected tile subencoding ${sub}`);
  }

  /** The session's inflate stream: everything so far re-inflated, the new output taken (simple, fine for tests). */
  private inflate(data: Buffer): Buffer {
    this.compressed++;
    this.zin = Buffer.concat([this.zin, data]);
    const out = inflateRawSync(this.zin, { finishFlush: constants.Z_SYNC_FLUSH });
    const tile = out.subarray(this.zout);
    this.zout = out.length;
    return tile;
  }

  close(): void {
    this.console.close();
  }
}
