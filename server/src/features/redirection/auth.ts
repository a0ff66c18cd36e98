/**
 * Digest log-on of a redirection session (spec redirection.md §2.5): the request that asks for a
 * challenge, and the response to it. Type 4 is RFC 2617 digest with qop=auth; type 3 is the
 * RFC 2069 form (no cnonce/nc/qop in the hash, though cnonce and nc are still sent). The URI is
 * always `/RedirectionService`.
 */
import { randomBytes } from 'node:crypto';
import { computeDigestResponse } from '../../wsman/digest';
import { AUTH_TYPE, lengthPrefixed } from './wire';

export const AUTH_URI = '/RedirectionService';
/** The nonce count every console sends (MeshCommander, amtterm). */
export const AUTH_NC = '00000002';

export type DigestType = typeof AUTH_TYPE.DIGEST | typeof AUTH_TYPE.DIGEST_2069;

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

/** The lower-case hex response hash: HTTP digest's, over POST /RedirectionService (RFC 2069 when type 3). */
export function digestHash(d: DigestInput): string {
  return computeDigestResponse({
    username: d.user, realm: d.realm, password: d.password, method: d.method ?? 'POST', uri: d.uri ?? AUTH_URI,
    nonce: d.nonce, nc: d.nc ?? AUTH_NC, cnonce: d.cnonce, ...(d.type === AUTH_TYPE.DIGEST ? { qop: d.qop } : {}),
  });
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
