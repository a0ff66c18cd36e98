/**
 * The KVM viewer's protocol engine, for the editor's webview (bundled for the browser as
 * dist/kvm-viewer-engine.js) and for Node (tests, bench): it needs nothing but Uint8Array, so the
 * same code runs on both sides. Bytes in with `push()`, bytes out through `send`, pixels into an
 * RGBA framebuffer with an `onUpdate` per painted rectangle.
 *
 * The viewer speaks the whole redirection protocol through the backend's relay (relay.ts, which
 * rewrites only the log-on with the backend-held password): StartRedirectionSession KVMR, a
 * digest log-on whose digest the relay computes (the engine sends empty ones), `40 00 …` → 0x41,
 * then RFB 3.8 with security None, SetPixelFormat, SetEncodings, and incremental
 * FramebufferUpdateRequests after each update (spec redirection.md §5.1–5.6).
 *
 * Why not ui-toolkit's AMTRedirector + AMTDesktop (@device-management-toolkit/ui-toolkit 3.3.12)
 * in the webview: its package root has no `main`, its `core` build is one webpack bundle that
 * expects its own websocket URL scheme (MPS's `/relay/webrelay.ashx` with a JWT subprotocol) and
 * draws straight into a canvas it is handed, carrying every byte as JavaScript strings; it would
 * be a second decoder beside the backend's (tiles.ts), and a third-party script of ~400 KB in a
 * webview whose CSP admits only our own nonce'd scripts. The compat tests use it as an
 * independent client of the simulator instead.
 */
import { AmtError } from '../../errors';
import { checkTile, decodeRaw, decodeTile, PIXEL_FORMATS, toRgb, type PixelFormat, type PixelFormatName } from './tiles';

export type ViewerEncoding = 'raw' | 'rle';
export type ViewerState = 'connecting' | 'logging-on' | 'connected' | 'closed';

export interface ViewerOptions {
  format?: PixelFormatName;
  encoding?: ViewerEncoding;
  /** Name of the device in sentences. */
  label?: string;
}

const ENC = { RAW: 0, INTEL_RLE: 16, DESKTOP_SIZE: -223 } as const;
const START_STATUS: Record<number, string> = { 1: 'does not know the KVM session type', 2: 'is busy: another viewer holds its KVM session', 3: 'has KVM switched off', 255: 'reported an internal error' };

/** Exact-length reads over pushed chunks (one waiter at a time). */
class Bytes {
  private chunks: Uint8Array[] = [];
  private size = 0;
  private waiter?: { n: number; resolve: (b: Uint8Array) => void; reject: (e: Error) => void };
  private ended?: Error;

  push(c: Uint8Array): void {
    if (!c.length) return;
    this.chunks.push(c);
    this.size += c.length;
    const w = this.waiter;
    if (w && this.size >= w.n) {
      this.waiter = undefined;
      w.resolve(this.take(w.n));
    }
  }

  end(err: Error): void {
    this.ended ??= err;
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(err);
  }

  read(n: number): Promise<Uint8Array> {
    if (n === 0) return Promise.resolve(new Uint8Array(0));
    if (this.size >= n) return Promise.resolve(this.take(n));
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => (this.waiter = { n, resolve, reject }));
  }

  private take(n: number): Uint8Array {
    let all: Uint8Array;
    if (this.chunks.length === 1) all = this.chunks[0]!;
    else {
      all = new Uint8Array(this.size);
      let at = 0;
      for (const c of this.chunks) (all.set(c, at), (at += c.length));
    }
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.size = rest.length;
    return out;
  }
}

const u16be = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;
const u32be = (b: Uint8Array, at: number) => ((b[at]! << 24) >>> 0) + (b[at + 1]! << 16) + (b[at + 2]! << 8) + b[at + 3]!;
const u32le = (b: Uint8Array, at: number) => b[at]! + (b[at + 1]! << 8) + (b[at + 2]! << 16) + ((b[at + 3]! << 24) >>> 0);
const latin1 = (b: Uint8Array) => String.fromCharCode(...b);

