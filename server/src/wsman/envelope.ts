/**
 * Request envelopes in the shape every AMT client sends (spec/wsman-amt.md §1.2): default
 * namespace = SOAP 1.2 envelope, `a:` addressing, `w:` wsman, header in the order
 * Action, To, ResourceURI, MessageID, ReplyTo, OperationTimeout, [MaxEnvelopeSize], [SelectorSet].
 */
import { randomUUID } from 'node:crypto';
import { ACTION, ANONYMOUS, NS, resourceUriFor } from './namespaces';
import { serializeEprContent, serializeInstance, serializeMethodInput, serializeSelectorSet } from './serialize';
import type { Selectors, WsInput } from './types';
import { escapeXml } from './xml';

export { serializeInstance } from './serialize';

export interface HeaderOptions {
  /** Defaults to `uuid:` + a random UUID. AMT copies it into RelatesTo. */
  messageId?: string;
  selectors?: Selectors;
  /** AMT rejects values below 50000 (docs/wire-notes.md); omitted unless given. */
  maxEnvelopeSize?: number;
  /** Defaults to PT60S; AMT enforces a 30 s minimum. */
  operationTimeout?: string;
}

export type EnumerationMode = 'EnumerateEPR' | 'EnumerateObjectAndEPR';

export interface EnumerateOptions {
  mode?: EnumerationMode;
  /** Ask for the first items inside the EnumerateResponse (DSP0226 OptimizeEnumeration). */
  optimize?: boolean;
  /** With `optimize`: how many items the EnumerateResponse may carry. */
  maxElements?: number;
}

export interface PullOptions {
  maxElements?: number;
  maxCharacters?: number;
}

export interface SubscribeOptions {
  /** The listener URL AMT posts events to (at most 253 characters on AMT). */
  notifyTo: string;
  /** `Push` (default) or `PushWithAck`. */
  deliveryMode?: 'Push' | 'PushWithAck';
  /** xs:duration or xs:dateTime, e.g. `PT1H`. */
  expires?: string;
  /** A filter in the given dialect: plain text, or selectors for the SelectorFilter dialect. */
  filter?: { dialect: string; text?: string; selectors?: Selectors };
  /** Opaque values AMT echoes back in every event's header. */
  referenceParameters?: { name: string; namespace: string; value: string }[];
}

export const DELIVERY_MODE = {
  Push: 'http://schemas.xmlsoap.org/ws/2004/08/eventing/DeliveryModes/Push',
  PushWithAck: 'http://schemas.dmtf.org/wbem/wsman/1/wsman/PushWithAck',
} as const;

export function newMessageId(): string {
  return `uuid:${randomUUID()}`;
}

