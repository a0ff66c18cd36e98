/**
 * AMTHI and MKHI through the product's info() over the emulated /dev/mei0, against a simulator
 * whose firmware side is attached: the MEI side reports the same device the WS-Man side serves.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { info } from '../../../server/src/amthi';
import { meiOpener } from '../../../server/src/targets/local/apf';
import { localRig, meiSuite, type LocalRig } from './helpers';

meiSuite('AMTHI facts of the simulated device over the emulated MEI device', () => {
  let rig: LocalRig;
  before(async () => {
    rig = await localRig({}, { name: 'amthi-facts' });
  });
  after(() => rig?.close());

  it('info() reports versions, provisioning, UUID, DNS suffix, LAN and AMT enabled — as the WS-Man side has them', async () => {
    const device = rig.sim.device;
    const result = await info(meiOpener(rig.path));
    assert.equal(result.amtEnabled, true);
    assert.equal(result.featureState?.state, 'available');
    assert.equal(result.amtVersion, device.identity.firmwareVersion);
    assert.equal(result.codeVersions?.versions.find((v) => v.description === 'Build Number')?.version, device.identity.firmwareBuild);
    assert.equal(result.provisioningState, 'post');
    assert.equal(result.controlMode, 'acm');
    assert.equal(result.uuid, device.identity.uuid);
    assert.equal(result.dnsSuffix, device.identity.domainName);
    assert.equal(result.wired?.enabled, true);
    assert.equal(result.wired?.mac, device.identity.wiredMac.replace(/-/g, ':'));
    assert.equal(result.wireless?.mac, device.identity.wirelessMac.replace(/-/g, ':'));
  });

  it('a change in the device model shows at once: unprovisioning makes provisioning "pre" and control mode "none"', async () => {
    const setup = rig.sim.device.singleton('AMT_SetupAndConfigurationService');
    const before = setup.ProvisioningState;
    setup.ProvisioningState = 0;
    try {
      const result = await info(meiOpener(rig.path));
      assert.equal(result.provisioningState, 'pre');
      assert.equal(result.controlMode, 'none');
    } finally {
      setup.ProvisioningState = before;
    }
  });

  it('with AMT disabled in the firmware (MKHI) info() says so and asks AMTHI nothing', async () => {
    const disabled = await localRig({ facts: { amtEnabled: false } });
    try {
      const result = await info(meiOpener(disabled.path));
      assert.equal(result.amtEnabled, false);
      assert.equal(result.featureState?.state, 'disabled');
      assert.equal(result.codeVersions, undefined);
    } finally {
      await disabled.close();
    }
  });
});
