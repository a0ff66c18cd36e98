/**
 * AMT's user accounts over WS-Man (AMT_AuthorizationService; the sequence MeshCommander's account
 * page runs): the built-in admin (GetAdminAclEntry), the user entries (EnumerateUserAclEntries,
 * then GetUserAclEntryEx and GetAclEnabledState per handle), and the changes: AddUserAclEntryEx,
 * UpdateUserAclEntryEx, RemoveUserAclEntry, SetAclEnabledState and SetAdminAclEntryEx.
 *
 * Every password is checked against AMT's strong-password rule (password.ts) before a request is
 * sent, and only its digest (MD5 of user:DigestRealm:password) goes on the wire. A change that
 * could lock the caller out is refused with `accounts.lockout` unless confirmed (lockout.ts).
 * Each change is sent once; a refusal names its ReturnValue and what that means here.
 */
import { AmtError } from '../../errors';
import type { AccountChange, AccountEntry, AccountsInfo } from '../../protocol';
import type { CallOptions, WsmanClient } from '../../wsman/client';
import type { WsValue } from '../../wsman/types';
import { lockoutRisk, type PlannedChange } from './lockout';
import { digestPassword, passwordProblem, PASSWORD_RULE } from './password';
import { ACCESS, isRealm, realmName, REALMS } from './realms';

export { PASSWORD_RULE, passwordProblem, digestPassword, digestA1Hex } from './password';
export { REALMS, realmByName, realmName, ACCESS, ACCESS_WORDS } from './realms';
export { lockoutRisk } from './lockout';

const SERVICE = 'AMT_AuthorizationService';

export type AccountsClient = Pick<WsmanClient, 'invoke' | 'get'>;

function text(v: WsValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function numbers(v: WsValue | undefined): number[] {
  const list = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  return list.filter((x): x is string => typeof x === 'string' && /^\s*\d+\s*$/.test(x)).map(Number);
}

/** What a refused ACL method means for the user, beyond its PT_STATUS name. */
function hint(returnValue: number): string {
  switch (returnValue) {
    case 12: return 'the user name is empty, longer than 32 characters or starts with $$, so choose another name';
    case 23: return 'the device holds no more user entries, so remove one first';
    case 2053: return 'that account no longer exists, so refresh the list';
    case 2054: return 'the device did not accept the password digest, so set the password again';
    case 2055: return 'a realm is not one AMT knows or none was chosen, so pick at least one listed realm';
    case 2058: return 'that user name is already in use, so choose another';
    case 16: return 'the account signed in may not do this, so sign in with one holding the ACL or PT Administration realm';
    default: return 'check the values and try again';
  }
}

async function call(client: AccountsClient, method: string, input: Record<string, unknown>, what: string, call: CallOptions): Promise<Record<string, WsValue>> {
  const r = await client.invoke(SERVICE, method, input as never, undefined, call);
  if (r.returnValue !== 0) {
    throw new AmtError('accounts.refused', `The device refused to ${what} (${method} ReturnValue ${r.returnValue}: ${r.returnMeaning}); ${hint(r.returnValue)}.`);
  }
  return r.output;
}

export async function digestRealmOf(client: AccountsClient, opts: CallOptions = {}): Promise<string> {
  const gs = await client.get('AMT_GeneralSettings', undefined, opts);
  const realm = text(gs.properties.DigestRealm);
  if (!realm) throw new AmtError('accounts.refused', 'The device did not report AMT_GeneralSettings.DigestRealm, so no password digest can be made; check that AMT is provisioned.');
  return realm;
}

/** The admin account, every user entry, and the realms a picker offers. */
export async function listAccounts(client: AccountsClient, opts: CallOptions & { signedInAs?: string } = {}): Promise<AccountsInfo> {
  const c: CallOptions = { ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) };
  const digestRealm = await digestRealmOf(client, c);
  const admin = await call(client, 'GetAdminAclEntry', {}, 'read the admin account', c);
  let isDefault: boolean | undefined;
  try {
    const st = await client.invoke(SERVICE, 'GetAdminAclEntryStatus', {}, undefined, c);
    if (st.returnValue === 0) isDefault = text(st.output.IsDefault) === 'true';
  } catch {
    // Older firmware lacks it; the page then says nothing about the default password.
  }
  const handles: number[] = [];
  for (let start = 1; ; ) {
    const page = await call(client, 'EnumerateUserAclEntries', { StartIndex: start }, 'list the user accounts', c);
    const got = numbers(page.Handles);
    handles.push(...got);
    const total = numbers(page.TotalCount)[0] ?? handles.length;
    if (got.length === 0 || handles.length >= total) break;
    start += got.length;
  }
  const users: AccountEntry[] = [];
  for (const handle of handles) {
    const e = await call(client, 'GetUserAclEntryEx', { Handle: handle }, `read user account ${handle}`, c);
    const en = await call(client, 'GetAclEnabledState', { Handle: handle }, `read whether account ${handle} is enabled`, c);
    const user = text(e.DigestUsername);
    const sid = text(e.KerberosUserSid);
    const permission = numbers(e.AccessPermission)[0] ?? 2;
    const realms = numbers(e.Realms);
    users.push({
      handle,
      ...(user !== undefined ? { user } : {}),
      ...(sid !== undefined ? { sid } : {}),
      permission,
      permissionLabel: ACCESS[permission] ?? `access ${permission}`,
      realms,
      realmNames: realms.map(realmName),
      enabled: text(en.Enabled) === 'true',
      system: user?.startsWith('$$') ?? false,
    });
  }
  return {
    admin: { user: text(admin.Username) ?? 'admin', ...(isDefault !== undefined ? { isDefault } : {}) },
    digestRealm,
    users,
    realms: REALMS.map((r) => ({ ...r })),
    ...(opts.signedInAs ? { signedInAs: opts.signedInAs } : {}),
  };
}

