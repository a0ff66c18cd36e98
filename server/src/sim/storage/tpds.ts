/**
 * Third-party data storage (3PDS, "ISV storage"): the flash AMT lends to host and network
 * applications (Intel AMT SDK: storageconceptsandobjects.htm, applicationdevelopmentguidelines.htm,
 * adminretrieveglobalstorageparameters.htm and the "Storage:" use-case pages).
 *
 * Objects: enterprises (EACL entries, at most 4; an application registers under one), partner
 * allocations (FPACL entries, at most 24, sizes in whole 4 KB pages, taken from the partner pool),
 * applications (vendor + application + enterprise + caller UUID; partner when an FPACL entry names
 * its vendor and application, otherwise sharing the non-partner pool), sessions (at most 16 at a
 * time) and blocks (name ≤ 32, hidden flag, one owner, an optional lock with a timeout).
 * Reads and writes move at most the 4 KB API buffer (GetMTU) at a time.
 *
 * Return codes are AMT's PT_STATUS values. Choices where the SDK pages stop (docs/simulator.md
 * "Third-party data storage"):
 * the pool sizes (TOTAL_BYTES and its split), the lock timeout, and which code a duplicate or a
 * still-used entry gets. The whole state is one JSON object (sideState 'tpds'), so it survives
 * `amtwb sim --state FILE`.
 */
import type { SimDevice } from '../device';
import { sideState } from '../side-state';

/** PT_STATUS codes of the storage feature (Intel AMT SDK return-value table). */
export const STORAGE_STATUS = {
  Success: 0,
  InternalError: 1,
  ApplicationNotRegistered: 8,
  InvalidRegistrationData: 9,
  ApplicationDoesNotExist: 10,
  NotEnoughStorage: 11,
  InvalidName: 12,
  BlockDoesNotExist: 13,
  InvalidByteOffset: 14,
  InvalidByteCount: 15,
  NotPermitted: 16,
  NotOwner: 17,
  BlockLockedByOther: 18,
  BlockNotLocked: 19,
  MaxLimitReached: 23,
  InvalidParameter: 36,
} as const;

export const LIMITS = {
  /** The API buffer (GetMTU): larger reads and writes are split by the client. */
  mtu: 4096,
  /** Flash set aside for 3PDS (simulator's choice; the SDK pages give no figure). */
  totalBytes: 196_608,
  /** Of which partners (FPACL allocations) may take at most this much. */
  maxPartnerBytes: 131_072,
  /** Bytes one non-partner application may hold. */
  maxBytesPerNonPartnerApp: 8_192,
  maxPartnerApps: 24,
  maxSessions: 16,
  maxEnterprises: 4,
  maxGroupsPerBlock: 2,
  maxMembersPerGroup: 8,
  allocationUnit: 4096,
  /** A lock lapses after this much device-clock time (simulator's choice). */
  lockTimeoutMs: 120_000,
  nameMax: 64,
  blockNameMax: 32,
} as const;

export interface Enterprise { handle: number; name: string }
export interface Fpacl { handle: number; applicationName: string; vendorName: string; isPartner: boolean; totalAllocationSize: number }
export interface Application { handle: number; uuid: string; applicationName: string; vendorName: string; enterpriseName: string }
export interface Session { handle: number; app: number }
export interface Block {
  handle: number; owner: number; name: string; hidden: boolean; size: number;
  /** base64 of the block's bytes (zero-filled when allocated). */
  data: string;
  lockedBy?: number; lockExpires?: number;
}

export interface TpdsState {
  nextHandle: number;
  enterprises: Enterprise[];
  fpacl: Fpacl[];
  apps: Application[];
  sessions: Session[];
  blocks: Block[];
}

type Status = number;
export type Outcome<T = undefined> = { status: Status; value?: T };

export function tpds(device: SimDevice): Tpds {
  return new Tpds(device, sideState<TpdsState>(device, 'tpds', () => ({ nextHandle: 1, enterprises: [], fpacl: [], apps: [], sessions: [], blocks: [] })));
}

const S = STORAGE_STATUS;
const ok = <T>(value?: T): Outcome<T> => ({ status: S.Success, ...(value !== undefined ? { value } : {}) });
const fail = <T>(status: Status): Outcome<T> => ({ status });

