/**
 * Client side of HTTP Digest (RFC 2617 / RFC 7616: MD5, SHA-256 and SHA-512-256, each also -sess)
 * as AMT needs it (Intel AMT SDK, "HTTP Digest Authentication"; MeshCentral's amt-wsman-comm.js).
 * Written here rather than taken from a library because the transport is an arbitrary Duplex
 * (no node:http agent to plug into) and AMT has quirks a generic client trips on: separators with
 * and without spaces, `qop="auth-int, auth"` on 16.1, and account lock-out that forbids the
 * "retry on 401" habit of most clients.
 */
import { createHash, randomBytes } from 'node:crypto';

export const DIGEST_ALGORITHMS = ['MD5', 'MD5-sess', 'SHA-256', 'SHA-256-sess', 'SHA-512-256', 'SHA-512-256-sess'] as const;

export interface AuthChallenge {
  /** As written, e.g. `Digest`, `Negotiate`. */
  scheme: string;
  /** Parameter names lower-cased. */
  params: Record<string, string>;
  /** For schemes like `Negotiate <blob>`. */
  token68?: string;
}

export type DigestAlgorithm = (typeof DIGEST_ALGORITHMS)[number];

export interface DigestChallenge {
  realm: string;
  nonce: string;
  /** Offered qop values, e.g. `['auth-int', 'auth']`; empty for RFC 2069 servers. */
  qop: string[];
  stale: boolean;
  opaque?: string;
  /** The algorithm the server named; undefined means MD5 (AMT never names one). */
  algorithm?: DigestAlgorithm;
}

/**
 * Splits a WWW-Authenticate value (possibly several challenges, possibly several header lines
 * joined with ", ") into challenges. Accepts quoted and unquoted values, with or without spaces.
 */
export function parseAuthenticateHeader(value: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let current: AuthChallenge | undefined;
  let i = 0;
  const skip = (chars: string) => {
    while (i < value.length && chars.includes(value[i]!)) i++;
  };
  while (i < value.length) {
    skip(' \t,');
    if (i >= value.length) break;
    const start = i;
    while (i < value.length && !' \t,='.includes(value[i]!)) i++;
    const token = value.slice(start, i);
    skip(' \t');
    if (value[i] === '=' && current && value[i + 1] !== '=') {
      i++;
      skip(' \t');
      current.params[token.toLowerCase()] = readValue();
      continue;
    }
    current = { scheme: token, params: {} };
    challenges.push(current);
    // A token68 (e.g. `Negotiate YII==`) follows the scheme without a `name=` form.
    const save = i;
    while (i < value.length && !' \t,='.includes(value[i]!)) i++;
    const next = value.slice(save, i);
    let k = i;
    while (value[k] === ' ' || value[k] === '\t') k++;
    let j = i;
    while (value[j] === '=') j++;
    const isParam = value[k] === '=' && (k > i || j === i + 1);
    if (next !== '' && !isParam) {
      current.token68 = value.slice(save, j);
      i = j;
    } else {
      i = save;
    }
  }
  return challenges;

  function readValue(): string {
    if (value[i] === '"') {
      let out = '';
      i++;
      while (i < value.length && value[i] !== '"') {
        if (value[i] === '\\' && i + 1 < value.length) i++;
        out += value[i];
        i++;
      }
      i++;
      return out;
    }
    const start = i;
    while (i < value.length && value[i] !== ',') i++;
    return value.slice(start, i).trim();
  }
}

const SUPPORTED: Record<string, DigestAlgorithm> = Object.fromEntries(DIGEST_ALGORITHMS.map((a) => [a.toLowerCase(), a]));

/** Strongest first (RFC 7616 asks clients to prefer the strongest algorithm offered). */
const STRENGTH: DigestAlgorithm[] = ['SHA-512-256', 'SHA-512-256-sess', 'SHA-256', 'SHA-256-sess'];

/** The Digest challenge to answer, preferring SHA-512-256, then SHA-256, then MD5; undefined if none is usable. */
export function pickDigestChallenge(header: string | undefined): DigestChallenge | undefined {
  if (!header) return undefined;
  const usable = parseAuthenticateHeader(header)
    .filter((c) => c.scheme.toLowerCase() === 'digest' && c.params.nonce !== undefined)
    .map(toDigestChallenge)
    .filter((c): c is DigestChallenge => c !== undefined);
  for (const algorithm of STRENGTH) {
    const c = usable.find((u) => u.algorithm === algorithm);
    if (c) return c;
  }
  return usable[0];
}

/**
 * When a server offers Digest but with no algorithm this client speaks: "algorithm SHA-1"
 * (the names it offered), for the error message. Undefined when it offers no Digest at all.
 */
export function describeDigestOffer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const digests = parseAuthenticateHeader(header).filter((c) => c.scheme.toLowerCase() === 'digest');
  if (digests.length === 0) return undefined;
  const names = [...new Set(digests.map((c) => c.params.algorithm ?? 'MD5'))];
  return `algorithm${names.length === 1 ? '' : 's'} ${names.join(', ')}`;
}

function hashName(algorithm: DigestAlgorithm | undefined): string {
  if (algorithm?.startsWith('SHA-512-256')) return 'sha512-256';
  if (algorithm?.startsWith('SHA-256')) return 'sha256';
  return 'md5';
}

