/**
 * A change the backend refuses with a lock-out warning (`accounts.lockout`, `network.lockout`):
 * the user sees the warning in a modal and, if they go on, the same request is sent once more
 * with `confirmed`. Nothing reaches the device before they choose.
 */
import { errorCode } from '../model/request';
import type { PageUi } from './page';

export async function withLockoutConfirm<R>(ui: PageUi, button: string, send: (confirmed: boolean) => Promise<R>): Promise<R | undefined> {
  try {
    return await send(false);
  } catch (err) {
    const code = errorCode(err);
    if (code !== 'accounts.lockout' && code !== 'network.lockout') throw err;
    const message = err instanceof Error ? err.message : String(err);
    if (!(await ui.confirm(message, 'This change can lock you out of the device.', button))) return undefined;
    return send(true);
  }
}
