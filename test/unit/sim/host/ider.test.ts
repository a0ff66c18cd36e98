/**
 * IDE-R boot of the simulated host (server/src/sim/host/ider-boot.ts, iso9660.ts, installer.ts)
 * through an IderBus test double serving real images: ISO 9660 made by xorriso, floppy images.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allSideState, restoreSideState } from '../../../../server/src/sim/side-state';
import { FakeIderBus } from './fake-ider';
import { ConsoleReader, device, oneTimeBoot, withHost } from './helpers';

const XORRISO = '/usr/bin/xorriso';
const haveXorriso = existsSync(XORRISO);
const skip = haveXorriso ? false : 'xorriso is not installed at /usr/bin/xorriso, so no ISO image can be made';
let dir = '';
const iso: { elTorito?: Buffer; plain?: Buffer } = {};

before(() => {
  if (!haveXorriso && process.env.CI === 'true') throw new Error('xorriso is missing at /usr/bin/xorriso; install it (apt-get install xorriso) so the IDE-R tests can build ISO images.');
  if (!haveXorriso) return;
  dir = mkdtempSync(join(tmpdir(), 'amtwb-ider-'));
  const content = join(dir, 'content');
  mkdirSync(content);
  writeFileSync(join(content, 'boot.img'), Buffer.alloc(2048, 0xcc));
  writeFileSync(join(content, 'readme.txt'), 'An installer image for the AMT Workbench simulator.\n');
  writeFileSync(join(content, 'payload.bin'), Buffer.alloc(300 * 1024, 0x5a));
  execFileSync(XORRISO, ['-as', 'mkisofs', '-V', 'WORKBENCH_OS_2', '-b', 'boot.img', '-no-emul-boot', '-o', join(dir, 'boot.iso'), content], { stdio: 'ignore' });
  execFileSync(XORRISO, ['-as', 'mkisofs', '-V', 'DATA_ONLY', '-o', join(dir, 'plain.iso'), content], { stdio: 'ignore' });
  iso.elTorito = readFileSync(join(dir, 'boot.iso'));
  iso.plain = readFileSync(join(dir, 'plain.iso'));
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function floppy(signature: boolean): Buffer {
  const img = Buffer.alloc(1440 * 1024);
  if (signature) img.set([0x55, 0xaa], 510);
  return img;
}

test('an El Torito ISO boots, the installer copies it and records its label; the next boot runs the installed OS', { skip }, () =>
  withHost(async (d, c) => {
    const bus = new FakeIderBus({ cd: iso.elTorito });
    d.host.attachIder(bus, 0x18);
    oneTimeBoot(d, { UseIDER: true, IDERBootDevice: 1, UseSOL: true });
    const bootRecord = d.host.lastBoot;
    await c.expect('IDE-R CD: Intel Virtual CD');
    await c.expect('Booting from IDE-R CD: WORKBENCH_OS_2');
    await c.expect('Installing WORKBENCH_OS_2: 100%');
    await c.expect('medium ejected');
    await c.expect('WORKBENCH_OS_2 hosttest ttyS1');
    await c.login();
    assert.match(await c.run('cat /etc/os-release'), /PRETTY_NAME="WORKBENCH_OS_2"/);
    assert.match(await c.run('uname -a'), /WORKBENCH_OS_2/);
    // What the BIOS sent, in order: UNIT ATTENTION retried, identity, capacity, mode, config, TOC, descriptors.
    const ops = bus.log.map((p) => p.op);
    assert.deepEqual(ops.slice(0, 7), [0x00, 0x00, 0x12, 0x25, 0x5a, 0x46, 0x43]);
    const reads = bus.reads10();
    assert.deepEqual(reads[0], [16, 1], 'the first READ(10) is the primary volume descriptor');
    const sectors = iso.elTorito!.length / 2048;
    const copy = reads.filter(([, n]) => n === 32);
    assert.ok(copy.length >= Math.floor(sectors / 32), `the installer read the image in 64 KiB READ(10)s (${copy.length})`);
    const eject = bus.log.find((p) => p.op === 0x1b);
    assert.equal(eject?.cdb.subarray(0, 6).toString('hex'), '1b0000000200');
    assert.equal(d.host.state.installed, 'WORKBENCH_OS_2');
    assert.equal(bootRecord?.installed, 'WORKBENCH_OS_2');
    assert.deepEqual(bootRecord?.path?.slice(-2), ['ider-cd:boot', 'installed']);
    assert.deepEqual([d.host.lastBoot?.initiator, d.host.lastBoot?.medium, d.host.lastBoot?.number], ['host', 'hard-drive', (bootRecord?.number ?? 0) + 1]);
  }));

test('the installed OS survives in the host side state (what --state saves)', { skip }, async () => {
  const d = device();
  const later = device();
  try {
    const c = new ConsoleReader(d);
    d.host.attachIder(new FakeIderBus({ cd: iso.elTorito }), 0x18);
    oneTimeBoot(d, { UseIDER: true, IDERBootDevice: 1 });
    await c.expect('WORKBENCH_OS_2 hosttest ttyS1');
    restoreSideState(later, JSON.parse(JSON.stringify(allSideState(d))));
    assert.equal(later.host.osName, 'WORKBENCH_OS_2');
    const c2 = new ConsoleReader(later);
    oneTimeBoot(later, {});
    await c2.expect('WORKBENCH_OS_2 hosttest ttyS1');
  } finally {
    d.dispose();
    later.dispose();
  }
});

test('an ISO without El Torito and an image that is no ISO boot the disk and install nothing', { skip }, () =>
  withHost(async (d, c) => {
    const bus = new FakeIderBus({ cd: iso.plain });
    d.host.attachIder(bus, 0x08);
    oneTimeBoot(d, { UseIDER: true, IDERBootDevice: 1 });
    await c.expect('IDE-R CD: DATA_ONLY: no El Torito boot record');
    await c.expect('Booting from Hard Drive...');
    await c.expect('SimOS 1.0 (AMT Workbench simulator) hosttest ttyS1');
    d.host.detachIder(bus);
    d.host.attachIder(new FakeIderBus({ cd: Buffer.alloc(64 * 2048) }), 0x08);
    oneTimeBoot(d, { UseIDER: true, IDERBootDevice: 1 });
    await c.expect('IDE-R CD: not a bootable ISO 9660 image');
    await c.expect('hosttest login: ');
    assert.equal(d.host.state.installed, undefined);
    assert.deepEqual(d.host.lastBoot?.path?.slice(-3), ['ider-cd:not-iso', 'hard-drive', 'os']);
  }));

test('a session with no image in the drive: "no medium", then the disk', () =>
  withHost(async (d, c) => {
    d.host.attachIder(new FakeIderBus({}), 0x18);
    oneTimeBoot(d, { UseIDER: true, IDERBootDevice: 1 });
    await c.expect('IDE-R CD: no medium in the redirected drive');
    await c.expect('hosttest login: ');
  }));

test('a floppy image with the 55 AA signature boots; one without says so; neither installs', () =>
  withHost(async (d, c) => {
    const bus = new FakeIderBus({ floppy: floppy(true) });
    d.host.attachIder(bus, 0x18);
    oneTimeBoot(d, { UseIDER: true, IDERBootDevice: 0 });
    await c.expect('Booting from IDE-R floppy');
    await c.expect('hosttest login: ');
    assert.deepEqual(bus.reads10(), [[0, 1]]);
    assert.ok(bus.log.every((p) => p.device === 'floppy'));
    d.host.detachIder(bus);
    d.host.attachIder(new FakeIderBus({ floppy: floppy(false) }), 0x18);
    oneTimeBoot(d, { UseIDER: true, IDERBootDevice: 0 });
    await c.expect('IDE-R floppy: no boot signature');
    await c.expect('hosttest login: ');
    assert.equal(d.host.state.installed, undefined);
  }));

test('the session ending mid-install prints a line and boots the old OS; nothing is recorded', { skip }, () =>
  withHost(async (d, c) => {
    const bus = new FakeIderBus({ cd: iso.elTorito });
    bus.failAfterReads = 8;
    d.host.attachIder(bus, 0x18);
    oneTimeBoot(d, { UseIDER: true, IDERBootDevice: 1 });
    await c.expect('Booting from IDE-R CD: WORKBENCH_OS_2');
    await c.expect('IDE-R CD: reading the redirected drive failed (The console closed the IDE-R session); booting the hard drive');
    await c.expect('SimOS 1.0 (AMT Workbench simulator) hosttest ttyS1');
    assert.equal(d.host.state.installed, undefined);
    assert.equal(d.host.lastBoot?.path?.includes('ider-cd:error'), true);
  }));

test('"no medium" first reported after a GOOD TEST UNIT READY (the consoles\' GOOD-form trap) still reads as no medium', () =>
  withHost(async (d, c) => {
    const bus = new FakeIderBus({});
    const inner = bus.packet.bind(bus);
    bus.packet = async (device, cdb, allocation) => (cdb[0] === 0x00 ? { data: Buffer.alloc(0) } : inner(device, cdb, allocation));
    d.host.attachIder(bus, 0x18);
    oneTimeBoot(d, { UseIDER: true, IDERBootDevice: 1 });
    await c.expect('IDE-R CD: no medium in the redirected drive');
    await c.expect('login: ');
    assert.equal(d.host.lastBoot?.path?.includes('ider-cd:no-medium'), true);
  }));

test('the session failing on the first packet prints a line and boots the disk', () =>
  withHost(async (d, c) => {
    const bus = new FakeIderBus({ cd: Buffer.alloc(64 * 2048) });
    bus.open = true;
    bus.packet = () => Promise.reject(new Error('The console closed the IDE-R session.'));
    d.host.attachIder(bus, 0x18);
    oneTimeBoot(d, { UseIDER: true, IDERBootDevice: 1 });
    await c.expect('IDE-R CD: reading the redirected drive failed (The console closed the IDE-R session); booting the hard drive');
    await c.expect('login: ');
  }));

test('a reset while an IDE-R packet is outstanding: the old boot says nothing more when the answer comes', () =>
  withHost(async (d, c) => {
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    const bus = new FakeIderBus({ cd: Buffer.alloc(64 * 2048) });
    const inner = bus.packet.bind(bus);
    let asked = 0;
    bus.packet = async (device, cdb, allocation) => {
      asked += 1;
      await held;
      return inner(device, cdb, allocation);
    };
    d.host.attachIder(bus, 0x18);
    oneTimeBoot(d, { UseIDER: true, IDERBootDevice: 1 });
    await c.expect('probing the redirected CD-ROM drive');
    for (let i = 0; asked === 0 && i < 10_000; i++) await new Promise((r) => setImmediate(r));
    d.host.detachIder(bus);
    assert.equal(d.requestPowerStateChange(10), 0);
    await c.expect('login: ');
    const before = c.output;
    release();
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    assert.equal(c.output, before, 'the abandoned boot printed nothing');
    assert.equal(asked, 1);
  }));
