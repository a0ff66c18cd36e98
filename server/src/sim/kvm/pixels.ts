/**
 * Pixel formats and rectangle encodings of the simulated KVM (spec: redirection.md §5.4–5.5).
 *
 * Formats: the ServerInit default is RGB565 little-endian; consoles may set RGB332 or 8-bit
 * (and 4-bit) grey — a true-colour format whose green and blue maxima are 0 is read as grey, as
 * MeshCommander's grey options are. Other true-colour formats of 8 or 16 bits are honoured by
 * their maxima and shifts.
 *
 * Encodings: raw (0), and Intel's encoding 16 — a ZRLE-like tile (subencoding byte; 1 solid,
 * 2–16 packed palette, 0 raw) with 1- or 2-byte pixels, carried in a deflate stream. The
 * simulator sends each tile as one *stored* deflate block (`00 len ~len tile`), the form
 * MeshCommander and ui-toolkit take directly without their inflater; it never mixes in
 * compressed blocks, which would desynchronise those clients' inflate window.
 */
import { PALETTE, WIDTH } from './framebuffer';

export interface PixelFormat {
  bitsPerPixel: number;
  depth: number;
  bigEndian: boolean;
  trueColour: boolean;
  redMax: number;
  greenMax: number;
  blueMax: number;
  redShift: number;
  greenShift: number;
  blueShift: number;
}

export const RGB565: PixelFormat = {
  bitsPerPixel: 16, depth: 16, bigEndian: false, trueColour: true,
  redMax: 31, greenMax: 63, blueMax: 31, redShift: 11, greenShift: 5, blueShift: 0,
};

export function writePixelFormat(f: PixelFormat): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt8(f.bitsPerPixel, 0);
  b.writeUInt8(f.depth, 1);
  b.writeUInt8(f.bigEndian ? 1 : 0, 2);
  b.writeUInt8(f.trueColour ? 1 : 0, 3);
  b.writeUInt16BE(f.redMax, 4);
  b.writeUInt16BE(f.greenMax, 6);
  b.writeUInt16BE(f.blueMax, 8);
  b.writeUInt8(f.redShift, 10);
  b.writeUInt8(f.greenShift, 11);
  b.writeUInt8(f.blueShift, 12);
  return b;
}

/** Reads a SetPixelFormat body (16 bytes); the reason when the simulator cannot serve it. */
export function readPixelFormat(b: Buffer): PixelFormat | string {
  const f: PixelFormat = {
    bitsPerPixel: b[0], depth: b[1], bigEndian: b[2] !== 0, trueColour: b[3] !== 0,
    redMax: b.readUInt16BE(4), greenMax: b.readUInt16BE(6), blueMax: b.readUInt16BE(8),
    redShift: b[10], greenShift: b[11], blueShift: b[12],
  };
  if (f.bitsPerPixel !== 8 && f.bitsPerPixel !== 16) return `${f.bitsPerPixel} bits per pixel (AMT offers 8 and 16)`;
  if (!f.trueColour) return 'a colour-map pixel format (AMT offers true colour only)';
  if (f.redMax === 0) return 'a pixel format with no red channel';
  return f;
}

/** The pixel value of each palette entry in this format. */
export function paletteValues(f: PixelFormat): number[] {
  const scale = (v: number, max: number) => Math.round((v * max) / 255);
  return PALETTE.map(([r, g, b]) => {
    if (f.greenMax === 0 && f.blueMax === 0) return scale(Math.round(0.299 * r + 0.587 * g + 0.114 * b), f.redMax) << f.redShift;
    return (scale(r, f.redMax) << f.redShift) | (scale(g, f.greenMax) << f.greenShift) | (scale(b, f.blueMax) << f.blueShift);
  });
}

function putPixel(out: Buffer, at: number, value: number, f: PixelFormat): number {
  if (f.bitsPerPixel === 8) {
    out[at] = value;
    return at + 1;
  }
  if (f.bigEndian) out.writeUInt16BE(value, at);
  else out.writeUInt16LE(value, at);
  return at + 2;
}

/** The palette indices of a rectangle, row by row. */
function indicesOf(pixels: Uint8Array, r: { x: number; y: number; w: number; h: number }): Uint8Array {
  const out = new Uint8Array(r.w * r.h);
  for (let y = 0; y < r.h; y++) out.set(pixels.subarray((r.y + y) * WIDTH + r.x, (r.y + y) * WIDTH + r.x + r.w), y * r.w);
  return out;
}

/** Raw (encoding 0) pixel data of a rectangle. */
export function encodeRaw(pixels: Uint8Array, r: { x: number; y: number; w: number; h: number }, f: PixelFormat): Buffer {
  const values = paletteValues(f);
  const idx = indicesOf(pixels, r);
  const out = Buffer.alloc(idx.length * (f.bitsPerPixel / 8));
  let at = 0;
  for (const i of idx) at = putPixel(out, at, values[i], f);
  return out;
}

/** One encoding-16 tile (subencoding byte and body), before the deflate wrapping. */
export function encodeTile(pixels: Uint8Array, r: { x: number; y: number; w: number; h: number }, f: PixelFormat): Buffer {
  const values = paletteValues(f);
  const idx = indicesOf(pixels, r);
  const used = [...new Set(idx)];
  const bpp = f.bitsPerPixel / 8;
  if (used.length === 1) {
    const out = Buffer.alloc(1 + bpp);
    out[0] = 1;
    putPixel(out, 1, values[used[0]], f);
    return out;
  }
  if (r.w % 8 !== 0) return Buffer.concat([Buffer.from([0]), encodeRaw(pixels, r, f)]);
  // Packed palette: 1 bit per index for 2 colours, 2 bits for 3–4, 4 bits for 5–16; MSB first, no row padding (widths are multiples of 8).
  const bits = used.length === 2 ? 1 : used.length <= 4 ? 2 : 4;
  const slot = new Map(used.map((p, n) => [p, n]));
  const head = Buffer.alloc(1 + used.length * bpp);
  head[0] = used.length;
  used.forEach((p, n) => putPixel(head, 1 + n * bpp, values[p], f));
  const packed = Buffer.alloc((idx.length * bits) / 8);
  for (let n = 0; n < idx.length; n++) {
    const bit = n * bits;
    packed[bit >> 3] |= slot.get(idx[n])! << (8 - bits - (bit & 7));
  }
  return Buffer.concat([head, packed]);
}

/** Encoding-16 rectangle data: u32 BE length, then the tile as one stored deflate block. */
export function encode16(pixels: Uint8Array, r: { x: number; y: number; w: number; h: number }, f: PixelFormat): Buffer {
  const tile = encodeTile(pixels, r, f);
  const head = Buffer.alloc(9);
  head.writeUInt32BE(tile.length + 5, 0);
  head[4] = 0; // BFINAL 0, BTYPE 00 (stored)
  head.writeUInt16LE(tile.length, 5);
  head.writeUInt16LE(~tile.length & 0xffff, 7);
  return Buffer.concat([head, tile]);
}