export function pixelFormatBytes(f: PixelFormat): Uint8Array {
  const b = new Uint8Array(16);
  b[0] = f.bitsPerPixel; b[1] = f.depth; b[2] = f.bigEndian ? 1 : 0; b[3] = f.trueColour ? 1 : 0;
  b[4] = f.redMax >> 8; b[5] = f.redMax & 0xff; b[6] = f.greenMax >> 8; b[7] = f.greenMax & 0xff; b[8] = f.blueMax >> 8; b[9] = f.blueMax & 0xff;
  b[10] = f.redShift; b[11] = f.greenShift; b[12] = f.blueShift;
  return b;
}

export class KvmViewerSession {
  width = 0;
  height = 0;
  name = '';
  /** RGBA, row by row (what a canvas ImageData takes). */
  rgba = new Uint8ClampedArray(0);
  state: ViewerState = 'connecting';
  /** Why the session failed, when the device or the stream broke the protocol (not a plain close). */
  failure?: string;
  /** Frame statistics: updates received, bytes of rect payload, time spent decoding (ms). */
  readonly stats = { updates: 0, rects: 0, bytes: 0, decodeMs: 0 };
  onState: (state: ViewerState, detail?: string) => void = () => undefined;
  onUpdate: (x: number, y: number, w: number, h: number) => void = () => undefined;
  onResize: (w: number, h: number) => void = () => undefined;
  /** An update finished (all its rects painted). */
  onFrame: () => void = () => undefined;
  private readonly bytes = new Bytes();
  private readonly format: PixelFormat;
  private readonly label: string;
  private closed = false;
  private readonly now: () => number = typeof performance !== 'undefined' ? () => performance.now() : () => Date.now();

  constructor(private readonly send: (b: Uint8Array) => void, private readonly options: ViewerOptions = {}) {
    this.format = PIXEL_FORMATS[options.format ?? 'rgb565'];
    this.label = options.label ?? 'The device';
  }

  /** Starts the session; resolves when it ends (rejects with the reason as one sentence). */
  run(): Promise<void> {
    return this.main().catch((err: unknown) => {
      const text = err instanceof Error ? err.message : String(err);
      if (!(err instanceof AmtError && err.code === 'redir.closed')) this.failure = text;
      this.setState('closed', text);
      throw err;
    });
  }

  push(chunk: Uint8Array): void {
    this.bytes.push(chunk);
  }

  /** The transport closed. */
  end(why?: string): void {
    this.closed = true;
    this.bytes.end(new AmtError('redir.closed', why ?? `${this.label} closed the KVM session.`));
  }

  key(keysym: number, down: boolean): void {
    if (this.state !== 'connected') return;
    const k = keysym >>> 0;
    this.send(new Uint8Array([4, down ? 1 : 0, 0, 0, k >>> 24, (k >> 16) & 0xff, (k >> 8) & 0xff, k & 0xff]));
  }

  /** Ctrl-Alt-Del as MeshCommander sends it (spec §5.6). */
  ctrlAltDel(): void {
    const keys = [0xffe3, 0xffe9, 0xffff];
    for (const k of keys) this.key(k, true);
    for (const k of [...keys].reverse()) this.key(k, false);
  }

  pointer(mask: number, x: number, y: number): void {
    if (this.state !== 'connected') return;
    const cx = Math.max(0, Math.min(this.width - 1, Math.round(x)));
    const cy = Math.max(0, Math.min(this.height - 1, Math.round(y)));
    this.send(new Uint8Array([5, mask & 0xff, cx >> 8, cx & 0xff, cy >> 8, cy & 0xff]));
  }

  /** Asks for a full (non-incremental) update of the whole screen. */
  refresh(): void {
    if (this.state === 'connected') this.request(false);
  }

