/** Device models (server/src/sim/models.ts): what each kind and family serves on a fresh device. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimDevice } from '../../../server/src/sim';

test('the default device is a laptop with AMT 16: battery, Wi-Fi, two AMT interfaces, One Click Recovery fields', () => {
  const d = new SimDevice();
  try {
    assert.deepEqual([d.model.kind, d.model.family, d.identity.firmwareVersion], ['laptop', 16, '16.1.25']);
    assert.equal(d.instances('CIM_Battery').length, 1);
    assert.equal(d.instances('AMT_EthernetPortSettings').length, 2);
    assert.equal(d.singleton('AMT_BootSettingData').UEFIHTTPSBootEnabled, true);
    assert.equal(d.model.absent.size, 0);
  } finally {
    d.dispose();
  }
});

test('a desktop with AMT 11 has no battery instance, no Wi-Fi classes and no OCR fields', () => {
  const d = new SimDevice({ model: 'desktop', amt: 11 });
  try {
    assert.equal(d.identity.firmwareVersion, '11.8.92');
    assert.equal(d.instances('CIM_Battery').length, 0);
    assert.equal(d.instances('AMT_EthernetPortSettings').length, 1);
    for (const cls of ['CIM_WiFiPort', 'AMT_WiFiPortConfigurationService', 'IPS_IEEE8021xSettings']) assert.ok(d.model.absent.has(cls), cls);
    assert.equal(d.singleton('AMT_BootSettingData').UEFIHTTPSBootEnabled, undefined);
    assert.equal(d.singleton('AMT_GeneralSettings').ThunderboltDockEnabled, undefined);
  } finally {
    d.dispose();
  }
});

test('an unknown model or family is refused with a sentence naming the choices', () => {
  assert.throws(() => new SimDevice({ model: 'server' as never }), /Unknown device model "server": use desktop or laptop\./);
  assert.throws(() => new SimDevice({ amt: 15 as never }), /Unknown AMT firmware family "15": use one of 11, 12, 16, 18\./);
});