export class Tpds {
  constructor(private readonly device: SimDevice, readonly state: TpdsState) {}

  private handle(): number {
    return this.state.nextHandle++;
  }

  // ---- administration (Storage Admin realm) ---------------------------------------------------

  globalAttributes(): Record<string, number> {
    const used = this.state.blocks.reduce((n, b) => n + b.size, 0);
    const partnerAllocated = this.partnerAllocated();
    return {
      TotalStorage: LIMITS.totalBytes,
      TotalAllocatedStorage: used,
      MaxPartnerStorage: LIMITS.maxPartnerBytes,
      TotalPartnerAllocatedStorage: partnerAllocated,
      MaxNonPartnerStorage: LIMITS.totalBytes - partnerAllocated,
      MaxFpaclEntries: LIMITS.maxPartnerApps,
      MaxAslEntries: LIMITS.maxSessions,
      MaxEaclEntries: LIMITS.maxEnterprises,
      MaxGroupsPerBlock: LIMITS.maxGroupsPerBlock,
      MaxMembersPerGroup: LIMITS.maxMembersPerGroup,
      MaxNonPartnerTotalAllocationSize: LIMITS.maxBytesPerNonPartnerApp,
    };
  }

  addEnterprise(name: string): Outcome<number> {
    if (!validName(name)) return fail(S.InvalidName);
    if (this.state.enterprises.some((e) => e.name === name)) return fail(S.InvalidName);
    if (this.state.enterprises.length >= LIMITS.maxEnterprises) return fail(S.MaxLimitReached);
    const e = { handle: this.handle(), name };
    this.state.enterprises.push(e);
    return ok(e.handle);
  }

  removeEnterprise(handle: number): Outcome {
    const i = this.state.enterprises.findIndex((e) => e.handle === handle);
    if (i < 0) return fail(S.InvalidParameter);
    if (this.state.apps.some((a) => a.enterpriseName === this.state.enterprises[i].name)) return fail(S.NotPermitted);
    this.state.enterprises.splice(i, 1);
    return ok();
  }

  addFpacl(applicationName: string, vendorName: string, isPartner: boolean, size: number): Outcome<number> {
    if (!validName(applicationName) || !validName(vendorName)) return fail(S.InvalidName);
    if (size <= 0 || size % LIMITS.allocationUnit !== 0) return fail(S.InvalidByteCount);
    if (this.state.fpacl.some((f) => f.applicationName === applicationName && f.vendorName === vendorName)) return fail(S.InvalidName);
    if (this.state.fpacl.length >= LIMITS.maxPartnerApps) return fail(S.MaxLimitReached);
    if (this.partnerAllocated() + size > LIMITS.maxPartnerBytes) return fail(S.NotEnoughStorage);
    const f = { handle: this.handle(), applicationName, vendorName, isPartner, totalAllocationSize: size };
    this.state.fpacl.push(f);
    return ok(f.handle);
  }

  updateFpacl(handle: number, size: number): Outcome {
    const f = this.state.fpacl.find((x) => x.handle === handle);
    if (!f) return fail(S.InvalidParameter);
    if (size <= 0 || size % LIMITS.allocationUnit !== 0) return fail(S.InvalidByteCount);
    if (this.partnerAllocated() - f.totalAllocationSize + size > LIMITS.maxPartnerBytes) return fail(S.NotEnoughStorage);
    const app = this.state.apps.find((a) => a.applicationName === f.applicationName && a.vendorName === f.vendorName);
    if (app && this.usedBy(app.handle) > size) return fail(S.NotEnoughStorage);
    f.totalAllocationSize = size;
    return ok();
  }

  removeFpacl(handle: number): Outcome {
    const i = this.state.fpacl.findIndex((x) => x.handle === handle);
    if (i < 0) return fail(S.InvalidParameter);
    const f = this.state.fpacl[i];
    if (this.state.apps.some((a) => a.applicationName === f.applicationName && a.vendorName === f.vendorName)) return fail(S.NotPermitted);
    this.state.fpacl.splice(i, 1);
    return ok();
  }

