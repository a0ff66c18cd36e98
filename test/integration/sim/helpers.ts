/**
 * Test-only client pieces for the simulator specs: raw HTTP over TCP, TLS or any Duplex, a
 * minimal Digest POST client, request envelope builders, and a namespace-aware reading of replies
 * that is independent of the simulator's own XML code.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { XMLParser } from 'fast-xml-parser';
import { ACTION, NS, resourceUriFor } from '../../../server/src/wsman/namespaces';

// ---- HTTP ---------------------------------------------------------------------------------------

export interface Target {
  readonly host: string;
  readonly port: number;
  readonly tls?: boolean;
  /** Open the connection through this instead of TCP (e.g. an in-memory Duplex). */
  readonly connect?: () => Duplex;
}

export interface HttpReply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export function rawRequest(
  target: Target,
  opts: { method?: string; path?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<HttpReply> {
  const body = opts.body ?? '';
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/soap+xml; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    ...opts.headers,
  };
  const lib = target.tls ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      {
        host: target.host,
        port: target.port,
        method: opts.method ?? 'POST',
        path: opts.path ?? '/wsman',
        headers,
        rejectUnauthorized: false,
        // Node uses createConnection only without an agent object; otherwise a fresh TCP socket.
        ...(target.connect ? { agent: undefined, createConnection: target.connect } : { agent: false }),
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** What came back on a raw socket: the bytes read and whether the peer closed or reset it. */
export interface SocketOutcome {
  readonly text: string;
  /** The status code of the first HTTP response in `text`, if one arrived. */
  readonly status?: number;
  readonly closed: boolean;
}

/**
 * Writes `head` on a fresh TCP connection, then calls `feed` (if given) with a write function until
 * it returns false or the peer closes; resolves with what was read once the peer closed the
 * connection or `idleMs` passed without it. For malformed HTTP and bodies the http module will not send.
 */
export function socketExchange(
  target: Target,
  head: string | Buffer,
  opts: {
    feed?: (write: (b: Buffer | string) => Promise<boolean>) => Promise<void>;
    idleMs?: number;
    /** Half-close our side once everything is written, so a request cut short ends instead of waiting. */
    end?: boolean;
  } = {},
): Promise<SocketOutcome> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: target.host, port: target.port });
    const parts: Buffer[] = [];
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(parts).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ text, closed, ...(m ? { status: Number(m[1]) } : {}) });
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(false), opts.idleMs ?? 2000);
    };
    socket.on('data', (d: Buffer) => {
      parts.push(d);
      arm();
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    // A reset after the reply (the server closed while we were still writing) is still "closed".
    socket.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? finish(true) : done ? undefined : reject(e)));
    socket.on('connect', async () => {
      arm();
      socket.write(head);
      if (!opts.feed) {
        if (opts.end) socket.end();
        return;
      }
      const write = (b: Buffer | string) =>
        new Promise<boolean>((res) => {
          if (done || socket.destroyed) return res(false);
          if (socket.write(b)) return res(true);
          const onDrain = () => (socket.off('close', onClose), res(!done));
          const onClose = () => (socket.off('drain', onDrain), res(false));
          socket.once('drain', onDrain);
          socket.once('close', onClose);
        });
      await opts.feed(write).catch(() => undefined);
      if (opts.end && !done) socket.end();
    });
  });
}

// ---- Digest -------------------------------------------------------------------------------------

export interface Challenge {
  readonly realm: string;
  readonly nonce: string;
  readonly qop: string;
  readonly stale: string;
}

