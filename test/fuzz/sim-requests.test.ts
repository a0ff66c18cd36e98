/**
 * The simulator on fuzzed requests, over real sockets (127.0.0.1): mutated valid envelopes of every
 * operation, hostile XML (DOCTYPE, entities, deep nesting, many elements, namespace floods, invalid
 * UTF-8, prototype-named properties, selectors, inputs, actions and entities), bodies past the size
 * cap, and malformed HTTP. Each case is sent with a valid Digest answer or without one. Oracles:
 * - no crash (the simulator runs in this process: an uncaught error ends the test), no hang (every
 *   case is answered or its connection closed);
 * - never HTTP 500: the simulator's only 500 is InternalError, an exception it did not expect;
 * - unauthenticated: 401, 413 or an HTTP-level refusal — or, for a genuine Identify, its
 *   IdentifyResponse; no other request is applied (no `request` event with an Action, no Put or
 *   power change), nothing is XML-parsed unless the body is small enough to be an Identify;
 * - authenticated: a reply or a SOAP fault with a subcode, a 401 only for a stale nonce;
 * - after every batch, and at the end, a valid Get is answered.
 * Seeded from FUZZ_SEED (default fixed, printed); FUZZ_CASES cases (default 8,000, about a
 * minute on two cores), stopped early after FUZZ_TIME_MS (default 90 s) so the tier stays bounded;
 * at least 200 cases must have run.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { startSimulator, DEFAULT_ACCOUNT, type Simulator } from '../../server/src/sim';
import { MAX_BODY, MAX_IDENTIFY_BODY } from '../../server/src/sim/http-server';
import { ACTION, build, envelope, NS, parseChallenge, resourceUriFor, socketExchange, type Challenge, type Target } from '../integration/sim/helpers';
import { seededRandom } from '../helpers/seeded';

const SEED = Number(process.env.FUZZ_SEED ?? 20261210) >>> 0;
const CASES = Number(process.env.FUZZ_CASES ?? 8000);
const TIME_MS = Number(process.env.FUZZ_TIME_MS ?? 90_000);
const BATCH = 25;
/** A case not answered or closed within this is a hang (the largest authenticated parse takes ~1 s). */
const IDLE_MS = 20_000;

const rng = seededRandom;

