/**
 * `--reboot` / `reboot: true` of IDE-R: once the drives are up, boot the host once from them —
 * the one-time boot sequence of features/boot (UseIDER, IDERBootDevice, then power on or reset).
 * Returns the boot feature's sentence about the next boot.
 */
import { bootOnce } from '../boot';
import type { WsmanClient } from '../../wsman/client';

export async function rebootToIder(client: WsmanClient, target: 'ider-cd' | 'ider-floppy', signal?: AbortSignal): Promise<string> {
  const result = await bootOnce(client, { target }, signal ? { signal } : {});
  return result.message;
}
