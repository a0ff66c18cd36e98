/**
 * AMT_AuthorizationService: the ACL methods (Intel AMT SDK AMT_AuthorizationService class page;
 * return codes from the PT_STATUS table). State lives in device.accounts (accounts/acl.ts); every
 * change is audited (1602 added, 1603 modified, 1604 removed, 1606 enabled state).
 *
 * Choices where the sources leave the case open (README "Accounts"): a user name already in use
 * (or the admin's) → DUPLICATE; an unknown handle → INVALID_HANDLE; a realm outside the ValueMap or
 * an empty list → INVALID_REALM; a name that is empty, over 32 characters or starts with `$$` →
 * INVALID_NAME; a DigestPassword that is not a 16-byte A1 → INVALID_PASSWORD; neither or both of
 * user and SID, or AccessPermission > 2 → INVALID_PARAMETER; past MAX_USER_ENTRIES → MAX_LIMIT_REACHED.
 */
import { MAX_USER_ENTRIES, type AclEntry } from '../accounts/acl';
import { audit, AUDIT, userExtended } from '../audit/log';
import type { SimDevice } from '../device';
import type { PropValue } from '../values';
import { amtService, PT_STATUS, SERVICE_PROPS } from './common';
import type { ClassDef, MethodResult } from './types';

export const ACL_STATUS = {
  InvalidName: 12,
  MaxLimitReached: 23,
  InvalidHandle: 2053,
  InvalidPassword: 2054,
  InvalidRealm: 2055,
  Duplicate: 2058,
} as const;

const ENTRY_INPUTS = {
  DigestUsername: 'string',
  DigestPassword: 'base64',
  KerberosUserSid: 'base64',
  AccessPermission: 'uint32 req',
  Realms: 'uint32[] req',
} as const;

const fail = (returnValue: number): MethodResult => ({ returnValue });

type Fields = Omit<AclEntry, 'handle' | 'enabled'>;

/** Validates an entry's inputs; a number is the PT_STATUS to return. */
function entryFields(device: SimDevice, input: Record<string, PropValue>, self?: AclEntry): Fields | number {
  const user = input.DigestUsername === undefined ? undefined : String(input.DigestUsername);
  const sid = input.KerberosUserSid === undefined ? undefined : String(input.KerberosUserSid).replace(/\s/g, '');
  if ((user === undefined) === (sid === undefined)) return PT_STATUS.InvalidParameter;
  const permission = Number(input.AccessPermission);
  if (permission > 2) return PT_STATUS.InvalidParameter;
  const realms = ([] as PropValue[]).concat(input.Realms ?? []).map(Number);
  if (realms.length === 0 || realms.some((r) => !device.accounts.isValidRealm(r))) return ACL_STATUS.InvalidRealm;
  let a1: string | undefined;
  if (user !== undefined) {
    if (user === '' || user.length > 32 || user.startsWith('$$')) return ACL_STATUS.InvalidName;
    const other = device.accounts.byUser(user);
    if (user === device.accounts.adminUser || (other && other !== self)) return ACL_STATUS.Duplicate;
    if (input.DigestPassword === undefined) {
      if (!self?.a1 || self.user !== user) return ACL_STATUS.InvalidPassword;
      a1 = self.a1; // same user, password kept
    } else {
      const bytes = Buffer.from(String(input.DigestPassword), 'base64');
      if (bytes.length !== 16) return ACL_STATUS.InvalidPassword;
      a1 = bytes.toString('hex');
    }
  } else if (device.accounts.entries().some((e) => e.sid === sid && e !== self)) {
    return ACL_STATUS.Duplicate;
  }
  return { user, sid, a1, permission, realms: [...new Set(realms)] };
}

function withEntry(device: SimDevice, input: Record<string, PropValue>, fn: (e: AclEntry) => MethodResult): MethodResult {
  const e = device.accounts.entry(Number(input.Handle));
  return e ? fn(e) : fail(ACL_STATUS.InvalidHandle);
}

const entryName = (e: AclEntry) => e.user ?? '';