  fpaclEntry(handle: number): Fpacl | undefined {
    return this.state.fpacl.find((x) => x.handle === handle);
  }

  /** What AdminGetApplicationAttributes (and, for the same vendor, GetApplicationAttributes) reports. */
  applicationAttributes(handle: number): Outcome<Record<string, string | number | boolean>> {
    const a = this.state.apps.find((x) => x.handle === handle);
    if (!a) return fail(S.ApplicationDoesNotExist);
    return ok({
      AttrType: 1,
      UUID: a.uuid,
      VendorName: a.vendorName,
      ApplicationName: a.applicationName,
      EnterpriseName: a.enterpriseName,
      CurrentAllocationSize: this.usedBy(a.handle),
      ActiveSession: this.state.sessions.some((s) => s.app === a.handle),
      Partner: this.partnerOf(a) !== undefined,
    });
  }

  /** AdminRemoveApplication: the application and its blocks go; refused while it has a session. */
  removeApplication(handle: number): Outcome {
    const i = this.state.apps.findIndex((x) => x.handle === handle);
    if (i < 0) return fail(S.ApplicationDoesNotExist);
    if (this.state.sessions.some((s) => s.app === handle)) return fail(S.NotPermitted);
    this.state.apps.splice(i, 1);
    this.state.blocks = this.state.blocks.filter((b) => b.owner !== handle);
    return ok();
  }

  // ---- applications (Storage realm) ---------------------------------------------------------

  register(uuid: string, applicationName: string, vendorName: string, enterpriseName: string): Outcome<number> {
    if (!/^[0-9A-Fa-f]{32}$/.test(uuid) || /^0+$/.test(uuid)) return fail(S.InvalidRegistrationData);
    if (!validName(applicationName) || !validName(vendorName) || !validName(enterpriseName)) return fail(S.InvalidRegistrationData);
    if (!this.state.enterprises.some((e) => e.name === enterpriseName)) return fail(S.InvalidRegistrationData);
    if (this.state.sessions.length >= LIMITS.maxSessions) return fail(S.MaxLimitReached);
    const id = uuid.toUpperCase();
    let app = this.state.apps.find((a) => a.uuid === id && a.applicationName === applicationName && a.vendorName === vendorName && a.enterpriseName === enterpriseName);
    if (!app) {
      app = { handle: this.handle(), uuid: id, applicationName, vendorName, enterpriseName };
      this.state.apps.push(app);
    }
    const session = { handle: this.handle(), app: app.handle };
    this.state.sessions.push(session);
    return ok(session.handle);
  }

  unregister(sessionHandle: number): Outcome {
    const i = this.state.sessions.findIndex((s) => s.handle === sessionHandle);
    if (i < 0) return fail(S.ApplicationNotRegistered);
    for (const b of this.state.blocks) if (b.lockedBy === sessionHandle) this.unlock(b);
    this.state.sessions.splice(i, 1);
    return ok();
  }

  /** The session's application, or the PT_STATUS for an unknown session. */
  session(sessionHandle: number): Outcome<Application> {
    const s = this.state.sessions.find((x) => x.handle === sessionHandle);
    const app = s && this.state.apps.find((a) => a.handle === s.app);
    return app ? ok(app) : fail(S.ApplicationNotRegistered);
  }

  /** Applications of the caller's vendor (the ones whose blocks it may be granted). */
  sameVendor(app: Application): number[] {
    return this.state.apps.filter((a) => a.vendorName === app.vendorName).map((a) => a.handle);
  }

  bytesAvailable(app: Application): number {
    const partner = this.partnerOf(app);
    const used = this.usedBy(app.handle);
    if (partner) return Math.max(0, partner.totalAllocationSize - used);
    const poolFree = LIMITS.totalBytes - this.partnerAllocated() - this.nonPartnerUsed();
    return Math.max(0, Math.min(LIMITS.maxBytesPerNonPartnerApp - used, poolFree));
  }

