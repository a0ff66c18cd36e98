/**
 * WS-Man operations against one device: builds the envelope, sends it with Digest over the HTTP
 * connection, turns the reply into values or typed errors. One operation at a time per client,
 * because AMT serves one request per connection and the Digest nonce count must stay ordered.
 */
import { performance } from 'node:perf_hooks';
import { DigestAuth, describeDigestOffer, pickDigestChallenge } from './digest';
import {
  buildCreate,
  buildDelete,
  buildEnumerate,
  buildGet,
  buildIdentify,
  buildInvoke,
  buildPull,
  buildPut,
  buildRelease,
  buildRenew,
  buildSubscribe,
  buildUnsubscribe,
  type EnumerationMode,
  type SubscribeOptions,
} from './envelope';
import { AuthError, CancelledError, ProtocolError, TimeoutError } from './errors';
import { faultFromEnvelope } from './faults';
import type { HttpResponse } from './http';
import { ConnectionPool, type PooledConnection } from './pool';
import { operationOfEnvelope, type WsmanOperation } from './replay';
import { classNameFromUri, resourceUriFor } from './namespaces';
import {
  bodyElement,
  parseEnumerationAsync,
  parseEnvelope,
  parseEnvelopeAsync,
  parseIdentify,
  parseInstance,
  parseMethodOutput,
  parseResourceCreated,
  parseSubscribeResponse,
  type EnumerationPage,
  type IdentifyResult,
  type ParsedEnvelope,
  type SubscribeResult,
} from './parse';
import { redactBody, redactHead } from './redact';
import { expectationOf, validateReply } from './validate';
import type { AsyncParseOptions } from './xml';
import { returnValueMeaning } from './returnCodes';
import type { Transport } from './transport';
import type { EndpointReference, EnumItem, Instance, Selectors, WsInput, WsValue } from './types';

export interface WsmanClientOptions {
  transport: Transport;
  /** Host header; defaults to the transport's `host:port`. */
  hostHeader?: string;
  user: string;
  password: string;
  /** Per operation, default 30000. */
  timeoutMs?: number;
  /** Connections to the device at most (AMT accepts few at once); default 3. Requests beyond wait in order. */
  maxConnections?: number;
  /** How long a request may wait for a free connection before QueueTimeoutError; default 60000. */
  queueTimeoutMs?: number;
  /** Largest reply body accepted, default 64 MiB. */
  maxReplyBytes?: number;
  /** Receives the wire traffic with the Authorization header and password elements redacted. */
  trace?: (e: { direction: 'request' | 'response'; text: string }) => void;
  /** Told after each exchange: the device answered (`ok`, faults included), or the error (auth, connection, timeout, cancel). */
  onOutcome?: (outcome: { ok: true } | { ok: false; error: unknown }) => void;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** The IdentifyResponse plus what only the HTTP layer knows. */
export interface IdentifyInfo extends IdentifyResult {
  /** The HTTP Server header, which carries the firmware version on AMT. */
  server?: string;
}

export interface InvokeResult {
  returnValue: number;
  returnMeaning: string;
  output: Record<string, WsValue>;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  xml: string;
  /** Present when the reply body is a SOAP envelope. */
  envelope?: ParsedEnvelope;
  elapsedMs: number;
}

const WSMAN_PATH = '/wsman';
const CONTENT_TYPE = 'application/soap+xml;charset=UTF-8';
/** What the AMT client libraries send; without MaxElements WS-Enumeration defaults to one item per Pull. */
const DEFAULT_PULL_MAX_ELEMENTS = 999;

export class WsmanClient {
  /** The last `Server:` header seen (e.g. `Intel(R) Active Management Technology 15.0.23.1706`). */
  serverHeader: string | undefined;

  readonly #transport: Transport;
  /** Each connection keeps its own Digest nonce and count: counts from several connections would reach the device out of order. */
  readonly #pool: ConnectionPool<DigestAuth>;
  readonly #user: string;
  readonly #maxReplyBytes: number | undefined;
  /** Set once the device refused the password: no later request sends it again (AMT counts each failure toward lock-out). */
  #rejected: AuthError | undefined;
  readonly #timeoutMs: number;
  readonly #trace: WsmanClientOptions['trace'];
  readonly #onOutcome: WsmanClientOptions['onOutcome'];

