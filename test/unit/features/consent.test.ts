/** Decoding IPS_OptInService: OptInRequired to a policy, OptInState to words. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { consentPolicy, stateText } from '../../../server/src/features/consent';

test('OptInRequired 0, 1 and 0xFFFFFFFF are none, kvm and all', () => {
  assert.deepEqual([0, 1, 0xffffffff].map(consentPolicy), ['none', 'kvm', 'all']);
});

test('OptInState 0–4 read as AMT names them; other values say unknown', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 9].map(stateText), [
    '0 (not started)', '1 (requested)', '2 (code displayed)', '3 (received)', '4 (in session)', '9 (unknown)',
  ]);
});