  allocate(app: Application, bytes: number, hidden: boolean, name: string): Outcome<number> {
    if (name.length > LIMITS.blockNameMax) return fail(S.InvalidName);
    if (!(bytes > 0)) return fail(S.InvalidByteCount);
    if (bytes > this.bytesAvailable(app)) return fail(S.NotEnoughStorage);
    const b: Block = { handle: this.handle(), owner: app.handle, name, hidden, size: bytes, data: Buffer.alloc(bytes).toString('base64') };
    this.state.blocks.push(b);
    return ok(b.handle);
  }

  /** Block handles of `owner` the caller can see (hidden blocks only by their owner). */
  blocksOf(app: Application, owner: number): Outcome<number[]> {
    if (!this.state.apps.some((a) => a.handle === owner)) return fail(S.ApplicationDoesNotExist);
    return ok(this.state.blocks.filter((b) => b.owner === owner && (!b.hidden || owner === app.handle)).map((b) => b.handle));
  }

  /** The block, if the caller may reach it; a lock held by another session refuses access. */
  block(sessionHandle: number, app: Application, blockHandle: number, access: 'read' | 'write' | 'owner'): Outcome<Block> {
    this.expireLocks();
    const b = this.state.blocks.find((x) => x.handle === blockHandle);
    if (!b || (b.hidden && b.owner !== app.handle)) return fail(S.BlockDoesNotExist);
    const owner = this.state.apps.find((a) => a.handle === b.owner);
    if (b.owner !== app.handle && (access !== 'read' || owner?.vendorName !== app.vendorName)) return fail(access === 'owner' ? S.NotOwner : S.NotPermitted);
    if (b.lockedBy !== undefined && b.lockedBy !== sessionHandle) return fail(S.BlockLockedByOther);
    return ok(b);
  }

  deallocate(b: Block): Outcome {
    this.state.blocks.splice(this.state.blocks.indexOf(b), 1);
    return ok();
  }

  read(b: Block, offset: number, count: number): Outcome<string> {
    if (offset >= b.size) return fail(S.InvalidByteOffset);
    if (count <= 0 || count > LIMITS.mtu || offset + count > b.size) return fail(S.InvalidByteCount);
    return ok(Buffer.from(b.data, 'base64').subarray(offset, offset + count).toString('base64'));
  }

  write(b: Block, offset: number, data: Buffer): Outcome<number> {
    if (offset >= b.size) return fail(S.InvalidByteOffset);
    if (data.length === 0 || data.length > LIMITS.mtu || offset + data.length > b.size) return fail(S.InvalidByteCount);
    const bytes = Buffer.from(b.data, 'base64');
    data.copy(bytes, offset);
    b.data = bytes.toString('base64');
    return ok(data.length);
  }

  lock(sessionHandle: number, b: Block): Outcome {
    b.lockedBy = sessionHandle;
    b.lockExpires = this.device.now() + LIMITS.lockTimeoutMs;
    return ok();
  }

  release(sessionHandle: number, b: Block): Outcome {
    if (b.lockedBy === undefined) return fail(S.BlockNotLocked);
    if (b.lockedBy !== sessionHandle) return fail(S.BlockLockedByOther);
    this.unlock(b);
    return ok();
  }

  private unlock(b: Block): void {
    delete b.lockedBy;
    delete b.lockExpires;
  }

  private expireLocks(): void {
    const now = this.device.now();
    for (const b of this.state.blocks) if (b.lockExpires !== undefined && now >= b.lockExpires) this.unlock(b);
  }

  // ---- accounting ---------------------------------------------------------------------------

  private partnerOf(app: Application): Fpacl | undefined {
    return this.state.fpacl.find((f) => f.isPartner && f.applicationName === app.applicationName && f.vendorName === app.vendorName);
  }

  private usedBy(appHandle: number): number {
    return this.state.blocks.filter((b) => b.owner === appHandle).reduce((n, b) => n + b.size, 0);
  }

  private partnerAllocated(): number {
    return this.state.fpacl.filter((f) => f.isPartner).reduce((n, f) => n + f.totalAllocationSize, 0);
  }

  private nonPartnerUsed(): number {
    return this.state.apps.filter((a) => !this.partnerOf(a)).reduce((n, a) => n + this.usedBy(a.handle), 0);
  }
}

function validName(s: string): boolean {
  return s.length > 0 && s.length <= LIMITS.nameMax;
}
