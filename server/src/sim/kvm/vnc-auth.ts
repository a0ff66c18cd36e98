/**
 * VNC authentication (RFC 6143 §7.2.2, security type 2), which AMT's port 5900 asks of standard
 * viewers with IPS_KVMRedirectionSettingData.RFBPassword: the server sends 16 random bytes, the
 * viewer returns them DES-encrypted with the password as the key (its first 8 bytes, zero-padded,
 * each byte's bits in reverse order, as every VNC implementation does). DES comes from des.js
 * because Node 20's OpenSSL 3 no longer offers des-ecb.
 */
import { randomBytes } from 'node:crypto';
import desjs from 'des.js';

function reverseBits(b: number): number {
  let r = 0;
  for (let i = 0; i < 8; i++) if (b & (1 << i)) r |= 1 << (7 - i);
  return r;
}

export function vncChallenge(): Buffer {
  return randomBytes(16);
}

/** What a viewer that knows `password` answers to `challenge`. */
export function vncResponse(challenge: Buffer, password: string): Buffer {
  const key = Buffer.alloc(8);
  Buffer.from(password, 'latin1').copy(key, 0, 0, 8);
  for (let i = 0; i < 8; i++) key[i] = reverseBits(key[i]!);
  const des = desjs.DES.create({ type: 'encrypt', key: [...key], padding: false });
  return Buffer.from([...des.update([...challenge]), ...des.final()]);
}