  private setState(state: ViewerState, detail?: string): void {
    this.state = state;
    this.onState(state, detail);
  }

  private fail(sentence: string): never {
    throw new AmtError('kvm.protocol', sentence);
  }

  private async main(): Promise<void> {
    const r = this.bytes;
    this.setState('connecting');
    // StartRedirectionSession: 10 01 00 00 'KVMR'.
    this.send(new Uint8Array([0x10, 1, 0, 0, 0x4b, 0x56, 0x4d, 0x52]));
    const reply = await r.read(13);
    if (reply[0] !== 0x11) this.fail(`${this.label} answered the KVM session start with message 0x${reply[0]!.toString(16)}; the session was ended.`);
    await r.read(reply[12]!);
    if (reply[1] !== 0) this.fail(`${this.label} ${START_STATUS[reply[1]!] ?? `refused the KVM session (status ${reply[1]})`}; check its KVM switch and other viewers, then reconnect.`);
    this.setState('logging-on');
    // Digest log-on: the relay fills in the user, and then the digest, from the backend's credentials.
    for (let round = 0; ; round++) {
      this.send(new Uint8Array([0x13, 0, 0, 0, 4, 0, 0, 0, 0]));
      const head = await r.read(9);
      if (head[0] !== 0x14) this.fail(`${this.label} answered the log-on with message 0x${head[0]!.toString(16)}; the session was ended.`);
      await r.read(u32le(head, 5));
      if (head[1] === 0) break;
      if (round >= 1) this.fail(`${this.label} refused the backend's password for its KVM; check the device's password in the Devices view and reconnect.`);
    }
    this.send(new Uint8Array([0x40, 0, 0, 0, 0, 0, 0, 0]));
    const started = await r.read(8);
    if (started[0] !== 0x41) this.fail(`${this.label} answered the KVM start with message 0x${started[0]!.toString(16)} instead of 0x41; the session was ended.`);
    await this.handshake();
    this.setState('connected', `${this.width}×${this.height}, ${this.options.format ?? 'rgb565'}, ${this.options.encoding ?? 'rle'}`);
    this.request(false);
    for (;;) await this.message();
  }

  private async handshake(): Promise<void> {
    const r = this.bytes;
    const version = latin1(await r.read(12));
    if (!/^RFB \d{3}\.\d{3}\n$/.test(version)) this.fail(`${this.label} did not start its KVM stream with an RFB version; this is not an AMT KVM server.`);
    this.send(new TextEncoder().encode('RFB 003.008\n'));
    const count = (await r.read(1))[0]!;
    const types = [...await r.read(count)];
    if (!types.includes(1)) this.fail(`${this.label}'s KVM offers RFB security types ${types.join(', ') || 'none'} but not None (1); this is not the KVM of the redirection port.`);
    this.send(new Uint8Array([1]));
    if (u32be(await r.read(4), 0) !== 0) this.fail(`${this.label}'s KVM refused security None; close other viewers and reconnect.`);
    this.send(new Uint8Array([1])); // ClientInit: shared
    let init: Uint8Array;
    try {
      init = await r.read(24);
    } catch {
      this.fail(`${this.label} closed the KVM session right after ClientInit: Intel AMT could not capture the host's display; choose 8-bit colour and reconnect.`);
    }
    this.resize(u16be(init, 0), u16be(init, 2));
    this.name = new TextDecoder().decode(await r.read(u32be(init, 20)));
    if ((this.options.format ?? 'rgb565') !== 'rgb565') this.send(concat(new Uint8Array([0, 0, 0, 0]), pixelFormatBytes(this.format)));
    const encodings = this.options.encoding === 'raw' ? [ENC.RAW, ENC.DESKTOP_SIZE] : [ENC.INTEL_RLE, ENC.RAW, ENC.DESKTOP_SIZE];
    const set = new Uint8Array(4 + 4 * encodings.length);
    set[0] = 2;
    set[3] = encodings.length;
    encodings.forEach((e, i) => set.set([(e >>> 24) & 0xff, (e >> 16) & 0xff, (e >> 8) & 0xff, e & 0xff], 4 + 4 * i));
    this.send(set);
  }

