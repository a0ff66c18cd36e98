/**
 * The RFB 3.8 server of the simulated KVM (spec: redirection.md §5.2–5.7), spoken on the
 * redirection stream after the 0x40/0x41 hand-off. Security is None only (the console already
 * logged on with the redirection digest), as AMT offers on 16994/16995; VNC authentication (type
 * 2) with the RFB password when `vncPassword` is given, as on port 5900 (rfb-port.ts).
 *
 * Updates: the framebuffer's changes mark 64×64 tiles dirty; a FramebufferUpdateRequest is
 * answered with the dirty tiles inside its region (all of them for a non-incremental request,
 * and everything for the first request of a session), each tile one rectangle, in encoding 16
 * when the console listed it and raw otherwise. An incremental request with nothing changed
 * waits until the screen changes. Bytes outside the protocol end the session with the reason.
 */
import type { Framebuffer, Rect } from './framebuffer';
import { HEIGHT, WIDTH } from './framebuffer';
import { Keyboard } from './keys';
import { vncChallenge, vncResponse } from './vnc-auth';
import { TileDeflater } from './deflate';
import { RGB565, encode16, encodeRaw, encodeTile, readPixelFormat, writePixelFormat, type PixelFormat } from './pixels';

export const TILE = 64;
const TILES_X = WIDTH / TILE;
const TILES_Y = HEIGHT / TILE;
/** Longest ClientCutText accepted (the Intel data channel carries small JSON messages). */
const MAX_CUT_TEXT = 1 << 20;
const MAX_ENCODINGS = 1024;
export const ENCODING = { Raw: 0, Intel16: 16, KvmDataChannel: 1092, DesktopSize: -223 } as const;
const DATA_CHANNEL = Buffer.from('\0KvmDataChannel\0', 'latin1');
const EXT_CMD = Buffer.from('\0KvmExtCmd\0', 'latin1');

/** What the session around the RFB server does for it. */
export interface RfbPeer {
  send(bytes: Buffer): void;
  /** Ends the session; `error` when the console broke the protocol. */
  end(reason: string, error: boolean): void;
  /** Key bytes for the host's console. */
  keys(bytes: Buffer): void;
  ctrlAltDel(): void;
}

type State = 'version' | 'security' | 'vnc' | 'init' | 'normal';

export class RfbServer {
  private state: State = 'version';
  private acc: Buffer = Buffer.alloc(0);
  private format: PixelFormat = RGB565;
  private encodings: number[] = [ENCODING.Raw];
  private readonly dirty = new Uint8Array(TILES_X * TILES_Y).fill(1);
  private pending?: Rect;
  private flushQueued = false;
  private done = false;
  /** Set by KvmExtCmd 4 = 1 before any encoding-16 rectangle went out; never changes after one did. */
  private zlib?: TileDeflater;
  private sentIntel = false;
  /** An update is being compressed. */
  private busy = false;
  private readonly keyboard = new Keyboard();
  private readonly onDirty = (rects: Rect[]) => this.changed(rects);
  private challenge?: Buffer;

  constructor(private readonly fb: Framebuffer, private readonly peer: RfbPeer, private readonly name = 'Intel(r) AMT KVM', private readonly vncPassword?: string) {}

  /** Sends the ProtocolVersion and starts following the framebuffer. */
  start(): void {
    this.fb.on('dirty', this.onDirty);
    this.peer.send(Buffer.from('RFB 003.008\n', 'latin1'));
  }

  /** The session ended: stop following the framebuffer. */
  stop(): void {
    this.done = true;
    this.fb.off('dirty', this.onDirty);
    this.zlib?.close();
  }

  /** The encodings the console asked for, in its order. */
  get clientEncodings(): readonly number[] {
    return this.encodings;
  }

  data(chunk: Buffer): void {
    if (this.done) return;
    this.acc = this.acc.length === 0 ? chunk : Buffer.concat([this.acc, chunk]);
    for (;;) {
      const used = this.step();
      if (this.done || used === 0) return;
      this.acc = this.acc.subarray(used);
    }
  }

  private fail(why: string): number {
    this.stop();
    this.peer.end(`the console broke RFB: ${why}`, true);
    return 0;
  }

