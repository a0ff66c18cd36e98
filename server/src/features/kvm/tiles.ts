/**
 * The part of the KVM decoder that needs nothing of Node (spec redirection.md §5.4–5.5): pixel
 * formats, pixel values → RGB, raw rects and one inflated encoding-16 tile, all on Uint8Array.
 * The backend (decoder.ts, rfb.ts) and the editor's KVM viewer webview (bundled for the browser
 * by esbuild.mjs as dist/kvm-decoder.js) decode with this same code.
 */
import { AmtError } from '../../errors';

export interface PixelFormat {
  bitsPerPixel: 8 | 16;
  depth: number;
  bigEndian: boolean;
  trueColour: boolean;
  redMax: number; greenMax: number; blueMax: number;
  redShift: number; greenShift: number; blueShift: number;
}

export const RGB565: PixelFormat = { bitsPerPixel: 16, depth: 16, bigEndian: false, trueColour: true, redMax: 31, greenMax: 63, blueMax: 31, redShift: 11, greenShift: 5, blueShift: 0 };
export const RGB332: PixelFormat = { bitsPerPixel: 8, depth: 8, bigEndian: false, trueColour: true, redMax: 7, greenMax: 7, blueMax: 3, redShift: 5, greenShift: 2, blueShift: 0 };
export const GREY8: PixelFormat = { bitsPerPixel: 8, depth: 8, bigEndian: false, trueColour: true, redMax: 255, greenMax: 0, blueMax: 0, redShift: 0, greenShift: 0, blueShift: 0 };

export const PIXEL_FORMATS = { rgb565: RGB565, rgb332: RGB332, grey8: GREY8 } as const;
export type PixelFormatName = keyof typeof PIXEL_FORMATS;

/**
 * One channel scaled to 0..255 (RGB565's 31 → 255). MeshCommander shifts instead (31 → 248, and
 * a +32 fix for RGB332 blue); scaling keeps white white in a screenshot, and the level (the value
 * AMT sent) is the same either way.
 */
const widen = (v: number, max: number) => (max === 0 ? 0 : Math.round(((v & max) * 255) / max));

/** A pixel value → [r, g, b]; a format with no green or blue is grey. */
export function toRgb(f: PixelFormat, v: number): [number, number, number] {
  const r = widen(v >> f.redShift, f.redMax);
  if (f.greenMax === 0 && f.blueMax === 0) return [r, r, r];
  return [r, widen(v >> f.greenShift, f.greenMax), widen(v >> f.blueShift, f.blueMax)];
}

export const MAX_TILE = 64;

export function checkTile(w: number, h: number, label: string): void {
  if (w < 1 || h < 1 || w > MAX_TILE || h > MAX_TILE) {
    throw new AmtError('kvm.protocol', `${label} sent a ${w}×${h} KVM tile; AMT tiles are at most 64×64, so the stream is not one this viewer can decode and the session was ended.`);
  }
}

/** Reads one pixel value (1 or 2 bytes, little-endian unless the format says big). */
function pixelReader(f: PixelFormat, data: Uint8Array, label: string) {
  let at = 0;
  const size = f.bitsPerPixel / 8;
  return {
    get offset() { return at; },
    byte(): number {
      if (at >= data.length) throw short(label);
      return data[at++]!;
    },
    pixel(): number {
      if (at + size > data.length) throw short(label);
      const v = size === 1 ? data[at]! : f.bigEndian ? (data[at]! << 8) | data[at + 1]! : data[at]! | (data[at + 1]! << 8);
      at += size;
      return v;
    },
  };
}

const short = (label: string) => new AmtError('kvm.protocol', `${label} sent a KVM tile shorter than its own header says; the stream is corrupt, so the session was ended.`);

/** Raw encoding (0): w×h pixels. */
export function decodeRaw(f: PixelFormat, data: Uint8Array, w: number, h: number, label: string): Uint32Array {
  const r = pixelReader(f, data, label);
  const out = new Uint32Array(w * h);
  for (let i = 0; i < out.length; i++) out[i] = r.pixel();
  return out;
}

/** One inflated encoding-16 tile: subencoding byte, then its pixels (see the file comment). */
export function decodeTile(f: PixelFormat, data: Uint8Array, w: number, h: number, label: string): Uint32Array {
  const r = pixelReader(f, data, label);
  const n = w * h;
  const out = new Uint32Array(n);
  const sub = r.byte();
  if (sub === 0) {
    for (let i = 0; i < n; i++) out[i] = r.pixel();
  } else if (sub === 1) {
    out.fill(r.pixel());
  } else if (sub <= 16) {
    const palette = Array.from({ length: sub }, () => r.pixel());
    const bits = sub === 2 ? 1 : sub <= 4 ? 2 : 4;
    const mask = (1 << bits) - 1;
    for (let i = 0; i < n; ) {
      const byte = r.byte();
      for (let shift = 8 - bits; shift >= 0 && i < n; shift -= bits) out[i++] = palette[(byte >> shift) & mask] ?? 0;
    }
  } else if (sub === 128) {
    for (let i = 0; i < n; ) {
      const v = r.pixel();
      let run = runLength(r);
      while (run-- > 0 && i < n) out[i++] = v;
    }
  } else if (sub >= 130) {
    const palette = Array.from({ length: sub - 128 }, () => r.pixel());
    for (let i = 0; i < n; ) {
      const index = r.byte();
      let run = index & 0x80 ? runLength(r) : 1;
      const v = palette[index & 0x7f] ?? 0;
      while (run-- > 0 && i < n) out[i++] = v;
    }
  } else {
    throw new AmtError('kvm.protocol', `${label} sent KVM tile subencoding ${sub}, which the Intel RLE encoding does not define; the session was ended.`);
  }
  return out;
}

function runLength(r: { byte(): number }): number {
  let run = 1;
  let b: number;
  do {
    b = r.byte();
    run += b;
  } while (b === 255);
  return run;
}
