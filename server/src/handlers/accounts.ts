/** amt/accounts/*: AMT's user accounts (features/accounts). The lock-out check knows who is signed in from the request or the device list. */
import { addAccount, listAccounts, removeAccount, setAccountEnabled, setAdminPassword, updateAccount } from '../features/accounts';
import { AccountRequests, type TargetParams } from '../protocol';
import { clientFor, type HandlerHost } from './host';

/** The user the request signs in with: its credentials, else the one the device list holds. */
export function signedInAs(host: HandlerHost, p: TargetParams): string | undefined {
  if (p.credentials?.user) return p.credentials.user;
  try {
    return host.registry.info(p.targetId).user;
  } catch {
    return undefined;
  }
}

export function registerAccountHandlers(host: HandlerHost): void {
  const opts = (p: TargetParams & { confirmed?: boolean }, signal: AbortSignal) => {
    const who = signedInAs(host, p);
    return { signal, ...(who ? { signedInAs: who } : {}), ...(p.confirmed ? { confirmed: true } : {}) };
  };
  host.handle(AccountRequests.list, async (p, signal) => listAccounts(await clientFor(host, p, signal), opts(p, signal)));
  host.handle(AccountRequests.add, async (p, signal) =>
    addAccount(await clientFor(host, p, signal), {
      user: p.user, password: p.password, realms: p.realms,
      ...(p.permission !== undefined ? { permission: p.permission } : {}), ...(p.enabled !== undefined ? { enabled: p.enabled } : {}),
    }, { signal }));
  host.handle(AccountRequests.update, async (p, signal) =>
    updateAccount(await clientFor(host, p, signal), {
      handle: p.handle,
      ...(p.user !== undefined ? { user: p.user } : {}), ...(p.password !== undefined ? { password: p.password } : {}),
      ...(p.permission !== undefined ? { permission: p.permission } : {}), ...(p.realms !== undefined ? { realms: p.realms } : {}),
    }, opts(p, signal)));
  host.handle(AccountRequests.remove, async (p, signal) => removeAccount(await clientFor(host, p, signal), p.handle, opts(p, signal)));
  host.handle(AccountRequests.setEnabled, async (p, signal) => setAccountEnabled(await clientFor(host, p, signal), p.handle, p.enabled, opts(p, signal)));
  host.handle(AccountRequests.setAdmin, async (p, signal) =>
    setAdminPassword(await clientFor(host, p, signal), { password: p.password, ...(p.user !== undefined ? { user: p.user } : {}) }, opts(p, signal)));
}
