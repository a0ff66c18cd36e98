/**
 * The Accounts page (MeshCommander's user accounts): the built-in admin, each user entry with its
 * access, realms and enabled state, a form to add a user (realms as checkboxes), one to edit each
 * user, and remove/enable/disable buttons. Passwords are asked for only in VS Code's password
 * input box (ui.password), twice, and go straight into the request: the page's HTML never holds
 * one. The backend checks AMT's strong-password rule before anything is sent to the device, and
 * a change that could lock the user out is confirmed in a modal first (lockout.ts).
 */
import { AccountRequests, type AccountEntry, type AccountsInfo } from '../../../server/src/protocol';
import { badge, button, form, html, keyValues, section, table, type Safe } from './html';
import { withLockoutConfirm } from './lockout';
import type { PageAction, PageContext, PageSpec, PageUi } from './page';

const ACCESS_OPTIONS: ReadonlyArray<readonly [string, string]> = [['2', 'local and network'], ['1', 'network only'], ['0', 'local only']];
const RULE_HINT = '8–32 characters with upper and lower case, a digit and a symbol; no " , :';

const nameOf = (u: AccountEntry) => u.user ?? `Kerberos ${u.sid ?? ''}`;

/** The realm ids checked in a form whose realm checkboxes are named `<prefix><id>`. */
function checkedRealms(fields: Record<string, string | boolean>, prefix: string): number[] {
  return Object.entries(fields).filter(([k, v]) => k.startsWith(prefix) && v === true).map(([k]) => Number(k.slice(prefix.length)));
}

/**
 * The realms as one compact grid of checkboxes (each named `<prefix><id>`, its meaning as the
 * tooltip), three to a row, ending with the form's button: a field row per realm would make the
 * form very long, and a table cell keeps each box beside its name.
 */
function realmPicker(info: AccountsInfo, prefix: string, checked: readonly number[], action: Safe): Safe {
  const boxes = info.realms.map((r) => html`<td><label class="realm" title="${r.meaning}"><input type="checkbox" id="f-${prefix}${String(r.id)}" name="${prefix}${String(r.id)}"${checked.includes(r.id) ? html` checked` : ''}> ${r.name}</label></td>`);
  const rows: Safe[] = [];
  for (let i = 0; i < boxes.length; i += 3) rows.push(html`<tr>${boxes.slice(i, i + 3)}</tr>`);
  return html`<fieldset class="realms"><legend>Realms</legend><table class="realms"><tbody>${rows}</tbody></table><div class="buttons">${action}</div></fieldset>`;
}

function realmMeanings(info: AccountsInfo): Safe {
  return html`<details id="realm-meanings"><summary>What the realms mean</summary>${table(['Realm', 'Name', 'Lets the user'], info.realms.map((r) => [String(r.id), r.name, r.meaning]))}</details>`;
}

/** Asks for a new password twice in password input boxes; undefined when dismissed, an error when they differ. */
async function askPassword(ui: PageUi, whose: string): Promise<string | undefined> {
  const first = await ui.password(`Password for ${whose}`, `New password for ${whose} (${RULE_HINT})`);
  if (first === undefined) return undefined;
  const again = await ui.password(`Password for ${whose}`, 'Type the same password again');
  if (again === undefined) return undefined;
  if (again !== first) throw new Error('The two passwords typed differ; nothing was sent, so try again.');
  return first;
}

function userOf(data: AccountsInfo | undefined, handle: unknown): AccountEntry {
  const u = data?.users.find((x) => x.handle === Number(handle));
  if (!u) throw new Error(`Account ${String(handle)} is no longer listed; refresh the page.`);
  return u;
}

const add: PageAction<AccountsInfo> = async (page, data, input, ui) => {
  const user = String(input.fields.user ?? '').trim();
  if (!user) throw new Error('The new account needs a user name; type one in the form.');
  const realms = checkedRealms(input.fields, 'realm-');
  if (realms.length === 0) throw new Error('No realm is checked; check at least one realm for the new account.');
  const password = await askPassword(ui, `"${user}"`);
  if (password === undefined) return 'Nothing was added: the password box was dismissed.';
  const r = await page.request(AccountRequests.add, {
    targetId: page.targetId, user, password, realms, permission: Number(input.fields.access ?? 2), enabled: input.fields.enabled !== false,
  });
  return r.message;
};

const edit: PageAction<AccountsInfo> = async (page, data, input, ui) => {
  const u = userOf(data, (input.args as { handle?: number } | undefined)?.handle);
  const prefix = `e${u.handle}-realm-`;
  const realms = checkedRealms(input.fields, prefix);
  if (realms.length === 0) throw new Error(`No realm is checked for "${nameOf(u)}"; check at least one.`);
  const newName = String(input.fields[`e${u.handle}-name`] ?? '').trim();
  const rename = newName !== '' && newName !== u.user;
  let password: string | undefined;
  if (input.fields[`e${u.handle}-password`] === true || rename) {
    password = await askPassword(ui, `"${rename ? newName : nameOf(u)}"`);
    if (password === undefined) return 'Nothing was changed: the password box was dismissed.';
  }
  const r = await withLockoutConfirm(ui, 'Change anyway', (confirmed) => page.request(AccountRequests.update, {
    targetId: page.targetId, handle: u.handle, realms, permission: Number(input.fields[`e${u.handle}-access`] ?? u.permission),
    ...(rename ? { user: newName } : {}), ...(password !== undefined ? { password } : {}), ...(confirmed ? { confirmed } : {}),
  }));
  return r ? r.message : 'Nothing was changed.';
};

