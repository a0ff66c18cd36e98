/** ISO 9660 / El Torito structures the simulated BIOS reads (server/src/sim/host/iso9660.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBootCatalog, parseDescriptor } from '../../../../server/src/sim/host/iso9660';

function catalog(mutate?: (b: Buffer) => void): Buffer {
  const b = Buffer.alloc(2048);
  b[0] = 0x01;
  b.write('SIMULATOR', 4, 'latin1');
  b[30] = 0x55;
  b[31] = 0xaa;
  let sum = 0;
  for (let i = 0; i < 32; i += 2) sum = (sum + b.readUInt16LE(i)) & 0xffff;
  b.writeUInt16LE((0x10000 - sum) & 0xffff, 28);
  b[32] = 0x88;
  b.writeUInt16LE(4, 32 + 6);
  b.writeUInt32LE(33, 32 + 8);
  mutate?.(b);
  return b;
}

test('a boot catalog with a good validation entry gives its default entry', () => {
  assert.deepEqual(parseBootCatalog(catalog()), { bootable: true, mediaType: 0, sectorCount: 4, loadRba: 33, platform: 0 });
  assert.equal((parseBootCatalog(catalog((b) => (b[32] = 0x00))) as { bootable: boolean }).bootable, false);
});

test('a broken boot catalog is a sentence naming what is wrong', () => {
  assert.equal(parseBootCatalog(catalog((b) => (b[0] = 0x02))), "the boot catalog's validation entry starts with 0x02, not 0x01");
  assert.equal(parseBootCatalog(catalog((b) => (b[31] = 0x00))), 'the boot catalog has no 55 AA key bytes');
  assert.equal(parseBootCatalog(catalog((b) => (b[5] ^= 0xff))), 'the boot catalog validation entry checksum is wrong');
  assert.equal(parseBootCatalog(catalog((b) => (b[32] = 0x44))), "the boot catalog's default entry has indicator 0x44");
  assert.equal(parseBootCatalog(Buffer.alloc(10)), 'the boot catalog is shorter than two entries');
});

test('volume descriptors: primary (label trimmed), El Torito boot record, terminator; anything else is no descriptor', () => {
  const pvd = Buffer.alloc(2048);
  pvd[0] = 1;
  pvd.write('CD001', 1, 'latin1');
  pvd.write('MY_LABEL'.padEnd(32, ' '), 40, 'latin1');
  pvd.writeUInt32LE(1234, 80);
  assert.deepEqual(parseDescriptor(pvd), { type: 'primary', label: 'MY_LABEL', volumeBlocks: 1234 });
  const br = Buffer.alloc(2048);
  br.write('CD001', 1, 'latin1');
  br.write('EL TORITO SPECIFICATION', 7, 'latin1');
  br.writeUInt32LE(29, 71);
  assert.deepEqual(parseDescriptor(br), { type: 'boot-record', elTorito: true, catalogLba: 29 });
  const end = Buffer.alloc(2048);
  end[0] = 255;
  end.write('CD001', 1, 'latin1');
  assert.deepEqual(parseDescriptor(end), { type: 'terminator' });
  assert.equal(parseDescriptor(Buffer.alloc(2048)), undefined);
  assert.equal(parseDescriptor(Buffer.alloc(100)), undefined);
});
