/** The host's serial port and screen model (server/src/sim/host/serial.ts, screen.ts, console.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { POWER } from '../../../../server/src/sim/power-states';
import { TextScreen } from '../../../../server/src/sim/host/screen';
import { oneTimeBoot, withHost } from './helpers';

test('the screen model keeps the last 80x25 screen: CR/LF, backspace, clear, cursor position, scrolling', () => {
  const s = new TextScreen();
  s.write('hello\r\nworld\b\bLD\r\n');
  assert.equal(s.text(), 'hello\nworLD');
  s.write('\x1b[2J\x1b[3;5Hmid');
  assert.equal(s.lines()[2], `    mid${' '.repeat(73)}`);
  s.write('\x1b[');
  s.write('2J\x1b[Htop');
  assert.equal(s.text(), 'top');
  for (let i = 0; i < 30; i++) s.write(`line ${i}\r\n`);
  assert.equal(s.lines()[0].trimEnd(), 'line 6');
  assert.equal(s.lines()[23].trimEnd(), 'line 29');
});

test('what the OS prints lands on the screen; the login prompt is there after a boot', () =>
  withHost(async (d, c) => {
    oneTimeBoot(d, {});
    await c.expect('hosttest login: ');
    assert.match(d.host.serial.screen.text(), /SimOS 1\.0 \(AMT Workbench simulator\) hosttest ttyS1\n\nhosttest login:$/);
    assert.ok(c.output.includes('\r\n') && !/[^\r]\n/.test(c.output), 'every line ends in \\r\\n');
  }));

test('POST without UseSOL reaches the screen (the KVM view) but not the serial port', () =>
  withHost(async (d, c) => {
    const screens: string[] = [];
    d.host.serial.on('screen', () => screens.push(d.host.serial.screen.text()));
    oneTimeBoot(d, { BIOSPause: true });
    await c.expect('Press any key to continue...');
    assert.match(d.host.serial.screen.text(), /Memory Test/);
    assert.ok(screens.some((t) => /Memory Test/.test(t) && !/Press any key/.test(t)), 'a screen event followed the POST line');
    assert.ok(!c.output.includes('Memory Test'));
    c.type('\r');
    await c.expect('login: ');
  }));

test('a power cycle reports the serial port off then on; a reset keeps it on', () =>
  withHost(async (d, c) => {
    const power: boolean[] = [];
    d.host.serial.on('power', (p: boolean) => power.push(p));
    assert.equal(d.requestPowerStateChange(POWER.PowerCycleOffSoft), 0);
    assert.deepEqual(power, [false, true]);
    await c.expect('login: ');
    assert.equal(d.requestPowerStateChange(POWER.MasterBusReset), 0);
    assert.deepEqual(power, [false, true]);
    await c.expect('login: ');
    assert.equal(d.host.serial.powered, true);
  }));

test('F2 typed during POST opens BIOS setup', () =>
  withHost({ hostLineDelayMs: 5 }, async (d, c) => {
    oneTimeBoot(d, { UseSOL: true });
    await c.expect('Memory Test');
    c.type('\x1b[12~');
    await c.expect('Esc: Exit  F10: Save & Exit');
    c.type('\x1b');
    await c.expect('login: ');
    assert.deepEqual(d.host.lastBoot?.path?.slice(0, 3), ['post:sol', 'bios-setup', 'setup:exit']);
  }));

test('a reboot while the BIOS waits for a key starts the new boot cleanly (the old one prints no more)', () =>
  withHost(async (d, c) => {
    oneTimeBoot(d, { BIOSSetup: true });
    await c.expect('F10: Save & Exit');
    assert.equal(d.requestPowerStateChange(POWER.MasterBusReset), 0);
    await c.expect('login: ');
    c.type('\x1b[21~');
    c.type('\r');
    await c.expect('login: ');
    assert.ok(!c.output.includes('Saving changes'), 'the abandoned setup screen never answered');
  }));
