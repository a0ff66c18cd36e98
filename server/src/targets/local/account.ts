/**
 * AMT's local system account (AMTHI GetLocalSystemAccount): the user and password AMT accepts for
 * WS-Man from this machine without anyone typing a password — what LMS-based tools use. Read
 * fresh for every new session, because the firmware may change it when it resets.
 */
import { AmtError } from '../../errors';
import { AmthiClient, AMTHI_GUID, type LocalSystemAccount } from '../../amthi';
import type { MeiOpen } from './apf';

export async function readLocalSystemAccount(open: MeiOpen, where: string, signal?: AbortSignal): Promise<LocalSystemAccount> {
  let account: LocalSystemAccount;
  try {
    const amthi = new AmthiClient(await open(AMTHI_GUID, signal ? { signal } : {}));
    try {
      account = await amthi.getLocalSystemAccount(signal ? { signal } : {});
    } finally {
      await amthi.close();
    }
  } catch (err) {
    if (err instanceof AmtError && err.code === 'cancelled') throw err;
    const why = err instanceof Error ? err.message.replace(/\.$/, '') : String(err);
    throw new AmtError('local.account', `AMT's local system account could not be read through ${where} (${why}); give the user name and password of an AMT account instead.`, { cause: err });
  }
  if (!account.username) {
    throw new AmtError('local.account', 'AMT reported no local system account (AMT is probably not provisioned); give the user name and password of an AMT account instead.');
  }
  return account;
}
