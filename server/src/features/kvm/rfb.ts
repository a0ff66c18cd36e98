/**
 * RFB 3.8 client for AMT's KVM, over the stream that follows the 8-byte 0x41 of the KVMR session
 * (spec redirection.md §5.2–5.6): version, security None (the redirection digest log-on already
 * authenticated), shared ClientInit, ServerInit, SetEncodings [16, 0, 1092, −223] (or raw only),
 * SetPixelFormat unless the default RGB565 is wanted, then framebuffer updates into an RGBA
 * framebuffer, and key and pointer events out.
 *
 * Events: `bell`, `cuttext` (text: string), `resize` (width, height).
 */
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { AmtError } from '../../errors';
import { checkTile, decodePixelFormat, decodeRaw, decodeTile, encodePixelFormat, Framebuffer, PIXEL_FORMATS, RGB565, TileInflater, type PixelFormat, type PixelFormatName } from './decoder';
import type { KeyStroke } from './keysyms';
import { ByteReader } from './bytes';
import { vncAuthResponse } from './vnc-auth';

/** Intel's extension-command prefix inside CutText (spec §5.7). */
export const KVM_EXT_CMD = Buffer.from('\0KvmExtCmd\0', 'latin1');

export const ENCODING = { RAW: 0, INTEL_RLE: 16, KVM_DATA_CHANNEL: 1092, DESKTOP_SIZE: -223 } as const;

/** MeshCommander's limit for AMT's KVM buffer: bytes per pixel × width × height (MC code 50002). */
export const MAX_BUFFER_BYTES = 9_216_000;

export interface RfbOptions {
  /** Pixel format to ask for; default rgb565 (AMT's own, so nothing is sent). */
  format?: PixelFormatName;
  /** false: raw only (no encoding 16). Default true. */
  rle?: boolean;
  /**
   * Ask AMT (16+, `ZlibControlSupported`) to compress encoding 16 with zlib, with Intel's
   * `\0KvmExtCmd\0` command 4 right after SetEncodings, as MeshCommander does (spec §5.7).
   */
  zlib?: boolean;
  timeoutMs?: number;
  /** Port 5900's RFB password: answer VNC authentication (type 2) instead of None. */
  vncPassword?: string;
}

export function unableToCaptureSentence(label: string): string {
  return `${label} closed the KVM session right after the viewer's ClientInit: Intel AMT could not capture the host's display (an unsupported GPU or display mode); try 8-bit colour (\`--format rgb332\`) or another display mode on the host, then retry.`;
}

export function tooLargeSentence(label: string, width: number, height: number, bytesPerPixel: number): string {
  return `${label}'s display is ${width}×${height} at ${bytesPerPixel * 8} bits a pixel, which is more than the Intel AMT KVM buffer holds (${MAX_BUFFER_BYTES} bytes); use 8-bit colour (\`--format rgb332\` or \`--format grey8\`) or lower the host's resolution.`;
}

/** VNC authentication on port 5900; a refused password is reported, never tried again. */
async function vncAuthenticate(stream: Duplex, reader: ByteReader, label: string, types: number[], password: string): Promise<void> {
  if (!types.includes(2)) throw new AmtError('kvm.protocol', `${label}'s RFB port offers security types ${types.join(', ')} but not VNC authentication (2); check that this is AMT's port 5900.`);
  stream.write(Buffer.from([2]));
  const challenge = await reader.read(16, 'its VNC authentication challenge');
  stream.write(vncAuthResponse(challenge, password));
  const result = (await reader.read(4, 'its RFB security result')).readUInt32BE(0);
  if (result !== 0) throw new AmtError('kvm.auth', `${label} refused the RFB password on its port 5900; set the password you wrote to IPS_KVMRedirectionSettingData.RFBPassword in AMT_RFB_PASSWORD (it is not tried again).`);
}

export class RfbClient extends EventEmitter {
  readonly fb: Framebuffer;
  name = '';
  format: PixelFormat = RGB565;
  private readonly inflater = new TileInflater();
  /** Pixels not yet painted since the last full request (fullFrame waits for 0). */
  private unpainted = 0;
  private painted: Uint8Array;

