/**
 * Instances as users see them: the identify summary, an instance as a plain JSON object, an EPR as
 * one line of text, and Put from an XML file (a full envelope or just the `<g:Class>` element).
 */
import { AmtError } from '../errors';
import type { IdentifyResult } from '../protocol';
import type { CimDatetime, EndpointReference, Instance, Selectors, WsInput, WsValue } from '../wsman/types';
import { isDatetime, isEpr } from '../wsman/types';
import { NS, classNameFromUri, resourceUriFor } from '../wsman/namespaces';
import { parseXml, firstChild, type XmlElement } from '../wsman/xml';
import { parseInstance, parseSelectorSet } from '../wsman/parse';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Identify plus the HTTP Server header (which carries the firmware version). */
export async function identifySummary(
  client: { identify(call?: CallOptions): Promise<Omit<IdentifyResult, 'server'>>; readonly serverHeader?: string },
  call: CallOptions = {},
): Promise<IdentifyResult> {
  const id = await client.identify(call);
  const server = client.serverHeader;
  return { ...id, ...(server ? { server } : {}) };
}

/** A property value as plain JSON: text stays text, a reference becomes `{resourceUri, selectors}`, a datetime its text. */
export function valueToJson(v: WsValue): JsonValue {
  if (v === null || typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(valueToJson);
  if (isEpr(v)) return eprToJson(v);
  if (isDatetime(v)) return (v as CimDatetime).value;
  const out: { [key: string]: JsonValue } = {};
  for (const [k, x] of Object.entries(v as Record<string, WsValue>)) out[k] = valueToJson(x);
  return out;
}

export function eprToJson(epr: EndpointReference): { [key: string]: JsonValue } {
  const selectors: { [key: string]: JsonValue } = {};
  for (const [k, s] of Object.entries(epr.selectors)) selectors[k] = typeof s === 'string' ? s : eprToJson(s);
  return { address: epr.address, resourceUri: epr.resourceUri, selectors };
}

/** An instance as `{ Property: value }` in wire order. */
export function instanceToJson(instance: Instance): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  for (const [k, v] of Object.entries(instance.properties)) out[k] = valueToJson(v);
  return out;
}

/**
 * One-line text form of a reference, the same syntax the CLI accepts for EPR arguments:
 * `CIM_ComputerSystem?CreationClassName=CIM_ComputerSystem&Name=ManagedSystem`. Nested reference
 * selectors are written in parentheses.
 */