export function parseChallenge(header: string | undefined): Challenge {
  const out: Record<string, string> = {};
  for (const m of (header ?? '').matchAll(/(\w+)="([^"]*)"/g)) out[m[1]] = m[2];
  return { realm: out.realm, nonce: out.nonce, qop: out.qop, stale: out.stale };
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

export interface DigestParts {
  user: string;
  password: string;
  challenge: Challenge;
  nc: string;
  uri?: string;
  cnonce?: string;
}

export function digestHeader(p: DigestParts): string {
  const uri = p.uri ?? '/wsman';
  const cnonce = p.cnonce ?? randomBytes(8).toString('hex');
  const ha1 = md5(`${p.user}:${p.challenge.realm}:${p.password}`);
  const response = md5(`${ha1}:${p.challenge.nonce}:${p.nc}:${cnonce}:auth:${md5(`POST:${uri}`)}`);
  return (
    `Digest username="${p.user}",realm="${p.challenge.realm}",nonce="${p.challenge.nonce}",uri="${uri}",` +
    `response="${response}",qop="auth",nc=${p.nc},cnonce="${cnonce}"`
  );
}

/** Keeps the last challenge and counts nc up, like the AMT clients (RFC 2617; docs/simulator.md "HTTP and Digest"). */
export class DigestClient {
  private challenge?: Challenge;
  private nc = 0;

  constructor(
    readonly target: Target,
    readonly user: string,
    readonly password: string,
  ) {}

  async post(xml: string): Promise<HttpReply> {
    if (!this.challenge) await this.fetchChallenge(xml);
    let reply = await this.send(xml);
    if (reply.status === 401) {
      this.useChallenge(reply);
      reply = await this.send(xml);
    }
    return reply;
  }

  private async fetchChallenge(xml: string): Promise<void> {
    const first = await rawRequest(this.target, { body: xml });
    if (first.status !== 401) throw new Error(`expected a 401 challenge, got ${first.status}`);
    this.useChallenge(first);
  }

  private useChallenge(reply: HttpReply): void {
    this.challenge = parseChallenge(reply.headers['www-authenticate'] as string);
    this.nc = 0;
  }

  private send(xml: string): Promise<HttpReply> {
    this.nc += 1;
    const nc = this.nc.toString(16).padStart(8, '0');
    const auth = digestHeader({ user: this.user, password: this.password, challenge: this.challenge!, nc });
    return rawRequest(this.target, { body: xml, headers: { Authorization: auth } });
  }
}

// ---- request envelopes --------------------------------------------------------------------------

export type Selectors = Record<string, string>;

export function selectorSet(selectors: Selectors | undefined): string {
  if (!selectors || Object.keys(selectors).length === 0) return '';
  const inner = Object.entries(selectors).map(([k, v]) => `<w:Selector Name="${k}">${escapeXml(v)}</w:Selector>`).join('');
  return `<w:SelectorSet>${inner}</w:SelectorSet>`;
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export interface EnvelopeParts {
  action?: string;
  resourceUri?: string;
  selectors?: Selectors;
  /** Extra header XML (already serialised, may use prefixes a: and w:). */
  headers?: string;
  body?: string;
  messageId?: string;
}

/** The request shape every AMT client sends (docs/simulator.md "Envelopes"). */
export function envelope(p: EnvelopeParts): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    `<Envelope xmlns:xsi="${NS.xsi}" xmlns:xsd="${NS.xsd}" xmlns:a="${NS.addressing}" xmlns:w="${NS.wsman}" xmlns="${NS.soap}">` +
    '<Header>' +
    (p.action ? `<a:Action>${p.action}</a:Action>` : '') +
    '<a:To>/wsman</a:To>' +
    (p.resourceUri ? `<w:ResourceURI>${p.resourceUri}</w:ResourceURI>` : '') +
    `<a:MessageID>${p.messageId ?? `uuid:${randomUUID()}`}</a:MessageID>` +
    `<a:ReplyTo><a:Address>${NS.addressing}/role/anonymous</a:Address></a:ReplyTo>` +
    '<w:OperationTimeout>PT60S</w:OperationTimeout>' +
    selectorSet(p.selectors) +
    (p.headers ?? '') +
    '</Header>' +
    `<Body>${p.body ?? ''}</Body></Envelope>`
  );
}

export interface EnumerateOptions {
  mode?: 'EnumerateEPR' | 'EnumerateObjectAndEPR';
  optimize?: boolean;
  maxElements?: number;
  /** Raw XML placed inside Enumerate (e.g. a Filter). */
  extra?: string;
}

export const build = {
  get: (cls: string, selectors?: Selectors, messageId?: string) =>
    envelope({ action: ACTION.get, resourceUri: resourceUriFor(cls), selectors, messageId }),
  put: (cls: string, instanceXml: string, selectors?: Selectors) =>
    envelope({ action: ACTION.put, resourceUri: resourceUriFor(cls), selectors, body: instanceXml }),
  enumerate: (cls: string, o: EnumerateOptions = {}) =>
    envelope({
      action: ACTION.enumerate,
      resourceUri: resourceUriFor(cls),
      body:
        `<Enumerate xmlns="${NS.enumeration}">` +
        (o.optimize ? `<w:OptimizeEnumeration/>` : '') +
        (o.maxElements !== undefined ? `<w:MaxElements>${o.maxElements}</w:MaxElements>` : '') +
        (o.mode ? `<w:EnumerationMode>${o.mode}</w:EnumerationMode>` : '') +
        (o.extra ?? '') +
        '</Enumerate>',
    }),
  pull: (cls: string, context: string, maxElements?: number) =>
    envelope({
      action: ACTION.pull,
      resourceUri: resourceUriFor(cls),
      body:
        `<Pull xmlns="${NS.enumeration}"><EnumerationContext>${context}</EnumerationContext>` +
        (maxElements !== undefined ? `<MaxElements>${maxElements}</MaxElements>` : '') +
        '</Pull>',
    }),
  release: (cls: string, context: string) =>
    envelope({
      action: ACTION.release,
      resourceUri: resourceUriFor(cls),
      body: `<Release xmlns="${NS.enumeration}"><EnumerationContext>${context}</EnumerationContext></Release>`,
    }),
  /** `inputs` are child elements written with prefix h: (bound to the class namespace). */
  invoke: (cls: string, method: string, inputs = '', selectors?: Selectors) =>
    envelope({
      action: `${resourceUriFor(cls)}/${method}`,
      resourceUri: resourceUriFor(cls),
      selectors,
      body: `<h:${method}_INPUT xmlns:h="${resourceUriFor(cls)}">${inputs}</h:${method}_INPUT>`,
    }),
  identify: () => envelope({ body: `<wsmid:Identify xmlns:wsmid="${NS.identity}"/>` }),
};

