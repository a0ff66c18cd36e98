/**
 * `amtwb accounts list|add|edit|remove|acl|admin-password` (features/accounts). Text by default,
 * JSON with --json. A new password comes from the environment variable --password-env names, or
 * is asked on the terminal with no echo; it is never an argument. A change that could lock you
 * out asks first on a terminal, or needs --yes in scripts.
 */
import { AmtError } from '../errors';
import {
  ACCESS_WORDS, addAccount, listAccounts, realmByName, REALMS, removeAccount, setAccountEnabled, setAdminPassword, updateAccount,
  type ChangeOptions,
} from '../features/accounts';
import { accountsText } from '../features/accounts/render';
import type { AccountChange, AccountsInfo } from '../protocol';
import type { WsmanClient } from '../wsman/client';
import type { CliIo } from './feature-commands';
import { confirmOnTerminal, newPassword } from './secret';
import { parseOwnArgs } from './own-args';
import { usageError } from './usage';

export const ACCOUNTS_USAGE = `  accounts list [--all]                    the admin and the user accounts with access and realms
                                           (--all: also the $$ firmware system accounts)
  accounts add USER --realms R,R [--access local|network|any] [--disabled] [--password-env VAR]
                                           add a user (realms by name or number, e.g.
                                           redirection,remote-control); the password from VAR
                                           or asked without echo, checked against AMT's rule
  accounts edit USER|HANDLE [--name NEW] [--realms R,R] [--access …] [--new-password] [--password-env VAR]
                                           change a user (--new-password: ask for a new one)
  accounts remove USER|HANDLE              remove a user
  accounts acl USER|HANDLE on|off          enable or disable a user's entry
  accounts admin-password [--name NEW] [--password-env VAR]
                                           set the built-in admin's password
                                           (changes that could lock you out ask first; --yes in scripts)`;

const FIX = 'write amtwb accounts list|add|edit|remove|acl|admin-password (amtwb --help lists the options)';


function realmsOf(text: string): number[] {
  return text.split(',').map((t) => t.trim()).filter(Boolean).map((t) => {
    const r = realmByName(t);
    if (!r) throw usageError(`"${t}" is not an AMT realm; use names or numbers from: ${REALMS.map((x) => `${x.id} ${x.name}`).join(', ')}.`);
    return r.id;
  });
}

function accessOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = ACCESS_WORDS[text];
  if (v === undefined) throw usageError(`--access "${text}" is not one AMT knows; use local, network or any.`);
  return v;
}

function handleOf(info: AccountsInfo, which: string | undefined): number {
  if (which === undefined) throw usageError(`Name the account by user name or handle; ${FIX}.`);
  const e = /^\d+$/.test(which) ? info.users.find((u) => u.handle === Number(which)) : info.users.find((u) => u.user === which);
  if (!e) throw new AmtError('accounts.invalid', `The device has no user account "${which}"; "amtwb accounts list" shows the names and handles.`);
  return e.handle;
}

/** Runs a change; on a lock-out warning asks on the terminal (or needs --yes), then runs it once more confirmed. */
async function guarded(io: CliIo, yes: boolean, run: (o: ChangeOptions) => Promise<AccountChange>): Promise<AccountChange> {
  const base: ChangeOptions = { signal: io.signal, ...(io.user ? { signedInAs: io.user } : {}), ...(yes ? { confirmed: true } : {}) };
  try {
    return await run(base);
  } catch (err) {
    if (!(err instanceof AmtError) || err.code !== 'accounts.lockout' || yes) throw err;
    if (!(await confirmOnTerminal(`${err.message} Go on?`))) {
      throw new AmtError('accounts.lockout', `${err.message.replace(/\.$/, '')}; nothing was changed (pass --yes to go on in a script).`);
    }
    return run({ ...base, confirmed: true });
  }
}

