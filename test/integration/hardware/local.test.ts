/**
 * The overview, hardware and storage reads on a device reached through the local path: the
 * product's koffi MEI code, its own APF session and WS-Man over an APF channel, against the
 * simulator's firmware behind the FUSE-emulated MEI device. Needs root and /dev/fuse (meiSuite:
 * skipped loudly elsewhere, failed in CI).
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { readHardware } from '../../../server/src/features/hardware';
import { readOverview } from '../../../server/src/features/overview';
import { allocateBlock, addEnterprise, readBlock, readStorage, writeBlock } from '../../../server/src/features/storage';
import { amtwb } from '../cli/run';
import { localRegistry, localRig, meiSuite, type LocalRig } from '../local/helpers';

meiSuite('overview, hardware and storage through the local target', () => {
  let rig: LocalRig;
  before(async () => {
    rig = await localRig();
  });
  after(() => rig?.close());

  it('the overview, the inventory and a 3PDS write and read back work with the local system account', async () => {
    const registry = localRegistry(rig.path);
    try {
      const client = await registry.connect('local');
      const o = await readOverview(client);
      assert.deepEqual(o.problems, []);
      assert.equal(o.identity.hostName, rig.sim.device.identity.hostName);
      assert.equal(o.firmware.amtVersion, rig.sim.device.identity.firmwareVersion);
      const h = await readHardware(client);
      assert.ok(h.sections.some((s) => s.id === 'cpu-0'));
      assert.equal(h.assetTables.find((t) => t.tableType === 130)?.structures[0]?.fields.find(([k]) => k === 'KVM enabled')?.[1], 'yes');
      await addEnterprise(client);
      const block = await allocateBlock(client, { name: 'local', size: 32 });
      await writeBlock(client, { block: block.block, data: Buffer.from('written over MEI') });
      assert.equal(Buffer.from((await readBlock(client, { block: block.block, count: 16 })).data, 'base64').toString(), 'written over MEI');
      const r = await readStorage(client);
      assert.deepEqual(r.applications.find((a) => a.handle === r.ownHandle)?.blocks.map((b) => b.name), ['local']);
    } finally {
      await registry.dispose();
    }
  });

  it('amtwb --target local overview and hardware --json print the same device', async () => {
    const text = await amtwb(['--target', 'local', '--mei', rig.path, 'overview']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout.split('\n')[0]!, new RegExp(`^ +Host name: ${rig.sim.device.identity.hostName.replace(/\./g, '\\.')}(\\.|$)`));
    const json = await amtwb(['--target', 'local', '--mei', rig.path, 'hardware', '--json']);
    assert.equal(json.code, 0, json.stderr);
    assert.equal(JSON.parse(json.stdout).tableTypes.join(','), 'SMbios:130,SMbios:131');
  });
});