  private constructor(private readonly stream: Duplex, private readonly reader: ByteReader, readonly label: string, width: number, height: number) {
    super();
    this.fb = new Framebuffer(width, height);
    this.painted = new Uint8Array(width * height);
  }

  get width(): number { return this.fb.width; }
  get height(): number { return this.fb.height; }

  /** The RFB handshake on `stream` (after the KVMR 0x41), read through `reader` (or a new one). */
  static async handshake(stream: Duplex, label: string, given?: ByteReader, options: RfbOptions = {}): Promise<RfbClient> {
    const reader = given ?? new ByteReader(stream, label, options.timeoutMs);
    const version = (await reader.read(12, 'its RFB protocol version')).toString('latin1');
    if (!/^RFB \d{3}\.\d{3}\n$/.test(version)) throw new AmtError('kvm.protocol', `${label} did not start its KVM stream with an RFB version (it sent ${JSON.stringify(version)}); this is not an AMT KVM server.`);
    stream.write('RFB 003.008\n');
    const count = (await reader.read(1, 'its RFB security types'))[0]!;
    const types = count ? [...await reader.read(count, 'its RFB security types')] : [];
    if (count === 0) {
      const len = (await reader.read(4, 'the reason for refusing')).readUInt32BE(0);
      const why = (await reader.read(len, 'the reason for refusing')).toString('utf8');
      throw new AmtError('kvm.protocol', `${label}'s KVM refused the viewer before log-on: "${why}"; check the device's KVM settings and retry.`);
    }
    if (options.vncPassword !== undefined) await vncAuthenticate(stream, reader, label, types, options.vncPassword);
    else {
      if (!types.includes(1)) throw new AmtError('kvm.protocol', `${label}'s KVM offers RFB security types ${types.join(', ')} but not None (1), which AMT offers after the redirection log-on; this is not the KVM of port 16994.`);
      stream.write(Buffer.from([1]));
      const result = (await reader.read(4, 'its RFB security result')).readUInt32BE(0);
      if (result !== 0) throw new AmtError('kvm.protocol', `${label}'s KVM answered security None with failure ${result}; end other viewers' sessions and retry.`);
    }
    stream.write(Buffer.from([1])); // ClientInit: shared
    let init: Buffer;
    try {
      init = await reader.read(24, 'its RFB ServerInit');
    } catch (err) {
      if (err instanceof AmtError && err.code === 'redir.closed') throw new AmtError('kvm.capture', unableToCaptureSentence(label), { cause: err });
      throw err;
    }
    const width = init.readUInt16BE(0);
    const height = init.readUInt16BE(2);
    const client = new RfbClient(stream, reader, label, width, height);
    client.format = decodePixelFormat(init.subarray(4, 20));
    client.name = (await reader.read(init.readUInt32BE(20), 'its desktop name')).toString('utf8');
    const wanted = PIXEL_FORMATS[options.format ?? 'rgb565'];
    if (options.format && options.format !== 'rgb565') {
      stream.write(Buffer.concat([Buffer.from([0, 0, 0, 0]), encodePixelFormat(wanted)]));
      client.format = wanted;
    }
    client.checkSize(width, height);
    const encodings = options.rle === false ? [ENCODING.RAW, ENCODING.DESKTOP_SIZE] : [ENCODING.INTEL_RLE, ENCODING.RAW, ENCODING.KVM_DATA_CHANNEL, ENCODING.DESKTOP_SIZE];
    const set = Buffer.alloc(4 + 4 * encodings.length);
    set[0] = 2;
    set.writeUInt16BE(encodings.length, 2);
    encodings.forEach((e, i) => set.writeInt32BE(e, 4 + 4 * i));
    stream.write(set);
    if (options.zlib) client.cutText(Buffer.concat([KVM_EXT_CMD, Buffer.from([4, 1])]));
    return client;
  }

  /** Asks for the whole screen (non-incremental) and resolves once every pixel has been painted. */
  async fullFrame(): Promise<Framebuffer> {
    this.painted.fill(0);
    this.unpainted = this.width * this.height;
    this.request(false);
    while (this.unpainted > 0) await this.readMessage();
    return this.fb;
  }