const random = rng(SEED);
const int = (n: number) => Math.floor(random() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
const chance = (p: number) => random() < p;

// ---- valid envelopes of every operation ------------------------------------------------------------

const PROTO_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', '__defineGetter__'];
const AGENT_ID = 'AAECAwQFBgcICQoLDA0ODw=='; // 16 bytes 00..0f
const LOOPBACK_LISTENER = 'http://127.0.0.1:9/fuzz';

function invokeEnvelope(cls: string, method: string, inputs: string, selectors?: Record<string, string>): string {
  return build.invoke(cls, method, inputs, selectors);
}

/** One valid request per operation and a few per family; the base of the mutations. */
function validEnvelopes(): Array<{ op: string; xml: string }> {
  const ap = resourceUriFor('AMT_AgentPresenceWatchdog');
  const gs = resourceUriFor('AMT_GeneralSettings');
  return [
    { op: 'identify', xml: build.identify() },
    { op: 'get', xml: build.get('AMT_GeneralSettings') },
    { op: 'get', xml: build.get('CIM_SoftwareIdentity', { InstanceID: 'AMT' }) },
    { op: 'get', xml: build.get('AMT_EthernetPortSettings', { InstanceID: 'Intel(r) AMT Ethernet Port Settings 0' }) },
    { op: 'put', xml: build.put('AMT_GeneralSettings', `<h:AMT_GeneralSettings xmlns:h="${gs}"><h:HostName>fuzz</h:HostName></h:AMT_GeneralSettings>`) },
    { op: 'enumerate', xml: build.enumerate('CIM_SoftwareIdentity', { optimize: true, maxElements: 5, mode: 'EnumerateObjectAndEPR' }) },
    { op: 'pull', xml: build.pull('CIM_SoftwareIdentity', '01000000-0000-0000-0000-000000000000', 10) },
    { op: 'release', xml: build.release('CIM_SoftwareIdentity', '01000000-0000-0000-0000-000000000000') },
    { op: 'invoke', xml: invokeEnvelope('IPS_PowerManagementService', 'RequestOSPowerSavingStateChange', '<h:OSPowerSavingState>2</h:OSPowerSavingState>') },
    { op: 'invoke', xml: invokeEnvelope('AMT_MessageLog', 'GetRecords', '<h:IterationIdentifier>1</h:IterationIdentifier><h:MaxReadRecords>5</h:MaxReadRecords>') },
    { op: 'invoke', xml: invokeEnvelope('AMT_SetupAndConfigurationService', 'GetUuid', '') },
    {
      op: 'create',
      xml: envelope({
        action: ACTION.create,
        resourceUri: ap,
        body: `<h:AMT_AgentPresenceWatchdog xmlns:h="${ap}"><h:DeviceID>${AGENT_ID}</h:DeviceID><h:TimeoutInterval>120</h:TimeoutInterval><h:StartupInterval>3600</h:StartupInterval></h:AMT_AgentPresenceWatchdog>`,
      }),
    },
    { op: 'delete', xml: envelope({ action: ACTION.delete, resourceUri: ap, selectors: { DeviceID: AGENT_ID } }) },
    {
      op: 'subscribe',
      xml: envelope({
        action: ACTION.subscribe,
        resourceUri: resourceUriFor('CIM_FilterCollection'),
        selectors: { InstanceID: 'Intel(r) AMT:All' },
        body:
          `<Subscribe xmlns="${NS.eventing}"><Delivery Mode="http://schemas.xmlsoap.org/ws/2004/08/eventing/DeliveryModes/Push">` +
          `<NotifyTo><a:Address>${LOOPBACK_LISTENER}</a:Address></NotifyTo></Delivery><Expires>PT60S</Expires></Subscribe>`,
      }),
    },
    {
      op: 'renew',
      xml: envelope({
        action: ACTION.renew,
        resourceUri: resourceUriFor('CIM_FilterCollectionSubscription'),
        headers: `<Identifier xmlns="${NS.eventing}">uuid:00000000-0000-0000-0000-000000000000</Identifier>`,
        body: `<Renew xmlns="${NS.eventing}"><Expires>PT60S</Expires></Renew>`,
      }),
    },
    {
      op: 'unsubscribe',
      xml: envelope({
        action: ACTION.unsubscribe,
        resourceUri: resourceUriFor('CIM_FilterCollectionSubscription'),
        headers: `<Identifier xmlns="${NS.eventing}">uuid:00000000-0000-0000-0000-000000000000</Identifier>`,
        body: `<Unsubscribe xmlns="${NS.eventing}"/>`,
      }),
    },
  ];
}

// ---- mutations -----------------------------------------------------------------------------------------

const TOKENS: ReadonlyArray<string | Buffer> = [
  '<', '>', '&', '"', "'", '&amp;', '&#0;', '&#xD800;', '&#x110000;', '&#99999999999;', '&lt', '&constructor;', '&__proto__;',
  '&toString;', ']]>', '<![CDATA[', '<![CDATA[x]]>', '<!--', '-->', '<?xml version="1.0"?>', '<?pi x?>', '<!DOCTYPE x>',
  '<!ENTITY a "b">', ' xmlns:a="urn:fuzz"', ' xmlns=""', ' xmlns:x=""', ' a:mustUnderstand="true"', ' xsi:nil="true"',
  '__proto__', 'constructor', 'toString', '<constructor/>', '<h:constructor>1</h:constructor>', '<h:__proto__>1</h:__proto__>',
  '<w:Selector Name="constructor">x</w:Selector>', '<w:Selector Name="__proto__">x</w:Selector>', '<w:Selector>x</w:Selector>',
  '<w:MaxEnvelopeSize>1</w:MaxEnvelopeSize>', '<w:MaxEnvelopeSize>x</w:MaxEnvelopeSize>', '<w:OptionSet a:mustUnderstand="true"/>',
  '\u0000', '\u0001', '\uFFFE', '\uFFFF', '\uD800', '\u2028', '99999999999999999999999', '-1', '1e400', 'NaN', 'true',
  Buffer.from([0xc3, 0x28]), Buffer.from([0xff]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf4, 0x90, 0x80, 0x80]),
  Buffer.from([0xe2, 0x82]), Buffer.from([0xc0, 0xaf]), Buffer.from([0xfe, 0xff]),
];

