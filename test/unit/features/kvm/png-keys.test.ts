/**
 * Screenshots and typing: the PNG encoder (decoded back with node:zlib and compared pixel for
 * pixel) and text → keysyms (ASCII as itself, Enter, BackSpace, Tab, Esc; a sentence for others).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodePng, encodePng } from '../../../../server/src/features/kvm/png';
import { ctrlAltDel, keysymOf, textToKeystrokes } from '../../../../server/src/features/kvm/keysyms';

test('a PNG of an RGBA framebuffer decodes back to the same pixels', () => {
  const w = 37, h = 11;
  const rgba = Buffer.alloc(w * h * 4);
  for (let i = 0; i < w * h; i++) rgba.set([i & 0xff, (i * 3) & 0xff, (i * 7) & 0xff, 255], i * 4);
  const png = encodePng(w, h, rgba);
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  const back = decodePng(png);
  assert.equal(back.width, w);
  assert.equal(back.height, h);
  assert.ok(back.rgba.equals(rgba));
  const broken = Buffer.from(png);
  broken[20] ^= 0xff; // inside IHDR
  assert.throws(() => decodePng(broken), /IHDR chunk fails its CRC/);
});

test('text becomes keysym presses and releases: ASCII, Enter, BackSpace, Tab, Esc', () => {
  assert.deepEqual(textToKeystrokes('aZ'), [{ keysym: 0x61, down: true }, { keysym: 0x61, down: false }, { keysym: 0x5a, down: true }, { keysym: 0x5a, down: false }]);
  assert.deepEqual(textToKeystrokes('x\r\n\t\b\x1b').filter((k) => k.down).map((k) => k.keysym), [0x78, 0xff0d, 0xff09, 0xff08, 0xff1b]);
  assert.equal(keysymOf('é'), 0xe9);
  assert.throws(() => keysymOf('€'), /"€" \(U\+20AC\), which has no key in AMT's KVM keyboard/);
  assert.throws(() => textToKeystrokes('a\x01'), /control character 0x01/);
  assert.deepEqual(ctrlAltDel().map((k) => `${k.down ? 'd' : 'u'}${k.keysym.toString(16)}`), ['dffe3', 'dffe9', 'dffff', 'uffff', 'uffe9', 'uffe3']);
});
