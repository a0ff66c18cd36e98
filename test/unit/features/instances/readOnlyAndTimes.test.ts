/** Read-only properties are refused before a Put; epoch and datetime method outputs read as dates. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Catalog } from '../../../../server/src/catalog/catalog';
import { readOnlyProperties, refuseReadOnly } from '../../../../server/src/features/instances/readOnly';
import { dateOf } from '../../../../server/src/features/instances/times';

const catalog = Catalog.default();

test('AMT_GeneralSettings marks DigestRealm and its key read-only, not HostName', () => {
  const ro = readOnlyProperties(catalog, 'AMT_GeneralSettings', ['HostName', 'DigestRealm', 'InstanceID', 'DDNSTTL']);
  assert.deepEqual(ro, ['DigestRealm', 'InstanceID']);
});

test('a change to DigestRealm is refused in one sentence naming it; a HostName change passes', () => {
  assert.throws(
    () => refuseReadOnly(catalog, 'AMT_GeneralSettings', [{ name: 'HostName', before: '', after: 'x' }, { name: 'DigestRealm', before: 'Digest:AB', after: 'Digest:ABX' }]),
    { message: 'DigestRealm of AMT_GeneralSettings is read-only, so nothing was sent; set it back to Digest:AB and save again.' },
  );
  assert.doesNotThrow(() => refuseReadOnly(catalog, 'AMT_GeneralSettings', [{ name: 'HostName', before: '', after: 'x' }]));
});

test('Ta0 of GetLowAccuracyTimeSynch (seconds since 1970) reads as a UTC date; other uint32 outputs do not', () => {
  assert.equal(dateOf('AMT_TimeSynchronizationService', 'GetLowAccuracyTimeSynch', 'Ta0', '1796297218', 'uint32'), '2026-12-03 11:26:58 UTC');
  assert.equal(dateOf('AMT_TimeSynchronizationService', 'GetLowAccuracyTimeSynch', 'ReturnValue', '0', 'uint32'), undefined);
});

test('CIM datetimes read as UTC dates, their offset applied; intervals are left alone', () => {
  assert.equal(dateOf('C', 'M', 'When', { value: '20261203124018.000000+060' } as never, 'datetime'), '2026-12-03 11:40:18 UTC');
  assert.equal(dateOf('C', 'M', 'When', { value: '2026-12-03T11:40:18Z' } as never, 'datetime'), '2026-12-03 11:40:18 UTC');
  assert.equal(dateOf('C', 'M', 'Span', { value: '00000001000000.000000:000' } as never, 'datetime'), undefined);
});
