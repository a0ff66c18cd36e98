import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AmtError } from '../../../server/src/errors';
import {
  EnumerateHashHandles, GetCertHashEntry, GetCodeVersions, GetControlMode, GetDNSSuffix, GetLANInterfaceSettings,
  GetLocalSystemAccount, GetProvisioningState, GetUUID, buildRequest, parseResponse,
} from '../../../server/src/amthi/commands';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** A response as firmware sends it: header with the response bit, length, status, data. */
function response(command: number, status: number, data: Buffer): Buffer {
  const head = Buffer.alloc(16);
  head.writeUInt8(1, 0);
  head.writeUInt8(1, 1);
  head.writeUInt32LE((command | 0x00800000) >>> 0, 4);
  head.writeUInt32LE(4 + data.length, 8);
  head.writeUInt32LE(status, 12);
  return Buffer.concat([head, data]);
}

test('requests match the spec\'s worked examples (§3.6)', () => {
  assert.deepEqual(buildRequest(GetCodeVersions), hex('01 01 00 00 1A 00 00 04 00 00 00 00'));
  assert.deepEqual(buildRequest(GetLANInterfaceSettings, 'wireless'), hex('01 01 00 00 48 00 00 04 04 00 00 00 01 00 00 00'));
  assert.deepEqual(buildRequest(GetLocalSystemAccount), Buffer.concat([hex('01 01 00 00 67 00 00 04 28 00 00 00'), Buffer.alloc(40)]));
});

test('every command sends its code from the command table with the right data', () => {
  assert.deepEqual(buildRequest(GetProvisioningState), hex('01 01 00 00 11 00 00 04 00 00 00 00'));
  assert.deepEqual(buildRequest(GetControlMode), hex('01 01 00 00 6B 00 00 04 00 00 00 00'));
  assert.deepEqual(buildRequest(GetUUID), hex('01 01 00 00 5C 00 00 04 00 00 00 00'));
  assert.deepEqual(buildRequest(GetDNSSuffix), hex('01 01 00 00 36 00 00 04 00 00 00 00'));
  assert.deepEqual(buildRequest(GetLANInterfaceSettings, 'wired'), hex('01 01 00 00 48 00 00 04 04 00 00 00 00 00 00 00'));
  assert.deepEqual(buildRequest(EnumerateHashHandles), hex('01 01 00 00 2C 00 00 04 00 00 00 00'));
  assert.deepEqual(buildRequest(GetCertHashEntry, 7), hex('01 01 00 00 2D 00 00 04 04 00 00 00 07 00 00 00'));
});

test('the response header is checked: response bit, length, version, reserved', () => {
  const ok = response(0x04000011, 0, hex('02000000'));
  assert.deepEqual(parseResponse(GetProvisioningState, ok), { status: 0, data: hex('02000000') });
  const broken = (mutate: (b: Buffer) => void) => {
    const b = Buffer.from(ok);
    mutate(b);
    return b;
  };
  const cases: [string, Buffer][] = [
    ['no response bit', broken((b) => b.writeUInt32LE(0x04000011, 4))],
    ['another command', broken((b) => b.writeUInt32LE(0x0480001a, 4))],
    ['length too large', broken((b) => b.writeUInt32LE(9, 8))],
    ['length too small', broken((b) => b.writeUInt32LE(7, 8))],
    ['major version 2', broken((b) => b.writeUInt8(2, 0))],
    ['minor version 0', broken((b) => b.writeUInt8(0, 1))],
    ['reserved set', broken((b) => b.writeUInt8(1, 2))],
    ['shorter than header + status', ok.subarray(0, 15)],
  ];
  for (const [label, buf] of cases) {
    assert.throws(() => parseResponse(GetProvisioningState, buf), (e: AmtError) => e.code === 'amthi.protocol', label);
  }
});

test('GetCodeVersions decodes the BIOS string and the 22-byte version strings', () => {
  const bios = Buffer.alloc(65);
  bios.write('BIOS.123');
  const str20 = (s: string) => {
    const b = Buffer.alloc(22);
    b.writeUInt16LE(s.length);
    b.write(s, 2);
    return b;
  };
  const data = Buffer.concat([bios, hex('02000000'), str20('AMT'), str20('16.1.25'), str20('Build Number'), str20('2052')]);
  assert.deepEqual(GetCodeVersions.decode(data), {
    biosVersion: 'BIOS.123',
    versions: [{ description: 'AMT', version: '16.1.25' }, { description: 'Build Number', version: '2052' }],
  });
  const tooLong = Buffer.from(data);
  tooLong.writeUInt16LE(21, 65 + 4);
  assert.throws(() => GetCodeVersions.decode(tooLong), { code: 'amthi.protocol' });
  const lying = Buffer.from(data);
  lying.writeUInt32LE(1000, 65);
  assert.throws(() => GetCodeVersions.decode(lying), { code: 'amthi.protocol' });
});

