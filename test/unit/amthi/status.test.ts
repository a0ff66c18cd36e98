import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AmtError } from '../../../server/src/errors';
import { AmthiStatusError, AmtStatus, statusName } from '../../../server/src/amthi/status';

test('status codes have the spec\'s names', () => {
  assert.equal(statusName(0x10), 'NOT_PERMITTED');
  assert.equal(statusName(0x3), 'INVALID_PT_MODE');
  assert.equal(statusName(0x805), 'INVALID_HANDLE');
  assert.equal(statusName(0x814), 'NOT_FOUND');
  assert.equal(statusName(2501), 'INTERFACE_DOES_NOT_EXIST');
  assert.equal(statusName(0x4000), 'HOST_IF_EMPTY_RESPONSE');
  assert.equal(statusName(0x7777), '0x7777');
});

test('INVALID_PT_MODE reads "AMT is not provisioned" and names the fix', () => {
  const err = new AmthiStatusError('GetLocalSystemAccount', AmtStatus.INVALID_PT_MODE);
  assert.ok(err instanceof AmtError);
  assert.equal(err.code, 'amthi.not-provisioned');
  assert.equal(err.message, 'GetLocalSystemAccount: AMT is not provisioned (or is in the wrong mode) for this request; provision AMT first.');
  assert.equal(err.status, 3);
  assert.equal(err.statusName, 'INVALID_PT_MODE');
});

test('NOT_PERMITTED, NOT_READY and INTERNAL_ERROR get their own sentences and codes', () => {
  assert.equal(new AmthiStatusError('X', AmtStatus.NOT_PERMITTED).code, 'amthi.not-permitted');
  assert.match(new AmthiStatusError('X', AmtStatus.NOT_PERMITTED).message, /^X: AMT does not permit this request/);
  assert.equal(new AmthiStatusError('X', AmtStatus.NOT_READY).code, 'amthi.not-ready');
  assert.match(new AmthiStatusError('X', AmtStatus.NOT_READY).message, /wait a few seconds and retry/);
  assert.equal(new AmthiStatusError('X', AmtStatus.INTERNAL_ERROR).code, 'amthi.internal-error');
});

test('statuses without a sentence still name the status and its number', () => {
  const err = new AmthiStatusError('GetUUID', AmtStatus.BLOCK_LOCKED_BY_OTHER);
  assert.equal(err.code, 'amthi.status');
  assert.equal(err.message, 'GetUUID: AMT answered with status BLOCK_LOCKED_BY_OTHER (0x12).');
});