  request(incremental: boolean, x = 0, y = 0, w = this.width, h = this.height): void {
    const b = Buffer.from([3, incremental ? 1 : 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    b.writeUInt16BE(x, 2); b.writeUInt16BE(y, 4); b.writeUInt16BE(w, 6); b.writeUInt16BE(h, 8);
    this.stream.write(b);
  }

  key(keysym: number, down: boolean): void {
    const b = Buffer.from([4, down ? 1 : 0, 0, 0, 0, 0, 0, 0]);
    b.writeUInt32BE(keysym >>> 0, 4);
    this.stream.write(b);
  }

  keys(strokes: readonly KeyStroke[]): void {
    for (const s of strokes) this.key(s.keysym, s.down);
  }

  /** ClientCutText (clipboard, or one of Intel's extensions). */
  cutText(text: Buffer): void {
    const head = Buffer.from([6, 0, 0, 0, 0, 0, 0, 0]);
    head.writeUInt32BE(text.length, 4);
    this.stream.write(Buffer.concat([head, text]));
  }

  pointer(buttonMask: number, x: number, y: number): void {
    const b = Buffer.from([5, buttonMask & 0xff, 0, 0, 0, 0]);
    b.writeUInt16BE(x, 2); b.writeUInt16BE(y, 4);
    this.stream.write(b);
  }

  /** Ends the session after what was written. */
  close(): Promise<void> {
    this.inflater.close();
    return this.reader.end();
  }

  private checkSize(width: number, height: number): void {
    const bytes = this.format.bitsPerPixel / 8;
    if (bytes * width * height > MAX_BUFFER_BYTES) throw new AmtError('kvm.too-large', tooLargeSentence(this.label, width, height, bytes));
  }

  private async readMessage(): Promise<void> {
    const r = this.reader;
    const type = (await r.read(1, 'a KVM message'))[0]!;
    if (type === 0) {
      const n = (await r.read(3, 'a framebuffer update')).readUInt16BE(1);
      for (let i = 0; i < n; i++) await this.readRect();
    } else if (type === 2) {
      this.emit('bell');
    } else if (type === 3) {
      const len = (await r.read(7, 'cut text')).readUInt32BE(3);
      this.emit('cuttext', (await r.read(len, 'cut text')).toString('latin1'));
    } else {
      throw new AmtError('kvm.protocol', `${this.label} sent RFB message type ${type}, which an AMT KVM server does not send; the session was ended.`);
    }
  }

  private async readRect(): Promise<void> {
    const head = await this.reader.read(12, 'a framebuffer rectangle');
    const x = head.readUInt16BE(0), y = head.readUInt16BE(2), w = head.readUInt16BE(4), h = head.readUInt16BE(6);
    const encoding = head.readInt32BE(8);
    const label = this.label;
    if (encoding === ENCODING.DESKTOP_SIZE) {
      this.checkSize(w, h);
      this.fb.resize(w, h);
      this.painted = new Uint8Array(w * h);
      this.unpainted = w * h;
      this.emit('resize', w, h);
      this.request(false);
      return;
    }
    if (encoding !== ENCODING.RAW && encoding !== ENCODING.INTEL_RLE) {
      throw new AmtError('kvm.protocol', `${label} sent a rectangle in RFB encoding ${encoding}, which this viewer did not ask for; the session was ended.`);
    }
    checkTile(w, h, label);
    let values: Uint32Array;
    if (encoding === ENCODING.RAW) {
      values = decodeRaw(this.format, await this.reader.read(w * h * (this.format.bitsPerPixel / 8), 'raw pixels'), w, h, label);
    } else {
      const len = (await this.reader.read(4, 'an RLE tile')).readUInt32BE(0);
      const tile = await this.inflater.inflate(await this.reader.read(len, 'an RLE tile'), label);
      values = decodeTile(this.format, tile, w, h, label);
    }
    this.fb.put(this.format, x, y, w, h, values);
    this.markPainted(x, y, w, h);
  }

  private markPainted(x: number, y: number, w: number, h: number): void {
    for (let py = y; py < Math.min(y + h, this.height); py++) {
      for (let px = x; px < Math.min(x + w, this.width); px++) {
        const i = py * this.width + px;
        if (!this.painted[i]) {
          this.painted[i] = 1;
          this.unpainted--;
        }
      }
    }
  }
}
