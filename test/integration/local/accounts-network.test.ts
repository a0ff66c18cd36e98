/**
 * Accounts, network and certificates on a device reached through the local path: the product's
 * koffi MEI code, its own APF session and WS-Man client, against the simulator's firmware behind
 * the FUSE-emulated /dev/mei0 — through the features, and through the built CLI (`--target local`).
 * Needs root and /dev/fuse (meiSuite: skipped loudly elsewhere, a failure in CI).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, it } from 'node:test';
import { addAccount, listAccounts, removeAccount } from '../../../server/src/features/accounts';
import { listCertificates, readNetwork } from '../../../server/src/features/network';
import { DEFAULT_ACCOUNT } from '../../../server/src/sim';
import type { TargetRegistry } from '../../../server/src/targets/registry';
import { amtwb, CLI } from '../cli/run';
import { localRegistry, localRig, meiSuite, type LocalRig } from './helpers';

meiSuite('accounts and network through the local target', () => {
  let rig: LocalRig;
  let registry: TargetRegistry;
  before(async () => {
    rig = await localRig();
    registry = localRegistry(rig.path);
  });
  after(async () => {
    await registry?.dispose();
    await rig?.close();
  });

  it('lists the accounts with the firmware $$ system account flagged, adds and removes a user as the admin', async () => {
    const client = await registry.connect('local', { ...DEFAULT_ACCOUNT });
    const info = await listAccounts(client, { signedInAs: 'admin' });
    assert.equal(info.admin.user, 'admin');
    const system = info.users.filter((u) => u.system);
    assert.ok(system.length >= 1 && system.every((u) => u.user?.startsWith('$$')), 'the local system account is listed as a system account');
    const added = await addAccount(client, { user: 'localop', password: 'L0cal!user', realms: [5, 13], permission: 0 });
    assert.equal(rig.sim.device.accounts.byUser('localop')?.permission, 0);
    assert.ok((await listAccounts(client)).users.some((u) => u.user === 'localop' && u.permissionLabel === 'local only'));
    await removeAccount(client, added.handle!, { signedInAs: 'admin' });
    assert.equal(rig.sim.device.accounts.byUser('localop'), undefined);
  });

  it('reads the network settings and decodes the certificates over APF', async () => {
    const client = await registry.connect('local', { ...DEFAULT_ACCOUNT });
    const n = await readNetwork(client);
    assert.equal(n.wired?.mac, rig.sim.device.identity.wiredMac);
    const { certificates } = await listCertificates(client);
    assert.match(certificates.find((c) => c.usedForTls)!.subject, new RegExp(`CN=${rig.sim.device.identity.name}$`));
  });

  it('amtwb --target local: accounts list --json and network, with the local system account', async () => {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing; run "npm run build" first`);
    const list = await amtwb(['--target', 'local', '--mei', rig.path, 'accounts', 'list', '--json']);
    assert.equal(list.code, 0, list.stderr);
    assert.equal(JSON.parse(list.stdout).admin.user, 'admin');
    const text = await amtwb(['--target', 'local', '--mei', rig.path, 'accounts', 'list', '--all']);
    assert.match(text.stdout, /\$\$\S+ \(system\)/);
    const net = await amtwb(['--target', 'local', '--mei', rig.path, 'network']);
    assert.equal(net.code, 0, net.stderr);
    assert.ok(net.stdout.includes(`MAC ${rig.sim.device.identity.wiredMac}`));
  });
});