export async function runAccountsCli(args: readonly string[], io: CliIo): Promise<number> {
  const { values: v, positionals: pos } = parseOwnArgs(args, {
    json: { type: 'boolean' }, all: { type: 'boolean' }, realms: { type: 'string' }, access: { type: 'string' },
    disabled: { type: 'boolean' }, 'password-env': { type: 'string' }, 'new-password': { type: 'boolean' }, name: { type: 'string' }, yes: { type: 'boolean' },
  }, FIX);
  const [what, ...rest] = pos;
  const json = v.json === true;
  const envName = v['password-env'] as string | undefined;
  const passwordFix = 'set the password in an environment variable and name it with --password-env VAR';
  const out = async (change: AccountChange) => io.out(json ? JSON.stringify(change, null, 2) : change.message);
  const client = (): Promise<WsmanClient> => io.connect();
  switch (what) {
    case 'list':
    case undefined: {
      const info = await listAccounts(await client(), { signal: io.signal, ...(io.user ? { signedInAs: io.user } : {}) });
      await io.out(json ? JSON.stringify(info, null, 2) : accountsText(info, { all: v.all === true }));
      return 0;
    }
    case 'add': {
      const [user, ...extra] = rest;
      if (!user || extra.length) throw usageError(`"accounts add" needs one user name; write amtwb accounts add USER --realms redirection,remote-control.`);
      if (v.realms === undefined) throw usageError(`"accounts add" needs --realms; pick from: ${REALMS.map((r) => r.name).join(', ')}.`);
      const realms = realmsOf(v.realms as string);
      const permission = accessOf(v.access as string | undefined);
      const password = await newPassword(envName, `"${user}"`, passwordFix);
      await out(await addAccount(await client(), { user, password, realms, ...(permission !== undefined ? { permission } : {}), ...(v.disabled ? { enabled: false } : {}) }, { signal: io.signal }));
      return 0;
    }
    case 'edit': {
      const c = await client();
      const handle = handleOf(await listAccounts(c, { signal: io.signal }), rest[0]);
      const realms = v.realms === undefined ? undefined : realmsOf(v.realms as string);
      const permission = accessOf(v.access as string | undefined);
      const password = v['new-password'] || envName !== undefined ? await newPassword(envName, `"${(v.name as string | undefined) ?? rest[0]}"`, passwordFix) : undefined;
      if (realms === undefined && permission === undefined && password === undefined && v.name === undefined) {
        throw usageError('"accounts edit" has nothing to change; give --name, --realms, --access or --new-password.');
      }
      await out(await guarded(io, v.yes === true, (o) => updateAccount(c, {
        handle, ...(v.name !== undefined ? { user: v.name as string } : {}), ...(password !== undefined ? { password } : {}),
        ...(realms ? { realms } : {}), ...(permission !== undefined ? { permission } : {}),
      }, o)));
      return 0;
    }
    case 'remove': {
      const c = await client();
      const handle = handleOf(await listAccounts(c, { signal: io.signal }), rest[0]);
      await out(await guarded(io, v.yes === true, (o) => removeAccount(c, handle, o)));
      return 0;
    }
    case 'acl': {
      const c = await client();
      const handle = handleOf(await listAccounts(c, { signal: io.signal }), rest[0]);
      const state = rest[1];
      if (state !== 'on' && state !== 'off') throw usageError(`"accounts acl" needs on or off after the account; write amtwb accounts acl ${rest[0] ?? 'USER'} off.`);
      await out(await guarded(io, v.yes === true, (o) => setAccountEnabled(c, handle, state === 'on', o)));
      return 0;
    }
    case 'admin-password': {
      if (rest.length) throw usageError(`"accounts admin-password" takes no arguments (the password is never one); ${passwordFix}.`);
      const c = await client();
      const password = await newPassword(envName, 'the admin account', passwordFix);
      await out(await guarded(io, v.yes === true, (o) => setAdminPassword(c, { password, ...(v.name !== undefined ? { user: v.name as string } : {}) }, o)));
      return 0;
    }
    default:
      throw usageError(`"accounts ${what}" is not a command; ${FIX}.`);
  }
}
