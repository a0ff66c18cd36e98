/** The accounts as text, for `amtwb accounts list` (the page renders its own HTML from the same AccountsInfo). */
import type { AccountsInfo } from '../../protocol';

export function accountsText(info: AccountsInfo, opts: { all?: boolean } = {}): string {
  const lines = [`Admin: ${info.admin.user}${info.admin.isDefault ? ' (factory password)' : ''}`, `Digest realm: ${info.digestRealm}`];
  const users = info.users.filter((u) => opts.all || !u.system);
  if (users.length === 0) lines.push('Users: none');
  else {
    lines.push('Users:');
    const name = (u: AccountsInfo['users'][number]) => (u.user ?? `Kerberos SID ${u.sid ?? ''}`) + (u.system ? ' (system)' : '');
    const width = Math.max(...users.map((u) => name(u).length));
    for (const u of users) {
      lines.push(`  ${String(u.handle).padStart(3)}  ${name(u).padEnd(width)}  ${u.enabled ? 'enabled ' : 'disabled'}  ${u.permissionLabel.padEnd(17)}  ${u.realmNames.join(', ')}`);
    }
  }
  const hidden = info.users.length - users.length;
  if (hidden > 0) lines.push(`(${hidden} $$ system account${hidden === 1 ? '' : 's'} not shown; --all shows ${hidden === 1 ? 'it' : 'them'})`);
  return lines.join('\n');
}
