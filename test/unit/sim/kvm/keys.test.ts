/** KVM key translation: X11 keysyms to the bytes the host console reads (as a SOL console sends them). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Keyboard } from '../../../../server/src/sim/kvm/keys';

function press(k: Keyboard, sym: number): string | undefined {
  const r = k.event(true, sym);
  k.event(false, sym);
  return r && 'bytes' in r ? r.bytes.toString('latin1') : r ? 'CAD' : undefined;
}

test('letters, digits, Enter, Backspace, Tab, Esc, arrows and F2/F10 give the console bytes', () => {
  const k = new Keyboard();
  assert.deepEqual(
    [0x61, 0x5a, 0x37, 0xff0d, 0xff08, 0xff09, 0xff1b, 0xff52, 0xff54, 0xff53, 0xff51, 0xffbf, 0xffc7].map((s) => press(k, s)),
    ['a', 'Z', '7', '\r', '\x7f', '\t', '\x1b', '\x1b[A', '\x1b[B', '\x1b[C', '\x1b[D', '\x1bOQ', '\x1b[21~'],
  );
});

test('Ctrl with a letter gives its control code; modifiers alone give nothing; Ctrl-Alt-Del is reported', () => {
  const k = new Keyboard();
  assert.equal(k.event(true, 0xffe3), undefined);
  assert.equal(press(k, 0x63), '\x03');
  assert.equal(press(k, 0x44), '\x04');
  assert.equal(k.event(true, 0xffe9), undefined);
  assert.equal(press(k, 0xffff), 'CAD');
  k.event(false, 0xffe9);
  k.event(false, 0xffe3);
  assert.equal(press(k, 0x63), 'c', 'Ctrl released');
  assert.equal(press(k, 0x17170056), undefined, 'Intel EU-102 keysym');
});
