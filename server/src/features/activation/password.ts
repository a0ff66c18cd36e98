/**
 * The admin password as host-based setup wants it: AMT's strong-password rule is checked here,
 * before anything is sent, and the password travels only as the Digest A1 hash — lower-case hex
 * of MD5("admin:" + DigestRealm + ":" + password), NetAdminPassEncryptionType 2 (HTTP_DIGEST_MD5_A1),
 * as go-wsman-messages' host-based setup service builds it. The user name is always "admin".
 */
import { createHash } from 'node:crypto';
import { AmtError } from '../../errors';

export const ADMIN_USER = 'admin';

/** AMT's rule, in one sentence (Intel AMT SDK "Strong password"). */
export const STRONG_PASSWORD_RULE =
  "AMT's strong-password rule: 8 to 32 characters with at least one lower-case letter, one upper-case letter, one digit and one special character, and none of the characters : , \" or space";

/** Undefined when `password` meets the rule, else what it lacks (a phrase). */
export function passwordProblem(password: string): string | undefined {
  if (password.length < 8) return `it has ${password.length} characters`;
  if ([...password].length > 32) return `it has ${[...password].length} characters`;
  if (/[:,"\s]/.test(password)) return 'it contains : , " or a space';
  if (!/[a-z]/.test(password)) return 'it has no lower-case letter';
  if (!/[A-Z]/.test(password)) return 'it has no upper-case letter';
  if (!/\d/.test(password)) return 'it has no digit';
  if (!/[^A-Za-z0-9]/.test(password)) return 'it has no special character';
  return undefined;
}

/** Throws the one-sentence refusal when `password` breaks the rule. */
export function checkStrongPassword(password: string): void {
  const problem = passwordProblem(password);
  if (problem) throw new AmtError('activation.password', `The new AMT admin password is refused because ${problem}; choose one that follows ${STRONG_PASSWORD_RULE}.`);
}

/** 32 lower-case hex digits: MD5(admin:realm:password). */
export function adminDigest(realm: string, password: string): string {
  return createHash('md5').update(`${ADMIN_USER}:${realm}:${password}`).digest('hex');
}
