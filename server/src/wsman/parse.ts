/**
 * Envelopes → values. Matching is by namespace URI and local name only (AMT reuses prefixes with
 * different meanings per response). Instances keep wire order; repeated elements become arrays.
 */
import { performance } from 'node:perf_hooks';
import { NS } from './namespaces';
import { ProtocolError } from './errors';
import type { CimDatetime, EndpointReference, EnumItem, Instance, Selectors, WsValue } from './types';
import { attrValue, childElements, firstChild, parseXml, parseXmlAsync, type AsyncParseOptions, type XmlElement, type XmlLimits } from './xml';

export interface EnvelopeHeader {
  to?: string;
  relatesTo?: string;
  action?: string;
  messageId?: string;
  resourceUri?: string;
  selectors?: Selectors;
}

export interface ParsedEnvelope {
  header: EnvelopeHeader;
  /** The `<Body>` element; its first child is the payload. */
  body: XmlElement;
  root: XmlElement;
}

export interface EnumerationPage {
  /** Present while more items can be pulled. */
  context?: string;
  items: EnumItem[];
  endOfSequence: boolean;
}

export interface MethodOutput {
  method: string;
  /** Absent only when the device broke the protocol; AMT always sends it. */
  returnValue?: number;
  /** Every output except ReturnValue, in wire order. */
  output: Record<string, WsValue>;
}

export interface IdentifyResult {
  protocolVersion: string;
  productVendor: string;
  productVersion: string;
  dashVersion?: string;
  securityProfiles: string[];
}

export interface SubscribeResult {
  /** The subscription manager reference, when the device returns one. */
  manager?: EndpointReference;
  expires?: string;
}

const DATETIME_FORMS = new Set(['Datetime', 'Interval', 'Date', 'Time']);

/**
 * Parses a SOAP 1.2 envelope (request or response): text, or the reply's bytes (which must be
 * UTF-8). Throws AmtError `xml.*` or ProtocolError.
 */
export function parseEnvelope(xml: string | Uint8Array, limits?: XmlLimits): ParsedEnvelope {
  return envelopeOf(parseXml(xml, limits));
}

/** Like `parseEnvelope`, yielding to the event loop while a large reply is parsed; the signal and deadline stop it. */
export async function parseEnvelopeAsync(xml: string | Uint8Array, opts?: AsyncParseOptions): Promise<ParsedEnvelope> {
  return envelopeOf(await parseXmlAsync(xml, opts));
}

function envelopeOf(root: XmlElement): ParsedEnvelope {
  if (root.local !== 'Envelope' || root.ns !== NS.soap) {
    throw new ProtocolError(
      `The reply is not a SOAP 1.2 envelope (root element <${root.name}>${root.ns ? ` in ${root.ns}` : ''}); AMT answers WS-Man requests with an Envelope in ${NS.soap}.`,
    );
  }
  const body = firstChild(root, 'Body', NS.soap);
  if (!body) throw new ProtocolError('The SOAP envelope has no Body element, so it is not a WS-Man message; check that the address belongs to an AMT device.');
  const headerEl = firstChild(root, 'Header', NS.soap);
  return { header: headerEl ? parseHeader(headerEl) : {}, body, root };
}

/** The payload: the first element inside Body, or undefined for an empty body (Delete, some Puts). */
export function bodyElement(env: ParsedEnvelope): XmlElement | undefined {
  return env.body.children[0];
}

/** One instance element → its class name, namespace and ordered properties. */
export function parseInstance(el: XmlElement): Instance {
  return { className: el.local, namespace: el.ns, properties: parseProperties(el.children) };
}

/** Ordered property map of sibling elements; repeated names become arrays at the first occurrence's position. */
export function parseProperties(elements: XmlElement[]): Record<string, WsValue> {
  const props: Record<string, WsValue> = {};
  const repeated = new Set<string>();
  for (const el of elements) {
    const value = parseValue(el);
    if (!Object.prototype.hasOwnProperty.call(props, el.local)) {
      Object.defineProperty(props, el.local, { value, enumerable: true, writable: true, configurable: true });
    } else if (repeated.has(el.local)) {
      (props[el.local] as WsValue[]).push(value);
    } else {
      props[el.local] = [props[el.local]!, value];
      repeated.add(el.local);
    }
  }
  return props;
}