test('provisioning state and control mode decode to names', () => {
  assert.equal(GetProvisioningState.decode(hex('00000000')), 'pre');
  assert.equal(GetProvisioningState.decode(hex('01000000')), 'in');
  assert.equal(GetProvisioningState.decode(hex('02000000')), 'post');
  assert.throws(() => GetProvisioningState.decode(hex('03000000')), { code: 'amthi.protocol' });
  assert.equal(GetControlMode.decode(hex('00000000')), 'none');
  assert.equal(GetControlMode.decode(hex('01000000')), 'ccm');
  assert.equal(GetControlMode.decode(hex('02000000')), 'acm');
});

test('GetUUID turns the mixed-endian bytes into canonical text', () => {
  assert.equal(GetUUID.decode(hex('4445 4c4c 3200 104a 8053 b4c04f564433')), '4c4c4544-0032-4a10-8053-b4c04f564433');
});

test('GetLocalSystemAccount reads two 33-byte fields and tolerates the 2 trailing bytes', () => {
  const data = Buffer.alloc(68);
  data.write('$$OsAdmin', 0);
  data.write('pw', 33);
  assert.deepEqual(GetLocalSystemAccount.decode(data), { username: '$$OsAdmin', password: 'pw' });
  assert.deepEqual(GetLocalSystemAccount.decode(data.subarray(0, 66)), { username: '$$OsAdmin', password: 'pw' });
  assert.throws(() => GetLocalSystemAccount.decode(data.subarray(0, 65)), { code: 'amthi.protocol' });
});

test('GetDNSSuffix reads an AMT_ANSI_STRING', () => {
  assert.equal(GetDNSSuffix.decode(Buffer.concat([hex('0b00'), Buffer.from('example.com')])), 'example.com');
  assert.throws(() => GetDNSSuffix.decode(hex('0b00 6578')), { code: 'amthi.protocol' });
});

test('GetLANInterfaceSettings decodes the 20-byte layout; the IPv4 u32\'s value is the address', () => {
  const data = hex('01000000 1401a8c0 01000000 02 01 001122334455');
  assert.deepEqual(GetLANInterfaceSettings.decode(data), {
    enabled: true, ipv4: '192.168.1.20', dhcpEnabled: true, dhcpMode: 'passive', linkUp: true, mac: '00:11:22:33:44:55',
  });
  assert.throws(() => GetLANInterfaceSettings.decode(data.subarray(0, 19)), { code: 'amthi.protocol' });
});

test('certificate hashes: handles, then an entry whose name length sits at data offset 73', () => {
  assert.deepEqual(EnumerateHashHandles.decode(hex('03000000 01000000 02000000 05000000')), [1, 2, 5]);
  assert.throws(() => EnumerateHashHandles.decode(hex('05000000 01000000')), { code: 'amthi.protocol' });
  const hash = Buffer.alloc(64);
  hash.fill(0xa1, 0, 32);
  const entry = Buffer.concat([hex('01000000 00000000'), hash, hex('02'), hex('0400'), Buffer.from('Test')]);
  assert.equal(entry.readUInt16LE(73), 4);
  assert.deepEqual(GetCertHashEntry.decode(entry), {
    name: 'Test', algorithm: 'SHA-256', hash: 'a1'.repeat(32), isDefault: true, isActive: false,
  });
  const badAlgorithm = Buffer.from(entry);
  badAlgorithm[72] = 9;
  assert.throws(() => GetCertHashEntry.decode(badAlgorithm), { code: 'amthi.protocol' });
});

test('every decoder rejects every truncation with amthi.protocol, never a RangeError', () => {
  const bios = Buffer.alloc(65);
  const samples: [{ decode(d: Buffer): unknown }, Buffer][] = [
    [GetCodeVersions, Buffer.concat([bios, hex('01000000'), Buffer.alloc(44)])],
    [GetProvisioningState, hex('02000000')],
    [GetControlMode, hex('02000000')],
    [GetUUID, Buffer.alloc(16)],
    [GetLocalSystemAccount, Buffer.alloc(66)],
    [GetDNSSuffix, hex('0100 61')],
    [GetLANInterfaceSettings, Buffer.alloc(20)],
    [EnumerateHashHandles, hex('01000000 01000000')],
    [GetCertHashEntry, Buffer.concat([Buffer.alloc(72), hex('00 0100 61')])],
  ];
  for (const [command, data] of samples) {
    assert.doesNotThrow(() => command.decode(data));
    for (let n = 0; n < data.length; n++) {
      assert.throws(() => command.decode(data.subarray(0, n)), (e: unknown) => e instanceof AmtError && e.code === 'amthi.protocol');
    }
  }
});
