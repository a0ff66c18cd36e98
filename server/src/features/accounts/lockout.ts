/**
 * Which account changes could lock the user out of the device, and the warning to show first.
 * The built-in admin cannot be removed, but the account a console is signed in with can: removing,
 * disabling or taking PT Administration or the ACL realm from it ends that console's access to
 * accounts (or to everything). The last user entry holding PT Administration leaves, once gone,
 * only the admin password as a way in. Changing the admin password while signed in as the admin
 * makes the stored password stale.
 */
import type { AccountsInfo } from '../../protocol';
import { ACL_REALM, PT_ADMINISTRATION } from './realms';

export type PlannedChange =
  | { kind: 'remove' | 'disable'; handle: number }
  | { kind: 'update'; handle: number; realms?: number[]; permission?: number }
  | { kind: 'admin' };

const holdsAdmin = (realms: readonly number[]) => realms.includes(PT_ADMINISTRATION);

/** The warning sentence, or undefined when the change cannot lock anyone out. */
export function lockoutRisk(info: AccountsInfo, change: PlannedChange, signedInAs: string | undefined): string | undefined {
  if (change.kind === 'admin') {
    return signedInAs === info.admin.user
      ? `You are signed in as "${info.admin.user}": after this change the device refuses the password the Workbench holds, so have the new one at hand to sign in again.`
      : undefined;
  }
  const e = info.users.find((u) => u.handle === change.handle);
  if (!e) return undefined;
  const name = e.user ?? 'this Kerberos account';
  const self = e.user !== undefined && e.user === signedInAs;
  const admins = info.users.filter((u) => u.enabled && holdsAdmin(u.realms));
  const lastAdmin = holdsAdmin(e.realms) && e.enabled && admins.length === 1;
  const removes = change.kind === 'remove' || change.kind === 'disable';
  const demotes = change.kind === 'update' && change.realms !== undefined && (holdsAdmin(e.realms) || e.realms.includes(ACL_REALM)) &&
    !(holdsAdmin(change.realms) || (!holdsAdmin(e.realms) && change.realms.includes(ACL_REALM)));
  const verb = change.kind === 'remove' ? 'Removing' : change.kind === 'disable' ? 'Disabling' : 'Taking PT Administration or the ACL realm from';
  if (self && (removes || demotes)) {
    return `${verb} "${name}" locks you out: it is the account you are signed in with, so sign in as another administrator first or go on knowingly.`;
  }
  if (self && change.kind === 'update' && change.permission !== undefined && change.permission !== 2 && change.permission !== e.permission) {
    return `Limiting where "${name}" may log in from can lock you out: it is the account you are signed in with, so check you reach the device that way.`;
  }
  if (lastAdmin && (removes || demotes)) {
    return `${verb} "${name}" leaves no user account with PT Administration, so only the admin account "${info.admin.user}" can administer the device; make sure its password is known.`;
  }
  return undefined;
}
