import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGetFwCaps, FwCapsRule, parseGetFwCaps } from '../../../server/src/amthi/mkhi';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

test('GetFWCaps is group 3, command 2, then the rule id (little-endian)', () => {
  assert.deepEqual(buildGetFwCaps(FwCapsRule.FEATURES_ENABLED), hex('03 02 00 00 20 00 00 00'));
  assert.deepEqual(buildGetFwCaps(FwCapsRule.PLATFORM_TYPE), hex('03 02 00 00 1D 00 00 00'));
});

test('the answer echoes the rule, carries length 4 and the u32 data', () => {
  assert.equal(parseGetFwCaps(hex('03 82 00 00 20000000 04 04000600'), 32), 0x00060004);
});

test('a non-zero MKHI result is an error naming the result', () => {
  assert.throws(() => parseGetFwCaps(hex('03 82 00 89'), 32), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'mkhi.result');
    assert.match(e.message, /NOT_SUPPORTED/);
    return true;
  });
});

test('wrong group, missing response bit, wrong echo, wrong length are protocol errors', () => {
  for (const bad of ['04 82 00 00 20000000 04 04000000', '03 02 00 00 20000000 04 04000000', '03 82 00 00 00000000 04 04000000',
    '03 82 00 00 20000000 02 04000000', '03 82 00 00 20000000 04 0400', '03 82']) {
    assert.throws(() => parseGetFwCaps(hex(bad), 32), { code: 'mkhi.protocol' }, bad);
  }
});