export function formatEpr(epr: EndpointReference): string {
  const cls = classNameFromUri(epr.resourceUri);
  const sel = Object.entries(epr.selectors)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? encodeSelectorText(v) : `(${formatEpr(v)})`}`)
    .join('&');
  return sel ? `${cls}?${sel}` : cls;
}

/** Escapes what parseEprText would misread: `%`, `&`, and parentheses unless balanced and not leading. */
function encodeSelectorText(v: string): string {
  const keepParens = !v.startsWith('(') && balanced(v);
  return v.replace(keepParens ? /[%&]/g : /[%&()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function balanced(v: string): boolean {
  let depth = 0;
  for (const ch of v) {
    if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

/**
 * Parses `Class?K=V&K2=V2` (or a full resource URI before `?`) into a reference. Values may use
 * %XX escapes (write `&` as %26); a value in parentheses is itself a reference.
 */
export function parseEprText(text: string): EndpointReference {
  const t = text.trim();
  const q = t.indexOf('?');
  const cls = q < 0 ? t : t.slice(0, q);
  if (!cls) throw new AmtError('args.epr', `"${text}" is not a reference; write it as Class?Key=Value&Key2=Value2.`);
  let resourceUri: string;
  try {
    resourceUri = resourceUriFor(cls);
  } catch (err) {
    throw new AmtError('args.epr', `"${text}" does not start with an AMT_, CIM_ or IPS_ class name or a resource URI; write it as Class?Key=Value&Key2=Value2.`, { cause: err });
  }
  const selectors: Selectors = {};
  if (q >= 0) {
    for (const part of splitTopLevel(t.slice(q + 1))) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      if (eq <= 0) throw new AmtError('args.epr', `The selector "${part}" in "${text}" has no name; write each selector as Key=Value.`);
      const key = part.slice(0, eq);
      const raw = part.slice(eq + 1);
      selectors[key] = raw.startsWith('(') && raw.endsWith(')') ? parseEprText(raw.slice(1, -1)) : decodeText(raw);
    }
  }
  return { kind: 'epr', address: '', resourceUri, selectors };
}

/** Splits on `&` outside parentheses. */
function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    if (ch === '&' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

function decodeText(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export interface InstanceDocument {
  instance: Instance;
  /** The ResourceURI in the envelope header, when the file is a full envelope. */
  resourceUri?: string;
  /** The SelectorSet in the envelope header, when the file is a full envelope that has one. */
  selectors?: Selectors;
}

/**
 * Reads an instance from XML: a full SOAP envelope (its Body's first element is the instance; the
 * header's ResourceURI and SelectorSet are returned too) or just the instance element.
 */
export function parseInstanceDocument(xml: string, file?: string): InstanceDocument {
  const source = fileWords(file);
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (err) {
    const why = err instanceof Error ? err.message.replace(/\.$/, '') : String(err);
    throw new AmtError('put.badXml', `${capitalize(source)} is not well-formed XML (${why}); fix the XML and try again.`, { cause: err });
  }
  if (root.local === 'Envelope' && root.ns === NS.soap) {
    const body = firstChild(root, 'Body', NS.soap);
    const el = body?.children[0];
    if (!el) throw new AmtError('put.badXml', `The envelope in ${source} has an empty Body; put the instance element (for example <g:AMT_GeneralSettings>) inside it.`);
    const header = firstChild(root, 'Header', NS.soap);
    const resourceUri = header ? firstChild(header, 'ResourceURI', NS.wsman)?.text.trim() : undefined;
    const selectorSet = header ? firstChild(header, 'SelectorSet', NS.wsman) : undefined;
    return {
      instance: parseInstance(el),
      ...(resourceUri ? { resourceUri } : {}),
      ...(selectorSet ? { selectors: parseSelectorSet(selectorSet) } : {}),
    };
  }
  return { instance: parseInstance(root) };
}

/** Checks that the document holds an instance of `className` (by element name and, when given, namespace). */
export function checkInstanceClass(doc: InstanceDocument, className: string, file?: string): void {
  const source = fileWords(file);
  const expectedUri = resourceUriFor(className);
  const expected = classNameFromUri(expectedUri);
  const { instance } = doc;
  if (instance.className.toLowerCase() !== expected.toLowerCase()) {
    throw new AmtError('put.classMismatch', `${capitalize(source)} holds a <${instance.className}> element, not ${expected}; name the class the file holds, or fix the file.`);
  }
  if (instance.namespace && instance.namespace !== expectedUri) {
    throw new AmtError('put.classMismatch', `The <${instance.className}> element in ${source} is in the namespace ${instance.namespace}; AMT expects ${expectedUri}, so fix its xmlns.`);
  }
}

/**
 * Put an instance read from XML: the file's instance body is sent as-is (property order kept);
 * selectors come from the argument, else from the envelope header in the file.
 */
export async function putFromXml<R>(
  client: { put(cls: string, props: Record<string, WsInput>, selectors?: Selectors, call?: CallOptions): Promise<R> },
  className: string,
  xml: string,
  selectors?: Selectors,
  call: CallOptions = {},
  file?: string,
): Promise<R> {
  const doc = parseInstanceDocument(xml, file);
  checkInstanceClass(doc, className, file);
  const sel = selectors && Object.keys(selectors).length ? selectors : doc.selectors;
  return client.put(className, doc.instance.properties, sel, call);
}

/** `the file x.xml`, or `the file` when the name is unknown. */
function fileWords(file?: string): string {
  return file ? `the file ${file}` : 'the file';
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
