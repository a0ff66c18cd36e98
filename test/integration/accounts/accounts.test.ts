/**
 * AMT's user accounts (features/accounts) against the simulator over a real socket: listing, adding
 * with realms, the stored digest, logging on as the new user, editing, enabling, removing, the
 * admin password; a weak password refused with AMT's rule named and nothing sent; the device's own
 * refusals shown with their ReturnValue and meaning; lock-out warnings before anything is sent.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { AmtError } from '../../../server/src/errors';
import {
  addAccount, listAccounts, removeAccount, setAccountEnabled, setAdminPassword, updateAccount,
} from '../../../server/src/features/accounts';
import { DEFAULT_ACCOUNT, startSimulator, type Simulator } from '../../../server/src/sim';
import { tcpTransport, WsmanClient } from '../../../server/src/wsman';

const PASSWORD = 'Op3rator!x';

describe('accounts against the simulator', () => {
  let sim: Simulator;
  let admin: WsmanClient;
  /** Method names of every ACL change the device received. */
  const sent: string[] = [];
  const clients: WsmanClient[] = [];
  const as = (user: string, password: string) => {
    const c = new WsmanClient({ transport: tcpTransport('127.0.0.1', sim.port), user, password });
    clients.push(c);
    return c;
  };

  before(async () => {
    sim = await startSimulator({ port: 0 });
    admin = as(DEFAULT_ACCOUNT.user, DEFAULT_ACCOUNT.password);
    sim.device.on('request', ({ action }: { action?: string }) => {
      const m = action?.split('/').pop() ?? '';
      if (/^(Add|Update|Remove|Set)/.test(m)) sent.push(m);
    });
  });
  after(async () => {
    for (const c of clients) c.close();
    await sim?.close();
  });

  test('a new device lists the admin with its factory password, no users, and every realm with its meaning', async () => {
    const info = await listAccounts(admin, { signedInAs: 'admin' });
    assert.equal(info.admin.user, 'admin');
    assert.equal(info.admin.isDefault, true);
    assert.deepEqual(info.users, []);
    assert.match(info.digestRealm, /^Digest:[0-9A-F]{32}$/);
    const rc = info.realms.find((r) => r.id === 5);
    assert.deepEqual(rc, { id: 5, name: 'Remote Control', meaning: 'power and boot control' });
    assert.ok(!info.realms.some((r) => [0, 1, 22, 23].includes(r.id)));
  });

  test('add: the device stores MD5(user:realm:password), and the new user logs on with exactly its realms', async () => {
    const r = await addAccount(admin, { user: 'operator', password: PASSWORD, realms: [5, 13], permission: 1 });
    assert.equal(r.handle, 1);
    assert.equal(r.message, 'Added the account "operator" (handle 1) with Remote Control, General Info.');
    const realm = (await listAccounts(admin)).digestRealm;
    const entry = sim.device.accounts.byUser('operator');
    assert.equal(entry?.a1, createHash('md5').update(`operator:${realm}:${PASSWORD}`).digest('hex'));
    const op = as('operator', PASSWORD);
    const gs = await op.get('AMT_GeneralSettings');
    assert.equal(gs.properties.DigestRealm, realm);
    await assert.rejects(op.enumerateAll('AMT_AuditLog'), (e: unknown) => e instanceof AmtError && /AccessDenied|access/i.test(e.message));
    const listed = (await listAccounts(admin)).users[0]!;
    assert.deepEqual(
      { user: listed.user, permission: listed.permissionLabel, realms: listed.realmNames, enabled: listed.enabled },
      { user: 'operator', permission: 'network only', realms: ['Remote Control', 'General Info'], enabled: true },
    );
  });

  test('a weak password is refused with the rule named, and nothing reaches the device', async () => {
    const before = sent.length;
    for (const [password, why] of [['alllowercase1!', 'lacks an upper-case letter'], ['NoDigits!!', 'lacks a digit'], ['Has:Colon1', 'contains'], ['Abcdefg12', 'not a letter or digit']] as const) {
      await assert.rejects(
        addAccount(admin, { user: 'weak', password, realms: [5] }),
        (e: unknown) => e instanceof AmtError && e.code === 'accounts.weak-password' && e.message.includes("AMT's strong-password rule (8 to 32 characters") && e.message.includes(why) && !e.message.includes(password),
      );
    }
    await assert.rejects(addAccount(admin, { user: 'weak', password: 'Ab1!', realms: [5] }), /fewer than 8/);
    await assert.rejects(updateAccount(admin, { handle: 1, password: 'password' }), (e: unknown) => e instanceof AmtError && e.code === 'accounts.weak-password');
    await assert.rejects(setAdminPassword(admin, { password: 'admin' }), (e: unknown) => e instanceof AmtError && e.code === 'accounts.weak-password');
    assert.equal(sent.length, before, 'no ACL change was sent');
    assert.equal(sim.device.accounts.byUser('weak'), undefined);
  });

  test("the device's own refusal is shown with its ReturnValue and meaning: a duplicate user name", async () => {
    await assert.rejects(
      addAccount(admin, { user: 'operator', password: PASSWORD, realms: [5] }),
      (e: unknown) => e instanceof AmtError && e.code === 'accounts.refused' && e.message.includes('AddUserAclEntryEx ReturnValue 2058: Duplicate (DUPLICATE)') && /already in use/.test(e.message),
    );
    assert.equal(sim.device.accounts.entries().length, 1);
  });

  test('edit: new realms and access; a rename needs the password; a new password logs on', async () => {
    const r = await updateAccount(admin, { handle: 1, realms: [2, 5, 13], permission: 2 }, { signedInAs: 'admin' });
    assert.match(r.message, /realms Redirection, Remote Control, General Info; access local and network/);
    assert.deepEqual(sim.device.accounts.entry(1)?.realms, [2, 5, 13]);
    await assert.rejects(updateAccount(admin, { handle: 1, user: 'op2' }), /needs its password again/);
    await updateAccount(admin, { handle: 1, user: 'op2', password: 'N3w!passw0rd' });
    const op = as('op2', 'N3w!passw0rd');
    assert.ok((await op.get('AMT_GeneralSettings')).properties.DigestRealm);
  });

  test('disable: the user can no longer log on; enable again: it can', async () => {
    await setAccountEnabled(admin, 1, false, { signedInAs: 'admin' });
    assert.equal((await listAccounts(admin)).users[0]!.enabled, false);
    await assert.rejects(as('op2', 'N3w!passw0rd').get('AMT_GeneralSettings'), (e: unknown) => e instanceof AmtError && e.code === 'auth.failed');
    await setAccountEnabled(admin, 1, true);
    assert.ok((await as('op2', 'N3w!passw0rd').get('AMT_GeneralSettings')).properties.DigestRealm);
  });

  test('removing or disabling the account you are signed in with warns first and sends nothing; confirmed, it goes through', async () => {
    await addAccount(admin, { user: 'boss', password: 'B0ss!passw', realms: [3] });
    const boss = as('boss', 'B0ss!passw');
    const before = sent.length;
    await assert.rejects(removeAccount(boss, 2, { signedInAs: 'boss' }), (e: unknown) => e instanceof AmtError && e.code === 'accounts.lockout' && /locks you out/.test(e.message));
    await assert.rejects(setAccountEnabled(boss, 2, false, { signedInAs: 'boss' }), (e: unknown) => e instanceof AmtError && e.code === 'accounts.lockout');
    await assert.rejects(updateAccount(boss, { handle: 2, realms: [5] }, { signedInAs: 'boss' }), (e: unknown) => e instanceof AmtError && e.code === 'accounts.lockout');
    assert.equal(sent.length, before, 'nothing was sent before the user confirmed');
    // Signed in as the admin, removing the only PT Administration user still warns (the admin password is then the one way in).
    await assert.rejects(removeAccount(admin, 2, { signedInAs: 'admin' }), /leaves no user account with PT Administration/);
    const r = await removeAccount(admin, 2, { signedInAs: 'admin', confirmed: true });
    assert.equal(r.message, 'Removed the account "boss".');
    assert.equal(sim.device.accounts.byUser('boss'), undefined);
    assert.deepEqual(sent.slice(before), ['RemoveUserAclEntry']);
  });

  test('an unknown handle is named before anything is sent', async () => {
    const before = sent.length;
    await assert.rejects(removeAccount(admin, 99, { confirmed: true }), /no user account with handle 99/);
    assert.equal(sent.length, before);
  });

  test('the admin password: warned when signed in as the admin, then set; the new one logs on and the old one does not', async () => {
    await assert.rejects(setAdminPassword(admin, { password: 'Adm1n!new' }, { signedInAs: 'admin' }), (e: unknown) => e instanceof AmtError && e.code === 'accounts.lockout');
    const r = await setAdminPassword(admin, { password: 'Adm1n!new' }, { signedInAs: 'admin', confirmed: true });
    assert.equal(r.message, 'Set the password of the admin account "admin".');
    assert.equal(sim.device.accounts.adminIsDefault, false);
    const fresh = as('admin', 'Adm1n!new');
    assert.equal((await listAccounts(fresh)).admin.isDefault, false);
    await assert.rejects(as('admin', DEFAULT_ACCOUNT.password).get('AMT_GeneralSettings'), (e: unknown) => e instanceof AmtError && e.code === 'auth.failed');
    await setAdminPassword(fresh, { password: DEFAULT_ACCOUNT.password }, { confirmed: true });
  });
});
