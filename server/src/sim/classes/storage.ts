/**
 * AMT_ThirdPartyDataStorageService and AMT_ThirdPartyDataStorageAdministrationService (Intel AMT
 * SDK class pages of the same names and the "Storage:" / "Admin:" use-case pages). The classes are
 * not in the intel/lms class model, so their method parameters follow the SDK's flow pages; where
 * those name no parameter (ReadBlock, WriteBlock, UnlockBlock, DeallocateBlock) the names follow
 * the ones the SDK uses elsewhere (SessionHandle, BlockHandle, ByteOffset, ByteCount, Data).
 * The state and the rules are in ../storage/tpds.ts; methods answer with its PT_STATUS codes.
 */
import type { PropValue } from '../values';
import { STORAGE_STATUS, tpds, type Application, type Outcome, type Tpds } from '../storage/tpds';
import { amtService, SERVICE_PROPS } from './common';
import type { ClassDef, MethodDef, MethodResult } from './types';

const SERVICE = 'AMT_ThirdPartyDataStorageService';
const ADMIN = 'AMT_ThirdPartyDataStorageAdministrationService';

type Input = Record<string, PropValue>;
const num = (v: PropValue | undefined) => Number(v);
const str = (v: PropValue | undefined) => (v === undefined ? '' : String(v));

function result<T>(o: Outcome<T>, output?: (v: T) => Array<[string, PropValue]>): MethodResult {
  if (o.status !== STORAGE_STATUS.Success || !output) return { returnValue: o.status };
  return { returnValue: 0, outputs: output(o.value as T) };
}

/** A service method that needs a registered session: an unknown SessionHandle is 8 (APPLICATION_NOT_REGISTERED). */
function inSession(inputs: Record<string, string>, run: (t: Tpds, app: Application, input: Input, session: number) => MethodResult): MethodDef {
  return {
    inputs: { SessionHandle: 'uint32 req', ...inputs },
    run: ({ device }, input) => {
      const t = tpds(device);
      const session = num(input.SessionHandle);
      const s = t.session(session);
      return s.value ? run(t, s.value, input, session) : { returnValue: s.status };
    },
  };
}

function onBlock(inputs: Record<string, string>, access: 'read' | 'write' | 'owner', run: (t: Tpds, b: NonNullable<ReturnType<Tpds['block']>['value']>, input: Input, session: number) => MethodResult): MethodDef {
  return inSession({ BlockHandle: 'uint32 req', ...inputs }, (t, app, input, session) => {
    const b = t.block(session, app, num(input.BlockHandle), access);
    return b.value ? run(t, b.value, input, session) : { returnValue: b.status };
  });
}

const STORAGE_SERVICE: ClassDef = {
  name: SERVICE,
  commonNs: true,
  props: { ...SERVICE_PROPS },
  initial: () => [amtService(SERVICE, 'Intel(r) AMT Third Party Data Storage Service', { EnabledState: 5, RequestedState: 12 })],
  methods: {
    GetMTU: { run: () => ({ returnValue: 0, outputs: [['Mtu', 4096]] }) },
    RegisterApplication: {
      inputs: { CallerUUID: 'string req', ApplicationName: 'string req', VendorName: 'string req', EnterpriseName: 'string req' },
      run: ({ device }, i) =>
        result(tpds(device).register(str(i.CallerUUID), str(i.ApplicationName), str(i.VendorName), str(i.EnterpriseName)), (h) => [['SessionHandle', h]]),
    },
    UnregisterApplication: inSession({}, (t, _app, _i, session) => result(t.unregister(session))),
    GetCurrentApplicationHandle: inSession({}, (_t, app) => ({ returnValue: 0, outputs: [['ApplicationHandle', app.handle]] })),
    GetRegisteredApplications: inSession({}, (t, app) => ({ returnValue: 0, outputs: [['ApplicationHandles', t.sameVendor(app)]] })),
    GetApplicationAttributes: inSession({ Handle: 'uint32 req' }, (t, app, i) => {
      if (!t.sameVendor(app).includes(num(i.Handle))) return { returnValue: STORAGE_STATUS.ApplicationDoesNotExist };
      return result(t.applicationAttributes(num(i.Handle)), (a) => Object.entries(a));
    }),
    GetBytesAvailable: inSession({}, (t, app) => ({ returnValue: 0, outputs: [['BytesAvailable', t.bytesAvailable(app)]] })),
    AllocateBlock: inSession({ BytesRequested: 'uint32 req', BlockHidden: 'boolean req', BlockName: 'string req' }, (t, app, i) =>
      result(t.allocate(app, num(i.BytesRequested), i.BlockHidden === true, str(i.BlockName)), (h) => [['BlockHandle', h]]),
    ),
    DeallocateBlock: onBlock({}, 'owner', (t, b) => result(t.deallocate(b))),
    GetAllocatedBlocks: inSession({ BlockOwnerApplication: 'uint32 req' }, (t, app, i) =>
      result(t.blocksOf(app, num(i.BlockOwnerApplication)), (list) => [['BlockHandles', list]]),
    ),
    GetBlockAttributes: onBlock({}, 'read', (_t, b) => ({
      returnValue: 0,
      outputs: [['BlockSize', b.size], ['BlockHidden', b.hidden], ['BlockName', b.name], ['BlockOwnerApplication', b.owner]],
    })),
    ReadBlock: onBlock({ ByteOffset: 'uint32 req', ByteCount: 'uint32 req' }, 'read', (t, b, i) =>
      result(t.read(b, num(i.ByteOffset), num(i.ByteCount)), (data) => [['Data', data]]),
    ),
    WriteBlock: onBlock({ ByteOffset: 'uint32 req', Data: 'base64 req' }, 'write', (t, b, i) =>
      result(t.write(b, num(i.ByteOffset), Buffer.from(str(i.Data), 'base64')), (n) => [['BytesWritten', n]]),
    ),
    LockBlock: onBlock({}, 'write', (t, b, _i, session) => result(t.lock(session, b))),
    UnlockBlock: inSession({ BlockHandle: 'uint32 req' }, (t, app, i, session) => {
      // An unlock is refused with BLOCK_LOCKED_BY_OTHER / BLOCK_NOT_LOCKED, so it looks past the lock.
      const b = t.state.blocks.find((x) => x.handle === num(i.BlockHandle) && (!x.hidden || x.owner === app.handle));
      return b ? result(t.release(session, b)) : { returnValue: STORAGE_STATUS.BlockDoesNotExist };
    }),
  },
};