  /** Handles one whole client message at the start of `acc`; returns its length, 0 when more bytes are needed. */
  private step(): number {
    const a = this.acc;
    if (a.length === 0) return 0;
    if (this.state === 'version') {
      if (a.length < 12) return 0;
      const v = a.subarray(0, 12).toString('latin1');
      if (!/^RFB 003\.00[3-8]\n$/.test(v)) return this.fail(`ProtocolVersion ${JSON.stringify(v)} (the simulator speaks RFB 003.008)`);
      this.state = 'security';
      // One security type: None after the redirection log-on, VNC authentication on port 5900.
      this.peer.send(Buffer.from([1, this.vncPassword === undefined ? 1 : 2]));
      return 12;
    }
    if (this.state === 'security') {
      const offered = this.vncPassword === undefined ? 1 : 2;
      if (a[0] !== offered) return this.fail(`security type ${a[0]} (only ${offered === 1 ? '1, None' : '2, VNC authentication'}, was offered)`);
      if (offered === 2) {
        this.state = 'vnc';
        this.challenge = vncChallenge();
        this.peer.send(this.challenge);
        return 1;
      }
      this.state = 'init';
      this.peer.send(Buffer.alloc(4)); // SecurityResult OK
      return 1;
    }
    if (this.state === 'vnc') {
      if (a.length < 16) return 0;
      if (!vncResponse(this.challenge!, this.vncPassword!).equals(a.subarray(0, 16))) {
        const why = Buffer.from('Authentication failed', 'latin1');
        const result = Buffer.alloc(8);
        result.writeUInt32BE(1, 0);
        result.writeUInt32BE(why.length, 4);
        this.peer.send(Buffer.concat([result, why]));
        this.stop();
        this.peer.end('the viewer gave a wrong RFB password', false);
        return 0;
      }
      this.state = 'init';
      this.peer.send(Buffer.alloc(4));
      return 16;
    }
    if (this.state === 'init') {
      this.state = 'normal';
      const name = Buffer.from(this.name, 'utf8');
      const head = Buffer.alloc(4);
      head.writeUInt16BE(WIDTH, 0);
      head.writeUInt16BE(HEIGHT, 2);
      const len = Buffer.alloc(4);
      len.writeUInt32BE(name.length);
      this.peer.send(Buffer.concat([head, writePixelFormat(RGB565), len, name]));
      return 1;
    }
    return this.message(a);
  }

  private message(a: Buffer): number {
    switch (a[0]) {
      case 0: {
        if (a.length < 20) return 0;
        const f = readPixelFormat(a.subarray(4, 20));
        if (typeof f === 'string') return this.fail(`SetPixelFormat asked for ${f}`);
        this.format = f;
        this.dirty.fill(1); // pixels already sent are in the old format
        return 20;
      }
      case 2: {
        if (a.length < 4) return 0;
        const n = a.readUInt16BE(2);
        if (n > MAX_ENCODINGS) return this.fail(`SetEncodings with ${n} encodings (at most ${MAX_ENCODINGS})`);
        if (a.length < 4 + 4 * n) return 0;
        this.encodings = Array.from({ length: n }, (_, i) => a.readInt32BE(4 + 4 * i));
        return 4 + 4 * n;
      }
      case 3: {
        if (a.length < 10) return 0;
        const r = { x: a.readUInt16BE(2), y: a.readUInt16BE(4), w: a.readUInt16BE(6), h: a.readUInt16BE(8) };
        if (r.x + r.w > WIDTH || r.y + r.h > HEIGHT) return this.fail(`FramebufferUpdateRequest for ${r.w}×${r.h} at ${r.x},${r.y}, outside the ${WIDTH}×${HEIGHT} screen`);
        if (a[1] === 0) this.markTiles(r);
        this.pending = r;
        this.flush();
        return 10;
      }
      case 4: {
        if (a.length < 8) return 0;
        const k = this.keyboard.event(a[1] !== 0, a.readUInt32BE(4));
        if (k && 'ctrlAltDel' in k) this.peer.ctrlAltDel();
        else if (k) this.peer.keys(k.bytes);
        return 8;
      }
      case 5:
        return a.length < 6 ? 0 : 6; // pointer events are accepted; the text console has no mouse
      case 6: {
        if (a.length < 8) return 0;
        const len = a.readUInt32BE(4);
        if (len > MAX_CUT_TEXT) return this.fail(`ClientCutText of ${len} bytes (at most ${MAX_CUT_TEXT})`);
        if (a.length < 8 + len) return 0;
        this.cutText(a.subarray(8, 8 + len));
        return 8 + len;
      }
      default:
        return this.fail(`message type ${a[0]}, which RFB 3.8 does not have`);
    }
  }

