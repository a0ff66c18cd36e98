/**
 * AuthenticateSession (0x13) as the firmware answers it (docs/simulator.md "Redirection"):
 * type 0 lists the supported types; types 4 (Digest, RFC 2617 qop=auth) and 3 (RFC 2069) run a
 * challenge round — a request with empty realm and nonce gets status 1 with realm, nonce and qop,
 * the answer with the response gets 0 or 1 — over HA1 = MD5(user:realm:password) and
 * HA2 = MD5("POST:/RedirectionService"). Type 1 (user and password in clear) exists only when the
 * device allows it (AMT 7.0 and later switch it off unless MEBx turns it on; the simulator's
 * `redirectionBasicAuth` option). Users: the device ACL (admin, or an entry with the Redirection
 * realm that may log in over this interface). A wrong password is a failed log-on exactly as for
 * WS-Man Digest (`device.recordFailedLogin`).
 *
 * The A1 the ACL keeps is what both digests need, so no clear password is stored; a type-1 log-on
 * is checked by computing A1 from the clear password it carries.
 */
import { randomBytes } from 'node:crypto';
import { digestA1, REALM } from '../accounts/acl';
import type { SimDevice } from '../device';
import { digestFromA1, md5, sameHex } from '../digest';
import { AUTH_STATUS, AUTH_TYPE, WireError, authReply, lengthStrings, readLengthStrings } from './wire';

export const REDIRECTION_URI = '/RedirectionService';
/** Nonces remembered at most (consoles and relays may answer on a new connection). */
const MAX_NONCES = 256;

/** Nonces this device's redirection service issued, shared by its connections. */
export class NonceBook {
  private readonly issued = new Map<string, number>();
  constructor(private readonly device: SimDevice) {}
  issue(): string {
    // 32 hex characters: amtterm accepts nonces of at most 32 bytes.
    const nonce = randomBytes(16).toString('hex');
    this.issued.set(nonce, this.device.now());
    if (this.issued.size > MAX_NONCES) this.issued.delete(this.issued.keys().next().value!);
    return nonce;
  }
  valid(nonce: string): boolean {
    const at = this.issued.get(nonce);
    return at !== undefined && this.device.now() - at <= this.device.settings.nonceLifetimeMs;
  }
}

export type AuthOutcome =
  | { readonly reply: Buffer; readonly user?: undefined; readonly failure?: undefined }
  | { readonly reply: Buffer; readonly user: string; readonly failure?: undefined }
  | { readonly reply: Buffer; readonly failure: string; readonly user?: string };

export interface AuthContext {
  readonly device: SimDevice;
  readonly nonces: NonceBook;
  readonly basicAuth: boolean;
  /** Whether the connection came from the host side (APF), for the ACL's access permission. */
  readonly local: boolean;
  readonly address: string;
}

/** Answers one 0x13 message (header included). */
export function authenticate(ctx: AuthContext, message: Buffer): AuthOutcome {
  const type = message[4];
  const data = message.subarray(9);
  const types = [...(ctx.basicAuth ? [AUTH_TYPE.Basic] : []), AUTH_TYPE.Digest2069, AUTH_TYPE.Digest2617];
  if (type === AUTH_TYPE.Query) return { reply: authReply(AUTH_STATUS.Success, type, Buffer.from(types)) };
  if (!types.includes(type as 1 | 3 | 4)) {
    return { reply: authReply(AUTH_STATUS.NotSupported, type), failure: `authentication type ${type} is not supported` };
  }
  const fields = readLengthStrings(data);
  if (type === AUTH_TYPE.Basic) {
    if (fields.length !== 2) throw new WireError('a type-1 authentication needs exactly a user and a password');
    const [user, password] = fields;
    return verdict(ctx, type, user, digestA1(user, ctx.device.identity.realm, password), (a1) => a1);
  }
  const digest4 = type === AUTH_TYPE.Digest2617;
  if (fields.length !== (digest4 ? 8 : 7)) throw new WireError(`a type-${type} authentication needs ${digest4 ? 8 : 7} fields, not ${fields.length}`);
  const [user, realm, nonce, uri, cnonce, nc, response, qop = ''] = fields;
  if (realm === '' && nonce === '' && response === '') {
    // "Challenge me": answered even for an unknown user, who learns of failure only at the end.
    const challenge = lengthStrings(ctx.device.identity.realm, ctx.nonces.issue(), digest4 ? 'auth' : '');
    return { reply: authReply(AUTH_STATUS.Failure, type, challenge) };
  }
  const fail = (why: string) => ({ reply: authReply(AUTH_STATUS.Failure, type), failure: why, user });
  if (realm !== ctx.device.identity.realm) return fail('wrong realm');
  if (uri !== REDIRECTION_URI) return fail(`digest URI "${uri}" is not ${REDIRECTION_URI}`);
  if (digest4 && qop !== 'auth') return fail('qop must be auth');
  if (!ctx.nonces.valid(nonce)) return fail('unknown or expired nonce');
  const ha2 = md5(`POST:${uri}`);
  return verdict(ctx, type, user, response, (a1) => digestFromA1(a1, nonce, ha2, digest4 ? { nc, cnonce, qop } : undefined));
}

/** Compares what the console proved (`given`) with what the ACL's A1 yields (`expect(a1)`). */
function verdict(ctx: AuthContext, type: number, user: string, given: string, expect: (a1: string) => string): AuthOutcome {
  const { device } = ctx;
  const a1 = device.accounts.a1For(user);
  if (a1 === undefined || !sameHex(expect(a1), given)) {
    device.recordFailedLogin(user, ctx.address || undefined);
    return { reply: authReply(AUTH_STATUS.Failure, type), failure: 'wrong user name or password', user };
  }
  if (!device.accounts.permits(user, ctx.local)) {
    return { reply: authReply(AUTH_STATUS.Failure, type), failure: `${user} may not log in over this interface`, user };
  }
  if (!device.accounts.realmsOf(user).includes(REALM.Redirection)) {
    return { reply: authReply(AUTH_STATUS.Failure, type), failure: `${user} lacks the Redirection realm`, user };
  }
  return { reply: authReply(AUTH_STATUS.Success, type), user };
}
