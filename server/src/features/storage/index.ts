/**
 * Third-party data storage (3PDS; Intel AMT SDK "Storage:" and "Admin:" use-case pages): the flash
 * AMT lends to applications. The workbench reads it as the storage administrator
 * (AMT_ThirdPartyDataStorageAdministrationService: global attributes, enterprises, partner
 * allocations, registered applications) and works on blocks as one application of its own
 * (AMT_ThirdPartyDataStorageService: RegisterApplication under its enterprise, AllocateBlock,
 * ReadBlock/WriteBlock in GetMTU-sized pieces, UnregisterApplication when done).
 *
 * Every device write is sent once. A refusal is an AmtError whose sentence names the method, the
 * ReturnValue with its PT_STATUS meaning, and what to do. Reading never registers anything: blocks
 * are listed only when the workbench's application already exists on the device.
 */
import { AmtError } from '../../errors';
import type {
  StorageAllocateResult, StorageAllocationView, StorageApplicationView, StorageBlockView, StorageEnterpriseView, StorageLimits,
  StorageReadResult, StorageReport, StorageWriteResult,
} from '../../protocol';
import { WsmanFaultError, type WsmanClient } from '../../wsman';
import type { WsInput, WsValue } from '../../wsman/types';
import { writeProblem } from './data';
import { readSoftware, type CallOptions } from './software';

export type { CallOptions } from './software';

const SERVICE = 'AMT_ThirdPartyDataStorageService';
const ADMIN = 'AMT_ThirdPartyDataStorageAdministrationService';

/** Who the workbench is on the device (vendor + application + enterprise + caller UUID, SDK registration identity). */
export const WORKBENCH_APP = Object.freeze({
  vendorName: 'AMT Workbench',
  applicationName: 'AMT Workbench',
  enterpriseName: 'AMT Workbench',
  uuid: '414D5457-4F52-4B42-454E-434830303031'.replace(/-/g, ''),
});

/** What to do after each PT_STATUS a storage method can return. */
const HINTS: Readonly<Record<number, string>> = {
  8: 'the session ended (an expired or unknown session handle), so try again',
  9: `the registration was refused; add the "${WORKBENCH_APP.enterpriseName}" enterprise first (amtwb storage enterprise, or the Storage page's button)`,
  10: 'that application is not registered on the device any more; refresh the list',
  11: 'the application has no room left; free a block or ask for fewer bytes',
  12: 'the name is empty, too long (block names at most 32 characters, others 64) or already used; choose another',
  13: 'that block does not exist or is hidden; refresh the list',
  14: 'the offset is past the end of the block; give a smaller one',
  15: 'the byte count does not fit the block or the 4 KB buffer; give fewer bytes',
  16: 'the workbench may not do that to another application\'s block or to an entry still in use',
  17: 'only the block\'s owner may do that',
  18: 'another session holds a lock on the block; wait for it to unlock (locks lapse after a while) and try again',
  23: 'a device limit was reached (enterprises, partner entries or sessions); remove one first',
  36: 'a parameter was not accepted; check the handle and try again',
};

export function storageRefusal(method: string, rv: { returnValue: number; returnMeaning: string }): AmtError {
  const hint = HINTS[rv.returnValue] ?? 'check that the account has the Storage and Storage Admin realms';
  return new AmtError('storage.refused', `The device refused ${method} with ReturnValue ${rv.returnValue} (${rv.returnMeaning}): ${hint}.`);
}

async function call(client: WsmanClient, cls: string, method: string, input: Record<string, WsInput>, opts: CallOptions): Promise<Record<string, WsValue>> {
  const rv = await client.invoke(cls, method, input, undefined, opts);
  if (rv.returnValue !== 0) throw storageRefusal(method, rv);
  return rv.output;
}

const text = (v: WsValue | undefined): string => (typeof v === 'string' ? v.trim() : '');
const int = (v: WsValue | undefined): number => Number(text(v));
const bool = (v: WsValue | undefined): boolean => text(v).toLowerCase() === 'true';
function ints(v: WsValue | undefined): number[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => Number(text(x))).filter((n) => Number.isInteger(n));
}

/** A session of the workbench's application: RegisterApplication, `run`, UnregisterApplication (also after an error). */
export async function withSession<T>(client: WsmanClient, run: (session: number) => Promise<T>, opts: CallOptions = {}): Promise<T> {
  const out = await call(client, SERVICE, 'RegisterApplication', {
    CallerUUID: WORKBENCH_APP.uuid,
    ApplicationName: WORKBENCH_APP.applicationName,
    VendorName: WORKBENCH_APP.vendorName,
    EnterpriseName: WORKBENCH_APP.enterpriseName,
  }, opts);
  const session = int(out.SessionHandle);
  try {
    return await run(session);
  } finally {
    await client.invoke(SERVICE, 'UnregisterApplication', { SessionHandle: session }, undefined, opts).catch(() => undefined);
  }
}

