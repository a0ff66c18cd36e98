/**
 * The SMBIOS decoder (server/src/features/hardware/smbios.ts) on structures laid out as DMTF
 * DSP0134 3.x gives them — built with the simulator's own structure encoder, so the two sides
 * agree on the header, the formatted area and the string set — and on damaged input.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeSmbios, smbiosUuid } from '../../../../server/src/features/hardware/smbios';
import { smbiosStructure } from '../../../../server/src/sim/classes/assets';

const fieldsOf = (b: Buffer) => Object.fromEntries(decodeSmbios(b)[0]!.fields);

/** A formatted area (after the 4-byte header) of `size` bytes with `set` applied: offset → byte(s). */
function area(size: number, set: Record<number, number | number[]>): Buffer {
  const b = Buffer.alloc(size - 4);
  for (const [o, v] of Object.entries(set)) for (const [i, x] of (Array.isArray(v) ? v : [v]).entries()) b[Number(o) - 4 + i] = x;
  return b;
}

describe('SMBIOS structures decoded', () => {
  test('type 0 (BIOS): vendor, version and date are string indices; ROM size is (n+1)·64 KB', () => {
    const f = fieldsOf(smbiosStructure(0, 0, area(0x18, { 4: 1, 5: 2, 8: 3, 9: 0x0f, 0x14: 5, 0x15: 32, 0x16: 0xff }), ['Vendor Inc.', 'V1.23', '03/18/2024']));
    assert.deepEqual(f, { Vendor: 'Vendor Inc.', Version: 'V1.23', 'Release date': '03/18/2024', 'ROM size': '1024 KB', 'BIOS revision': '5.32' });
  });

  test('type 1 (System): the UUID\'s first three fields are little-endian', () => {
    const uuid = [0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff];
    const f = fieldsOf(smbiosStructure(1, 1, area(0x1b, { 4: 1, 5: 2, 6: 0, 7: 3, 8: uuid, 0x18: 6, 0x19: 0, 0x1a: 0 }), ['Maker', 'Model X', 'SN123']));
    assert.equal(f.UUID, '00112233-4455-6677-8899-aabbccddeeff');
    assert.deepEqual([f.Manufacturer, f['Product name'], f['Serial number'], f['Wake-up type']], ['Maker', 'Model X', 'SN123', 'power switch']);
    assert.ok(!('Version' in f), 'string index 0 means no string, so no row');
  });

  test('types 2 and 3 (baseboard, chassis): board type and chassis type with its lock bit', () => {
    assert.equal(fieldsOf(smbiosStructure(2, 2, area(0x0f, { 4: 1, 5: 2, 9: 0x09, 0x0d: 10 }), ['Board Co', 'B-1'])).Features, 'hosting board, replaceable');
    assert.equal(fieldsOf(smbiosStructure(2, 2, area(0x0f, { 4: 1, 5: 2, 0x0d: 10 }), ['Board Co', 'B-1']))['Board type'], 'motherboard');
    const c = fieldsOf(smbiosStructure(3, 3, area(0x0d, { 4: 1, 5: 0x80 | 35, 9: 3, 0x0a: 3, 0x0b: 4, 0x0c: 3 }), ['Case Co']));
    assert.deepEqual([c.Type, c['Thermal state'], c['Security status']], ['mini PC, lock present', 'warning', 'none']);
  });

  test('type 4 (Processor): family 198 is Core i7, speeds in MHz, cores and threads', () => {
    const f = fieldsOf(smbiosStructure(4, 4, area(0x28, { 4: 1, 5: 3, 6: 198, 7: 2, 0x10: 3, 0x12: [100, 0], 0x14: [0x24, 0x13], 0x16: [0xc4, 0x09], 0x18: 0x41, 0x23: 8, 0x24: 8, 0x25: 16 }), ['CPU0', 'Intel(R) Corporation', 'Core i7-1185G7']));
    assert.deepEqual([f.Family, f['Max speed'], f['Current speed'], f.Status, f.Cores, f.Threads], ['Core i7', '4900 MHz', '2500 MHz', 'socket populated, enabled', '8', '16']);
  });

  test('type 17 (Memory Device): size in MB, the extended size past 32 GB, DDR4 SODIMM', () => {
    const f = fieldsOf(smbiosStructure(17, 0x11, area(0x22, { 0x0c: [0x00, 0x40], 0x0e: 13, 0x10: 1, 0x11: 2, 0x12: 26, 0x15: [0x80, 0x0c], 0x17: 3 }), ['DIMM A', 'BANK 0', 'SimRAM']));
    assert.deepEqual([f.Size, f['Form factor'], f.Type, f.Speed, f.Locator, f.Manufacturer], ['16 GB', 'SODIMM', 'DDR4', '3200 MT/s', 'DIMM A', 'SimRAM']);
    const big = fieldsOf(smbiosStructure(17, 0x12, area(0x22, { 0x0c: [0xff, 0x7f], 0x1c: [0x00, 0x00, 0x01, 0x00] })));
    assert.equal(big.Size, '64 GB');
  });

  test('several structures in one buffer are split at each double NUL; an unknown type shows its bytes', () => {
    const buf = Buffer.concat([smbiosStructure(200, 7, Buffer.from([0xde, 0xad])), smbiosStructure(1, 8, area(0x08, { 4: 1 }), ['Only maker']), smbiosStructure(127, 9, Buffer.alloc(0))]);
    const list = decodeSmbios(buf);
    assert.deepEqual(list.map((s) => [s.type, s.handle]), [[200, 7], [1, 8], [127, 9]]);
    assert.deepEqual(list[0]!.fields, [['Formatted bytes', 'DE AD']]);
    assert.equal(list[1]!.fields[0]![1], 'Only maker');
  });

  test('a cut-off structure is reported in one sentence, not thrown', () => {
    const list = decodeSmbios(Buffer.from([4, 0x30, 0, 0, 1, 2]));
    assert.equal(list.length, 1);
    assert.equal(list[0]!.problem, 'The structure at byte 0 says its formatted area is 48 bytes, but 6 remain, so it is cut off.');
  });

  test('a type-130 structure without "$AMT" is not decoded as AMT\'s', () => {
    const s = decodeSmbios(smbiosStructure(130, 1, Buffer.from('NOPE\x01\x01', 'latin1')))[0]!;
    assert.match(s.problem!, /does not start with the "\$AMT" signature \(found "NOPE"\)/);
  });

  test('a type-131 structure in Intel\'s layout: CPU capabilities, MEBx version, "vPro" at 0x30', () => {
    const f = area(0x38, { 4: 0x3f, 8: [16, 0, 1, 0, 25, 0, 0x01, 0x08], 0x12: [0x82, 0x7a], 0x22: [0xf3, 0x15], 0x2c: 0x06, 0x30: [...Buffer.from('vPro')] });
    const fields = Object.fromEntries(decodeSmbios(smbiosStructure(131, 2, f))[0]!.fields);
    assert.deepEqual([fields['CPU capabilities'], fields['MEBx version'], fields['PCH device ID'], fields['Wired NIC device ID'], fields['BIOS capabilities'], fields.Identifier],
      ['VMX on, SMX on, TXT capable, TXT enabled, VT-x capable, VT-x enabled', '16.1.25.2049', '0x7A82', '0x15F3', 'VT-d in setup, TXT in setup', 'vPro']);
  });

  test('an all-zero or all-FF UUID says so', () => {
    assert.equal(smbiosUuid(Buffer.alloc(16)), 'not present');
    assert.equal(smbiosUuid(Buffer.alloc(16, 0xff)), 'not set');
  });
});