function token(): Buffer {
  const t = pick(TOKENS);
  return typeof t === 'string' ? Buffer.from(t, 'utf8') : t;
}

function mutate(input: Buffer): Buffer {
  let b = input;
  for (let n = 1 + int(4); n > 0; n--) {
    const at = int(b.length + 1);
    switch (int(8)) {
      case 0: { // flip one byte
        if (b.length === 0) break;
        const c = Buffer.from(b);
        c[Math.min(at, c.length - 1)] = int(256);
        b = c;
        break;
      }
      case 1: // delete a range
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + int(40)))]);
        break;
      case 2: { // duplicate a range
        const len = 1 + int(200);
        b = Buffer.concat([b.subarray(0, at + len), b.subarray(at, at + len), b.subarray(at + len)]);
        break;
      }
      case 3:
      case 4: // insert a hostile token
        b = Buffer.concat([b.subarray(0, at), token(), b.subarray(at)]);
        break;
      case 5: // truncate
        b = b.subarray(0, at);
        break;
      case 6: { // rename an element or attribute to a prototype name
        const text = b.toString('latin1');
        const names = [...text.matchAll(/<([A-Za-z]+:)?([A-Za-z_]+)|\b(Name)="([^"]*)"/g)];
        if (names.length === 0) break;
        const m = pick(names);
        const proto = pick(PROTO_NAMES);
        const replaced = m[4] !== undefined ? `Name="${proto}"` : `<${m[1] ?? ''}${proto}`;
        b = Buffer.concat([b.subarray(0, m.index!), Buffer.from(replaced, 'latin1'), b.subarray(m.index! + m[0].length)]);
        break;
      }
      default: { // swap two ranges
        const i = int(b.length);
        const j = int(b.length);
        const [x, y] = i < j ? [i, j] : [j, i];
        const len = Math.min(1 + int(30), y - x);
        b = Buffer.concat([b.subarray(0, x), b.subarray(y, y + len), b.subarray(x + len, y), b.subarray(x, x + len), b.subarray(y + len)]);
      }
    }
  }
  return b;
}

// ---- hostile bodies ------------------------------------------------------------------------------------

const SOAP_OPEN = `<s:Envelope xmlns:s="${NS.soap}" xmlns:a="${NS.addressing}" xmlns:w="${NS.wsman}">`;
const getHeader = () => build.get('AMT_GeneralSettings').match(/<Header>.*<\/Header>/s)![0].replace(/<(\/?)Header>/g, '<$1s:Header>');

