/**
 * `--reboot` / `reboot: true` of IDE-R: once the drives are up, boot the host once from them.
 */
import { AmtError } from '../../errors';
import type { WsmanClient } from '../../wsman/client';

export async function rebootToIder(_client: WsmanClient, _target: 'ider-cd' | 'ider-floppy', _signal?: AbortSignal): Promise<string> {
  throw new AmtError('redir.unsupported', 'Booting from IDE-R (--reboot) needs the boot feature, which this build does not have; serve the image without --reboot and set the next boot from the BIOS or another console.');
}