/** One property element → text, null (xsi:nil), EPR, datetime, or nested ordered object. */
export function parseValue(el: XmlElement): WsValue {
  const nil = attrValue(el, 'nil', NS.xsi);
  if (nil === 'true' || nil === '1') return null;
  if (el.children.length === 0) return el.text;
  if (isEprContainer(el)) return parseEpr(el);
  const only = el.children.length === 1 ? el.children[0]! : undefined;
  if (only && only.local === 'EndpointReference' && only.ns === NS.addressing) return parseEpr(only);
  if (only && only.children.length === 0 && DATETIME_FORMS.has(only.local) && (only.ns === NS.common || only.ns === '')) {
    const dt: CimDatetime = { kind: 'datetime', form: only.local, value: only.text.trim() };
    return dt;
  }
  return parseProperties(el.children);
}

/** True when the element holds an Address and ReferenceParameters (a reference-typed property). */
export function isEprContainer(el: XmlElement): boolean {
  return !!firstChild(el, 'Address', NS.addressing) && !!firstChild(el, 'ReferenceParameters', NS.addressing);
}

/** An element holding Address + ReferenceParameters (or an `<EndpointReference>` wrapper) → EndpointReference. */
export function parseEpr(el: XmlElement): EndpointReference {
  const holder = !isEprContainer(el) && firstChild(el, 'EndpointReference', NS.addressing) ? firstChild(el, 'EndpointReference', NS.addressing)! : el;
  const refParams = firstChild(holder, 'ReferenceParameters', NS.addressing);
  const selectorSet = refParams && firstChild(refParams, 'SelectorSet', NS.wsman);
  return {
    kind: 'epr',
    address: firstChild(holder, 'Address', NS.addressing)?.text.trim() ?? '',
    resourceUri: (refParams && firstChild(refParams, 'ResourceURI', NS.wsman)?.text.trim()) ?? '',
    selectors: selectorSet ? parseSelectorSet(selectorSet) : {},
  };
}

/** `<SelectorSet>` → name → string or nested EPR. */
export function parseSelectorSet(el: XmlElement): Selectors {
  const selectors: Selectors = {};
  for (const sel of childElements(el, 'Selector', NS.wsman)) {
    const name = attrValue(sel, 'Name') ?? '';
    selectors[name] = sel.children.length > 0 ? parseEpr(sel) : sel.text;
  }
  return selectors;
}

/** EnumerateResponse or PullResponse → context, items, end-of-sequence flag. */
export function parseEnumeration(env: ParsedEnvelope): EnumerationPage {
  const { el, items } = enumerationParts(env);
  return enumerationPage(el, items ? items.children.map(parseEnumItem) : []);
}

/**
 * Like `parseEnumeration`, turning the items into values in slices of `sliceMs` (default 10 ms)
 * with a yield to the event loop between them, so a Pull of tens of thousands of instances
 * does not stall it; the signal is checked at every yield.
 */
export async function parseEnumerationAsync(
  env: ParsedEnvelope,
  opts: { signal?: AbortSignal; onAbort?: () => Error; sliceMs?: number } = {},
): Promise<EnumerationPage> {
  const { el, items } = enumerationParts(env);
  const sources = items?.children ?? [];
  const out: EnumItem[] = new Array<EnumItem>(sources.length);
  let sliceStart = performance.now();
  for (let i = 0; i < sources.length; i++) {
    out[i] = parseEnumItem(sources[i]!);
    if ((i & 255) === 255 && performance.now() - sliceStart > (opts.sliceMs ?? 10)) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (opts.signal?.aborted) throw opts.onAbort?.() ?? opts.signal.reason ?? new Error('aborted');
      sliceStart = performance.now();
    }
  }
  return enumerationPage(el, out);
}

function enumerationParts(env: ParsedEnvelope): { el: XmlElement; items: XmlElement | undefined } {
  const el = expectBody(env, ['EnumerateResponse', 'PullResponse'], NS.enumeration);
  // Optimized enumeration puts Items/EndOfSequence in the wsman namespace inside EnumerateResponse.
  const items = el.children.find((c) => c.local === 'Items' && (c.ns === NS.enumeration || c.ns === NS.wsman));
  return { el, items };
}