/** Each returns a body; sizes are drawn so that a few reach the cap and most stay small. */
const HOSTILE: ReadonlyArray<[string, () => string | Buffer]> = [
  ['billion laughs', () => `<?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY a "aaaaaaaaaa">${Array.from({ length: 9 }, (_, i) => `<!ENTITY ${'b'.repeat(i + 1)} "${`&${i ? 'b'.repeat(i) : 'a'};`.repeat(10)}">`).join('')}]>${SOAP_OPEN}${getHeader()}<s:Body>&bbbbbbbbb;</s:Body></s:Envelope>`],
  ['external entity', () => `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${SOAP_OPEN}${getHeader()}<s:Body>&e;</s:Body></s:Envelope>`],
  ['doctype only', () => `<!DOCTYPE s:Envelope>${build.get('AMT_GeneralSettings')}`],
  ['deep nesting', () => { const d = pick([100, 10_000, 60_000, 140_000]); return `${SOAP_OPEN}${getHeader()}<s:Body>${'<a>'.repeat(d)}${'</a>'.repeat(d)}</s:Body></s:Envelope>`; }],
  ['unclosed nesting', () => `${SOAP_OPEN}${getHeader()}<s:Body>${'<a>'.repeat(pick([1000, 50_000, 200_000]))}`],
  ['many elements', () => `${SOAP_OPEN}${getHeader()}<s:Body>${'<a/>'.repeat(pick([1000, 20_000, 200_000]))}</s:Body></s:Envelope>`],
  ['namespace flood', () => `<s:Envelope xmlns:s="${NS.soap}" ${Array.from({ length: pick([100, 5000, 20_000]) }, (_, i) => `xmlns:p${i}="urn:p${i}"`).join(' ')} xmlns:a="${NS.addressing}" xmlns:w="${NS.wsman}">${getHeader()}<s:Body>${'<a xmlns:q="urn:q"/>'.repeat(pick([100, 20_000]))}</s:Body></s:Envelope>`],
  ['many attributes', () => `${SOAP_OPEN}${getHeader()}<s:Body><a ${Array.from({ length: pick([100, 30_000]) }, (_, i) => `b${i}="1"`).join(' ')}/></s:Body></s:Envelope>`],
  ['duplicate attributes', () => `${SOAP_OPEN}${getHeader()}<s:Body><a b="1" b="2"/></s:Body></s:Envelope>`],
  ['long name', () => `${SOAP_OPEN}${getHeader()}<s:Body><${'n'.repeat(pick([1000, 200_000]))}/></s:Body></s:Envelope>`],
  ['huge text', () => `${SOAP_OPEN}${getHeader()}<s:Body><a>${'x'.repeat(pick([10_000, 900_000]))}</a></s:Body></s:Envelope>`],
  ['many references', () => `${SOAP_OPEN}${getHeader()}<s:Body><a>${'&amp;&#65;&#x42;'.repeat(pick([100, 50_000]))}</a></s:Body></s:Envelope>`],
  ['invalid UTF-8', () => Buffer.concat([Buffer.from(build.get('AMT_GeneralSettings').slice(0, 300)), Buffer.from(Array.from({ length: 1 + int(64) }, () => 0x80 + int(128))), Buffer.from(build.get('AMT_GeneralSettings').slice(300))])],
  ['UTF-16 BOM', () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(build.get('AMT_GeneralSettings'), 'utf16le')])],
  ['not XML', () => randomBytes(1 + int(2000))],
  ['empty', () => ''],
  ['two roots', () => `${build.get('AMT_GeneralSettings')}${build.get('AMT_GeneralSettings')}`],
  ['MessageID flood', () => `${SOAP_OPEN}<s:Header>${'<a:MessageID '.repeat(pick([100, 80_000]))}`],
  ['Identify padded', () => build.identify().replace('</Header>', `${' '.repeat(pick([10, MAX_IDENTIFY_BODY, 500_000]))}</Header>`)],
  ['Identify nested', () => envelope({ body: `${'<a>'.repeat(pick([10, 100_000]))}<wsmid:Identify xmlns:wsmid="${NS.identity}"/>${'</a>'.repeat(10)}` })],
  ['Identify with an Action', () => build.identify().replace('<a:To>', `<a:Action>${ACTION.get}</a:Action><a:To>`)],
  ['proto input', () => invokeEnvelope('CIM_PowerManagementService', 'RequestPowerStateChange', `<h:PowerState>2</h:PowerState><h:${pick(PROTO_NAMES)}>1</h:${pick(PROTO_NAMES)}>`)],
  ['proto method', () => invokeEnvelope(pick(['CIM_PowerManagementService', 'AMT_MessageLog', 'IPS_OptInService']), pick(PROTO_NAMES), '')],
  ['proto selector', () => build.get(pick(['CIM_SoftwareIdentity', 'AMT_GeneralSettings', 'AMT_EthernetPortSettings']), { [pick(PROTO_NAMES)]: pick(PROTO_NAMES) })],
  ['proto property', () => { const u = resourceUriFor('AMT_GeneralSettings'); const n = pick(PROTO_NAMES); return build.put('AMT_GeneralSettings', `<h:AMT_GeneralSettings xmlns:h="${u}"><h:${n}>1</h:${n}></h:AMT_GeneralSettings>`); }],
  ['proto action', () => envelope({ action: pick(PROTO_NAMES), resourceUri: resourceUriFor('AMT_GeneralSettings') })],
  ['proto resource', () => envelope({ action: ACTION.get, resourceUri: pick(PROTO_NAMES) })],
  ['proto class URI', () => envelope({ action: ACTION.get, resourceUri: `http://intel.com/wbem/wscim/1/amt-schema/1/${pick(PROTO_NAMES)}` })],
  ['proto mode', () => build.enumerate('CIM_SoftwareIdentity').replace('</Enumerate>', `<w:EnumerationMode>${pick(PROTO_NAMES)}</w:EnumerationMode></Enumerate>`)],
  ['proto entity', () => build.get('AMT_GeneralSettings').replace('<a:To>/wsman', `<a:To>/wsman&${pick(PROTO_NAMES)};`)],
  ['over the cap', () => build.get('AMT_GeneralSettings').replace('</Header>', `${' '.repeat(MAX_BODY)}</Header>`)],
];