const AUTHORIZATION: ClassDef = {
  name: 'AMT_AuthorizationService',
  commonNs: true,
  props: { ...SERVICE_PROPS, AllowHttpQopAuthOnly: 'uint32 w' },
  initial: () => [
    amtService('AMT_AuthorizationService', 'Intel(r) AMT Authorization Service', {
      AllowHttpQopAuthOnly: 1,
      EnabledState: 5,
      RequestedState: 12,
    }),
  ],
  methods: {
    AddUserAclEntryEx: {
      inputs: ENTRY_INPUTS,
      run: ({ device }, input) => {
        const fields = entryFields(device, input);
        if (typeof fields === 'number') return fail(fields);
        if (device.accounts.entries().length >= MAX_USER_ENTRIES) return fail(ACL_STATUS.MaxLimitReached);
        const e = device.accounts.add(fields);
        audit(device, AUDIT.AclEntryAdded, userExtended(entryName(e)));
        return { returnValue: PT_STATUS.Success, outputs: [['Handle', e.handle]] };
      },
    },
    UpdateUserAclEntryEx: {
      inputs: { Handle: 'uint32 req', ...ENTRY_INPUTS },
      run: ({ device }, input) =>
        withEntry(device, input, (e) => {
          const fields = entryFields(device, input, e);
          if (typeof fields === 'number') return fail(fields);
          Object.assign(e, { user: undefined, sid: undefined, a1: undefined }, fields);
          audit(device, AUDIT.AclEntryModified, `00${userExtended(entryName(e))}`);
          return { returnValue: PT_STATUS.Success };
        }),
    },
    RemoveUserAclEntry: {
      inputs: { Handle: 'uint32 req' },
      run: ({ device }, input) =>
        withEntry(device, input, (e) => {
          device.accounts.remove(e.handle);
          audit(device, AUDIT.AclEntryRemoved, userExtended(entryName(e)));
          return { returnValue: PT_STATUS.Success };
        }),
    },
    GetUserAclEntryEx: {
      inputs: { Handle: 'uint32 req' },
      // As recorded: the user name (or SID), AccessPermission, Realms; the password digest is not read back.
      run: ({ device }, input) =>
        withEntry(device, input, (e) => ({
          returnValue: PT_STATUS.Success,
          outputs: [
            ...(e.user !== undefined ? [['DigestUsername', e.user] as const] : [['KerberosUserSid', e.sid ?? ''] as const]),
            ['AccessPermission', e.permission],
            ['Realms', e.realms],
          ],
        })),
    },
    EnumerateUserAclEntries: {
      inputs: { StartIndex: 'uint32 req' },
      run: ({ device }, input) => {
        const handles = device.accounts.entries().map((e) => e.handle);
        const page = handles.slice(Math.max(1, Number(input.StartIndex)) - 1);
        return {
          returnValue: PT_STATUS.Success,
          outputs: [['TotalCount', handles.length], ['HandlesCount', page.length], ['Handles', page]],
        };
      },
    },
    GetAclEnabledState: {
      inputs: { Handle: 'uint32 req' },
      run: ({ device }, input) => withEntry(device, input, (e) => ({ returnValue: PT_STATUS.Success, outputs: [['Enabled', e.enabled]] })),
    },
    SetAclEnabledState: {
      inputs: { Handle: 'uint32 req', Enabled: 'boolean req' },
      run: ({ device }, input) =>
        withEntry(device, input, (e) => {
          e.enabled = input.Enabled === true;
          // 1606: byte 0 = enabled, then the user name as in 1602 (MC decoder).
          audit(device, AUDIT.AclEntryState, `${e.enabled ? '01' : '00'}${userExtended(entryName(e))}`);
          return { returnValue: PT_STATUS.Success };
        }),
    },
    GetAdminAclEntry: {
      run: ({ device }) => ({ returnValue: PT_STATUS.Success, outputs: [['Username', device.accounts.adminUser]] }),
    },
    GetAdminAclEntryStatus: {
      run: ({ device }) => ({ returnValue: PT_STATUS.Success, outputs: [['IsDefault', device.accounts.adminIsDefault]] }),
    },
    GetAdminNetAclEntryStatus: {
      run: ({ device }) => ({ returnValue: PT_STATUS.Success, outputs: [['IsDefault', device.accounts.adminIsDefault]] }),
    },
    SetAdminAclEntryEx: {
      inputs: { Username: 'string req', DigestPassword: 'base64 req' },
      run: ({ device }, input) => {
        const user = String(input.Username);
        if (user === '' || user.length > 32 || user.startsWith('$$')) return fail(ACL_STATUS.InvalidName);
        if (device.accounts.byUser(user)) return fail(ACL_STATUS.Duplicate);
        const bytes = Buffer.from(String(input.DigestPassword), 'base64');
        if (bytes.length !== 16) return fail(ACL_STATUS.InvalidPassword);
        device.accounts.setAdmin(user, bytes.toString('hex'));
        audit(device, AUDIT.AclEntryModified, `00${userExtended(user)}`);
        return { returnValue: PT_STATUS.Success };
      },
    },
  },
};

export const AUTHORIZATION_CLASSES: readonly ClassDef[] = [AUTHORIZATION];
