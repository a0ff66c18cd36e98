/**
 * The virtual drives' answers to the host's ATAPI packets, from a small image on disk: data where
 * the host asked for data, GOOD, or a real CHECK CONDITION with the sense a host acts on.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DiskImage } from '../../../../server/src/features/redirection/image';
import { ScsiDrive, type ScsiAnswer } from '../../../../server/src/features/redirection/scsi';

let dir: string;
let iso: string;
let cd: DiskImage;
const BLOCKS = 40;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'amtwb-scsi-'));
  iso = join(dir, 'small.iso');
  const bytes = Buffer.alloc(BLOCKS * 2048);
  for (let b = 0; b < BLOCKS; b++) bytes.fill(b, b * 2048, (b + 1) * 2048);
  bytes.write('\x01CD001', 16 * 2048, 'latin1');
  await writeFile(iso, bytes);
  cd = await DiskImage.open(iso, 'cd');
});
after(async () => {
  await cd.close();
  await rm(dir, { recursive: true, force: true });
});

const cdb = (...bytes: number[]) => Buffer.concat([Buffer.from(bytes), Buffer.alloc(12 - bytes.length)]);
const sense = (a: ScsiAnswer) => (a.kind === 'check' ? [a.sense.key, a.sense.asc, a.sense.ascq] : a.kind);
const bytesOf = (a: ScsiAnswer) => (a.kind === 'data' ? a.data : assert.fail(`expected data, got ${a.kind}`));

test('the first TEST UNIT READY reports UNIT ATTENTION (medium changed) once, then GOOD', () => {
  const d = new ScsiDrive('cd', cd);
  assert.deepEqual(sense(d.answer(cdb(0x00))), [0x06, 0x28, 0x00]);
  assert.deepEqual(sense(d.answer(cdb(0x00))), 'good');
  d.reset();
  assert.deepEqual(sense(d.answer(cdb(0x00))), [0x06, 0x29, 0x00]);
});

test('READ(10) of the primary volume descriptor returns sector 16, read from the file', async () => {
  const d = new ScsiDrive('cd', cd);
  const a = d.answer(cdb(0x28, 0, 0, 0, 0, 16, 0, 0, 1));
  assert.deepEqual(a, { kind: 'read', lba: 16, count: 1 });
  const sector = await cd.read(16, 1);
  assert.equal(sector.subarray(0, 6).toString('latin1'), '\x01CD001');
  assert.equal((await cd.read(39, 1))[100], 39);
});

test('READ beyond the last sector is CHECK CONDITION 05/21/00; a count of 0 is GOOD', () => {
  const d = new ScsiDrive('cd', cd);
  assert.deepEqual(sense(d.answer(cdb(0x28, 0, 0, 0, 0, BLOCKS - 1, 0, 0, 2))), [0x05, 0x21, 0x00]);
  assert.deepEqual(sense(d.answer(cdb(0x28, 0, 0, 0, 0, 0, 0, 0, 0))), 'good');
  assert.deepEqual(d.answer(cdb(0x28, 0, 0, 0, 0, BLOCKS - 1, 0, 0, 1)), { kind: 'read', lba: BLOCKS - 1, count: 1 });
});

test('READ CAPACITY gives the last LBA and 2048-byte blocks, big-endian', () => {
  assert.equal(bytesOf(new ScsiDrive('cd', cd).answer(cdb(0x25))).toString('hex'), (BLOCKS - 1).toString(16).padStart(8, '0') + '00000800');
});

test('READ TOC format 0 lists track 1 and the lead-out; format 1 the session; cut to the allocation length', () => {
  const d = new ScsiDrive('cd', cd);
  const toc = bytesOf(d.answer(cdb(0x43, 0, 0, 0, 0, 0, 0, 0, 20)));
  assert.equal(toc.length, 20);
  assert.equal(toc.subarray(0, 8).toString('hex'), '0012010100140100');
  assert.equal(toc[14], 0xaa);
  assert.equal(toc.readUInt32BE(16), BLOCKS);
  assert.equal(bytesOf(d.answer(cdb(0x43, 0, 1, 0, 0, 0, 0, 0, 12))).toString('hex'), '000a01010014010000000000');
  assert.equal(bytesOf(d.answer(cdb(0x43, 0, 0, 0, 0, 0, 0, 0, 4))).length, 4);
  assert.deepEqual(sense(d.answer(cdb(0x43, 0, 5, 0, 0, 0, 0, 0, 12))), [0x05, 0x24, 0x00]);
});

test('an unknown opcode is CHECK CONDITION 05/20/00; writes are 07/27/00 (write protected)', () => {
  const d = new ScsiDrive('cd', cd);
  assert.deepEqual(sense(d.answer(cdb(0xee))), [0x05, 0x20, 0x00]);
  assert.deepEqual(sense(d.answer(cdb(0x2a, 0, 0, 0, 0, 0, 0, 0, 1))), [0x07, 0x27, 0x00]);
});

test('a drive without an image answers NOT READY, MEDIUM NOT PRESENT', () => {
  const floppy = new ScsiDrive('floppy');
  assert.deepEqual(sense(floppy.answer(cdb(0x00))), [0x02, 0x3a, 0x00]);
  assert.deepEqual(sense(floppy.answer(cdb(0x28, 0, 0, 0, 0, 0, 0, 0, 1))), [0x02, 0x3a, 0x00]);
  assert.equal(bytesOf(floppy.answer(cdb(0x4a, 1, 0, 0, 0, 0, 0, 0, 8))).toString('hex'), '00008000');
});

test('MODE SENSE and GET CONFIGURATION give the CD tables, and START STOP UNIT with LoEj ejects', () => {
  const d = new ScsiDrive('cd', cd);
  assert.equal(bytesOf(d.answer(cdb(0x1a, 0, 0x3f, 0, 255))).toString('hex'), '00058000');
  const caps = bytesOf(d.answer(cdb(0x5a, 0, 0x2a, 0, 0, 0, 0, 0, 255)));
  assert.equal(caps.length, 34);
  assert.equal(caps[8], 0x2a);
  assert.deepEqual(sense(d.answer(cdb(0x5a, 0, 0x05, 0, 0, 0, 0, 0, 255))), [0x05, 0x24, 0x00]);
  const conf = bytesOf(d.answer(cdb(0x46, 0, 0, 0, 0, 0, 0, 0xff, 0xff)));
  assert.equal(conf.readUInt32BE(0), conf.length - 4);
  assert.equal(conf.readUInt16BE(6), 0x0008);
  assert.equal(conf.readUInt16BE(8), 0x0000);
  assert.deepEqual(d.answer(cdb(0x1b, 0, 0, 0, 0x02)), { kind: 'eject' });
  assert.deepEqual(d.answer(cdb(0x1b, 0, 0, 0, 0x01)), { kind: 'good' });
});

test('an image whose size is not whole sectors is refused with one sentence naming the file and the fix', async () => {
  const bad = join(dir, 'odd.iso');
  await writeFile(bad, Buffer.alloc(3000));
  await assert.rejects(DiskImage.open(bad, 'cd'), (e: Error & { code?: string }) => e.code === 'redir.image' && e.message.includes('3000 bytes') && /ISO 9660/.test(e.message));
  await assert.rejects(DiskImage.open(join(dir, 'missing.img'), 'floppy'), (e: Error & { code?: string }) => e.code === 'redir.image' && /ENOENT/.test(e.message));
});

test('a floppy image: 512-byte blocks, its format capacity, the 1.44 MB or LS-120 mode pages, no TOC', async () => {
  const small = join(dir, 'floppy.img');
  const large = join(dir, 'ls120.img');
  await writeFile(small, Buffer.alloc(2880 * 512));
  await writeFile(large, Buffer.alloc(4000 * 512));
  const f = await DiskImage.open(small, 'floppy');
  const l = await DiskImage.open(large, 'floppy');
  try {
    const d = new ScsiDrive('floppy', f);
    assert.equal(bytesOf(d.answer(cdb(0x25))).toString('hex'), (2880 - 1).toString(16).padStart(8, '0') + '00000200');
    assert.equal(bytesOf(d.answer(cdb(0x23, 0, 0, 0, 0, 0, 0, 0, 12))).toString('hex'), '00000008' + '00000b40' + '02000200');
    assert.equal(bytesOf(d.answer(cdb(0x5a, 0, 0x05, 0, 0, 0, 0, 0, 255)))[2], 0x24, '1.44 MB medium type');
    assert.equal(bytesOf(new ScsiDrive('floppy', l).answer(cdb(0x5a, 0, 0x05, 0, 0, 0, 0, 0, 255)))[2], 0x31, 'LS-120 medium type');
    assert.equal(bytesOf(d.answer(cdb(0x1a, 0, 0x3f, 0, 255))).toString('hex'), '00008000');
    assert.deepEqual(sense(d.answer(cdb(0x43, 0, 0, 0, 0, 0, 0, 0, 12))), [0x05, 0x20, 0x00]);
    assert.deepEqual(sense(d.answer(cdb(0x46, 0, 0, 0, 0, 0, 0, 0, 255))), [0x05, 0x20, 0x00]);
  } finally {
    await f.close();
    await l.close();
  }
});
