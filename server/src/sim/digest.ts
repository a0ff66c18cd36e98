/**
 * Server-side HTTP Digest as AMT does it (RFC 2617/7616; docs/simulator.md "HTTP and Digest"): MD5, qop=auth (auth-int is also verified
 * when a client picks it), realm `Digest:<32 hex>`, 32-character base64 nonces, a fresh nonce with
 * every challenge. Node has no server-side Digest and the usual npm packages are Express
 * middlewares with other nonce rules, so this small piece is written here.
 *
 * Nonce rules (AMT's own are not documented): a nonce is valid for `nonceLifetimeMs` of device
 * time; `nc` (8 hex digits, or plain decimal as MeshCentral sends it) must grow for each nonce; a
 * correct response with an expired or unknown nonce gets 401 with stale="true".
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SimDevice } from './device';

export type DigestVerdict =
  | { readonly ok: true; readonly user: string }
  | { readonly ok: false; readonly stale: boolean; readonly wrongPassword: boolean; readonly user?: string; readonly reason: string };

interface NonceState {
  readonly issuedAt: number;
  lastNc: number;
}

/** Nonces remembered at most; the oldest are forgotten first (their users get stale="true"). */
const MAX_NONCES = 1024;

/** Lower-case hex MD5, as digest authentication hashes. */
export const md5 = (s: string | Buffer) => createHash('md5').update(s).digest('hex');

/** The digest response from the ACL's A1 = MD5(user:realm:password): RFC 2617 with `qop`, RFC 2069 without. */
export function digestFromA1(a1: string, nonce: string, ha2: string, qop?: { nc: string; cnonce: string; qop: string }): string {
  return md5(qop ? `${a1}:${nonce}:${qop.nc}:${qop.cnonce}:${qop.qop}:${ha2}` : `${a1}:${nonce}:${ha2}`);
}

export class DigestGuard {
  private readonly nonces = new Map<string, NonceState>();

  constructor(private readonly device: SimDevice) {}

  /** The WWW-Authenticate value for a 401, spaced exactly like AMT's. */
  challenge(stale: boolean): string {
    const nonce = randomBytes(24).toString('base64');
    this.nonces.set(nonce, { issuedAt: this.device.now(), lastNc: 0 });
    if (this.nonces.size > MAX_NONCES) this.nonces.delete(this.nonces.keys().next().value!);
    const qop = this.device.settings.digestQop;
    return `Digest realm="${this.device.identity.realm}", nonce="${nonce}",stale="${stale}",qop="${qop}"`;
  }

  verify(method: string, requestUri: string, header: string | undefined, body: Buffer): DigestVerdict {
    const fail = (reason: string, extra: Partial<{ stale: boolean; wrongPassword: boolean; user: string }> = {}) =>
      ({ ok: false, stale: false, wrongPassword: false, reason, ...extra }) as const;
    if (!header) return fail('no Authorization header');
    const m = /^\s*Digest\s+(.*)$/is.exec(header);
    if (!m) return fail('not a Digest Authorization header');
    const p = parseParams(m[1]);
    const { username, realm, nonce, uri, response, qop, nc, cnonce } = p;
    if (!username || !nonce || !uri || !response || !realm) return fail('incomplete Digest parameters');
    if (realm !== this.device.identity.realm) return fail('wrong realm', { user: username });
    if (p.algorithm && p.algorithm.toUpperCase() !== 'MD5') return fail('unsupported algorithm', { user: username });
    if (qop !== 'auth' && qop !== 'auth-int') return fail('qop must be auth', { user: username });
    if (!nc || !cnonce) return fail('qop without nc/cnonce', { user: username });
    if (uri !== requestUri) return fail('digest uri does not match the request', { user: username });
    const ncValue = parseNc(nc);
    if (ncValue === undefined) return fail('malformed nc', { user: username });

    // The ACL keeps A1 = MD5(user:realm:password) only; a disabled entry has none (accounts/acl.ts).
    const a1 = this.device.accounts.a1For(username);
    const ha2 = md5(qop === 'auth-int' ? `${method}:${uri}:${md5(body)}` : `${method}:${uri}`);
    const expected = a1 === undefined ? undefined : digestFromA1(a1, nonce, ha2, { nc, cnonce, qop });
    if (expected === undefined || !sameHex(expected, response)) {
      return fail('wrong user name or password', { user: username, wrongPassword: true });
    }
    const state = this.nonces.get(nonce);
    if (!state || this.device.now() - state.issuedAt > this.device.settings.nonceLifetimeMs) {
      this.nonces.delete(nonce);
      return fail('stale nonce', { user: username, stale: true });
    }
    if (ncValue <= state.lastNc) return fail('nonce count did not increase (replay)', { user: username });
    state.lastNc = ncValue;
    return { ok: true, user: username };
  }
}

/** `k=v, k="v, with comma"` pairs; keys lower-cased, quotes and backslash escapes removed. */
function parseParams(s: string): Record<string, string> {
  // No prototype: a parameter named `constructor` or `__proto__` is just an unused parameter.
  const out: Record<string, string> = Object.create(null);
  const re = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*,?\s*/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    if (m[0] === '') break;
    out[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3];
  }
  return out;
}

/** 8 hex digits per RFC 2617, or an undecorated decimal counter. */
function parseNc(nc: string): number | undefined {
  if (/^[0-9a-fA-F]{8}$/.test(nc)) return parseInt(nc, 16);
  if (/^\d{1,9}$/.test(nc)) return parseInt(nc, 10);
  return undefined;
}

/** Compares hex digests in constant time (`given` in any case). */
export function sameHex(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
