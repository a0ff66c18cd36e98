/**
 * The viewer's half of VNC authentication (RFC 6143 §7.2.2), for AMT's port 5900: the 16-byte
 * challenge DES-encrypted with the RFB password as the key (first 8 bytes, zero-padded, each
 * byte's bits reversed, as every VNC implementation does). DES comes from des.js because Node 20's
 * OpenSSL 3 no longer offers des-ecb. (The simulator has its own copy: sim/ imports no product code.)
 */
import desjs from 'des.js';

function reverseBits(b: number): number {
  let r = 0;
  for (let i = 0; i < 8; i++) if (b & (1 << i)) r |= 1 << (7 - i);
  return r;
}

export function vncAuthResponse(challenge: Buffer, password: string): Buffer {
  const key = Buffer.alloc(8);
  Buffer.from(password, 'latin1').copy(key, 0, 0, 8);
  const des = desjs.DES.create({ type: 'encrypt', key: [...key].map(reverseBits), padding: false });
  return Buffer.from([...des.update([...challenge]), ...des.final()]);
}
