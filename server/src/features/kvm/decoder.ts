/**
 * Pixels of AMT's KVM (spec redirection.md §5.4–5.5): pixel formats, the framebuffer (RGBA, what
 * screenshots and a viewer need), raw rects and Intel's encoding 16 (a ZRLE-like tile inside a raw
 * deflate stream that continues across every rect of the session).
 *
 * Why not Intel's @device-management-toolkit/ui-toolkit (AMTDesktop, its RLEDecoder), evaluated at
 * 3.3.12: the package root's `main` (index.js) is missing; `ui-toolkit/core` is a webpack browser
 * bundle that throws `self is not defined` when Node loads it; its decoder draws each tile through
 * a canvas context (`createImageData`/`putImageData`/`fillRect`, and
 * `document.createElement('canvas')` for rotation) rather than returning pixels; it carries every
 * byte in JavaScript strings (`charCodeAt`); and it ships its own JavaScript port of zlib where Node
 * has node:zlib. It does decode in Node behind a `self` global and a fake canvas (the compat test
 * test/compat/kvm-ui-toolkit.test.ts does exactly that, as a cross-check of the simulator), but a
 * product backend should not run on such shims, so the ~150 lines it would save are written here,
 * following the same rules (MC-desk `_decodeLRE`,
 * uit `RLEDecoder.ts`): 1- or 2-byte pixels, palette indices packed MSB first without per-row
 * padding, palette RLE from subencoding 130, and the stored-block quirk.
 */
import { createInflateRaw, constants, type InflateRaw } from 'node:zlib';
import { AmtError } from '../../errors';
import { toRgb, type PixelFormat } from './tiles';

export * from './tiles';

/** The 16 bytes of a pixel format as RFB carries it (ServerInit, SetPixelFormat). */
export function encodePixelFormat(f: PixelFormat): Buffer {
  const b = Buffer.alloc(16);
  b[0] = f.bitsPerPixel; b[1] = f.depth; b[2] = f.bigEndian ? 1 : 0; b[3] = f.trueColour ? 1 : 0;
  b.writeUInt16BE(f.redMax, 4); b.writeUInt16BE(f.greenMax, 6); b.writeUInt16BE(f.blueMax, 8);
  b[10] = f.redShift; b[11] = f.greenShift; b[12] = f.blueShift;
  return b;
}

export function decodePixelFormat(b: Buffer): PixelFormat {
  const bpp = b[0]!;
  if (bpp !== 8 && bpp !== 16) throw new AmtError('kvm.protocol', `The device's KVM offers ${bpp}-bit pixels; AMT consoles speak 8- and 16-bit pixels only, so this is not an AMT KVM server.`);
  return { bitsPerPixel: bpp, depth: b[1]!, bigEndian: b[2] !== 0, trueColour: b[3] !== 0, redMax: b.readUInt16BE(4), greenMax: b.readUInt16BE(6), blueMax: b.readUInt16BE(8), redShift: b[10]!, greenShift: b[11]!, blueShift: b[12]! };
}

/** The remote screen, 4 bytes (RGBA) a pixel, row by row. */
export class Framebuffer {
  rgba: Buffer;
  constructor(public width: number, public height: number) {
    this.rgba = Buffer.alloc(width * height * 4);
  }

  resize(width: number, height: number): void {
    this.width = width;
    this.height = height;
    this.rgba = Buffer.alloc(width * height * 4);
  }

  /** Writes `values` (w×h pixel values, row by row) at x, y, clipped to the screen. */
  put(f: PixelFormat, x: number, y: number, w: number, h: number, values: ArrayLike<number>): void {
    for (let row = 0; row < h; row++) {
      const py = y + row;
      if (py >= this.height) break;
      for (let col = 0; col < w; col++) {
        const px = x + col;
        if (px >= this.width) break;
        const [r, g, b] = toRgb(f, values[row * w + col]!);
        const o = (py * this.width + px) * 4;
        this.rgba[o] = r; this.rgba[o + 1] = g; this.rgba[o + 2] = b; this.rgba[o + 3] = 255;
      }
    }
  }
}

/**
 * The session's raw-deflate stream: each rect's bytes go in, its tile comes out. A rect whose
 * bytes are exactly one stored deflate block (`00 <len LE16> <~len> <tile>`, len = L − 5) is taken
 * as it is without touching the inflater, as MeshCommander and ui-toolkit do.
 */
export class TileInflater {
  private inflater?: InflateRaw;
  private failure?: Error;

  /** The quirk's test (MC-desk: L > 5, first byte 0, u16 LE at +1 = L − 5). */
  static storedTile(data: Buffer): Buffer | undefined {
    return data.length > 5 && data[0] === 0 && data.readUInt16LE(1) === data.length - 5 ? data.subarray(5) : undefined;
  }

  async inflate(data: Buffer, label: string): Promise<Buffer> {
    const stored = TileInflater.storedTile(data);
    if (stored) return stored;
    const z = this.inflater ??= this.create();
    const chunks: Buffer[] = [];
    const onData = (c: Buffer) => chunks.push(c);
    z.on('data', onData);
    try {
      await new Promise<void>((resolve, reject) => {
        if (this.failure) return reject(this.failure);
        const onError = (err: Error) => reject(err);
        z.once('error', onError);
        z.write(data);
        z.flush(constants.Z_SYNC_FLUSH, () => {
          z.off('error', onError);
          // 'data' for this flush is emitted before its callback; one turn more costs nothing.
          setImmediate(() => (this.failure ? reject(this.failure) : resolve()));
        });
      });
    } catch (err) {
      throw new AmtError('kvm.protocol', `${label} sent KVM data that does not inflate (${(err as Error).message}); the stream is corrupt, so the session was ended.`, { cause: err });
    } finally {
      z.off('data', onData);
    }
    return Buffer.concat(chunks);
  }

  close(): void {
    this.inflater?.destroy();
  }

  private create(): InflateRaw {
    const z = createInflateRaw();
    z.on('error', (err) => (this.failure = err));
    return z;
  }
}
