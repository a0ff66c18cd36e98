/**
 * The RFB client against a hand-built AMT-like server on 127.0.0.1: the handshake bytes it sends,
 * a full frame from raw and encoding-16 tiles (compressed, stored-block quirk, DesktopSize), the
 * §5.8 refusals, and key events.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';
import { test } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import { encodePixelFormat, RGB565 } from '../../../../server/src/features/kvm/decoder';
import { ctrlAltDel, textToKeystrokes } from '../../../../server/src/features/kvm/keysyms';
import { RfbClient } from '../../../../server/src/features/kvm/rfb';

const L = 'the test device';

function serverInit(w: number, h: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt16BE(w, 0);
  b.writeUInt16BE(h, 2);
  const name = Buffer.from('AMT');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(name.length);
  return Buffer.concat([Buffer.from('RFB 003.008\n'), Buffer.from([1, 1]), Buffer.alloc(4), b, encodePixelFormat(RGB565), len, name]);
}

function rect(x: number, y: number, w: number, h: number, encoding: number, body: Buffer): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(x, 0); b.writeUInt16BE(y, 2); b.writeUInt16BE(w, 4); b.writeUInt16BE(h, 6); b.writeInt32BE(encoding, 8);
  return Buffer.concat([b, body]);
}

function update(...rects: Buffer[]): Buffer {
  const b = Buffer.from([0, 0, 0, 0]);
  b.writeUInt16BE(rects.length, 2);
  return Buffer.concat([b, ...rects]);
}

const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
const px16 = (...values: number[]) => Buffer.from(values.flatMap((v) => [v & 0xff, v >> 8]));
const storedTile = (tile: Buffer) => { const s = Buffer.concat([Buffer.from([0, tile.length & 0xff, tile.length >> 8, ~tile.length & 0xff, (~tile.length >> 8) & 0xff]), tile]); return Buffer.concat([u32(s.length), s]); };

/** A server that sends `script` at once and records what the client wrote. */
async function withServer(script: Buffer, closeAfter: boolean, fn: (socket: Socket, received: () => Buffer) => Promise<void>): Promise<void> {
  const got: Buffer[] = [];
  const server = createServer((s) => {
    s.on('data', (c) => got.push(c));
    s.on('error', () => undefined);
    if (closeAfter) s.end(script);
    else s.write(script);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const socket = createConnection((server.address() as AddressInfo).port, '127.0.0.1');
  await once(socket, 'connect');
  try {
    await fn(socket, () => Buffer.concat(got));
  } finally {
    socket.destroy();
    server.close();
  }
}

test('handshake answers RFB 3.8 with security None and a shared ClientInit, then asks for [16, 0, 1092, -223]', async () => {
  await withServer(serverInit(128, 64), false, async (socket, received) => {
    const rfb = await RfbClient.handshake(socket, L);
    assert.equal(rfb.width, 128);
    assert.equal(rfb.height, 64);
    assert.equal(rfb.name, 'AMT');
    rfb.keys(ctrlAltDel());
    rfb.pointer(1, 300, 200);
    await rfb.close();
    const sent = received();
    assert.equal(sent.subarray(0, 14).toString('latin1'), 'RFB 003.008\n\x01\x01');
    assert.equal(sent.subarray(14, 18 + 16).toString('hex'), '02000004' + '00000010' + '00000000' + '00000444' + 'ffffff21');
    const keys = sent.subarray(34, 34 + 6 * 8);
    assert.equal(sent.subarray(34 + 6 * 8).toString('hex'), '0501012c00c8'); // PointerEvent: left button at 300, 200
    assert.deepEqual([0, 1, 2, 3, 4, 5].map((i) => [keys[i * 8 + 1], keys.readUInt32BE(i * 8 + 4)]),
      [[1, 0xffe3], [1, 0xffe9], [1, 0xffff], [0, 0xffff], [0, 0xffe9], [0, 0xffe3]]);
  });
});

test('a full frame from raw, compressed RLE, stored-block and palette tiles lands in the RGBA framebuffer', async () => {
  // 128×64: the left 64×64 is one raw red tile; the right half is two encoding-16 tiles.
  const red = 0xf800, green = 0x07e0, blue = 0x001f;
  const raw = rect(0, 0, 64, 64, 0, px16(...Array(64 * 64).fill(red)));
  const solidGreen = deflateRawSync(Buffer.concat([Buffer.from([1]), px16(green)]), { finishFlush: 2 /* Z_SYNC_FLUSH */ });
  const rle = rect(64, 0, 64, 32, 16, Buffer.concat([u32(solidGreen.length), solidGreen]));
  // bottom half of the right tile: palette of two (green, blue), columns alternate → 0b01010101 per byte
  const palette = Buffer.concat([Buffer.from([2]), px16(green, blue), Buffer.alloc(64 * 32 / 8, 0b01010101)]);
  const stored = rect(64, 32, 64, 32, 16, storedTile(palette));
  await withServer(Buffer.concat([serverInit(128, 64), update(raw, rle, stored)]), false, async (socket, received) => {
    const rfb = await RfbClient.handshake(socket, L);
    const fb = await rfb.fullFrame();
    const at = (x: number, y: number) => [...fb.rgba.subarray((y * 128 + x) * 4, (y * 128 + x) * 4 + 4)];
    assert.deepEqual(at(0, 0), [255, 0, 0, 255]);
    assert.deepEqual(at(63, 63), [255, 0, 0, 255]);
    assert.deepEqual(at(64, 0), [0, 255, 0, 255]);
    assert.deepEqual(at(127, 31), [0, 255, 0, 255]);
    assert.deepEqual(at(64, 32), [0, 255, 0, 255]);
    assert.deepEqual(at(65, 32), [0, 0, 255, 255]);
    // the request was a non-incremental one for the whole screen
    const req = received().subarray(34, 44);
    assert.equal(req.toString('hex'), '03000000000000800040');
    await rfb.close();
  });
});

test('DesktopSize resizes the framebuffer and the frame is the new size', async () => {
  const resize = update(rect(0, 0, 64, 32, -223, Buffer.alloc(0)));
  const solid = update(rect(0, 0, 64, 32, 16, storedTile(Buffer.concat([Buffer.from([1]), px16(0xffff)]))));
  await withServer(Buffer.concat([serverInit(800, 600), resize, solid]), false, async (socket) => {
    const rfb = await RfbClient.handshake(socket, L);
    const sizes: number[][] = [];
    rfb.on('resize', (w: number, h: number) => sizes.push([w, h]));
    const fb = await rfb.fullFrame();
    assert.deepEqual(sizes, [[64, 32]]);
    assert.equal(fb.rgba.length, 64 * 32 * 4);
    assert.deepEqual([...fb.rgba.subarray(0, 4)], [255, 255, 255, 255]);
    await rfb.close();
  });
});

test('a tile wider than 64 ends the session with a sentence', async () => {
  await withServer(Buffer.concat([serverInit(128, 64), update(rect(0, 0, 128, 1, 0, Buffer.alloc(256)))]), false, async (socket) => {
    const rfb = await RfbClient.handshake(socket, L);
    await assert.rejects(rfb.fullFrame(), /a 128×1 KVM tile; AMT tiles are at most 64×64/);
    await rfb.close();
  });
});

test('AMT closing right after ClientInit is reported as unable to capture the display (§5.8)', async () => {
  await withServer(Buffer.concat([Buffer.from('RFB 003.008\n'), Buffer.from([1, 1]), Buffer.alloc(4)]), true, async (socket) => {
    await assert.rejects(RfbClient.handshake(socket, L), (e: Error & { code?: string }) => e.code === 'kvm.capture' && /could not capture the host's display/.test(e.message));
  });
});

test('a display larger than the AMT KVM buffer is refused with the fix (§5.8)', async () => {
  await withServer(serverInit(3840, 2400), false, async (socket) => {
    await assert.rejects(RfbClient.handshake(socket, L), (e: Error & { code?: string }) => e.code === 'kvm.too-large' && /3840×2400 at 16 bits.*--format rgb332/.test(e.message));
  });
});

test('8-bit colour sends SetPixelFormat RGB332 (MeshCommander bytes) and raw-only leaves out 16', async () => {
  await withServer(serverInit(64, 64), false, async (socket, received) => {
    const rfb = await RfbClient.handshake(socket, L, undefined, { format: 'rgb332', rle: false });
    rfb.keys(textToKeystrokes('a'));
    await rfb.close();
    const sent = received().subarray(14);
    assert.equal(sent.subarray(0, 20).toString('hex'), '00000000' + '08080001000700070003050200000000');
    assert.equal(sent.subarray(20, 32).toString('hex'), '02000002' + '00000000' + 'ffffff21');
  });
});
