/**
 * Reading a request envelope: the addressing and wsman headers the simulator understands, the
 * selector set (plain or nested-EPR selectors) and the body. Anything malformed becomes a fault.
 */
import { NS } from '../../wsman/namespaces';
import type { Selector } from '../values';
import { attrValue, childNamed, parseXml, XmlError, type XmlElement } from '../xml/parse';
import { WsmanFault } from './faults';
import { readSelectorSet } from './values-in';

export interface WsmanRequest {
  readonly header: XmlElement;
  readonly body: XmlElement;
  readonly action?: string;
  readonly messageId?: string;
  readonly resourceUri?: string;
  readonly selectors: readonly Selector[];
  readonly maxEnvelopeSize?: number;
}

/** Header elements the simulator acts on or may safely ignore even when marked mustUnderstand. */
const UNDERSTOOD = new Set([
  `${NS.addressing} To`, `${NS.addressing} Action`, `${NS.addressing} MessageID`, `${NS.addressing} ReplyTo`,
  `${NS.addressing} FaultTo`, `${NS.addressing} From`, `${NS.addressing} RelatesTo`,
  `${NS.wsman} ResourceURI`, `${NS.wsman} SelectorSet`, `${NS.wsman} OperationTimeout`,
  `${NS.wsman} MaxEnvelopeSize`, `${NS.wsman} Locale`, `${NS.wsman} DataLocale`,
  // WS-Eventing: a subscription manager's Identifier, echoed by clients on Unsubscribe/Renew.
  `${NS.eventing} Identifier`,
]);

/**
 * The MessageID of a request that could not be parsed, for RelatesTo in its fault: picked out of
 * the text by a pattern with bounded repetition (never expanding anything, never a second parse).
 */
export function peekMessageId(xml: string): string | undefined {
  return /<(?:[\w.-]{1,64}:)?MessageID(?:\s[^<>]{0,256})?>([^<&]{1,256})<\//.exec(xml)?.[1].trim();
}

export function readRequest(xml: string): WsmanRequest {
  let env: XmlElement;
  try {
    env = parseXml(xml);
  } catch (e) {
    throw new WsmanFault('SchemaValidationError', e instanceof XmlError ? e.message : 'unreadable XML');
  }
  if (env.ns !== NS.soap || env.local !== 'Envelope') {
    throw new WsmanFault('SchemaValidationError', 'the root element is not a SOAP 1.2 Envelope');
  }
  const header = childNamed(env, NS.soap, 'Header');
  const h = header ?? { ns: NS.soap, local: 'Header', attrs: [], children: [], text: '' };
  const text = (ns: string, local: string) => childNamed(h, ns, local)?.text.trim();
  const messageId = text(NS.addressing, 'MessageID');
  try {
    return readParsed(env, h, text, messageId);
  } catch (e) {
    // The header was readable, so the fault can relate to this request's MessageID.
    if (e instanceof WsmanFault && messageId !== undefined) e.relatesTo ??= messageId;
    throw e;
  }
}

function readParsed(
  env: XmlElement,
  h: XmlElement,
  text: (ns: string, local: string) => string | undefined,
  messageId: string | undefined,
): WsmanRequest {
  const body = childNamed(env, NS.soap, 'Body');
  if (!body) throw new WsmanFault('SchemaValidationError', 'the envelope has no Body');
  for (const c of h.children) {
    const mu = attrValue(c, 'mustUnderstand', NS.soap);
    if ((mu === 'true' || mu === '1') && !UNDERSTOOD.has(`${c.ns} ${c.local}`)) {
      throw new WsmanFault('MustUnderstand', `header ${c.local} is marked mustUnderstand`);
    }
  }
  const maxEnv = text(NS.wsman, 'MaxEnvelopeSize');
  let maxEnvelopeSize: number | undefined;
  if (maxEnv !== undefined) {
    if (!/^\d+$/.test(maxEnv)) throw new WsmanFault('SchemaValidationError', 'MaxEnvelopeSize is not a number');
    maxEnvelopeSize = Number(maxEnv);
  }
  const selectorSet = childNamed(h, NS.wsman, 'SelectorSet');
  return {
    header: h,
    body,
    action: text(NS.addressing, 'Action'),
    messageId,
    resourceUri: text(NS.wsman, 'ResourceURI'),
    selectors: selectorSet ? readSelectorSet(selectorSet) : [],
    maxEnvelopeSize,
  };
}

/** The first element child of the Body, if any. */
export function bodyElement(req: WsmanRequest): XmlElement | undefined {
  return req.body.children[0];
}