const remove: PageAction<AccountsInfo> = async (page, data, input, ui) => {
  const u = userOf(data, (input.args as { handle?: number } | undefined)?.handle);
  const r = await withLockoutConfirm(ui, 'Remove anyway', (confirmed) => page.request(AccountRequests.remove, { targetId: page.targetId, handle: u.handle, ...(confirmed ? { confirmed } : {}) }));
  return r ? r.message : `"${nameOf(u)}" was kept.`;
};

const toggle: PageAction<AccountsInfo> = async (page, data, input, ui) => {
  const u = userOf(data, (input.args as { handle?: number } | undefined)?.handle);
  const enabled = !u.enabled;
  const r = await withLockoutConfirm(ui, 'Disable anyway', (confirmed) => page.request(AccountRequests.setEnabled, { targetId: page.targetId, handle: u.handle, enabled, ...(confirmed ? { confirmed } : {}) }));
  return r ? r.message : `"${nameOf(u)}" was left ${u.enabled ? 'enabled' : 'disabled'}.`;
};

const setAdmin: PageAction<AccountsInfo> = async (page, data, _input, ui) => {
  const admin = data?.admin.user ?? 'admin';
  const password = await askPassword(ui, `the admin account "${admin}"`);
  if (password === undefined) return 'The admin password was not changed: the password box was dismissed.';
  const r = await withLockoutConfirm(ui, 'Change it', (confirmed) => page.request(AccountRequests.setAdmin, { targetId: page.targetId, password, ...(confirmed ? { confirmed } : {}) }));
  return r ? r.message : 'The admin password was not changed.';
};

function usersTable(info: AccountsInfo): Safe {
  const rows = info.users.map((u) => [
    String(u.handle),
    html`<span class="user-name">${nameOf(u)}</span>${u.system ? html` ${badge('system', 'info')}` : ''}${u.user === info.signedInAs ? html` ${badge('you', 'info')}` : ''}`,
    u.enabled ? badge('enabled', 'ok') : badge('disabled', 'warn'),
    u.permissionLabel,
    u.realmNames.join(', '),
    html`${button(u.enabled ? 'Disable' : 'Enable', 'toggle', { handle: u.handle })} ${button('Remove', 'remove', { handle: u.handle }, { confirm: `Remove the account "${nameOf(u)}" from the device?` })}`,
  ]);
  return table(['Handle', 'User', 'State', 'Access', 'Realms', ''], rows, 'No user accounts besides the admin.', 'users');
}

function editForms(info: AccountsInfo): Safe {
  return html`${info.users.filter((u) => u.user !== undefined).map((u) => html`<details class="edit" id="edit-${String(u.handle)}"><summary>Edit ${nameOf(u)}</summary>${form(`edit-form-${u.handle}`, [
    { name: `e${u.handle}-name`, label: 'User name', value: u.user ?? '' },
    { name: `e${u.handle}-access`, label: 'Access', kind: 'select', value: String(u.permission), options: ACCESS_OPTIONS },
    { name: `e${u.handle}-password`, label: 'Set a new password (asked for in a password box)', kind: 'checkbox', value: false },
  ], realmPicker(info, `e${u.handle}-realm-`, u.realms, button('Save changes', 'edit', { handle: u.handle }, { primary: true })))}</details>`)}`;
}

export const ACCOUNTS_PAGE: PageSpec<AccountsInfo> = {
  kind: 'accounts',
  title: 'Accounts',
  icon: 'person',
  load: (page: PageContext) => page.request(AccountRequests.list, { targetId: page.targetId }),
  render: (info) => html`
${section('Admin account', keyValues([
  ['User', info.admin.user, button('Set admin password…', 'setAdmin')],
  ['Password', info.admin.isDefault === undefined ? 'unknown' : info.admin.isDefault ? badge('factory default', 'warn') : badge('set', 'ok')],
  ['Digest realm', info.digestRealm],
  ...(info.signedInAs ? [['Signed in as', info.signedInAs] as const] : []),
]), undefined, 'admin')}
${section('Users', usersTable(info), undefined, 'users-section')}
${info.users.some((u) => u.user !== undefined) ? section('Edit a user', editForms(info), undefined, 'edit-section') : ''}
${section('Add a user', form('add-user', [
  { name: 'user', label: 'User name', placeholder: 'operator', required: true },
  { name: 'access', label: 'Access', kind: 'select', value: '2', options: ACCESS_OPTIONS },
  { name: 'enabled', label: 'Enabled', kind: 'checkbox', value: true },
], realmPicker(info, 'realm-', [], button('Add user…', 'add', undefined, { primary: true, title: 'The password is asked for in a password box' }))), undefined, 'add-section')}
${realmMeanings(info)}
<p class="hint">Passwords are asked for in VS Code's password box and checked against AMT's strong-password rule (${RULE_HINT}) before anything is sent.</p>`,
  actions: { add, edit, remove, toggle, setAdmin },
};