/** Identify has no Action or ResourceURI header; only the body names the operation. */
export function buildIdentify(): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<Envelope xmlns="${NS.soap}" xmlns:wsmid="${NS.identity}"><Header/>` +
    `<Body><wsmid:Identify/></Body></Envelope>`
  );
}

export function buildGet(classOrUri: string, opts: HeaderOptions = {}): string {
  return envelope(ACTION.get, classOrUri, opts, '');
}

/** Put sends the full instance; AMT replaces every writable property with what is sent. */
export function buildPut(classOrUri: string, properties: Record<string, WsInput>, opts: HeaderOptions = {}): string {
  return envelope(ACTION.put, classOrUri, opts, serializeInstance(classOrUri, properties));
}

export function buildCreate(classOrUri: string, properties: Record<string, WsInput>, opts: HeaderOptions = {}): string {
  return envelope(ACTION.create, classOrUri, opts, serializeInstance(classOrUri, properties));
}

export function buildDelete(classOrUri: string, opts: HeaderOptions = {}): string {
  return envelope(ACTION.delete, classOrUri, opts, '');
}

export function buildEnumerate(classOrUri: string, enumOpts: EnumerateOptions = {}, opts: HeaderOptions = {}): string {
  // DSP0226 order: EnumerationMode, OptimizeEnumeration, MaxElements.
  let inner = '';
  if (enumOpts.mode) inner += `<w:EnumerationMode>${enumOpts.mode}</w:EnumerationMode>`;
  if (enumOpts.optimize) inner += '<w:OptimizeEnumeration/>';
  if (enumOpts.maxElements !== undefined) inner += `<w:MaxElements>${positiveInt(enumOpts.maxElements, 'maxElements')}</w:MaxElements>`;
  const body = inner === '' ? `<Enumerate xmlns="${NS.enumeration}"/>` : `<Enumerate xmlns="${NS.enumeration}">${inner}</Enumerate>`;
  return envelope(ACTION.enumerate, classOrUri, opts, body);
}

export function buildPull(classOrUri: string, context: string, pullOpts: PullOptions = {}, opts: HeaderOptions = {}): string {
  let inner = `<EnumerationContext>${escapeXml(context)}</EnumerationContext>`;
  if (pullOpts.maxElements !== undefined) inner += `<MaxElements>${positiveInt(pullOpts.maxElements, 'maxElements')}</MaxElements>`;
  if (pullOpts.maxCharacters !== undefined) inner += `<MaxCharacters>${positiveInt(pullOpts.maxCharacters, 'maxCharacters')}</MaxCharacters>`;
  return envelope(ACTION.pull, classOrUri, opts, `<Pull xmlns="${NS.enumeration}">${inner}</Pull>`);
}

export function buildRelease(classOrUri: string, context: string, opts: HeaderOptions = {}): string {
  const body = `<Release xmlns="${NS.enumeration}"><EnumerationContext>${escapeXml(context)}</EnumerationContext></Release>`;
  return envelope(ACTION.release, classOrUri, opts, body);
}

/** Method M of class C: action `{resourceUri}/{M}`, body `<h:M_INPUT>`. */
export function buildInvoke(classOrUri: string, method: string, input: Record<string, WsInput>, opts: HeaderOptions = {}): string {
  const action = `${resourceUriFor(classOrUri)}/${method}`;
  return envelope(action, classOrUri, opts, serializeMethodInput(classOrUri, method, input));
}

/** AMT subscribes against a CIM_FilterCollection instance (selector InstanceID), not an indication filter. */
export function buildSubscribe(classOrUri: string, sub: SubscribeOptions, opts: HeaderOptions = {}): string {
  const mode = DELIVERY_MODE[sub.deliveryMode ?? 'Push'];
  const refs = (sub.referenceParameters ?? [])
    .map((r, i) => `<r${i}:${r.name} xmlns:r${i}="${escapeXml(r.namespace)}">${escapeXml(r.value)}</r${i}:${r.name}>`)
    .join('');
  const notifyTo =
    `<e:NotifyTo><a:Address>${escapeXml(sub.notifyTo)}</a:Address>` +
    (refs ? `<a:ReferenceParameters>${refs}</a:ReferenceParameters>` : '') +
    `</e:NotifyTo>`;
  let body = `<e:Subscribe xmlns:e="${NS.eventing}"><e:Delivery Mode="${mode}">${notifyTo}</e:Delivery>`;
  if (sub.expires) body += `<e:Expires>${escapeXml(sub.expires)}</e:Expires>`;
  if (sub.filter) {
    const content = sub.filter.selectors ? serializeSelectorSet(sub.filter.selectors) : escapeXml(sub.filter.text ?? '');
    body += `<w:Filter Dialect="${escapeXml(sub.filter.dialect)}">${content}</w:Filter>`;
  }
  body += '</e:Subscribe>';
  return envelope(ACTION.subscribe, classOrUri, opts, body);
}

/** AMT identifies the subscription by selectors on CIM_FilterCollectionSubscription (Filter and Handler EPRs). */
export function buildUnsubscribe(classOrUri: string, opts: HeaderOptions = {}): string {
  return envelope(ACTION.unsubscribe, classOrUri, opts, `<e:Unsubscribe xmlns:e="${NS.eventing}"/>`);
}

export function buildRenew(classOrUri: string, expires: string, opts: HeaderOptions = {}): string {
  const body = `<e:Renew xmlns:e="${NS.eventing}"><e:Expires>${escapeXml(expires)}</e:Expires></e:Renew>`;
  return envelope(ACTION.renew, classOrUri, opts, body);
}

function envelope(action: string, classOrUri: string, opts: HeaderOptions, body: string): string {
  const resourceUri = resourceUriFor(classOrUri);
  let header =
    `<a:Action>${escapeXml(action)}</a:Action>` +
    `<a:To>/wsman</a:To>` +
    `<w:ResourceURI>${escapeXml(resourceUri)}</w:ResourceURI>` +
    `<a:MessageID>${escapeXml(opts.messageId ?? newMessageId())}</a:MessageID>` +
    `<a:ReplyTo><a:Address>${ANONYMOUS}</a:Address></a:ReplyTo>` +
    `<w:OperationTimeout>${escapeXml(opts.operationTimeout ?? 'PT60S')}</w:OperationTimeout>`;
  if (opts.maxEnvelopeSize !== undefined) {
    header += `<w:MaxEnvelopeSize>${positiveInt(opts.maxEnvelopeSize, 'maxEnvelopeSize')}</w:MaxEnvelopeSize>`;
  }
  if (opts.selectors && Object.keys(opts.selectors).length > 0) header += serializeSelectorSet(opts.selectors);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<Envelope xmlns:xsi="${NS.xsi}" xmlns:xsd="${NS.xsd}" xmlns:a="${NS.addressing}" xmlns:w="${NS.wsman}" xmlns="${NS.soap}">` +
    `<Header>${header}</Header><Body>${body}</Body></Envelope>`
  );
}

function positiveInt(n: number, what: string): string {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${what} must be a positive integer, got ${n}.`);
  return String(n);
}

// Re-exported so callers building EPR selectors by hand see the header form in one place.
export { serializeEprContent, serializeSelectorSet };