// ---- HTTP ----------------------------------------------------------------------------------------------

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** Digest answers for raw requests: the current challenge and a growing nc. */
class DigestState {
  challenge!: Challenge;
  private nc = 0;

  use(wwwAuthenticate: string): void {
    this.challenge = parseChallenge(wwwAuthenticate);
    this.nc = 0;
  }

  header(password = DEFAULT_ACCOUNT.password, uri = '/wsman'): string {
    this.nc += 1;
    const nc = this.nc.toString(16).padStart(8, '0');
    const cnonce = randomBytes(8).toString('hex');
    const c = this.challenge;
    const response = md5(`${md5(`${DEFAULT_ACCOUNT.user}:${c.realm}:${password}`)}:${c.nonce}:${nc}:${cnonce}:auth:${md5(`POST:${uri}`)}`);
    return `Digest username="${DEFAULT_ACCOUNT.user}", realm="${c.realm}", nonce="${c.nonce}", uri="${uri}", response="${response}", qop="auth", nc=${nc}, cnonce="${cnonce}"`;
  }
}

function post(body: Buffer, headers: string[]): Buffer {
  const head = ['POST /wsman HTTP/1.1', 'Host: 127.0.0.1', 'Content-Type: application/soap+xml;charset=UTF-8', `Content-Length: ${body.length}`, 'Connection: close', ...headers];
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

interface Answer {
  readonly status?: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly closed: boolean;
}

function readAnswer(all: string, closed: boolean): Answer {
  // Interim answers (100 Continue) come before the real one.
  const text = all.replace(/^(?:HTTP\/1\.[01] 1\d\d[^\r]*\r\n(?:[^\r]+\r\n)*\r\n)+/, '');
  const split = text.indexOf('\r\n\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  if (split < 0 || !m) return { headers: {}, body: '', closed, ...(m ? { status: Number(m[1]) } : {}) };
  const headers: Record<string, string> = {};
  for (const line of text.slice(0, split).split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  let raw = text.slice(split + 4);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    let out = '';
    for (let i = 0; i < raw.length; ) {
      const eol = raw.indexOf('\r\n', i);
      const size = parseInt(raw.slice(i, eol), 16);
      if (!(size > 0)) break;
      out += raw.slice(eol + 2, eol + 2 + size);
      i = eol + 2 + size + 2;
    }
    raw = out;
  }
  return { status: Number(m[1]), headers, body: Buffer.from(raw, 'latin1').toString('utf8'), closed };
}

/** The Body's first element's local name and, for a fault, its subcode. */
function soapSummary(body: string): { payload?: string; subcode?: string } {
  const payload = /<(?:\w+:)?Body>\s*<(?:\w+:)?(\w+)/.exec(body)?.[1];
  const subcode = /<a:Subcode><a:Value>([^<]+)<\/a:Value>/.exec(body)?.[1];
  return { ...(payload ? { payload } : {}), ...(subcode ? { subcode } : {}) };
}

// ---- the run -------------------------------------------------------------------------------------------

interface Case {
  readonly kind: string;
  readonly bytes: Buffer;
  /** Carries a correct Digest answer for the current nonce. */
  readonly authed: boolean;
  /** Well-formed HTTP POST /wsman (so a SOAP answer or a Digest challenge is due). */
  readonly wellFormed: boolean;
  readonly bodyLength: number;
}

const MALFORMED: ReadonlyArray<[string, (auth: () => string) => Buffer]> = [
  ['garbage line', () => Buffer.from('GARBAGE\r\n\r\n')],
  ['random bytes', () => randomBytes(1 + int(3000))],
  ['bad version', () => Buffer.from('POST /wsman HTTP/9.9\r\nHost: x\r\nContent-Length: 0\r\n\r\n')],
  ['bad Content-Length', () => Buffer.from('POST /wsman HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n')],
  ['two Content-Lengths', (a) => Buffer.from(`POST /wsman HTTP/1.1\r\nHost: x\r\nAuthorization: ${a()}\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nxxxxxx`)],
  ['CL and TE', (a) => Buffer.from(`POST /wsman HTTP/1.1\r\nHost: x\r\nAuthorization: ${a()}\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`)],
  ['bad chunk size', (a) => Buffer.from(`POST /wsman HTTP/1.1\r\nHost: x\r\nAuthorization: ${a()}\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nxx\r\n0\r\n\r\n`)],
  ['huge chunk line', () => Buffer.from(`POST /wsman HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${'1'.repeat(20_000)}\r\n`)],
  ['header too large', () => Buffer.from(`POST /wsman HTTP/1.1\r\nHost: x\r\nX-Fill: ${'f'.repeat(70_000)}\r\nContent-Length: 0\r\n\r\n`)],
  ['NUL in header', () => Buffer.from('POST /wsman HTTP/1.1\r\nHost: x\u0000y\r\nContent-Length: 0\r\n\r\n')],
  ['body cut short', (a) => Buffer.from(`POST /wsman HTTP/1.1\r\nHost: x\r\nAuthorization: ${a()}\r\nContent-Length: 5000\r\n\r\n${build.get('AMT_GeneralSettings')}`)],
  ['headers cut short', () => Buffer.from('POST /wsman HTTP/1.1\r\nHost: x\r\nContent-Le')],
  ['pipelined garbage', (a) => Buffer.concat([post(Buffer.from(build.get('AMT_GeneralSettings')), [`Authorization: ${a()}`]).subarray(0), Buffer.from('\r\nGARBAGE / HTTP/1.1\r\n\r\n')])],
  ['other method', () => Buffer.from(`${pick(['GET', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE'])} /wsman HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`)],
  ['other path', () => Buffer.from(`POST ${pick(['/', '/WSMAN', '//wsman', '/wsman/../wsman', '/wsman%00', '/index.htm', '/constructor', '/__proto__'])} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`)],
  ['query with Digest for /wsman', (a) => Buffer.from(post(Buffer.from(build.get('AMT_GeneralSettings')), [`Authorization: ${a()}`]).toString('latin1').replace('POST /wsman ', 'POST /wsman?x=1 '), 'latin1')],
  ['Basic auth', () => post(Buffer.from(build.get('AMT_GeneralSettings')), [`Authorization: Basic ${Buffer.from(`admin:${DEFAULT_ACCOUNT.password}`).toString('base64')}`])],
  ['Digest garbage', () => post(Buffer.from(build.get('AMT_GeneralSettings')), [`Authorization: Digest ${randomBytes(1 + int(200)).toString('latin1').replace(/[\r\n]/g, ' ')}`])],
  ['Digest proto params', () => post(Buffer.from(build.get('AMT_GeneralSettings')), ['Authorization: Digest __proto__="x", constructor="y", toString="z", username="admin"'])],
  ['Digest huge values', () => post(Buffer.from(build.get('AMT_GeneralSettings')), [`Authorization: Digest username="${'a'.repeat(20_000)}", realm="r", nonce="n", uri="/wsman", response="x"`])],
  ['wrong password', (a) => post(Buffer.from(build.get('AMT_GeneralSettings')), [`Authorization: ${a().replace(/response="[0-9a-f]+"/, `response="${md5('x')}"`)}`])],
  ['Expect 100-continue', (a) => post(Buffer.from(build.get('AMT_GeneralSettings')), [`Authorization: ${a()}`, 'Expect: 100-continue'])],
];

let sim: Simulator;
let target: Target;
const digest = new DigestState();
let current: { requests: Array<string | undefined>; changes: string[]; parses: number[]; faults: string[] } = { requests: [], changes: [], parses: [], faults: [] };
const nonLoopbackSubscriptions: string[] = [];

before(async () => {
  sim = await startSimulator({ port: 0 });
  target = { host: sim.host, port: sim.port };
  const d = sim.device;
  d.on('request', ({ action }: { action?: string }) => current.requests.push(action));
  d.on('parse', ({ bytes }: { bytes: number }) => current.parses.push(bytes));
  d.on('fault', ({ fault }: { fault: string }) => current.faults.push(fault));
  for (const e of ['put', 'power', 'log', 'opt-in']) d.on(e, () => current.changes.push(e));
  // A mutated Subscribe could name a listener off this machine; drop it in the same tick it is
  // made (before any push could start), so the simulator never connects beyond 127.0.0.0/8.
  d.on('subscription', ({ change, id }: { change: string; id: string }) => {
    if (change !== 'subscribe') return;
    const sub = d.eventing.byId(id);
    if (!sub) return;
    let host = '';
    try {
      host = new URL(sub.notifyTo).hostname;
    } catch {
      /* not a URL: nothing can be delivered */
    }
    if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) {
      nonLoopbackSubscriptions.push(sub.notifyTo);
      d.eventing.remove(sub);
    }
  });
  const first = await socketExchange(target, post(Buffer.from(build.get('AMT_GeneralSettings')), []), { idleMs: IDLE_MS });
  digest.use(readAnswer(first.text, first.closed).headers['www-authenticate']);
});

after(() => sim?.close());

function nextCase(bases: ReadonlyArray<{ op: string; xml: string }>): Case {
  const roll = random();
  const authed = chance(0.7);
  const authHeaders = () => (authed ? [`Authorization: ${digest.header()}`] : []);
  if (roll < 0.55) {
    const base = pick(bases);
    const body = mutate(Buffer.from(base.xml, 'utf8'));
    return { kind: `mutated ${base.op}`, bytes: post(body, authHeaders()), authed, wellFormed: true, bodyLength: body.length };
  }
  if (roll < 0.85) {
    const [kind, make] = pick(HOSTILE);
    // The large hostile bodies are the slow ones to parse: keep them to a share of the budget.
    const made = make();
    const body = typeof made === 'string' ? Buffer.from(made, 'utf8') : made;
    return { kind: `hostile ${kind}`, bytes: post(body, authHeaders()), authed, wellFormed: true, bodyLength: body.length };
  }
  const [kind, make] = pick(MALFORMED);
  const uses: string[] = [];
  const bytes = make(() => {
    const h = authed ? digest.header() : 'Digest username="admin"';
    uses.push(h);
    return h;
  });
  // Authenticated only when it carries a correct answer (a wrong password is made from one).
  const carriesAuth = authed && uses.length > 0 && kind !== 'wrong password';
  return { kind: `http ${kind}`, bytes, authed: carriesAuth, wellFormed: false, bodyLength: -1 };
}

/** What is wrong with the answer to one case, or undefined. */
function judge(c: Case, a: Answer, events: typeof current): string | undefined {
  if (a.status === undefined) {
    if (c.wellFormed && c.bodyLength <= MAX_BODY) return `no HTTP answer (closed=${a.closed})`;
    return undefined; // malformed HTTP may be answered by closing
  }
  if (a.status >= 500) return `HTTP ${a.status} ${soapSummary(a.body).subcode ?? ''} (${events.faults.join(',')})`;
  if (events.faults.includes('InternalError')) return 'an InternalError fault (an unexpected exception in the simulator)';
  const soap = soapSummary(a.body);
  const identified = a.status === 200 && soap.payload === 'IdentifyResponse';
  if (!c.authed) {
    const isSoap = /soap/i.test(a.headers['content-type'] ?? '');
    if (a.status === 200 && isSoap && !identified) return `an unauthenticated request was answered 200 with ${soap.payload}`;
    if (events.requests.some((r) => r !== undefined)) return `an unauthenticated request was applied (${events.requests.join(',')})`;
    if (events.changes.length) return `an unauthenticated request changed the device (${events.changes.join(',')})`;
    if (events.parses.some((n) => n > MAX_IDENTIFY_BODY)) return `an unauthenticated body of ${Math.max(...events.parses)} characters was parsed`;
    if (a.status === 400 && soap.subcode && !c.wellFormed) return undefined;
    if (a.status === 400 && soap.subcode) return `an unauthenticated request got a SOAP fault ${soap.subcode}`;
    return undefined;
  }
  if (!c.wellFormed) return undefined;
  if (c.bodyLength > MAX_BODY) return a.status === 413 ? undefined : `a body of ${c.bodyLength} bytes got ${a.status}, not 413`;
  if (a.status === 401) return /stale="true"/.test(a.headers['www-authenticate'] ?? '') ? undefined : 'a correct Digest answer was refused (not stale)';
  if (a.status === 400 && !soap.subcode) return 'HTTP 400 without a SOAP fault subcode';
  if (a.status === 200 && !soap.payload && !/<(?:\w+:)?Body\/>|<(?:\w+:)?Body><\/(?:\w+:)?Body>/.test(a.body)) return 'HTTP 200 without a readable Body';
  if (![200, 400].includes(a.status)) return `HTTP ${a.status}`;
  return undefined;
}

test(`the simulator survives fuzzed requests (FUZZ_SEED=${SEED}, up to ${CASES} cases)`, { timeout: TIME_MS + 120_000 }, async (t) => {
  const bases = validEnvelopes();
  const deadline = Date.now() + TIME_MS;
  const problems: string[] = [];
  const kinds = new Map<string, number>();
  const statuses = new Map<string, number>();
  let ran = 0;

  const validGet = async (label: string) => {
    const r = await socketExchange(target, post(Buffer.from(build.get('AMT_GeneralSettings')), [`Authorization: ${digest.header()}`]), { idleMs: IDLE_MS, end: true });
    let a = readAnswer(r.text, r.closed);
    if (a.status === 401) {
      digest.use(a.headers['www-authenticate']);
      const again = await socketExchange(target, post(Buffer.from(build.get('AMT_GeneralSettings')), [`Authorization: ${digest.header()}`]), { idleMs: IDLE_MS, end: true });
      a = readAnswer(again.text, again.closed);
    }
    assert.equal(a.status, 200, `${label}: a valid Get was not answered (FUZZ_SEED=${SEED}): ${a.body.slice(0, 200)}`);
    assert.equal(soapSummary(a.body).payload, 'AMT_GeneralSettings', label);
  };

  await validGet('before the first case');
  for (let i = 0; i < CASES && Date.now() < deadline; i++) {
    const c = nextCase(bases);
    current = { requests: [], changes: [], parses: [], faults: [] };
    const out = await socketExchange(target, c.bytes, { idleMs: IDLE_MS, end: true });
    const a = readAnswer(out.text, out.closed);
    const why = judge(c, a, current);
    if (why) problems.push(`case ${i} (${c.kind}, ${c.authed ? 'authenticated' : 'unauthenticated'}): ${why}`);
    if (c.authed && a.status === 401 && a.headers['www-authenticate']) digest.use(a.headers['www-authenticate']);
    kinds.set(c.kind.split(' ')[0], (kinds.get(c.kind.split(' ')[0]) ?? 0) + 1);
    const s = a.status === undefined ? 'closed' : String(a.status);
    statuses.set(s, (statuses.get(s) ?? 0) + 1);
    ran++;
    if (ran % BATCH === 0) await validGet(`after case ${i}`);
  }
  await validGet('after the last case');
  await sim.device.eventing.settled();

  t.diagnostic(`FUZZ_SEED=${SEED}: ${ran} cases (${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}); answers ${[...statuses].sort().map(([k, n]) => `${k}×${n}`).join(', ')}`);
  if (nonLoopbackSubscriptions.length) t.diagnostic(`${nonLoopbackSubscriptions.length} subscriptions to listeners off 127.0.0.0/8 were dropped before any delivery`);
  assert.ok(ran >= Math.min(CASES, 200), `only ${ran} cases ran within ${TIME_MS} ms`);
  assert.deepEqual(problems.slice(0, 20), [], `${problems.length} of ${ran} cases went wrong (FUZZ_SEED=${SEED})`);
});