const ADMIN_SERVICE: ClassDef = {
  name: ADMIN,
  commonNs: true,
  props: { ...SERVICE_PROPS },
  initial: () => [amtService(ADMIN, 'Intel(r) AMT Third Party Data Storage Administration Service', { EnabledState: 5, RequestedState: 12 })],
  methods: {
    GetGlobalStorageAttributes: { run: ({ device }) => ({ returnValue: 0, outputs: Object.entries(tpds(device).globalAttributes()) }) },
    AddStorageEaclEntry: {
      inputs: { EnterpriseName: 'string req' },
      run: ({ device }, i) => result(tpds(device).addEnterprise(str(i.EnterpriseName)), (h) => [['Handle', h]]),
    },
    EnumerateStorageEaclEntries: { run: ({ device }) => ({ returnValue: 0, outputs: [['Handles', tpds(device).state.enterprises.map((e) => e.handle)]] }) },
    GetStorageEaclEntry: {
      inputs: { Handle: 'uint32 req' },
      run: ({ device }, i) => {
        const e = tpds(device).state.enterprises.find((x) => x.handle === num(i.Handle));
        return e ? { returnValue: 0, outputs: [['EnterpriseName', e.name]] } : { returnValue: STORAGE_STATUS.InvalidParameter };
      },
    },
    RemoveStorageEaclEntry: { inputs: { Handle: 'uint32 req' }, run: ({ device }, i) => result(tpds(device).removeEnterprise(num(i.Handle))) },
    AddStorageFpaclEntry: {
      inputs: { AttrType: 'uint32 req', ApplicationName: 'string req', VendorName: 'string req', IsPartner: 'boolean req', TotalAllocationSize: 'uint32 req' },
      run: ({ device }, i) =>
        num(i.AttrType) !== 1
          ? { returnValue: STORAGE_STATUS.InvalidParameter }
          : result(tpds(device).addFpacl(str(i.ApplicationName), str(i.VendorName), i.IsPartner === true, num(i.TotalAllocationSize)), (h) => [['Handle', h]]),
    },
    EnumerateStorageAllocEntries: { run: ({ device }) => ({ returnValue: 0, outputs: [['Handles', tpds(device).state.fpacl.map((f) => f.handle)]] }) },
    GetStorageAllocEntry: {
      inputs: { Handle: 'uint32 req' },
      run: ({ device }, i) => {
        const f = tpds(device).fpaclEntry(num(i.Handle));
        if (!f) return { returnValue: STORAGE_STATUS.InvalidParameter };
        return {
          returnValue: 0,
          outputs: [['AttrType', 1], ['ApplicationName', f.applicationName], ['VendorName', f.vendorName], ['IsPartner', f.isPartner], ['TotalAllocationSize', f.totalAllocationSize]],
        };
      },
    },
    UpdateStorageFpaclEntry: {
      inputs: { Handle: 'uint32 req', NewAllocationSize: 'uint32 req' },
      run: ({ device }, i) => result(tpds(device).updateFpacl(num(i.Handle), num(i.NewAllocationSize))),
    },
    RemoveStorageFpaclEntry: { inputs: { Handle: 'uint32 req' }, run: ({ device }, i) => result(tpds(device).removeFpacl(num(i.Handle))) },
    AdminGetRegisteredApplications: { run: ({ device }) => ({ returnValue: 0, outputs: [['ApplicationHandles', tpds(device).state.apps.map((a) => a.handle)]] }) },
    AdminGetApplicationAttributes: {
      inputs: { Handle: 'uint32 req' },
      run: ({ device }, i) => result(tpds(device).applicationAttributes(num(i.Handle)), (a) => Object.entries(a)),
    },
    AdminRemoveApplication: { inputs: { Handle: 'uint32 req' }, run: ({ device }, i) => result(tpds(device).removeApplication(num(i.Handle))) },
  },
};

export const STORAGE_CLASSES: readonly ClassDef[] = [STORAGE_SERVICE, ADMIN_SERVICE];
