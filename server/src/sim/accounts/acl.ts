/**
 * The device's access control list (Intel AMT SDK, "Intel AMT Users and Permissions/Realms" and the
 * AMT_AuthorizationService class page): the built-in admin account plus user entries, each with a
 * handle (from 1), a Digest user name or a Kerberos SID, the Digest A1 = MD5(user:realm:password)
 * (what AddUserAclEntryEx carries, so no clear password is needed), an access permission
 * (0 local, 1 network, 2 any), realms and an enabled flag. Plain JSON-able state (`toJSON`).
 *
 * `set(user, password)` / `get`-free Map-like helpers keep the older `device.accounts.set(...)`
 * calls (tests, the local system account of firmware/attach.ts) working: they add or update an
 * entry with every realm and any access.
 */
import { createHash } from 'node:crypto';

export const REALM = {
  Redirection: 2, PTAdministration: 3, HardwareAsset: 4, RemoteControl: 5, Storage: 6, EventManager: 7,
  StorageAdmin: 8, AgentPresenceLocal: 9, AgentPresenceRemote: 10, CircuitBreaker: 11, NetworkTime: 12,
  GeneralInfo: 13, FirmwareUpdate: 14, EIT: 15, LocalUN: 16, EndpointAccessControl: 17,
  EndpointAccessControlAdmin: 18, EventLogReader: 19, AuditLog: 20, ACL: 21, LocalSystem: 24,
} as const;

/** Realms a user entry may hold (the AddUserAclEntryEx ValueMap without Invalid/Reserved: 0, 1, 22, 23). */
const VALID_REALMS = new Set<number>(Object.values(REALM));
/** Every realm, as the admin (and a PT Administration user) has them. */
export const ALL_REALMS: readonly number[] = [...VALID_REALMS].sort((a, b) => a - b);

/** User entries kept at most (a choice: the SDK leaves the number open; README "Accounts"). */
export const MAX_USER_ENTRIES = 7;

export interface AclEntry {
  handle: number;
  user?: string;
  sid?: string;
  /** Lower-case hex MD5(user:realm:password). */
  a1?: string;
  permission: number;
  realms: number[];
  enabled: boolean;
}

export interface AclState {
  admin: { user: string; a1: string; isDefault: boolean };
  entries: AclEntry[];
  nextHandle: number;
}

export function digestA1(user: string, realm: string, password: string): string {
  return createHash('md5').update(`${user}:${realm}:${password}`).digest('hex');
}

export class AccountTable {
  private state: AclState;
  private readonly defaults: { user: string; password: string };

  constructor(private readonly realm: string, adminUser: string, adminPassword: string) {
    this.defaults = { user: adminUser, password: adminPassword };
    this.state = this.fresh();
  }

  private fresh(): AclState {
    const { user, password } = this.defaults;
    return { admin: { user, a1: digestA1(user, this.realm, password), isDefault: true }, entries: [], nextHandle: 1 };
  }

  /**
   * Back to the factory account (Unprovision): the default admin and no user entries, except the
   * firmware's own `$$` system accounts (the local system account LMS uses exists before provisioning).
   */
  reset(): void {
    const system = this.state.entries.filter((e) => e.user?.startsWith('$$'));
    this.state = this.fresh();
    for (const e of system) this.add({ user: e.user, a1: e.a1, permission: e.permission, realms: e.realms });
  }

  get adminUser(): string {
    return this.state.admin.user;
  }

  get adminIsDefault(): boolean {
    return this.state.admin.isDefault;
  }

  setAdmin(user: string, a1: string): void {
    this.state.admin = { user, a1: a1.toLowerCase(), isDefault: false };
  }

  entries(): readonly AclEntry[] {
    return this.state.entries;
  }

  entry(handle: number): AclEntry | undefined {
    return this.state.entries.find((e) => e.handle === handle);
  }

  byUser(user: string): AclEntry | undefined {
    return this.state.entries.find((e) => e.user === user);
  }

  add(e: Omit<AclEntry, 'handle' | 'enabled'>): AclEntry {
    const entry: AclEntry = { ...e, handle: this.state.nextHandle++, enabled: true };
    this.state.entries.push(entry);
    return entry;
  }

  remove(handle: number): boolean {
    const i = this.state.entries.findIndex((e) => e.handle === handle);
    if (i < 0) return false;
    this.state.entries.splice(i, 1);
    return true;
  }

  /** The A1 Digest checks against, or undefined (unknown user, disabled entry). */
  a1For(user: string): string | undefined {
    if (user === this.state.admin.user) return this.state.admin.a1;
    const e = this.byUser(user);
    return e?.enabled ? e.a1 : undefined;
  }

  /** Realms of an authenticated user; the admin and PT Administration users have all. */
  realmsOf(user: string): readonly number[] {
    if (user === this.state.admin.user) return ALL_REALMS;
    const e = this.byUser(user);
    if (!e) return [];
    return e.realms.includes(REALM.PTAdministration) ? ALL_REALMS : e.realms;
  }

  /**
   * Whether the user may log in over this interface: AccessPermission 0 local only, 1 network only,
   * 2 any. "Local" is a connection fed in by the host side (APF channels from LMS); the admin may use both.
   */
  permits(user: string, local: boolean): boolean {
    const e = user === this.state.admin.user ? undefined : this.byUser(user);
    if (!e) return true;
    return e.permission === 2 || (e.permission === 0) === local;
  }

  isValidRealm(r: number): boolean {
    return VALID_REALMS.has(r);
  }

  // ---- Map-like helpers for older callers ----------------------------------------------------

  /** Sets a clear password: the admin's, or a user entry's (created with every realm, any access). */
  set(user: string, password: string): this {
    const a1 = digestA1(user, this.realm, password);
    if (user === this.state.admin.user) this.state.admin.a1 = a1;
    else {
      const e = this.byUser(user);
      if (e) e.a1 = a1;
      else this.add({ user, a1, permission: 2, realms: [...ALL_REALMS] });
    }
    return this;
  }

  has(user: string): boolean {
    return user === this.state.admin.user || this.byUser(user) !== undefined;
  }

  delete(user: string): boolean {
    const e = this.byUser(user);
    return e ? this.remove(e.handle) : false;
  }

  toJSON(): AclState {
    return this.state;
  }

  load(state: AclState): void {
    this.state = structuredClone(state);
  }
}
