import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileValueMap } from '../../../server/src/catalog/value-map';

const map = compileValueMap({
  '0': 'Unknown',
  '2': 'On',
  '11..32767': 'DMTF Reserved',
  '0x7FFF..0xFFFF': 'Vendor Specific',
  '0x8000..': 'Open range',
  '..': 'Anything else',
});

test('exact keys win over ranges', () => {
  assert.equal(map.label(2), 'On');
  assert.equal(map.label('0'), 'Unknown');
});

test('decimal and hex ranges are inclusive; the narrowest range wins', () => {
  assert.equal(map.label(11), 'DMTF Reserved');
  assert.equal(map.label(32767), 'DMTF Reserved');
  assert.equal(map.label(0xffff), 'Vendor Specific');
  assert.equal(map.label(0x10000), 'Open range');
});

test('".." catches any other integer', () => {
  assert.equal(map.label(5), 'Anything else');
});

test('non-integer values match only exact text keys', () => {
  assert.equal(map.label('On'), undefined);
  assert.equal(compileValueMap({ Good: 'Fine' }).label('Good'), 'Fine');
});

test('valueOf finds the value of a label ignoring case', () => {
  assert.equal(map.valueOf('on'), '2');
  assert.equal(map.valueOf('DMTF Reserved'), undefined);
});
