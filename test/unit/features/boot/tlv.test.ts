/**
 * UefiBootParametersArray encoding: the bytes are what go-wsman-messages' CreateTLVBuffer and the
 * Device Management Toolkit console's RPE encoder produce (u16 LE vendor 0x8086, u16 LE type,
 * u32 LE length, value), written out by hand here.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { decodeTlvs, encodeTlvs, eraseTlvs, httpsBootTlvs } from '../../../../server/src/features/boot';
import { AmtError } from '../../../../server/src/errors';

const hex = (b: Buffer) => b.toString('hex');

describe('One Click Recovery TLVs', () => {
  test('URL, root-CA sync, user and password, in the order mps and the console send them', () => {
    const bytes = encodeTlvs(httpsBootTlvs({ url: 'https://img/a.iso', username: 'web', password: 'pw' }));
    const expected = [
      '8680' + '0100' + '11000000' + Buffer.from('https://img/a.iso').toString('hex'), // type 1, 17 bytes
      '8680' + '1400' + '01000000' + '01', // type 20 = 1
      '8680' + '2800' + '03000000' + Buffer.from('web').toString('hex'), // type 40
      '8680' + '2900' + '02000000' + Buffer.from('pw').toString('hex'), // type 41
    ].join('');
    assert.equal(hex(bytes), expected);
  });

  test('without credentials there are two TLVs; --no-verify sends the sync flag 0', () => {
    const tlvs = httpsBootTlvs({ url: 'https://img/a.iso', verify: false });
    assert.deepEqual(tlvs.map((t) => t.type), [1, 20]);
    assert.equal(hex(tlvs[1]!.value), '00');
  });

  test('decoding gives back what was encoded', () => {
    const tlvs = httpsBootTlvs({ url: 'https://boot.example:8443/x.efi', username: 'u' });
    const back = decodeTlvs(encodeTlvs(tlvs));
    assert.deepEqual(back.map((t) => [t.vendor, t.type, t.value.toString('utf8')]), [[0x8086, 1, 'https://boot.example:8443/x.efi'], [0x8086, 20, '\u0001'], [0x8086, 40, 'u']]);
    assert.throws(() => decodeTlvs(Buffer.from('868001000a000000ab', 'hex')), /past the end/);
  });

  test('refusals name the cause and never repeat a password', () => {
    assert.throws(() => httpsBootTlvs({ url: 'http://img/a.iso' }), (e: unknown) => e instanceof AmtError && e.code === 'boot.invalid' && /only from https:\/\//.test(e.message));
    assert.throws(() => httpsBootTlvs({ url: 'not a url' }), /is not a URL/);
    assert.throws(() => httpsBootTlvs({ url: `https://img/${'a'.repeat(300)}` }), /at most 300/);
    assert.throws(() => httpsBootTlvs({ url: 'https://img/a', password: 'S3cret-longer-than-16' }), (e: unknown) => e instanceof Error && /HTTPS password is 21 bytes long, but AMT takes at most 16/.test(e.message) && !e.message.includes('S3cret'));
  });
});

describe('Remote Platform Erase TLV', () => {
  test('one type-1 TLV with the u32 LE action mask, as the console builds it', () => {
    assert.equal(hex(encodeTlvs(eraseTlvs((1 << 2) | (1 << 6)))), '8680' + '0100' + '04000000' + '44000000');
    assert.equal(hex(encodeTlvs(eraseTlvs(1 << 31))), '8680010004000000' + '00000080');
  });
});