function toDigestChallenge(c: AuthChallenge): DigestChallenge | undefined {
  const algorithm = c.params.algorithm === undefined ? undefined : SUPPORTED[c.params.algorithm.toLowerCase()];
  if (c.params.algorithm !== undefined && algorithm === undefined) return undefined;
  return {
    realm: c.params.realm ?? '',
    nonce: c.params.nonce!,
    qop: (c.params.qop ?? '').split(',').map((q) => q.trim().toLowerCase()).filter((q) => q !== ''),
    stale: (c.params.stale ?? '').toLowerCase() === 'true',
    ...(c.params.opaque !== undefined ? { opaque: c.params.opaque } : {}),
    ...(algorithm !== undefined ? { algorithm } : {}),
  };
}

export interface DigestInput {
  algorithm?: DigestAlgorithm;
  username: string;
  realm: string;
  password: string;
  method: string;
  uri: string;
  nonce: string;
  /** 8 hex digits. */
  nc: string;
  cnonce: string;
  /** `auth`, `auth-int`, or undefined for RFC 2069. */
  qop?: string;
  /** Entity body, needed for `auth-int`. */
  body?: string | Buffer;
}

/** The `response=` value (lower-case hex). */
export function computeDigestResponse(p: DigestInput): string {
  const name = hashName(p.algorithm);
  const h = (s: string | Buffer) => createHash(name).update(s).digest('hex');
  let ha1 = h(`${p.username}:${p.realm}:${p.password}`);
  if (p.algorithm?.endsWith('-sess')) ha1 = h(`${ha1}:${p.nonce}:${p.cnonce}`);
  const ha2 = p.qop === 'auth-int' ? h(`${p.method}:${p.uri}:${h(p.body ?? '')}`) : h(`${p.method}:${p.uri}`);
  return p.qop ? h(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`) : h(`${ha1}:${p.nonce}:${ha2}`);
}

/**
 * Credentials plus the current challenge. Keeps the nonce across requests, counting nc up, and
 * only learns a new one from a 401 (as every AMT client does). `fresh` on an authorization tells
 * the caller the nonce had never been used before: a 401 to such a request means the password is
 * wrong, not that the nonce expired.
 */
export class DigestAuth {
  readonly user: string;
  // A private field so the password never shows in util.inspect, JSON or error dumps.
  readonly #password: string;
  #challenge: DigestChallenge | undefined;
  #nc = 0;
  /** cnonce = one random prefix per credentials object + a counter: unique per request, no random bytes per request. */
  readonly #cnoncePrefix = randomBytes(12).toString('hex');
  #cnonceCount = 0;
  /** H(user:realm:password) and H(method:uri) for the current challenge: the same for every request, so hashed once. */
  #cache: { challenge: DigestChallenge; ha1: string; a2: string; ha2: string } | undefined;

  constructor(user: string, password: string) {
    this.user = user;
    this.#password = password;
  }

  get hasChallenge(): boolean {
    return this.#challenge !== undefined;
  }

  /** Adopts a challenge from a 401; the nonce count starts again. */
  accept(challenge: DigestChallenge): void {
    this.#challenge = challenge;
    this.#nc = 0;
  }

  forget(): void {
    this.#challenge = undefined;
    this.#cache = undefined;
    this.#nc = 0;
  }

  /** The Authorization header for the next request, or undefined before the first challenge. */
  authorize(method: string, uri: string, body?: string | Buffer): { header: string; fresh: boolean } | undefined {
    const ch = this.#challenge;
    if (!ch) return undefined;
    this.#nc++;
    const nc = this.#nc.toString(16).padStart(8, '0');
    const cnonce = this.#cnoncePrefix + (++this.#cnonceCount).toString(16).padStart(8, '0');
    // Prefer auth: AMT 16.1 offers "auth-int, auth" but its clients all answer auth.
    const qop = ch.qop.includes('auth') ? 'auth' : ch.qop.includes('auth-int') ? 'auth-int' : undefined;
    let response: string;
    if (qop === 'auth' && !ch.algorithm?.endsWith('-sess')) {
      // The common case (AMT: MD5, qop=auth): one hash per request, the other two kept per challenge.
      const h = (x: string) => createHash(hashName(ch.algorithm)).update(x).digest('hex');
      const a2 = `${method}:${uri}`;
      let c = this.#cache;
      if (!c || c.challenge !== ch || c.a2 !== a2) {
        c = this.#cache = { challenge: ch, ha1: h(`${this.user}:${ch.realm}:${this.#password}`), a2, ha2: h(a2) };
      }
      response = h(`${c.ha1}:${ch.nonce}:${nc}:${cnonce}:auth:${c.ha2}`);
    } else {
      response = computeDigestResponse({
        ...(ch.algorithm ? { algorithm: ch.algorithm } : {}),
        username: this.user,
        realm: ch.realm,
        password: this.#password,
        method,
        uri,
        nonce: ch.nonce,
        nc,
        cnonce,
        ...(qop ? { qop } : {}),
        ...(body !== undefined ? { body } : {}),
      });
    }
    const parts = [`username=${quote(this.user)}`, `realm=${quote(ch.realm)}`, `nonce=${quote(ch.nonce)}`, `uri=${quote(uri)}`, `response="${response}"`];
    // qop and nc quoted: a form real AMT firmware accepted in recorded captures (MeshCentral issue 3797 shows the unquoted one too).
    if (qop) parts.push(`qop="${qop}"`, `nc="${nc}"`, `cnonce="${cnonce}"`);
    if (ch.opaque !== undefined) parts.push(`opaque=${quote(ch.opaque)}`);
    if (ch.algorithm) parts.push(`algorithm=${ch.algorithm}`);
    return { header: `Digest ${parts.join(',')}`, fresh: this.#nc === 1 };
  }
}

function quote(s: string): string {
  return `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}