function enumerationPage(el: XmlElement, items: EnumItem[]): EnumerationPage {
  const context = firstChild(el, 'EnumerationContext', NS.enumeration)?.text.trim();
  const endOfSequence = el.children.some((c) => c.local === 'EndOfSequence' && (c.ns === NS.enumeration || c.ns === NS.wsman));
  return { ...(context ? { context } : {}), items, endOfSequence };
}

function parseEnumItem(el: XmlElement): EnumItem {
  if (el.local === 'EndpointReference' && el.ns === NS.addressing) return { epr: parseEpr(el) };
  if (el.local === 'Item' && el.ns === NS.wsman) {
    const item: EnumItem = {};
    for (const part of el.children) {
      if (part.local === 'EndpointReference' && part.ns === NS.addressing) item.epr = parseEpr(part);
      else item.instance = parseInstance(part);
    }
    return item;
  }
  return { instance: parseInstance(el) };
}

/** `{Method}_OUTPUT` → method name, numeric ReturnValue, other outputs. */
export function parseMethodOutput(env: ParsedEnvelope): MethodOutput {
  const el = bodyElement(env);
  if (!el || !el.local.endsWith('_OUTPUT')) {
    throw new ProtocolError(`Expected a method output (<…_OUTPUT>) in the reply but found ${el ? `<${el.name}>` : 'an empty Body'}.`);
  }
  const output = parseProperties(el.children);
  const raw = output.ReturnValue;
  delete output.ReturnValue;
  const returnValue = typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : undefined;
  return { method: el.local.slice(0, -'_OUTPUT'.length), ...(returnValue !== undefined ? { returnValue } : {}), output };
}

/** CreateResponse → the reference of the new instance. */
export function parseResourceCreated(env: ParsedEnvelope): EndpointReference {
  return parseEpr(expectBody(env, ['ResourceCreated'], NS.transfer));
}

export function parseIdentify(env: ParsedEnvelope): IdentifyResult {
  const el = expectBody(env, ['IdentifyResponse'], NS.identity);
  // Matched by local name only: the namespace of DASHVersion differs between implementations.
  const text = (local: string) => el.children.find((c) => c.local === local)?.text.trim();
  const profiles = el.children.find((c) => c.local === 'SecurityProfiles');
  const dashVersion = text('DASHVersion');
  return {
    protocolVersion: text('ProtocolVersion') ?? '',
    productVendor: text('ProductVendor') ?? '',
    productVersion: text('ProductVersion') ?? '',
    ...(dashVersion !== undefined ? { dashVersion } : {}),
    securityProfiles: profiles ? profiles.children.map((p) => p.text.trim()).filter((p) => p !== '') : [],
  };
}

export function parseSubscribeResponse(env: ParsedEnvelope): SubscribeResult {
  const el = bodyElement(env);
  if (!el) return {};
  const manager = firstChild(el, 'SubscriptionManager', NS.eventing);
  const expires = firstChild(el, 'Expires', NS.eventing)?.text.trim();
  return { ...(manager ? { manager: parseEpr(manager) } : {}), ...(expires ? { expires } : {}) };
}

function parseHeader(el: XmlElement): EnvelopeHeader {
  const text = (local: string, ns: string) => firstChild(el, local, ns)?.text.trim();
  const header: EnvelopeHeader = {};
  const fields: [keyof EnvelopeHeader, string, string][] = [
    ['to', 'To', NS.addressing],
    ['relatesTo', 'RelatesTo', NS.addressing],
    ['action', 'Action', NS.addressing],
    ['messageId', 'MessageID', NS.addressing],
    ['resourceUri', 'ResourceURI', NS.wsman],
  ];
  for (const [key, local, ns] of fields) {
    const value = text(local, ns);
    if (value !== undefined) (header as Record<string, string>)[key] = value;
  }
  const selectorSet = firstChild(el, 'SelectorSet', NS.wsman);
  if (selectorSet) header.selectors = parseSelectorSet(selectorSet);
  return header;
}

function expectBody(env: ParsedEnvelope, locals: string[], ns: string): XmlElement {
  const el = bodyElement(env);
  if (!el || !locals.includes(el.local) || el.ns !== ns) {
    const found = el ? `<${el.name}>${el.ns ? ` (${el.ns})` : ''}` : 'an empty Body';
    throw new ProtocolError(`Expected <${locals.join('> or <')}> in ${ns} in the reply but found ${found}.`);
  }
  return el;
}
