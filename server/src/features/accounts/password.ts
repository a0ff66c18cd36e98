/**
 * AMT's strong-password rule and the digest AMT stores instead of a password.
 *
 * The rule (Intel AMT SDK, and the check MeshCommander and rpc-go make before sending): 8 to 32
 * characters, with at least one upper-case letter, one lower-case letter, one digit and one
 * character that is neither a letter nor a digit, and none of `"`, `,` and `:` (they would break
 * the Digest header). A password is checked here before anything reaches the device.
 *
 * The digest: AMT keeps Digest's A1 = MD5("user:<digest realm>:password"), the MD5 hex of that
 * text; the ACL methods carry its 16 bytes base64-encoded (DigestPassword).
 */
import { createHash } from 'node:crypto';

export const PASSWORD_RULE =
  "AMT's strong-password rule (8 to 32 characters with an upper-case letter, a lower-case letter, a digit and a character that is not a letter or digit, and none of \" , :)";

/** Undefined when `password` follows the rule; otherwise what is wrong, as words for a sentence. */
export function passwordProblem(password: string): string | undefined {
  const missing: string[] = [];
  if (password.length < 8) return `it has ${password.length} characters, fewer than 8`;
  if (password.length > 32) return `it has ${password.length} characters, more than 32`;
  if (/[",:]/.test(password)) return 'it contains " , or :';
  if (!/[A-Z]/.test(password)) missing.push('an upper-case letter');
  if (!/[a-z]/.test(password)) missing.push('a lower-case letter');
  if (!/[0-9]/.test(password)) missing.push('a digit');
  if (!/[^A-Za-z0-9]/.test(password)) missing.push('a character that is not a letter or digit');
  return missing.length ? `it lacks ${missing.join(' and ')}` : undefined;
}

/** MD5 hex of "user:realm:password" (Digest's A1). */
export function digestA1Hex(user: string, digestRealm: string, password: string): string {
  return createHash('md5').update(`${user}:${digestRealm}:${password}`, 'utf8').digest('hex');
}

/** DigestPassword as the ACL methods take it: the A1 digest's 16 bytes, base64. */
export function digestPassword(user: string, digestRealm: string, password: string): string {
  return Buffer.from(digestA1Hex(user, digestRealm, password), 'hex').toString('base64');
}
