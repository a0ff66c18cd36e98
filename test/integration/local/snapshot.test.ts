/**
 * A device snapshot of AMT reached through the local path: the product's koffi MEI code, its own
 * APF session and the local system account, against the simulator's firmware behind the emulated
 * /dev/mei0 (root and /dev/fuse; meiSuite fails in CI where they are missing). The same served
 * classes as over the network, and a Put made over the network shows as the one change.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { compareSnapshots, serializeSnapshot, takeSnapshot } from '../../../server/src/features/snapshot';
import { DEFAULT_ACCOUNT } from '../../../server/src/sim';
import { TargetRegistry } from '../../../server/src/targets/registry';
import { localRegistry, localRig, meiSuite, type LocalRig } from './helpers';

const never = new AbortController().signal;

meiSuite('device snapshots through the local target', () => {
  let rig: LocalRig;
  before(async () => {
    rig = await localRig();
  });
  after(() => rig?.close());

  it('holds the classes the device serves, as over the network, and sees a network Put as the one change', async () => {
    const local = localRegistry(rig.path);
    const network = new TargetRegistry({ simulator: false });
    network.add({ kind: 'remote', id: 'net', url: `http://127.0.0.1:${rig.sim.port}`, user: DEFAULT_ACCOUNT.user });
    try {
      const viaLocal = await local.connect('local');
      const viaNet = await network.connect('net', { ...DEFAULT_ACCOUNT });
      const before = await takeSnapshot(viaLocal, { device: { label: 'This machine' }, signal: never });
      const overNet = await takeSnapshot(viaNet, { device: { label: 'This machine' }, signal: never });
      assert.deepEqual(Object.keys(before.classes).sort(), Object.keys(overNet.classes).sort(), 'the same classes either way');
      assert.equal(before.classes.AMT_GeneralSettings!.instances![0]!.properties.HostName, rig.sim.device.identity.hostName);
      assert.match(before.classes.AMT_GeneralSettings!.instances![0]!.xml, /^<h:AMT_GeneralSettings xmlns:h=/);

      const gs = await viaNet.get('AMT_GeneralSettings');
      await viaNet.put('AMT_GeneralSettings', { ...gs.properties, DDNSTTL: '1200' });
      const after = await takeSnapshot(viaLocal, { device: { label: 'This machine' }, signal: never });
      const { diff } = compareSnapshots({ before: { name: 'before', text: serializeSnapshot(before) }, after: { name: 'after', text: serializeSnapshot(after) } });
      assert.deepEqual(diff.changes.map((c) => [c.className, c.property, c.before, c.after]), [['AMT_GeneralSettings', 'DDNSTTL', '900', '1200']]);
    } finally {
      await local.dispose();
      await network.dispose();
    }
  });
});