  constructor(opts: WsmanClientOptions) {
    this.#transport = opts.transport;
    const { user, password } = opts;
    this.#user = user;
    this.#pool = new ConnectionPool(
      opts.transport,
      opts.hostHeader ?? opts.transport.hostHeader ?? opts.transport.describe(),
      () => new DigestAuth(user, password),
      {
        ...(opts.maxConnections !== undefined ? { maxConnections: opts.maxConnections } : {}),
        ...(opts.queueTimeoutMs !== undefined ? { queueTimeoutMs: opts.queueTimeoutMs } : {}),
      },
    );
    this.#maxReplyBytes = opts.maxReplyBytes;
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
    this.#trace = opts.trace;
    this.#onOutcome = opts.onOutcome;
  }

  async identify(opts?: CallOptions): Promise<IdentifyInfo> {
    const env = await this.#call(buildIdentify(), undefined, opts);
    const info: IdentifyInfo = parseIdentify(env);
    if (this.serverHeader !== undefined) info.server = this.serverHeader;
    return info;
  }

  async get(classOrUri: string, selectors?: Selectors, opts?: CallOptions): Promise<Instance> {
    const env = await this.#call(buildGet(classOrUri, withSelectors(selectors)), classOrUri, opts);
    return parseInstance(this.#payload(env, 'Get'));
  }

  /** Returns the updated instance, or undefined when the device answers with an empty body. */
  async put(classOrUri: string, properties: Record<string, WsInput>, selectors?: Selectors, opts?: CallOptions): Promise<Instance | undefined> {
    const env = await this.#call(buildPut(classOrUri, properties, withSelectors(selectors)), classOrUri, opts);
    const el = bodyElement(env);
    return el ? parseInstance(el) : undefined;
  }

  async create(classOrUri: string, properties: Record<string, WsInput>, opts?: CallOptions): Promise<EndpointReference> {
    return parseResourceCreated(await this.#call(buildCreate(classOrUri, properties), classOrUri, opts));
  }

  async delete(classOrUri: string, selectors: Selectors, opts?: CallOptions): Promise<void> {
    await this.#call(buildDelete(classOrUri, { selectors }), classOrUri, opts);
  }

  async enumerate(
    classOrUri: string,
    enumOpts: { mode?: EnumerationMode; maxElements?: number; optimize?: boolean } = {},
    opts?: CallOptions,
  ): Promise<EnumerationPage> {
    return parseEnumerationAsync(await this.#call(buildEnumerate(classOrUri, enumOpts), classOrUri, opts), enumerationParseOptions(opts));
  }

  async pull(classOrUri: string, context: string, pullOpts: { maxElements?: number; maxCharacters?: number } = {}, opts?: CallOptions): Promise<EnumerationPage> {
    const options = { maxElements: DEFAULT_PULL_MAX_ELEMENTS, ...pullOpts };
    return parseEnumerationAsync(await this.#call(buildPull(classOrUri, context, options), classOrUri, opts), enumerationParseOptions(opts));
  }

  async release(classOrUri: string, context: string, opts?: CallOptions): Promise<void> {
    await this.#call(buildRelease(classOrUri, context), classOrUri, opts);
  }

  /**
   * Enumerate, then Pull until the device stops returning a context or says EndOfSequence (the
   * MeshCommander loop). The timeout applies to each request; the signal cancels the whole walk.
   */
  async enumerateAll(
    classOrUri: string,
    allOpts: { mode?: EnumerationMode; maxElements?: number; onPage?: (itemsSoFar: EnumItem[]) => void } = {},
    opts?: CallOptions,
  ): Promise<EnumItem[]> {
    const first = await this.enumerate(classOrUri, allOpts.mode ? { mode: allOpts.mode } : {}, opts);
    const items = [...first.items];
    if (items.length > 0) allOpts.onPage?.(items);
    let page = first;
    while (page.context && !page.endOfSequence) {
      const pullOpts = allOpts.maxElements !== undefined ? { maxElements: allOpts.maxElements } : {};
      page = await this.pull(classOrUri, page.context, pullOpts, opts);
      items.push(...page.items);
      allOpts.onPage?.(items);
    }
    return items;
  }

  /** Calls a method. A non-zero ReturnValue is a result, not an error: read `returnMeaning`. */
  async invoke(
    classOrUri: string,
    method: string,
    input: Record<string, WsInput>,
    selectors?: Selectors,
    opts?: CallOptions,
  ): Promise<InvokeResult> {
    const env = await this.#call(buildInvoke(classOrUri, method, input, withSelectors(selectors)), classOrUri, opts);
    const out = parseMethodOutput(env);
    if (out.returnValue === undefined) {
      throw new ProtocolError(`The device answered ${method} without a ReturnValue, so the outcome is unknown; check the method name and its class.`);
    }
    const className = classNameFromUri(resourceUriFor(classOrUri));
    return { returnValue: out.returnValue, returnMeaning: returnValueMeaning(className, method, out.returnValue), output: out.output };
  }

  /** Subscribes a listener; on AMT `classOrUri` is CIM_FilterCollection with selector InstanceID. */
  async subscribe(classOrUri: string, sub: SubscribeOptions, selectors?: Selectors, opts?: CallOptions): Promise<SubscribeResult> {
    return parseSubscribeResponse(await this.#call(buildSubscribe(classOrUri, sub, withSelectors(selectors)), classOrUri, opts));
  }

  /** On AMT: CIM_FilterCollectionSubscription with the Filter and Handler EPR selectors. */
  async unsubscribe(classOrUri: string, selectors: Selectors, opts?: CallOptions): Promise<void> {
    await this.#call(buildUnsubscribe(classOrUri, { selectors }), classOrUri, opts);
  }

  async renew(classOrUri: string, expires: string, selectors: Selectors, opts?: CallOptions): Promise<SubscribeResult> {
    return parseSubscribeResponse(await this.#call(buildRenew(classOrUri, expires, { selectors }), classOrUri, opts));
  }

  /**
   * Sends an envelope as written (the .wsman "Send"). Faults come back as a normal reply;
   * authentication, connection, timeout and cancellation still throw, and so does a device whose
   * firmware predates WS-Management (no /wsman to answer at all).
   */
  async sendRaw(envelopeXml: string, opts?: CallOptions): Promise<RawResponse> {
    const started = performance.now();
    const res = await this.#exchange(envelopeXml, opts);
    const predates = this.#predatesWsman(res);
    if (predates) throw predates;
    const xml = res.body.toString('utf8');
    let envelope: ParsedEnvelope | undefined;
    try {
      envelope = looksLikeXml(res) ? parseEnvelope(xml) : undefined;
    } catch {
      envelope = undefined;
    }
    return { status: res.status, headers: res.headers, xml, ...(envelope ? { envelope } : {}), elapsedMs: performance.now() - started };
  }

  /**
   * POSTs a SOAP 1.1 body to another path of the device: AMT's legacy SOAP services before 6.0
   * (features/legacy), over the same connections, Digest rounds and refused-password rule as
   * WS-Man. `operation` decides whether any layer may send it again (replay.ts): 'Get' for a read,
   * 'Invoke' for a command, which is never resent. Faults and HTTP errors come back as they are.
   */
  async postSoap(path: string, xml: string, soapAction: string, operation: 'Get' | 'Invoke', opts?: CallOptions): Promise<{ status: number; headers: Record<string, string>; body: string }> {
    const res = await this.#exchange(xml, opts, { path, contentType: 'text/xml; charset=utf-8', headers: { SOAPAction: `"${soapAction}"` }, operation });
    return { status: res.status, headers: res.headers, body: res.body.toString('utf8') };
  }

  close(): void {
    this.#pool.close();
  }

  // ---- internals ---------------------------------------------------------------------------

  async #call(xml: string, classOrUri: string | undefined, opts?: CallOptions): Promise<ParsedEnvelope> {
    const res = await this.#exchange(xml, opts);
    const resourceUri = classOrUri !== undefined ? resourceUriFor(classOrUri) : undefined;
    const predates = this.#predatesWsman(res);
    if (predates) throw predates;
    if (!looksLikeXml(res)) {
      throw new ProtocolError(
        `${this.#transport.describe()} answered HTTP ${res.status} ${res.statusText} without a SOAP envelope${res.status === 404 ? '; this port does not serve /wsman' : ''}; check that the address and port belong to an AMT device.`,
        res.status,
      );
    }
    const env = await parseEnvelopeAsync(res.body, this.#parseOptions(res.body.byteLength, opts));
    const fault = faultFromEnvelope(env, { httpStatus: res.status, ...(resourceUri ? { resourceUri } : {}) });
    if (fault) throw fault;
    if (res.status !== 200) {
      throw new ProtocolError(`${this.#transport.describe()} answered HTTP ${res.status} ${res.statusText} with a SOAP body that is not a fault; the request may not have been applied.`, res.status);
    }
    validateReply(env, expectationOf(xml));
    return env;
  }

  /** The error for a 404 from firmware older than AMT 6.0 (its Server header says so), which has no /wsman at all. */
  #predatesWsman(res: HttpResponse): ProtocolError | undefined {
    const legacy = res.status === 404 && !looksLikeXml(res) ? legacyFirmware(this.serverHeader) : undefined;
    if (!legacy) return undefined;
    return new ProtocolError(
      `${this.#transport.describe()} runs AMT ${legacy}, which predates WS-Management (AMT 6.0), so it has no classes to browse and no /wsman to send to; use its information and power control (amtwb identify, amtwb power, the Devices and Power views), which AMT Workbench offers over the legacy SOAP interface.`,
      res.status,
    );
  }

  /** A large reply is parsed in slices (xml.ts); the request's signal and timeout stop that too. */
  #parseOptions(bytes: number, opts?: CallOptions): AsyncParseOptions {
    const timeoutMs = opts?.timeoutMs ?? this.#timeoutMs;
    return {
      ...(opts?.signal ? { signal: opts.signal, onAbort: () => new CancelledError() } : {}),
      deadline: performance.now() + timeoutMs,
      onDeadline: () =>
        new TimeoutError(
          `Reading the ${(bytes / 1024 / 1024).toFixed(1)} MiB reply of ${this.#transport.describe()} took longer than ${timeoutMs / 1000} s; ask for fewer items per Pull or raise the request timeout (amt.requestTimeoutSeconds).`,
          timeoutMs,
        ),
    };
  }

  #payload(env: ParsedEnvelope, operation: string) {
    const el = bodyElement(env);
    if (!el) throw new ProtocolError(`The device answered ${operation} with an empty Body, so there is no result to show; retry, and check the class name and selectors of the request.`);
    return el;
  }

  /**
   * Waits for one of the device's connections, then runs the Digest rounds on it. The time limit
   * applies to each request from when it is written (http.ts), not to the wait for a connection.
   */
  #exchange(xml: string, opts: CallOptions = {}, post?: SoapPost): Promise<HttpResponse> {
    const run = this.#exchangeOn(xml, opts, post);
    if (!this.#onOutcome) return run;
    return run.then(
      (res) => (this.#onOutcome!({ ok: true }), res),
      (error: unknown) => {
        this.#onOutcome!({ ok: false, error });
        throw error;
      },
    );
  }

  async #exchangeOn(xml: string, opts: CallOptions, post?: SoapPost): Promise<HttpResponse> {
    if (opts.signal?.aborted) throw new CancelledError();
    if (this.#rejected) throw this.#rejected;
    const conn = await this.#pool.acquire(opts.signal);
    try {
      if (this.#rejected) throw this.#rejected; // refused while this request waited: it is not sent
      const target = post ?? { path: WSMAN_PATH, contentType: CONTENT_TYPE, operation: operationOfEnvelope(xml) };
      return await this.#authenticated(conn, Buffer.from(xml, 'utf8'), target, opts);
    } finally {
      this.#pool.release(conn);
    }
  }

  /**
   * Digest rounds. Retries only when the device cannot yet have judged the password: the first
   * contact (no credentials sent), a stale nonce, or a 401 to a reused nonce that may simply have
   * expired. A 401 to credentials computed for a nonce never used before means the password is
   * wrong; retrying it would count as another failed log-on towards AMT's lock-out.
   */
  async #authenticated(conn: PooledConnection<DigestAuth>, body: Buffer, target: SoapPost, opts: CallOptions): Promise<HttpResponse> {
    const { http, state: digest } = conn;
    const send = {
      operation: target.operation,
      timeoutMs: opts.timeoutMs ?? this.#timeoutMs,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(this.#maxReplyBytes !== undefined ? { maxBody: this.#maxReplyBytes } : {}),
    };
    let staleRounds = 0;
    let expiredRetry = false;
    for (let round = 0; round < 5; round++) {
      const auth = digest.authorize('POST', target.path, body);
      const plain = { 'Content-Type': target.contentType, ...target.headers };
      const req = {
        method: 'POST',
        path: target.path,
        headers: (auth ? { ...plain, Authorization: auth.header } : plain) as Record<string, string>,
        body,
      };
      if (this.#trace) this.#trace({ direction: 'request', text: redactHead(http.encode(req).head) + redactBody(body.toString('utf8')) });
      // A 401 means the device did not act on the request, so answering a challenge is not a resend.
      const res = await http.request(req, send);
      if (res.headers.server !== undefined) this.serverHeader = res.headers.server;
      if (this.#trace) this.#trace({ direction: 'response', text: res.head + '\r\n\r\n' + redactBody(res.body.toString('utf8')) });
      if (res.status !== 401) {
        if (auth) this.#pool.widen(); // the password is proven: the other connections may be used
        return res;
      }

      const challenge = pickDigestChallenge(res.headers['www-authenticate']);
      if (!challenge) throw this.#unsupportedAuth(res);
      if (!auth) {
        digest.accept(challenge);
      } else if (challenge.stale && staleRounds < 2) {
        staleRounds++;
        digest.accept(challenge);
      } else if (!auth.fresh && !expiredRetry) {
        expiredRetry = true;
        digest.accept(challenge);
      } else {
        digest.forget();
        const err = this.#wrongPassword(challenge.realm);
        this.#rejected = new AuthError(
          `The password for ${this.#user}@${this.#transport.describe()} was refused earlier and is not sent again, because AMT locks the account after repeated failures; enter the password again.`,
          this.#user,
          this.#transport.describe(),
        );
        this.#pool.rejectWaiting(this.#rejected);
        throw err;
      }
    }
    throw new ProtocolError(`${this.#transport.describe()} kept asking for authentication; check the device's Digest settings.`, 401);
  }

  #wrongPassword(realm: string): AuthError {
    const host = this.#transport.describe();
    return new AuthError(
      `Wrong user name or password for ${this.#user}@${host} (realm ${realm}); AMT locks the account after repeated failures, so it was not retried: check the credentials before trying again.`,
      this.#user,
      host,
    );
  }

  #unsupportedAuth(res: HttpResponse): AuthError {
    const host = this.#transport.describe();
    const offered = res.headers['www-authenticate'] ?? 'nothing';
    const digestOffer = describeDigestOffer(offered);
    return new AuthError(
      digestOffer
        ? `${host} offers Digest only with ${digestOffer}; this client supports MD5, MD5-sess, SHA-256, SHA-256-sess, SHA-512-256 and SHA-512-256-sess, so enable one of those on the device.`
        : `${host} asks for an authentication scheme this client does not speak (${offered.split(/\s/)[0]}); enable Digest authentication on the device or use a Digest account.`,
      this.#user,
      host,
      'auth.unsupported',
    );
  }
}

function enumerationParseOptions(opts?: CallOptions): { signal?: AbortSignal; onAbort?: () => Error } {
  return opts?.signal ? { signal: opts.signal, onAbort: () => new CancelledError() } : {};
}

function withSelectors(selectors: Selectors | undefined): { selectors?: Selectors } {
  return selectors ? { selectors } : {};
}

/** How an exchange is sent: path, content type, extra headers and its operation (replay.ts). */
interface SoapPost {
  path: string;
  contentType: string;
  headers?: Record<string, string>;
  operation: WsmanOperation;
}

/** The version in an AMT Server header when it is older than 6.0 (`Intel(R) Active Management Technology 5.0.1`), else undefined. */
export function legacyFirmware(server: string | undefined): string | undefined {
  const m = /Intel\(R\) Active Management Technology (\d+)\.(\d+)[\d.]*/i.exec(server ?? '');
  return m && Number(m[1]) < 6 ? m[0].slice(m[0].lastIndexOf(' ') + 1) : undefined;
}

function looksLikeXml(res: HttpResponse): boolean {
  const type = (res.headers['content-type'] ?? '').toLowerCase();
  if (type.includes('html')) return false;
  if (type.includes('xml')) return true;
  return /^\s*(<\?xml|<([\w.-]+:)?Envelope\b)/.test(res.body.subarray(0, 256).toString('utf8'));
}

