/**
 * amt/accounts/*: AMT's user accounts (AMT_AuthorizationService; features/accounts/). Passwords
 * travel only inside the add/update/admin requests, from a password input box or an environment
 * variable; no result carries one back.
 *
 * Changes that could lock the caller out (removing, disabling or demoting the account the request
 * is signed in with, or the last user entry holding PT Administration) are refused with code
 * `accounts.lockout` and a sentence saying why, unless `confirmed` is true: the client asks the
 * user (a modal warning) and sends the request again with `confirmed`.
 */
import { RequestType } from 'vscode-languageserver-protocol';
import type { TargetParams } from './shared';

export interface RealmInfo { id: number; name: string; meaning: string }

export interface AccountEntry {
  handle: number;
  /** Digest user name; absent for a Kerberos entry. */ user?: string;
  /** Kerberos user SID (base64 as AMT has it). */ sid?: string;
  /** 0 local only, 1 network only, 2 both. */ permission: number;
  permissionLabel: string;
  realms: number[];
  realmNames: string[];
  enabled: boolean;
  /** A `$$` firmware system account (MeshCommander hides these). */ system: boolean;
}

export interface AccountsInfo {
  admin: { user: string; isDefault?: boolean };
  /** AMT_GeneralSettings.DigestRealm: the realm of every password digest. */ digestRealm: string;
  users: AccountEntry[];
  /** Every realm a user entry may hold, for pickers. */ realms: RealmInfo[];
  /** The account these requests are signed in with, when known. */ signedInAs?: string;
}

export interface AddAccountParams extends TargetParams {
  user: string;
  password: string;
  /** 0 local, 1 network, 2 any; default 2. */ permission?: number;
  realms: number[];
  /** Default true; false adds it disabled. */ enabled?: boolean;
}

export interface UpdateAccountParams extends TargetParams {
  handle: number;
  /** A new user name; the password must then be given too (AMT's digest includes the name). */ user?: string;
  /** A new password; absent keeps the current one. */ password?: string;
  permission?: number;
  realms?: number[];
  confirmed?: boolean;
}

export interface AccountHandleParams extends TargetParams { handle: number; confirmed?: boolean }
export interface SetAccountEnabledParams extends AccountHandleParams { enabled: boolean }
export interface SetAdminPasswordParams extends TargetParams {
  /** Default: the current admin user name. */ user?: string;
  password: string;
  confirmed?: boolean;
}

export interface AccountChange {
  /** One sentence saying what changed. */ message: string;
  handle?: number;
}

export const AccountRequests = {
  /** The admin account, every user entry with its realms and enabled state. */ list: new RequestType<TargetParams, AccountsInfo, void>('amt/accounts/list'),
  /** AddUserAclEntryEx (then SetAclEnabledState when added disabled). */ add: new RequestType<AddAccountParams, AccountChange, void>('amt/accounts/add'),
  /** UpdateUserAclEntryEx. */ update: new RequestType<UpdateAccountParams, AccountChange, void>('amt/accounts/update'),
  /** RemoveUserAclEntry. */ remove: new RequestType<AccountHandleParams, AccountChange, void>('amt/accounts/remove'),
  /** SetAclEnabledState. */ setEnabled: new RequestType<SetAccountEnabledParams, AccountChange, void>('amt/accounts/setEnabled'),
  /** SetAdminAclEntryEx. */ setAdmin: new RequestType<SetAdminPasswordParams, AccountChange, void>('amt/accounts/setAdmin'),
} as const;