  private resize(w: number, h: number): void {
    this.width = w;
    this.height = h;
    this.rgba = new Uint8ClampedArray(w * h * 4);
    this.onResize(w, h);
  }

  private request(incremental: boolean): void {
    const { width: w, height: h } = this;
    this.send(new Uint8Array([3, incremental ? 1 : 0, 0, 0, 0, 0, w >> 8, w & 0xff, h >> 8, h & 0xff]));
  }

  private async message(): Promise<void> {
    const r = this.bytes;
    const type = (await r.read(1))[0]!;
    if (type === 0) {
      const n = u16be(await r.read(3), 1);
      for (let i = 0; i < n; i++) await this.rect();
      this.stats.updates++;
      this.onFrame();
      if (!this.closed) this.request(true);
    } else if (type === 2) {
      // Bell: nothing to draw.
    } else if (type === 3) {
      await r.read(u32be(await r.read(7), 3));
    } else {
      this.fail(`${this.label} sent RFB message type ${type}, which an AMT KVM server does not send; the session was ended.`);
    }
  }

  private async rect(): Promise<void> {
    const r = this.bytes;
    const head = await r.read(12);
    const x = u16be(head, 0), y = u16be(head, 2), w = u16be(head, 4), h = u16be(head, 6);
    const encoding = (u32be(head, 8) | 0);
    if (encoding === ENC.DESKTOP_SIZE) {
      this.resize(w, h);
      this.request(false);
      return;
    }
    if (encoding !== ENC.RAW && encoding !== ENC.INTEL_RLE) this.fail(`${this.label} sent a rectangle in RFB encoding ${encoding}, which this viewer did not ask for; the session was ended.`);
    checkTile(w, h, this.label);
    const f = this.format;
    let data: Uint8Array;
    if (encoding === ENC.RAW) data = await r.read(w * h * (f.bitsPerPixel / 8));
    else {
      data = await r.read(u32be(await r.read(4), 0));
      // A stored deflate block (`00 <len LE16> <~len LE16> <tile>`), as AMT sends without zlib (spec §5.5).
      if (!(data.length > 5 && data[0] === 0 && (data[1]! | (data[2]! << 8)) === data.length - 5)) {
        this.fail(`${this.label} sent compressed KVM tiles, which this viewer does not inflate; choose the Raw encoding and reconnect.`);
      }
    }
    const t0 = this.now();
    const values = encoding === ENC.RAW ? decodeRaw(f, data, w, h, this.label) : decodeTile(f, data.subarray(5), w, h, this.label);
    this.paint(x, y, w, h, values);
    this.stats.decodeMs += this.now() - t0;
    this.stats.rects++;
    this.stats.bytes += 12 + data.length + (encoding === ENC.RAW ? 0 : 4);
    this.onUpdate(x, y, w, h);
  }

  private paint(x: number, y: number, w: number, h: number, values: Uint32Array): void {
    const f = this.format;
    const out = this.rgba;
    // One lookup per distinct value: screens have few colours, and toRgb is the slow part.
    const cache = new Map<number, [number, number, number]>();
    for (let row = 0; row < h && y + row < this.height; row++) {
      for (let col = 0; col < w && x + col < this.width; col++) {
        const v = values[row * w + col]!;
        let rgb = cache.get(v);
        if (!rgb) cache.set(v, (rgb = toRgb(f, v)));
        const o = ((y + row) * this.width + x + col) * 4;
        out[o] = rgb[0]; out[o + 1] = rgb[1]; out[o + 2] = rgb[2]; out[o + 3] = 255;
      }
    }
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