  /**
   * Intel's CutText extensions: a data-channel message is acknowledged with the bare 16-byte prefix
   * (there is no host agent behind the simulated firmware); KvmExtCmd 2 (decimation) and 4 (zlib)
   * are answered with reports 1 and 3: decimation is always off; compression is what command 4
   * asked for, if it came before the first encoding-16 rectangle (stored blocks and compressed
   * blocks never mix in one session), else what the session already uses (inferred). Plain clipboard text is ignored: the text console has no clipboard.
   */
  private cutText(text: Buffer): void {
    if (text.subarray(0, DATA_CHANNEL.length).equals(DATA_CHANNEL)) {
      if (text.length > DATA_CHANNEL.length) this.serverCutText(DATA_CHANNEL);
    } else if (text.length >= EXT_CMD.length + 2 && text.subarray(0, EXT_CMD.length).equals(EXT_CMD)) {
      const cmd = text[EXT_CMD.length];
      if (cmd === 2) this.serverCutText(Buffer.concat([EXT_CMD, Buffer.from([1, 1, 0])]));
      else if (cmd === 4) {
        const on = text[EXT_CMD.length + 1] === 1;
        if (!this.sentIntel && on) this.zlib ??= new TileDeflater();
        else if (!this.sentIntel && this.zlib) {
          this.zlib.close();
          this.zlib = undefined;
        }
        this.serverCutText(Buffer.concat([EXT_CMD, Buffer.from([3, this.zlib ? 1 : 0])]));
      }
    }
  }

  private serverCutText(text: Buffer): void {
    const head = Buffer.from([3, 0, 0, 0, 0, 0, 0, 0]);
    head.writeUInt32BE(text.length, 4);
    this.peer.send(Buffer.concat([head, text]));
  }

  private markTiles(r: Rect): void {
    for (let ty = Math.floor(r.y / TILE); ty * TILE < r.y + r.h && ty < TILES_Y; ty++) {
      for (let tx = Math.floor(r.x / TILE); tx * TILE < r.x + r.w && tx < TILES_X; tx++) this.dirty[ty * TILES_X + tx] = 1;
    }
  }

  private changed(rects: Rect[]): void {
    for (const r of rects) this.markTiles(r);
    if (this.pending && !this.flushQueued) {
      this.flushQueued = true;
      setImmediate(() => {
        this.flushQueued = false;
        this.flush();
      });
    }
  }

  /** Answers the pending request with the dirty tiles inside it, if any. */
  private flush(): void {
    const req = this.pending;
    if (!req || this.done || this.busy) return;
    const rects: Rect[] = [];
    for (let ty = 0; ty < TILES_Y; ty++) {
      for (let tx = 0; tx < TILES_X; tx++) {
        if (!this.dirty[ty * TILES_X + tx]) continue;
        const x = Math.max(tx * TILE, req.x);
        const y = Math.max(ty * TILE, req.y);
        const w = Math.min((tx + 1) * TILE, req.x + req.w) - x;
        const h = Math.min((ty + 1) * TILE, req.y + req.h) - y;
        if (w <= 0 || h <= 0) continue;
        rects.push({ x, y, w, h });
        if (w === TILE && h === TILE) this.dirty[ty * TILES_X + tx] = 0;
      }
    }
    if (rects.length === 0) return;
    this.pending = undefined;
    const intel = this.encodings.includes(ENCODING.Intel16);
    this.sentIntel ||= intel;
    const heads = rects.map((r) => {
      const head = Buffer.alloc(12);
      head.writeUInt16BE(r.x, 0);
      head.writeUInt16BE(r.y, 2);
      head.writeUInt16BE(r.w, 4);
      head.writeUInt16BE(r.h, 6);
      head.writeInt32BE(intel ? ENCODING.Intel16 : ENCODING.Raw, 8);
      return head;
    });
    const send = (bodies: Buffer[]) => {
      const parts: Buffer[] = [Buffer.from([0, 0, rects.length >> 8, rects.length & 0xff])];
      rects.forEach((_, i) => parts.push(heads[i], bodies[i]));
      this.peer.send(Buffer.concat(parts));
    };
    const zlib = this.zlib;
    if (!intel || !zlib) return send(rects.map((r) => (intel ? encode16 : encodeRaw)(this.fb.pixels, r, this.format)));
    // Compressed: the tiles are encoded now (the picture of this moment), deflated in order, sent together.
    this.busy = true;
    const tiles = rects.map((r) => encodeTile(this.fb.pixels, r, this.format));
    Promise.all(tiles.map((t) => zlib.compress(t))).then((bodies) => {
      this.busy = false;
      if (this.done) return;
      send(bodies.map((b) => {
        const len = Buffer.alloc(4);
        len.writeUInt32BE(b.length);
        return Buffer.concat([len, b]);
      }));
      this.flush();
    }, (err: Error) => {
      this.busy = false;
      this.stop();
      this.peer.end(`the simulator's deflate stream failed: ${err.message}`, true);
    });
  }
}
