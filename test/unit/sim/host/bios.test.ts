/** The simulated BIOS (server/src/sim/host/bios.ts): POST with UseSOL, BIOSPause, setup, boot-device fallbacks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oneTimeBoot, withHost } from './helpers';

test('POST text reaches the serial port only when the boot asked for console redirection (UseSOL)', () =>
  withHost(async (d, c) => {
    oneTimeBoot(d, {});
    await c.expect('hosttest login: ');
    assert.ok(!c.output.includes('Memory Test'), 'no POST text without UseSOL');
    assert.match(c.output, /Booting from Hard Drive\.\.\./);
    assert.match(d.host.serial.screen.text() + c.output, /ttyS1/);
    oneTimeBoot(d, { UseSOL: true });
    const post = await c.expect('hosttest login: ');
    assert.match(post, /Simulated Systems Inc\. BIOS SIMQ670\.0112\.2024\.0318\.1405/);
    assert.match(post, /Memory Test: \d+K OK/);
    assert.match(post, /Press F2 for Setup/);
    assert.match(post, /Intel\(R\) AMT 16\.1\.25/);
    assert.deepEqual(d.host.lastBoot?.path, ['post:sol', 'hard-drive', 'os']);
  }));

test('BIOSPause waits for a key before booting', () =>
  withHost(async (d, c) => {
    oneTimeBoot(d, { BIOSPause: true });
    await c.expect('Press any key to continue...');
    await new Promise((r) => setTimeout(r, 20));
    assert.ok(!c.rest.includes('Booting from'), 'nothing boots before the key');
    c.type(' ');
    await c.expect('Booting from Hard Drive...');
    await c.expect('login: ');
    assert.deepEqual(d.host.lastBoot?.path, ['post', 'bios-pause', 'hard-drive', 'os']);
  }));

test('BIOS setup shows its screen on the serial port and leaves on Esc; F10 saves and exits', () =>
  withHost(async (d, c) => {
    oneTimeBoot(d, { BIOSSetup: true });
    const screen = await c.expect('Esc: Exit  F10: Save & Exit');
    assert.match(screen, /BIOS Setup Utility/);
    assert.match(screen, /Boot Order/);
    assert.match(screen, /Intel\(R\) AMT {11}16\.1\.25/);
    c.type('x');
    await new Promise((r) => setTimeout(r, 20));
    assert.ok(!c.rest.includes('Exiting'), 'other keys leave setup open');
    c.type('\x1b');
    await c.expect('Exiting BIOS setup without saving.');
    await c.expect('login: ');
    assert.equal(d.host.lastBoot?.medium, 'bios-setup');
    assert.deepEqual(d.host.lastBoot?.path, ['post', 'bios-setup', 'setup:exit', 'hard-drive', 'os']);
    oneTimeBoot(d, { BIOSSetup: true });
    await c.expect('F10: Save & Exit');
    c.type('\x1b[21~');
    await c.expect('Saving changes and exiting BIOS setup.');
    await c.expect('login: ');
  }));

test('PXE finds no DHCP offer and CD/DVD no disc; both fall back to the hard drive', () =>
  withHost(async (d, c) => {
    oneTimeBoot(d, {}, 'Intel(r) AMT: Force PXE Boot');
    assert.equal(d.host.lastBoot?.medium, 'pxe');
    await c.expect('PXE-E51: No DHCP or proxy DHCP offers were received.');
    await c.expect('Booting from Hard Drive...');
    await c.expect('login: ');
    oneTimeBoot(d, {}, 'Intel(r) AMT: Force CD/DVD Boot');
    await c.expect('No bootable CD/DVD in the drive');
    await c.expect('Booting from Hard Drive...');
    await c.expect('login: ');
    assert.deepEqual(d.host.lastBoot?.path, ['post', 'cd-dvd:empty', 'hard-drive', 'os']);
  }));

test('One Click Recovery HTTPS boot names the URL from UefiBootParametersArray, then boots the disk', () =>
  withHost(async (d, c) => {
    const url = Buffer.from('https://recovery.example/boot.efi');
    const tlv = Buffer.alloc(8 + url.length);
    tlv.writeUInt16LE(0x8086, 0);
    tlv.writeUInt16LE(1, 2);
    tlv.writeUInt32LE(url.length, 4);
    url.copy(tlv, 8);
    oneTimeBoot(d, { UefiBootParametersArray: tlv.toString('base64'), UefiBootNumberOfParams: 1 }, 'Intel(r) AMT: Force OCR UEFI HTTPS Boot');
    assert.equal(d.host.lastBoot?.medium, 'uefi-https');
    await c.expect('One Click Recovery: UEFI HTTPS boot from https://recovery.example/boot.efi');
    await c.expect('login: ');
  }));

test('IDE-R boot without an IDE-R session says so and boots the disk', () =>
  withHost(async (d, c) => {
    oneTimeBoot(d, { UseIDER: true, IDERBootDevice: 1 });
    await c.expect('IDE-R: no redirected media (no console has an IDE-R session open)');
    await c.expect('login: ');
    assert.deepEqual(d.host.lastBoot?.path, ['post', 'ider-cd:no-session', 'hard-drive', 'os']);
  }));

test('a boot step another firmware piece adds runs after POST, before the boot device; a failing one is a line; removed, it stops', () =>
  withHost(async (d, c) => {
    const remove = d.host.addBootStep(async ({ record, line }) => {
      if (record.options.PlatformErase === true) await line('Remote Platform Erase: erasing the SSD');
    });
    const removeFailing = d.host.addBootStep(() => {
      throw new Error('no TPM to clear');
    });
    oneTimeBoot(d, { PlatformErase: true }, 'Intel(r) AMT: Force PXE Boot');
    await c.expect('Remote Platform Erase: erasing the SSD');
    await c.expect('host: a boot step failed: no TPM to clear');
    await c.expect('PXE-E51');
    await c.expect('login: ');
    remove();
    removeFailing();
    oneTimeBoot(d, { PlatformErase: true });
    await c.expect('login: ');
    assert.equal(c.output.split('Remote Platform Erase').length, 2, 'the removed step ran once');
  }));

function tlv(type: number, value: Buffer): Buffer {
  const b = Buffer.alloc(8 + value.length);
  b.writeUInt16LE(0x8086, 0);
  b.writeUInt16LE(type, 2);
  b.writeUInt32LE(value.length, 4);
  value.copy(b, 8);
  return b;
}

test('what the firmware prints at the boot (Remote Platform Erase) stays above POST; the OCR line names the URL', () =>
  withHost(async (d, c) => {
    const settings = d.singleton('AMT_BootSettingData');
    const mask = Buffer.alloc(4);
    mask.writeUInt32LE((1 << 2) | (1 << 6));
    settings.UefiBootParametersArray = tlv(1, mask).toString('base64');
    settings.PlatformErase = true;
    d.notePut('AMT_BootSettingData', settings, ['UefiBootParametersArray', 'PlatformErase']);
    oneTimeBoot(d, { UseSOL: true });
    await c.expect('Remote Platform Erase: ended successfully');
    await c.expect('Press F2 for Setup');
    assert.match(d.host.serial.screen.text(), /Remote Platform Erase: beginning platform erase[\s\S]*Press F2 for Setup/);
    await c.expect('login: ');
    settings.UefiBootParametersArray = tlv(1, Buffer.from('https://ocr.example/winpe.efi')).toString('base64');
    d.notePut('AMT_BootSettingData', settings, ['UefiBootParametersArray']);
    oneTimeBoot(d, { UseSOL: true }, 'Intel(r) AMT: Force OCR UEFI HTTPS Boot');
    const ocr = await c.expect('One Click Recovery: UEFI HTTPS boot from https://ocr.example/winpe.efi');
    assert.match(ocr, /Press F2 for Setup/);
    await c.expect('login: ');
  }));
