/**
 * Digest log-on of a redirection session (spec redirection.md §2.5): the request that asks for a
 * challenge, and the response to it. Type 4 is RFC 2617 digest with qop=auth; type 3 is the
 * RFC 2069 form (no cnonce/nc/qop in the hash, though cnonce and nc are still sent). The URI is
 * always `/RedirectionService`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AUTH_TYPE, lengthPrefixed } from './wire';

export const AUTH_URI = '/RedirectionService';
/** The nonce count every console sends (MeshCommander, amtterm). */
export const AUTH_NC = '00000002';

export type DigestType = typeof AUTH_TYPE.DIGEST | typeof AUTH_TYPE.DIGEST_2069;

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

/** Step 3: user, empty realm and nonce, URI, empty cnonce/nc/response (and qop for type 4). */
export function challengeRequest(type: DigestType, user: string): Buffer {
  const fields = [user, '', '', AUTH_URI, '', '', ''];
  if (type === AUTH_TYPE.DIGEST) fields.push('');
  return lengthPrefixed(fields);
}

export interface DigestInput {
  type: DigestType;
  user: string;
  password: string;
  realm: string;
  nonce: string;
  qop: string;
  cnonce: string;
  nc?: string;
  /** Only for checking against RFC 2617's own example: redirection always uses POST /RedirectionService. */
  method?: string;
  uri?: string;
}

/** The lower-case hex response hash. */
export function digestHash(d: DigestInput): string {
  const ha1 = md5(`${d.user}:${d.realm}:${d.password}`);
  const ha2 = md5(`${d.method ?? 'POST'}:${d.uri ?? AUTH_URI}`);
  return d.type === AUTH_TYPE.DIGEST
    ? md5(`${ha1}:${d.nonce}:${d.nc ?? AUTH_NC}:${d.cnonce}:${d.qop}:${ha2}`)
    : md5(`${ha1}:${d.nonce}:${ha2}`);
}

/** Step 5: user, realm, nonce, uri, cnonce, nc, response (and qop for type 4). */
export function digestResponse(d: DigestInput): Buffer {
  const fields = [d.user, d.realm, d.nonce, AUTH_URI, d.cnonce, d.nc ?? AUTH_NC, digestHash(d)];
  if (d.type === AUTH_TYPE.DIGEST) fields.push(d.qop);
  return lengthPrefixed(fields);
}

export function newCnonce(): string {
  return randomBytes(16).toString('hex');
}