/** The ManagedElement EPR power requests carry (Intel AMT SDK "Change System Power State"). */
export const HOST_EPR_INPUT =
  `<h:ManagedElement><Address xmlns="${NS.addressing}">${NS.addressing}</Address>` +
  `<ReferenceParameters xmlns="${NS.addressing}"><ResourceURI xmlns="${NS.wsman}">${resourceUriFor('CIM_ComputerSystem')}</ResourceURI>` +
  `<SelectorSet xmlns="${NS.wsman}"><Selector Name="CreationClassName">CIM_ComputerSystem</Selector>` +
  '<Selector Name="Name">ManagedSystem</Selector></SelectorSet></ReferenceParameters></h:ManagedElement>';

// ---- reading replies ----------------------------------------------------------------------------

export interface Node {
  readonly ns: string;
  readonly local: string;
  readonly prefix: string;
  /** Attributes by qualified name as written (xmlns declarations excluded). */
  readonly attrs: Readonly<Record<string, string>>;
  /** Attributes as {namespace URI} local name. */
  readonly attrNames: readonly string[];
  readonly children: readonly Node[];
  readonly text: string;
}

const treeParser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  ignoreDeclaration: true,
});

type Raw = Record<string, unknown> & { ':@'?: Record<string, string> };

/** Parses XML into a namespace-resolved tree. */
export function parseTree(xml: string): Node {
  const raw = treeParser.parse(xml) as Raw[];
  const root = raw.find((n) => Object.keys(n).some((k) => k !== ':@' && k !== '#text'));
  if (!root) throw new Error('no root element');
  return toNode(root, { xml: 'http://www.w3.org/XML/1998/namespace' });
}

function toNode(raw: Raw, outer: Record<string, string>): Node {
  const qname = Object.keys(raw).find((k) => k !== ':@')!;
  const rawAttrs = raw[':@'] ?? {};
  const scope = { ...outer };
  for (const [k, v] of Object.entries(rawAttrs)) {
    if (k === 'xmlns') scope[''] = v;
    else if (k.startsWith('xmlns:')) scope[k.slice(6)] = v;
  }
  const [prefix, local] = qname.includes(':') ? qname.split(':') : ['', qname];
  const attrs: Record<string, string> = {};
  const attrNames: string[] = [];
  for (const [k, v] of Object.entries(rawAttrs)) {
    if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
    attrs[k] = v;
    const [ap, al] = k.includes(':') ? k.split(':') : ['', k];
    attrNames.push(`{${ap ? scope[ap] : ''}}${al}`);
  }
  const kids = (raw[qname] as Raw[]) ?? [];
  return {
    ns: scope[prefix] ?? '',
    local,
    prefix,
    attrs,
    attrNames: attrNames.sort(),
    children: kids.filter((c) => !('#text' in c)).map((c) => toNode(c, scope)),
    text: kids.filter((c) => '#text' in c).map((c) => String(c['#text'])).join(''),
  };
}

/** Follows a path of local names from `node` (first match at each step). */
export function at(node: Node, ...path: string[]): Node | undefined {
  let cur: Node | undefined = node;
  for (const step of path) cur = cur?.children.find((c) => c.local === step);
  return cur;
}

export function textAt(node: Node, ...path: string[]): string | undefined {
  return at(node, ...path)?.text;
}

/** Every descendant (or self) with this local name, in document order. */
export function findAll(node: Node, local: string): Node[] {
  const out: Node[] = [];
  const walk = (n: Node) => {
    if (n.local === local) out.push(n);
    n.children.forEach(walk);
  };
  walk(node);
  return out;
}

/** The reply's Body child (the payload). */
export function payload(xml: string): Node {
  const body = at(parseTree(xml), 'Body');
  if (!body) throw new Error(`no Body in ${xml}`);
  return body.children[0];
}

/** Fault subcode as `{namespace}Local`, e.g. `{…/addressing}DestinationUnreachable`. */
export function faultSubcode(xml: string): string | undefined {
  const tree = parseTree(xml);
  const value = at(tree, 'Body', 'Fault', 'Code', 'Subcode', 'Value')?.text;
  if (!value) return undefined;
  const [prefix, local] = value.split(':');
  const decl = findDecl(xml, prefix);
  return `{${decl}}${local}`;
}

function findDecl(xml: string, prefix: string): string | undefined {
  return new RegExp(`xmlns:${prefix}\\s*=\\s*"([^"]*)"`).exec(xml)?.[1];
}

/** Property name → text(s) of an instance element. */
export function props(instance: Node): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const c of instance.children) {
    const v = c.text;
    const prev = out[c.local];
    out[c.local] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

export { ACTION, NS, resourceUriFor };
