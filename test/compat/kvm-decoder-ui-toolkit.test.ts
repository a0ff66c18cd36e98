/**
 * Compatibility: the product's encoding-16 tile decoder (features/kvm/decoder.ts) and ui-toolkit's
 * RLEDecoder (the decoder Intel's browser consoles use) read the same hand-built tiles — raw,
 * solid, palettes of 2, 4 and 16 colours, plain RLE and palette RLE, in 16-bit RGB565 and 8-bit
 * RGB332 — to the same colour levels in every pixel.
 *
 * Needs the devDependency @device-management-toolkit/ui-toolkit; without it the test is skipped
 * with that sentence. Its bundle expects a browser: `self`, and a parent "desktop" with an
 * ImageData-like `spare` that setPixel fills (solid tiles go through fillRect and fillStyle).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadCore } from './ui-toolkit';
import { decodeTile, RGB332, RGB565, toRgb, type PixelFormat } from '../../server/src/features/kvm/decoder';


const core = loadCore();

/** ui-toolkit's colour levels for a w×h tile: per pixel [r, g, b] as the level AMT sent. */
function uitLevels(tile: Buffer, w: number, h: number, bpp: 1 | 2): number[][] {
  const spare = { width: w, height: h, data: new Uint8ClampedArray(w * h * 4) };
  let solid: number[] | undefined;
  const ctx = {
    fillStyle: '',
    putImageData() {},
    fillRect() {
      solid = ctx.fillStyle.replace(/^rgb\(|\)$/g, '').split(',').map((v) => Number(v.trim()));
    },
  };
  const parent = { bpp, rotation: 0, holding: false, sparew: w, spareh: h, sparew2: w, spareh2: h, spare, canvasCtx: ctx };
  new core!.RLEDecoder(parent).Decode(tile.toString('latin1'), 0, 0, 0, w, h, w * h, tile.length);
  const shifts = bpp === 2 ? [3, 2, 3] : [5, 5, 6];
  return Array.from({ length: w * h }, (_, i) => [0, 1, 2].map((c) => (solid ? solid[c]! : spare.data[i * 4 + c]!) >> shifts[c]!));
}

function ourLevels(f: PixelFormat, tile: Buffer, w: number, h: number): number[][] {
  const max = [f.redMax, f.greenMax, f.blueMax];
  return [...decodeTile(f, tile, w, h, 'the test tile')].map((v) => toRgb(f, v).map((c, i) => Math.round((c * max[i]!) / 255)));
}

const px = (bpp: 1 | 2, values: number[]) => Buffer.from(bpp === 2 ? values.flatMap((v) => [v & 0xff, v >> 8]) : values);

function tiles(bpp: 1 | 2): [string, Buffer, number, number][] {
  const colours = bpp === 2 ? [0xf800, 0x07e0, 0x001f, 0xffff, 0x8410, 0x1234, 0xabcd, 0x0001, 0x7bef, 0xf81f, 0x07ff, 0xffe0, 0x4208, 0x2104, 0xc618, 0x5555] : [0xe0, 0x1c, 0x03, 0xff, 0x92, 0x49, 0x24, 0x6d, 0xb6, 0xdb, 0x01, 0x80, 0x40, 0x20, 0x10, 0x08];
  const random = (n: number, seed: number) => Array.from({ length: n }, (_, i) => (i * 2654435761 + seed) >>> 0);
  return [
    ['raw', Buffer.concat([Buffer.from([0]), px(bpp, random(64, 7).map((r) => colours[r % 16]!))]), 8, 8],
    ['solid', Buffer.concat([Buffer.from([1]), px(bpp, [colours[5]!])]), 16, 4],
    ['palette of 2', Buffer.concat([Buffer.from([2]), px(bpp, colours.slice(0, 2)), Buffer.from(random(8, 3).map((r) => r & 0xff))]), 16, 4],
    ['palette of 4', Buffer.concat([Buffer.from([4]), px(bpp, colours.slice(0, 4)), Buffer.from(random(16, 5).map((r) => r & 0xff))]), 16, 4],
    ['palette of 16', Buffer.concat([Buffer.from([16]), px(bpp, colours), Buffer.from(random(32, 9).map((r) => r & 0xff))]), 16, 4],
    ['plain RLE', Buffer.concat([Buffer.from([128]), px(bpp, [colours[0]!]), Buffer.from([9]), px(bpp, [colours[3]!]), Buffer.from([255, 30]), px(bpp, [colours[6]!]), Buffer.from([0])]), 32, 9],
    ['palette RLE', Buffer.concat([Buffer.from([131]), px(bpp, colours.slice(4, 7)), Buffer.from([0x82, 20, 1, 0x80, 5, 2, 0x81, 0])]), 10, 3],
  ];
}

test('the product decoder and ui-toolkit RLEDecoder agree on every encoding-16 subencoding (RGB565 and RGB332)', { skip: core ? false : 'the devDependency @device-management-toolkit/ui-toolkit is not installed (npm install adds it)' }, () => {
  for (const [bpp, format] of [[2, RGB565], [1, RGB332]] as const) {
    for (const [name, tile, w, h] of tiles(bpp)) {
      assert.deepEqual(ourLevels(format, tile, w, h), uitLevels(tile, w, h, bpp), `${name}, ${bpp * 8}-bit`);
    }
  }
});