async function limits(client: WsmanClient, opts: CallOptions): Promise<StorageLimits> {
  const mtu = int((await call(client, SERVICE, 'GetMTU', {}, opts)).Mtu);
  const g = await call(client, ADMIN, 'GetGlobalStorageAttributes', {}, opts);
  const global: Record<string, number> = {};
  for (const [k, v] of Object.entries(g)) if (Number.isFinite(int(v))) global[k] = int(v);
  return { mtu, global };
}

/** Firmware components, then everything 3PDS shows; a device without 3PDS gives `available: false` and one sentence. */
export async function readStorage(client: WsmanClient, opts: CallOptions = {}): Promise<StorageReport> {
  const software = await readSoftware(client, opts);
  const identity = { vendorName: WORKBENCH_APP.vendorName, applicationName: WORKBENCH_APP.applicationName, enterpriseName: WORKBENCH_APP.enterpriseName };
  const base: StorageReport = { software, available: false, enterprises: [], allocations: [], applications: [], identity };
  let lim: StorageLimits;
  try {
    lim = await limits(client, opts);
  } catch (err) {
    if (!(err instanceof WsmanFaultError)) throw err;
    return { ...base, unavailable: 'This device serves no third-party data storage (AMT dropped 3PDS after release 11), so only the firmware components are shown.' };
  }
  const enterprises: StorageEnterpriseView[] = [];
  for (const handle of ints((await call(client, ADMIN, 'EnumerateStorageEaclEntries', {}, opts)).Handles)) {
    enterprises.push({ handle, name: text((await call(client, ADMIN, 'GetStorageEaclEntry', { Handle: handle }, opts)).EnterpriseName) });
  }
  const allocations: StorageAllocationView[] = [];
  for (const handle of ints((await call(client, ADMIN, 'EnumerateStorageAllocEntries', {}, opts)).Handles)) {
    const e = await call(client, ADMIN, 'GetStorageAllocEntry', { Handle: handle }, opts);
    allocations.push({ handle, applicationName: text(e.ApplicationName), vendorName: text(e.VendorName), partner: bool(e.IsPartner), totalAllocationSize: int(e.TotalAllocationSize) });
  }
  const applications: StorageApplicationView[] = [];
  for (const handle of ints((await call(client, ADMIN, 'AdminGetRegisteredApplications', {}, opts)).ApplicationHandles)) {
    const a = await call(client, ADMIN, 'AdminGetApplicationAttributes', { Handle: handle }, opts);
    applications.push({
      handle, uuid: text(a.UUID), applicationName: text(a.ApplicationName), vendorName: text(a.VendorName), enterpriseName: text(a.EnterpriseName),
      allocated: int(a.CurrentAllocationSize), activeSession: bool(a.ActiveSession), partner: bool(a.Partner), blocks: [],
    });
  }
  const report: StorageReport = { ...base, available: true, limits: lim, enterprises, allocations, applications };
  const own = applications.find((a) => isWorkbench(a));
  if (own && enterprises.some((e) => e.name === WORKBENCH_APP.enterpriseName)) {
    await withSession(client, async (session) => {
      report.ownHandle = int((await call(client, SERVICE, 'GetCurrentApplicationHandle', { SessionHandle: session }, opts)).ApplicationHandle);
      report.bytesAvailable = int((await call(client, SERVICE, 'GetBytesAvailable', { SessionHandle: session }, opts)).BytesAvailable);
      for (const app of applications.filter((a) => a.vendorName === WORKBENCH_APP.vendorName)) app.blocks = await blocksOf(client, session, app.handle, opts);
    }, opts);
  }
  return report;
}

function isWorkbench(a: StorageApplicationView): boolean {
  return a.vendorName === WORKBENCH_APP.vendorName && a.applicationName === WORKBENCH_APP.applicationName && a.enterpriseName === WORKBENCH_APP.enterpriseName && a.uuid.toUpperCase() === WORKBENCH_APP.uuid;
}

async function blocksOf(client: WsmanClient, session: number, owner: number, opts: CallOptions): Promise<StorageBlockView[]> {
  const handles = ints((await call(client, SERVICE, 'GetAllocatedBlocks', { SessionHandle: session, BlockOwnerApplication: owner }, opts)).BlockHandles);
  const out: StorageBlockView[] = [];
  for (const handle of handles) {
    const rv = await client.invoke(SERVICE, 'GetBlockAttributes', { SessionHandle: session, BlockHandle: handle }, undefined, opts);
    if (rv.returnValue !== 0) {
      out.push({ handle, name: '', size: 0, hidden: false, owner, problem: storageRefusal('GetBlockAttributes', rv).message });
      continue;
    }
    const o = rv.output;
    out.push({ handle, name: text(o.BlockName), size: int(o.BlockSize), hidden: bool(o.BlockHidden), owner: int(o.BlockOwnerApplication) });
  }
  return out;
}

/** AddStorageEaclEntry: the enterprise applications register under (the workbench's by default). */
export async function addEnterprise(client: WsmanClient, name: string = WORKBENCH_APP.enterpriseName, opts: CallOptions = {}): Promise<StorageEnterpriseView> {
  if (!name.trim() || name.length > 64) throw new AmtError('storage.invalid', `"${name}" cannot be an enterprise name; give 1 to 64 characters.`);
  const out = await call(client, ADMIN, 'AddStorageEaclEntry', { EnterpriseName: name }, opts);
  return { handle: int(out.Handle), name };
}

