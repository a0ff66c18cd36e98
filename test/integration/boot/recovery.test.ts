/**
 * One Click Recovery HTTPS boot and Remote Platform Erase against the simulator over real sockets:
 * AMT 16 boots from the URL at the next boot, AMT 12 is refused before anything is written, the
 * simulated firmware checks the TLVs, and an erase needs the device's name typed.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { BootError, httpsBoot, platformErase } from '../../../server/src/features/boot';
import { bootParameters } from '../../../server/src/sim/classes/boot-parameters';
import { bench, type Bench } from './helpers';
import { ConsoleReader } from '../../unit/sim/host/helpers';

const URL_ = 'https://boot.example.test/recovery.iso';
const SECRET = 'Web#Secret1';

describe('HTTPS boot (One Click Recovery)', () => {
  const benches: Bench[] = [];
  after(() => Promise.all(benches.map((b) => b.close())));
  const make = async (opts = {}) => {
    const b = await bench({ hostLineDelayMs: 0, ...opts });
    benches.push(b);
    return b;
  };

  test('AMT 16: the sequence forces the OCR HTTPS source, and the next boot downloads the URL', async () => {
    const b = await make();
    const r = await httpsBoot(b.client, { url: URL_, username: 'web', password: SECRET });
    assert.deepEqual(b.writes().map((a) => a.replace(/^.*\//, '')), ['ChangeBootOrder', 'Put', 'SetBootConfigRole', 'ChangeBootOrder', 'RequestPowerStateChange']);
    assert.match(r.message, /^Next boot: once from https:\/\/boot\.example\.test\/recovery\.iso over HTTPS \(One Click Recovery\)\. The host was reset into it\.$/);
    const boot = b.sim.device.host.lastBoot!;
    assert.equal(boot.medium, 'uefi-https');
    assert.equal(boot.forcedSource, 'Intel(r) AMT: Force OCR UEFI HTTPS Boot');
    assert.deepEqual(bootParameters(b.sim.device).lastHttpsBoot && { ...bootParameters(b.sim.device).lastHttpsBoot, at: 0 }, { at: 0, url: URL_, verify: true, user: 'web' });
    assert.ok(b.trace.length > 0);
    assert.ok(!b.trace.some((t) => t.includes(SECRET) || t.includes(Buffer.from(SECRET).toString('base64'))), 'the password is in no trace');
    assert.ok(b.trace.some((t) => t.includes('<h:UefiBootParametersArray>[redacted]</h:UefiBootParametersArray>') || /UefiBootParametersArray>\[redacted\]/.test(t)));
  });

  test('until the boot the array reads back with the URL and user but without the password TLV', async () => {
    const b = await make();
    await httpsBoot(b.client, { url: URL_, username: 'web', password: SECRET, power: 'none' });
    const read = (await b.client.get('AMT_BootSettingData')).properties.UefiBootParametersArray;
    const bytes = Buffer.from(String(read), 'base64');
    assert.ok(bytes.includes(Buffer.from(URL_)) && bytes.includes(Buffer.from('web')));
    assert.ok(!bytes.includes(Buffer.from(SECRET)), 'the password is write-only');
    const screen = new ConsoleReader(b.sim.device);
    b.sim.device.requestPowerStateChange(10);
    assert.equal(b.sim.device.host.lastBoot?.medium, 'uefi-https');
    assert.equal(bootParameters(b.sim.device).lastHttpsBoot?.url, URL_);
    await screen.expect(`One Click Recovery: UEFI HTTPS boot from ${URL_}`); // the host read the URL from the array
  });

  test('AMT 12 is refused before any write: the firmware is too old', async () => {
    const b = await make({ amt: 12 });
    await assert.rejects(httpsBoot(b.client, { url: URL_ }), (e: unknown) =>
      e instanceof BootError && e.code === 'boot.unsupported' && /needs AMT 16 or later, and this device runs AMT 12\.0, so nothing was sent/.test(e.message));
    assert.deepEqual(b.writes(), []);
  });

  test('a BIOS with HTTPS boot switched off, or a plain http URL, is refused before any write', async () => {
    const b = await make();
    b.sim.device.singleton('AMT_BootSettingData').UEFIHTTPSBootEnabled = false;
    await assert.rejects(httpsBoot(b.client, { url: URL_ }), /BIOS has UEFI HTTPS boot switched off/);
    const before = b.actions.length;
    await assert.rejects(httpsBoot(b.client, { url: 'http://boot.example.test/x.iso' }), /only from https:\/\//);
    assert.equal(b.actions.length, before, 'a bad URL sends nothing at all');
    assert.deepEqual(b.writes(), []);
  });

  test('OCR switched off in CIM_BootService is switched on first, keeping the RPE bit', async () => {
    const b = await make();
    b.sim.device.singleton('CIM_BootService').EnabledState = 32770; // RPE on, OCR off
    const r = await httpsBoot(b.client, { url: URL_, power: 'none' });
    assert.ok(r.steps.some((s) => s.step === 'CIM_BootService.RequestStateChange 32771 (One Click Recovery on)' && s.ok));
    assert.equal(b.sim.device.singleton('CIM_BootService').EnabledState, 32771);
  });

  test('the simulated firmware refuses TLVs that are not Intel\'s or not https', async () => {
    const b = await make();
    const bad = (bytes: Buffer) => b.client.put('AMT_BootSettingData', { ...props(b), UefiBootParametersArray: bytes.toString('base64'), UefiBootNumberOfParams: 1 });
    const tlv = (vendor: number, type: number, value: Buffer) => {
      const h = Buffer.alloc(8);
      h.writeUInt16LE(vendor, 0); h.writeUInt16LE(type, 2); h.writeUInt32LE(value.length, 4);
      return Buffer.concat([h, value]);
    };
    const whys: string[] = [];
    b.sim.device.on('fault', (f: { why: string }) => whys.push(f.why));
    for (const bytes of [tlv(0x1234, 1, Buffer.from('https://a/b')), tlv(0x8086, 1, Buffer.from('http://a/b')), tlv(0x8086, 99, Buffer.from('x')), tlv(0x8086, 1, Buffer.from('https://a/b')).subarray(0, 10)]) {
      await assert.rejects(bad(bytes), (e: unknown) => e instanceof Error && /InvalidRepresentation/.test(String((e as { subcode?: string }).subcode)));
    }
    assert.equal(whys.length, 4);
    assert.match(whys.join('\n'), /vendor 0x1234[\s\S]*not an https:\/\/ address[\s\S]*unknown TLV type 99[\s\S]*past the end|truncated/);
  });
});

function props(b: Bench): Record<string, string | boolean | number> {
  const s = b.sim.device.singleton('AMT_BootSettingData');
  const ro = ['BIOSLastStatus', 'BootguardStatus', 'OptionsCleared', 'RPEEnabled', 'SecureBootControlEnabled', 'UEFIHTTPSBootEnabled', 'UEFILocalPBABootEnabled', 'WinREBootEnabled', 'RSEPassword'];
  return Object.fromEntries(Object.entries(s).filter(([k]) => !ro.includes(k))) as Record<string, string | boolean | number>;
}

describe('Remote Platform Erase', () => {
  const benches: Bench[] = [];
  after(() => Promise.all(benches.map((b) => b.close())));

  test('a wrong or missing name is refused before anything is written', async () => {
    const b = await bench();
    benches.push(b);
    await assert.rejects(platformErase(b.client, { confirmation: 'some-other-box' }), (e: unknown) =>
      e instanceof BootError && e.code === 'boot.confirmation' && new RegExp(`"some-other-box" is not this device's name; type ${b.sim.device.identity.hostName} exactly`).test(e.message));
    await assert.rejects(platformErase(b.client, { confirmation: '  ' }), /No confirmation was typed/);
    assert.deepEqual(b.writes(), []);
  });

  test('the device name confirms; RPE is switched on, the host is power-cycled and erases at that boot', async () => {
    const b = await bench();
    benches.push(b);
    let shown = '';
    b.sim.device.host.serial.on('output', (d: Buffer) => (shown += d.toString('latin1')));
    const r = await platformErase(b.client, { confirmation: b.sim.device.identity.hostName.toUpperCase() });
    const steps = r.steps.filter((s) => !s.step.startsWith('Get ') && !s.step.startsWith('Enumerate ') && s.step !== 'Identify').map((s) => s.step);
    assert.deepEqual(steps, [
      'CIM_BootService.RequestStateChange 32771 (Remote Platform Erase on)',
      'ChangeBootOrder (clear the forced device)',
      'Put AMT_BootSettingData',
      'SetBootConfigRole 1 (next boot only)',
      'RequestPowerStateChange 5 (cycle)',
    ]);
    assert.equal(r.message, 'Next boot: Remote Platform Erase (secure erase of all SSDs, TPM clear, clear BIOS NVM variables). The host was power-cycled into it.');
    assert.equal(b.sim.device.host.lastBoot?.reason, 'Power Cycle');
    assert.deepEqual(bootParameters(b.sim.device).erases.map((e) => e.actions), [['secure erase of all SSDs', 'TPM clear', 'clear BIOS NVM variables']]);
    assert.equal(b.sim.device.singleton('AMT_BootSettingData').PlatformErase, false, 'the boot consumed the erase');
    assert.match(shown, /Remote Platform Erase: beginning platform erase\r\nRemote Platform Erase: secure erase of all SSDs \.\.\. done\r\n[\s\S]*Remote Platform Erase: ended successfully/, 'the host console shows the progress');
  });

  test('a caller-known name confirms too; an action the device lacks is refused before any write', async () => {
    const b = await bench();
    benches.push(b);
    await assert.rejects(platformErase(b.client, { confirmation: 'lab-7', knownNames: ['lab-7'], actions: ['oem'] }), /does not offer the OEM custom action \(bit 16/);
    b.sim.device.singleton('AMT_BootSettingData').RPEEnabled = false;
    await assert.rejects(platformErase(b.client, { confirmation: 'lab-7', knownNames: ['lab-7'] }), /BIOS has Remote Platform Erase switched off/);
    assert.deepEqual(b.writes(), []);
  });

  test('AMT 11 is refused before any write', async () => {
    const b = await bench({ amt: 11 });
    benches.push(b);
    await assert.rejects(platformErase(b.client, { confirmation: b.sim.device.identity.hostName }), /Remote Platform Erase needs AMT 16 or later/);
    assert.deepEqual(b.writes(), []);
  });
});
