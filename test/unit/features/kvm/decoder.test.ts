/**
 * The KVM pixel decoder on hand-built tiles (spec redirection.md §5.4–5.5): each encoding-16
 * subencoding, the stored-block quirk, a deflate stream that continues across rects, and the
 * 64×64 limit — compared with the colours a viewer must show.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { constants, createDeflateRaw } from 'node:zlib';
import { checkTile, decodeRaw, decodeTile, GREY8, RGB332, RGB565, TileInflater, toRgb } from '../../../../server/src/features/kvm/decoder';

const L = 'the test device';
const px16 = (...values: number[]) => Buffer.from(values.flatMap((v) => [v & 0xff, v >> 8]));

test('RGB565, RGB332 and grey pixels decode to full-range colours (full level → 255)', () => {
  assert.deepEqual(toRgb(RGB565, 0xf800), [255, 0, 0]);
  assert.deepEqual(toRgb(RGB565, 0x07e0), [0, 255, 0]);
  assert.deepEqual(toRgb(RGB565, 0x001f), [0, 0, 255]);
  assert.deepEqual(toRgb(RGB565, 0x8410), [132, 130, 132]); // levels 16/31, 32/63, 16/31
  assert.deepEqual(toRgb(RGB332, 0xe0), [255, 0, 0]);
  assert.deepEqual(toRgb(RGB332, 0x1c), [0, 255, 0]);
  assert.deepEqual(toRgb(RGB332, 0x02), [0, 0, 170]);
  assert.deepEqual(toRgb(GREY8, 0x80), [128, 128, 128]);
});

test('raw pixels are little-endian 16-bit values by default', () => {
  assert.deepEqual([...decodeRaw(RGB565, px16(0x1234, 0xf800), 2, 1, L)], [0x1234, 0xf800]);
  assert.throws(() => decodeRaw(RGB565, Buffer.from([1, 2, 3]), 2, 1, L), /shorter than its own header/);
});

test('subencodings 0 (raw) and 1 (solid) fill the tile', () => {
  assert.deepEqual([...decodeTile(RGB565, Buffer.concat([Buffer.from([0]), px16(1, 2, 3, 4)]), 2, 2, L)], [1, 2, 3, 4]);
  assert.deepEqual([...decodeTile(RGB565, Buffer.concat([Buffer.from([1]), px16(0xabcd)]), 3, 2, L)], Array(6).fill(0xabcd));
});

test('a palette tile packs its indices MSB first: 1 bit for 2 colours, 2 for 4, 4 for 16', () => {
  // 8×1, two colours, bits 10110000
  const two = Buffer.concat([Buffer.from([2]), px16(0x1111, 0x2222), Buffer.from([0b10110000])]);
  assert.deepEqual([...decodeTile(RGB565, two, 8, 1, L)], [0x2222, 0x1111, 0x2222, 0x2222, 0x1111, 0x1111, 0x1111, 0x1111]);
  // 4×1, four colours in 8-bit pixels, indices 3 2 1 0
  const four = Buffer.from([4, 10, 20, 30, 40, 0b11100100]);
  assert.deepEqual([...decodeTile(RGB332, four, 4, 1, L)], [40, 30, 20, 10]);
  // 2×2, five colours → 4 bits an index, rows not padded
  const five = Buffer.from([5, 1, 2, 3, 4, 5, 0x40, 0x21]);
  assert.deepEqual([...decodeTile(RGB332, five, 2, 2, L)], [5, 1, 3, 2]);
});

test('plain RLE (128): a pixel and a run of 1 + the length bytes, continued while a byte is 255', () => {
  const tile = Buffer.concat([Buffer.from([128]), px16(0x0f0f), Buffer.from([255, 1]), px16(0x00ff), Buffer.from([2])]);
  const out = [...decodeTile(RGB565, tile, 20, 13, L)];
  assert.equal(out.length, 260);
  assert.deepEqual(out.slice(0, 257), Array(257).fill(0x0f0f));
  assert.deepEqual(out.slice(257), [0x00ff, 0x00ff, 0x00ff]);
});

test('palette RLE (130+): an index with the high bit set is followed by a run length', () => {
  const tile = Buffer.from([130, 7, 9, 0x81, 2, 0x00, 0x01]);
  assert.deepEqual([...decodeTile(RGB332, tile, 5, 1, L)], [9, 9, 9, 7, 9]);
  assert.throws(() => decodeTile(RGB332, Buffer.from([17]), 1, 1, L), /subencoding 17/);
});

test('tiles larger than 64×64 are refused with a sentence', () => {
  checkTile(64, 64, L);
  assert.throws(() => checkTile(65, 1, L), (e: Error) => /65×1 KVM tile; AMT tiles are at most 64×64/.test(e.message));
  assert.throws(() => checkTile(1, 128, L), /at most 64×64/);
});

test('a stored deflate block whose length is L − 5 is taken as it is (the quirk); others go through one inflater', async () => {
  const tile = Buffer.concat([Buffer.from([1]), px16(0x1234)]);
  const stored = Buffer.concat([Buffer.from([0, tile.length, 0, ~tile.length & 0xff, 0xff]), tile]);
  assert.deepEqual(TileInflater.storedTile(stored), tile);
  assert.equal(TileInflater.storedTile(Buffer.concat([stored, Buffer.from([0])])), undefined);

  // A compressed stream that continues across tiles: the second tile refers back into the first.
  const deflater = createDeflateRaw();
  const parts: Buffer[] = [];
  deflater.on('data', (c: Buffer) => parts.push(c));
  const flushed = async (b: Buffer) => {
    parts.length = 0;
    deflater.write(b);
    await new Promise<void>((resolve) => deflater.flush(constants.Z_SYNC_FLUSH, () => resolve()));
    await new Promise((r) => setImmediate(r));
    return Buffer.concat(parts);
  };
  const t1 = Buffer.concat([Buffer.from([0]), px16(...Array.from({ length: 64 }, (_, i) => i * 7))]);
  const inflater = new TileInflater();
  const c1 = await flushed(t1);
  const c2 = await flushed(t1);
  assert.ok(c2.length < 20, `the repeat compresses to a back-reference (${c2.length} bytes)`);
  assert.deepEqual(await inflater.inflate(c1, L), t1);
  assert.deepEqual(await inflater.inflate(stored, L), tile); // skips the inflater
  assert.deepEqual(await inflater.inflate(c2, L), t1);
  await assert.rejects(new TileInflater().inflate(c2, L), /does not inflate/);
  inflater.close();
  deflater.close();
});