/** AllocateBlock as the workbench's application (registering the session for it). */
export async function allocateBlock(client: WsmanClient, p: { name: string; size: number; hidden?: boolean }, opts: CallOptions = {}): Promise<StorageAllocateResult> {
  if (p.name.length === 0 || p.name.length > 32) throw new AmtError('storage.invalid', `The block name "${p.name}" has ${p.name.length} characters; give 1 to 32.`);
  if (!Number.isInteger(p.size) || p.size <= 0) throw new AmtError('storage.invalid', `${p.size} is not a block size; give a whole number of bytes above 0.`);
  return withSession(client, async (session) => {
    const out = await call(client, SERVICE, 'AllocateBlock', { SessionHandle: session, BytesRequested: p.size, BlockHidden: p.hidden === true, BlockName: p.name }, opts);
    return { block: int(out.BlockHandle), name: p.name, size: p.size };
  }, opts);
}

async function blockSize(client: WsmanClient, session: number, block: number, opts: CallOptions): Promise<number> {
  return int((await call(client, SERVICE, 'GetBlockAttributes', { SessionHandle: session, BlockHandle: block }, opts)).BlockSize);
}

async function mtuOf(client: WsmanClient, opts: CallOptions): Promise<number> {
  const mtu = int((await call(client, SERVICE, 'GetMTU', {}, opts)).Mtu);
  return mtu > 0 ? mtu : 4096;
}

/** ReadBlock from `offset` (default 0) for `count` bytes (default: to the end), one MTU per call. */
export async function readBlock(client: WsmanClient, p: { block: number; offset?: number; count?: number }, opts: CallOptions = {}): Promise<StorageReadResult> {
  const mtu = await mtuOf(client, opts);
  return withSession(client, async (session) => {
    const size = await blockSize(client, session, p.block, opts);
    const offset = p.offset ?? 0;
    const count = p.count ?? size - offset;
    if (offset < 0 || offset >= size) throw new AmtError('storage.invalid', `The offset ${offset} is outside the ${size}-byte block ${p.block}; give 0 to ${size - 1}.`);
    if (count <= 0 || offset + count > size) throw new AmtError('storage.invalid', `${count} bytes from offset ${offset} do not fit the ${size}-byte block ${p.block}; ask for at most ${size - offset}.`);
    const parts: Buffer[] = [];
    for (let at = offset; at < offset + count; at += mtu) {
      const n = Math.min(mtu, offset + count - at);
      const out = await call(client, SERVICE, 'ReadBlock', { SessionHandle: session, BlockHandle: p.block, ByteOffset: at, ByteCount: n }, opts);
      parts.push(Buffer.from(text(out.Data), 'base64'));
    }
    return { block: p.block, offset, data: Buffer.concat(parts).toString('base64') };
  }, opts);
}

/**
 * WriteBlock of `data` at `offset`, one MTU per call. Refused before anything is written when it
 * does not fit the block (the block's size read first).
 */
export async function writeBlock(client: WsmanClient, p: { block: number; offset?: number; data: Buffer }, opts: CallOptions = {}): Promise<StorageWriteResult> {
  const mtu = await mtuOf(client, opts);
  return withSession(client, async (session) => {
    const size = await blockSize(client, session, p.block, opts);
    const offset = p.offset ?? 0;
    const problem = writeProblem(p.data.length, offset, size);
    if (problem) throw new AmtError('storage.invalid', `Nothing was written: ${problem.charAt(0).toLowerCase()}${problem.slice(1)}`);
    let written = 0;
    let calls = 0;
    for (let at = 0; at < p.data.length; at += mtu) {
      const piece = p.data.subarray(at, at + mtu);
      calls++;
      const out = await call(client, SERVICE, 'WriteBlock', { SessionHandle: session, BlockHandle: p.block, ByteOffset: offset + at, Data: piece.toString('base64') }, opts).catch((err: unknown) => {
        if (written > 0 && err instanceof AmtError) throw new AmtError(err.code, `${err.message.replace(/\.$/, '')}; the first ${written} bytes were written.`);
        throw err;
      });
      written += Number.isFinite(int(out.BytesWritten)) ? int(out.BytesWritten) : piece.length;
    }
    return { block: p.block, offset, bytesWritten: written, calls };
  }, opts);
}

/** DeallocateBlock (the workbench's own blocks only). */
export async function freeBlock(client: WsmanClient, block: number, opts: CallOptions = {}): Promise<void> {
  await withSession(client, async (session) => {
    await call(client, SERVICE, 'DeallocateBlock', { SessionHandle: session, BlockHandle: block }, opts);
  }, opts);
}

/** AdminRemoveApplication: the application and all its blocks. */
export async function removeApplication(client: WsmanClient, handle: number, opts: CallOptions = {}): Promise<void> {
  await call(client, ADMIN, 'AdminRemoveApplication', { Handle: handle }, opts);
}
