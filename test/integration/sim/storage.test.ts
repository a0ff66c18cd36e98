/**
 * Third-party data storage over real sockets, as a storage application and its administrator
 * drive it (Intel AMT SDK "Storage:" and "Admin:" use cases): the administrator creates the
 * enterprise, an application registers, allocates a block, writes and reads it back; AMT's limits
 * and PT_STATUS codes refuse what the firmware refuses.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { build, findAll, payload, props } from './helpers';
import { simSession } from './sim-session';

const SERVICE = 'AMT_ThirdPartyDataStorageService';
const ADMIN = 'AMT_ThirdPartyDataStorageAdministrationService';
const UUID = '0123456789ABCDEF0123456789ABCDEF';

describe('third-party data storage', () => {
  const session = simSession();
  const call = session.call;
  const rv = (o: Record<string, string | string[]>) => Number(o.ReturnValue);

  async function register(app: string, enterprise = 'Contoso'): Promise<number> {
    const r = await call(SERVICE, 'RegisterApplication', { CallerUUID: UUID, ApplicationName: app, VendorName: 'Fabrikam', EnterpriseName: enterprise });
    assert.equal(rv(r), 0, `RegisterApplication ${app}: ${JSON.stringify(r)}`);
    return Number(r.SessionHandle);
  }

  test('both services are served with their names', async () => {
    for (const [cls, name] of [[SERVICE, 'Intel(r) AMT Third Party Data Storage Service'], [ADMIN, 'Intel(r) AMT Third Party Data Storage Administration Service']]) {
      const r = await session.client.post(build.get(cls));
      assert.equal(r.status, 200, r.body);
      assert.equal(props(payload(r.body)).Name, name);
    }
    assert.equal((await call(SERVICE, 'GetMTU')).Mtu, '4096');
  });

  test('registering under an enterprise the administrator has not created is refused with 9 (INVALID_REGISTRATION_DATA)', async () => {
    const r = await call(SERVICE, 'RegisterApplication', { CallerUUID: UUID, ApplicationName: 'Agent', VendorName: 'Fabrikam', EnterpriseName: 'Nobody' });
    assert.equal(rv(r), 9);
  });

  test('register, allocate, write and read a block, see it listed, unregister', async () => {
    assert.equal(rv(await call(ADMIN, 'AddStorageEaclEntry', { EnterpriseName: 'Contoso' })), 0);
    const session = await register('Inventory Agent');
    const app = Number((await call(SERVICE, 'GetCurrentApplicationHandle', { SessionHandle: session })).ApplicationHandle);
    const before = Number((await call(SERVICE, 'GetBytesAvailable', { SessionHandle: session })).BytesAvailable);
    assert.equal(before, 8192, 'a non-partner application may hold 8 KiB');

    const alloc = await call(SERVICE, 'AllocateBlock', { SessionHandle: session, BytesRequested: 4096, BlockHidden: false, BlockName: 'asset-data' });
    assert.equal(rv(alloc), 0);
    const block = Number(alloc.BlockHandle);
    assert.equal(Number((await call(SERVICE, 'GetBytesAvailable', { SessionHandle: session })).BytesAvailable), 4096);

    const data = Buffer.from('serial=ABC123;owner=finance');
    assert.equal(rv(await call(SERVICE, 'LockBlock', { SessionHandle: session, BlockHandle: block })), 0);
    const w = await call(SERVICE, 'WriteBlock', { SessionHandle: session, BlockHandle: block, ByteOffset: 100, Data: data.toString('base64') });
    assert.equal(rv(w), 0);
    const r = await call(SERVICE, 'ReadBlock', { SessionHandle: session, BlockHandle: block, ByteOffset: 100, ByteCount: data.length });
    assert.equal(rv(r), 0);
    assert.equal(Buffer.from(String(r.Data), 'base64').toString(), data.toString());
    assert.equal(rv(await call(SERVICE, 'UnlockBlock', { SessionHandle: session, BlockHandle: block })), 0);
    assert.equal(rv(await call(SERVICE, 'UnlockBlock', { SessionHandle: session, BlockHandle: block })), 19, 'BLOCK_NOT_LOCKED');

    const listed = await call(SERVICE, 'GetAllocatedBlocks', { SessionHandle: session, BlockOwnerApplication: app });
    assert.deepEqual([listed.BlockHandles].flat(), [String(block)]);
    const attrs = await call(SERVICE, 'GetBlockAttributes', { SessionHandle: session, BlockHandle: block });
    assert.equal(attrs.BlockName, 'asset-data');
    assert.equal(attrs.BlockSize, '4096');

    const admin = await call(ADMIN, 'AdminGetApplicationAttributes', { Handle: app });
    assert.equal(admin.ApplicationName, 'Inventory Agent');
    assert.equal(admin.CurrentAllocationSize, '4096');
    assert.equal(admin.ActiveSession, 'true');

    assert.equal(rv(await call(SERVICE, 'UnregisterApplication', { SessionHandle: session })), 0);
    assert.equal(rv(await call(SERVICE, 'GetBytesAvailable', { SessionHandle: session })), 8, 'an unregistered session is APPLICATION_NOT_REGISTERED');
    // The block outlives the session: registering again finds it.
    const again = await register('Inventory Agent');
    const back = await call(SERVICE, 'ReadBlock', { SessionHandle: again, BlockHandle: block, ByteOffset: 100, ByteCount: data.length });
    assert.equal(Buffer.from(String(back.Data), 'base64').toString(), data.toString());
    await call(SERVICE, 'UnregisterApplication', { SessionHandle: again });
  });

  test("AMT's limits refuse: too much storage, reads past the block or the 4 KB buffer, names, locks, enterprises, sessions", async () => {
    const own = await register('Limits Agent');
    const call1 = (m: string, i: Record<string, string | number | boolean>) => call(SERVICE, m, { SessionHandle: own, ...i });
    assert.equal(rv(await call1('AllocateBlock', { BytesRequested: 8193, BlockHidden: false, BlockName: 'big' })), 11, 'NOT_ENOUGH_STORAGE');
    assert.equal(rv(await call1('AllocateBlock', { BytesRequested: 16, BlockHidden: false, BlockName: 'n'.repeat(33) })), 12, 'INVALID_NAME');
    const block = Number((await call1('AllocateBlock', { BytesRequested: 6000, BlockHidden: true, BlockName: 'six' })).BlockHandle);
    assert.equal(rv(await call1('AllocateBlock', { BytesRequested: 4096, BlockHidden: false, BlockName: 'more' })), 11, 'the app holds 6000 of its 8192 bytes');
    assert.equal(rv(await call1('ReadBlock', { BlockHandle: block, ByteOffset: 6000, ByteCount: 1 })), 14, 'INVALID_BYTE_OFFSET');
    assert.equal(rv(await call1('ReadBlock', { BlockHandle: block, ByteOffset: 0, ByteCount: 4097 })), 15, 'more than the 4 KB buffer');
    assert.equal(rv(await call1('ReadBlock', { BlockHandle: 999_999, ByteOffset: 0, ByteCount: 1 })), 13, 'BLOCK_DOES_NOT_EXIST');

    // Another application of the same vendor: a hidden block is invisible, a locked one refused.
    const other = await register('Other Agent');
    assert.equal(rv(await call(SERVICE, 'ReadBlock', { SessionHandle: other, BlockHandle: block, ByteOffset: 0, ByteCount: 1 })), 13);
    const shown = Number((await call1('AllocateBlock', { BytesRequested: 100, BlockHidden: false, BlockName: 'shared' })).BlockHandle);
    assert.equal(rv(await call1('LockBlock', { BlockHandle: shown })), 0);
    assert.equal(rv(await call(SERVICE, 'ReadBlock', { SessionHandle: other, BlockHandle: shown, ByteOffset: 0, ByteCount: 1 })), 18, 'BLOCK_LOCKED_BY_OTHER');
    assert.equal(rv(await call(SERVICE, 'DeallocateBlock', { SessionHandle: other, BlockHandle: shown })), 17, 'NOT_OWNER');
    session.sim.device.advance(121_000); // the lock lapses on the device clock
    assert.equal(rv(await call(SERVICE, 'ReadBlock', { SessionHandle: other, BlockHandle: shown, ByteOffset: 0, ByteCount: 1 })), 0);

    for (const name of ['E2', 'E3', 'E4']) assert.equal(rv(await call(ADMIN, 'AddStorageEaclEntry', { EnterpriseName: name })), 0);
    assert.equal(rv(await call(ADMIN, 'AddStorageEaclEntry', { EnterpriseName: 'E5' })), 23, 'at most 4 enterprises: MAX_LIMIT_REACHED');
    assert.equal(Number((await call(ADMIN, 'GetGlobalStorageAttributes')).MaxEaclEntries), 4);

    const open: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const r = await call(SERVICE, 'RegisterApplication', { CallerUUID: UUID, ApplicationName: `Bulk ${i}`, VendorName: 'Fabrikam', EnterpriseName: 'Contoso' });
      if (rv(r) !== 0) {
        assert.equal(rv(r), 23, 'at most 16 sessions');
        break;
      }
      open.push(Number(r.SessionHandle));
    }
    assert.equal(open.length + 2, 16, 'two sessions of this test were open before');
  });

  test('a partner allocation reserves whole 4 KB pages for one application', async () => {
    assert.equal(rv(await call(ADMIN, 'AddStorageFpaclEntry', { AttrType: 1, ApplicationName: 'Partner', VendorName: 'Fabrikam', IsPartner: true, TotalAllocationSize: 5000 })), 15);
    const added = await call(ADMIN, 'AddStorageFpaclEntry', { AttrType: 1, ApplicationName: 'Partner', VendorName: 'Fabrikam', IsPartner: true, TotalAllocationSize: 16384 });
    assert.equal(rv(added), 0);
    const entry = await call(ADMIN, 'GetStorageAllocEntry', { Handle: Number(added.Handle) });
    assert.equal(entry.TotalAllocationSize, '16384');
    assert.deepEqual(findAll(payload((await session.client.post(build.invoke(ADMIN, 'EnumerateStorageAllocEntries'))).body), 'Handles').map((n) => n.text), [String(added.Handle)]);
    const g = await call(ADMIN, 'GetGlobalStorageAttributes');
    assert.equal(g.TotalPartnerAllocatedStorage, '16384');
  });
});