function checkPassword(password: string, whose: string): void {
  const problem = passwordProblem(password);
  if (problem) throw new AmtError('accounts.weak-password', `The password for ${whose} breaks ${PASSWORD_RULE} because ${problem}; choose a stronger one.`);
}

function checkName(user: string): void {
  if (user === '' || user.length > 32 || /[":]/.test(user) || user.startsWith('$$')) {
    throw new AmtError('accounts.invalid', `The user name "${user}" cannot be used: AMT takes 1 to 32 characters without " or : and not starting with $$, so choose another.`);
  }
}

function checkRealms(realms: readonly number[]): void {
  if (realms.length === 0) throw new AmtError('accounts.invalid', 'No realm was chosen; pick at least one realm for the account.');
  const bad = realms.find((r) => !isRealm(r));
  if (bad !== undefined) throw new AmtError('accounts.invalid', `${bad} is not an AMT realm; pick realms from the list (${REALMS.map((r) => r.id).join(', ')}).`);
}

function checkPermission(p: number): void {
  if (!ACCESS[p]) throw new AmtError('accounts.invalid', `Access ${p} is not one AMT knows; use 0 (local), 1 (network) or 2 (both).`);
}

export interface ChangeOptions extends CallOptions {
  /** The account the client is signed in with, for the lock-out check. */ signedInAs?: string;
  /** The user saw the lock-out warning and went on. */ confirmed?: boolean;
}

async function guard(client: AccountsClient, change: PlannedChange, opts: ChangeOptions): Promise<AccountsInfo> {
  const info = await listAccounts(client, opts);
  if (!opts.confirmed) {
    const risk = lockoutRisk(info, change, opts.signedInAs);
    if (risk) throw new AmtError('accounts.lockout', risk);
  }
  return info;
}

function entryOf(info: AccountsInfo, handle: number): AccountEntry {
  const e = info.users.find((u) => u.handle === handle);
  if (!e) throw new AmtError('accounts.invalid', `The device has no user account with handle ${handle}; refresh the list and pick one it shows.`);
  return e;
}

const nameOf = (e: AccountEntry) => e.user ?? `Kerberos ${e.sid ?? ''}`.trim();

export async function addAccount(
  client: AccountsClient,
  p: { user: string; password: string; permission?: number; realms: readonly number[]; enabled?: boolean },
  opts: CallOptions = {},
): Promise<AccountChange> {
  checkName(p.user);
  checkPassword(p.password, `"${p.user}"`);
  checkRealms(p.realms);
  const permission = p.permission ?? 2;
  checkPermission(permission);
  const realm = await digestRealmOf(client, opts);
  const out = await call(client, 'AddUserAclEntryEx', {
    DigestUsername: p.user,
    DigestPassword: digestPassword(p.user, realm, p.password),
    AccessPermission: permission,
    Realms: [...new Set(p.realms)],
  }, `add the account "${p.user}"`, opts);
  const handle = numbers(out.Handle)[0];
  if (p.enabled === false && handle !== undefined) {
    await call(client, 'SetAclEnabledState', { Handle: handle, Enabled: false }, `disable the new account "${p.user}"`, opts);
  }
  return { message: `Added the account "${p.user}"${handle !== undefined ? ` (handle ${handle})` : ''} with ${p.realms.map(realmName).join(', ')}${p.enabled === false ? ', disabled' : ''}.`, ...(handle !== undefined ? { handle } : {}) };
}

export async function updateAccount(
  client: AccountsClient,
  p: { handle: number; user?: string; password?: string; permission?: number; realms?: readonly number[] },
  opts: ChangeOptions = {},
): Promise<AccountChange> {
  if (p.user !== undefined) checkName(p.user);
  if (p.password !== undefined) checkPassword(p.password, `"${p.user ?? `account ${p.handle}`}"`);
  if (p.realms !== undefined) checkRealms(p.realms);
  if (p.permission !== undefined) checkPermission(p.permission);
  const info = await guard(client, { kind: 'update', handle: p.handle, ...(p.realms ? { realms: [...p.realms] } : {}), ...(p.permission !== undefined ? { permission: p.permission } : {}) }, opts);
  const e = entryOf(info, p.handle);
  const user = p.user ?? e.user;
  if (user === undefined) throw new AmtError('accounts.invalid', `Account ${p.handle} is a Kerberos entry, which this page does not edit; change it with a Kerberos-aware tool.`);
  if (user !== e.user && p.password === undefined) {
    throw new AmtError('accounts.invalid', `Renaming "${e.user}" to "${user}" needs its password again (AMT's digest includes the name); give the password too.`);
  }
  const input: Record<string, unknown> = {
    Handle: p.handle,
    DigestUsername: user,
    ...(p.password !== undefined ? { DigestPassword: digestPassword(user, info.digestRealm, p.password) } : {}),
    AccessPermission: p.permission ?? e.permission,
    Realms: [...new Set(p.realms ?? e.realms)],
  };
  await call(client, 'UpdateUserAclEntryEx', input, `change the account "${nameOf(e)}"`, opts);
  const changed = [p.user !== undefined && user !== e.user ? `renamed to "${user}"` : '', p.password !== undefined ? 'new password' : '', p.realms ? `realms ${p.realms.map(realmName).join(', ')}` : '', p.permission !== undefined ? `access ${ACCESS[p.permission]}` : ''].filter(Boolean);
  return { message: `Changed the account "${nameOf(e)}"${changed.length ? `: ${changed.join('; ')}` : ''}.`, handle: p.handle };
}

export async function removeAccount(client: AccountsClient, handle: number, opts: ChangeOptions = {}): Promise<AccountChange> {
  const info = await guard(client, { kind: 'remove', handle }, opts);
  const e = entryOf(info, handle);
  await call(client, 'RemoveUserAclEntry', { Handle: handle }, `remove the account "${nameOf(e)}"`, opts);
  return { message: `Removed the account "${nameOf(e)}".`, handle };
}

export async function setAccountEnabled(client: AccountsClient, handle: number, enabled: boolean, opts: ChangeOptions = {}): Promise<AccountChange> {
  const info = enabled ? await listAccounts(client, opts) : await guard(client, { kind: 'disable', handle }, opts);
  const e = entryOf(info, handle);
  await call(client, 'SetAclEnabledState', { Handle: handle, Enabled: enabled }, `${enabled ? 'enable' : 'disable'} the account "${nameOf(e)}"`, opts);
  return { message: `${enabled ? 'Enabled' : 'Disabled'} the account "${nameOf(e)}".`, handle };
}

/** SetAdminAclEntryEx: the built-in admin's name (kept unless given) and password. */
export async function setAdminPassword(client: AccountsClient, p: { user?: string; password: string }, opts: ChangeOptions = {}): Promise<AccountChange> {
  if (p.user !== undefined) checkName(p.user);
  const info = await listAccounts(client, opts);
  const user = p.user ?? info.admin.user;
  checkPassword(p.password, `the admin account "${user}"`);
  if (!opts.confirmed) {
    const risk = lockoutRisk(info, { kind: 'admin' }, opts.signedInAs);
    if (risk) throw new AmtError('accounts.lockout', risk);
  }
  await call(client, 'SetAdminAclEntryEx', { Username: user, DigestPassword: digestPassword(user, info.digestRealm, p.password) }, `set the admin account's password`, opts);
  return { message: `Set the password of the admin account "${user}".` };
}
