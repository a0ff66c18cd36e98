/**
 * Subscribe, Unsubscribe and Renew as the WS-Man service answers them (DMTF DSP0226 eventing; docs/simulator.md "Events and logs").
 *
 * - Subscribe: ResourceURI CIM_FilterCollection with selector InstanceID naming a collection;
 *   body `e:Subscribe` with `e:Delivery Mode=Push|PushWithAck`, `e:NotifyTo` (http/https, at most
 *   253 characters, reference parameters kept), optional `e:Expires`. Other delivery modes →
 *   DeliveryModeRequestedUnavailable; a filter in the body → FilteringNotSupported (AMT filters
 *   by collection); more than `settings.maxSubscriptions` → QuotaLimit; other classes →
 *   ActionNotSupported.
 * - SubscribeResponse (its AMT shape was never captured; docs/simulator.md): `e:SubscriptionManager` = an
 *   EPR to the CIM_FilterCollectionSubscription (Filter and Handler selectors, the form
 *   MeshCommander unsubscribes with) carrying an `e:Identifier` reference parameter as
 *   WS-Eventing asks, then `e:Expires` when one was granted.
 * - Unsubscribe / Renew find the subscription by an `e:Identifier` header, else by the
 *   Filter/Handler selectors on CIM_FilterCollectionSubscription. One that no longer exists is
 *   DestinationUnreachable by selectors (like any missing instance), and by Identifier
 *   DestinationUnreachable (Unsubscribe) or UnableToRenew (Renew).
 */
import { NS } from '../../wsman/namespaces';
import { SUBSCRIPTION_CLASS, filterEpr, handlerEpr, type DeliveryMode, type Subscription } from './subscriptions';
import { cimUri } from '../classes/common';
import { epr } from '../values';
import { childNamed, attrValue, type XmlElement } from '../xml/parse';
import { el, escapeAttr, escapeText, textEl } from '../xml/write';
import type { OpContext } from '../wsman/context';
import type { Reply } from '../wsman/envelope';
import { WsmanFault } from '../wsman/faults';
import { renderEprBody } from '../wsman/render';
import { findInstance, resolveClass } from '../wsman/target';
import { expiresAt } from './expires';

/** By the request's Delivery Mode URI (a Map: request text is never an object key). */
const MODES: ReadonlyMap<string, DeliveryMode> = new Map([
  ['http://schemas.xmlsoap.org/ws/2004/08/eventing/DeliveryModes/Push', 'Push'],
  ['http://schemas.dmtf.org/wbem/wsman/1/wsman/PushWithAck', 'PushWithAck'],
]);
/** AMT's limit on the NotifyTo URL (Intel AMT SDK). */
const MAX_NOTIFY_TO = 253;
const RESPONSE = (op: string) => `${NS.eventing}/${op}Response`;

export function subscribe(ctx: OpContext): Reply {
  const { device, req } = ctx;
  const info = resolveClass(req.resourceUri);
  if (info.def.name !== 'CIM_FilterCollection') {
    throw new WsmanFault('ActionNotSupported', `Subscribe is served on CIM_FilterCollection, not ${info.def.name}`);
  }
  const collection = findInstance(device, info, req.selectors)!;
  const body = eventingBody(req.body, 'Subscribe');
  const delivery = childNamed(body, NS.eventing, 'Delivery');
  if (!delivery) throw new WsmanFault('SchemaValidationError', 'Subscribe has no Delivery');
  const modeUri = attrValue(delivery, 'Mode') ?? 'http://schemas.xmlsoap.org/ws/2004/08/eventing/DeliveryModes/Push';
  const mode = MODES.get(modeUri);
  if (!mode) throw new WsmanFault('DeliveryModeRequestedUnavailable', `delivery mode ${modeUri}`);
  const notifyTo = childNamed(delivery, NS.eventing, 'NotifyTo');
  const address = notifyTo && childNamed(notifyTo, NS.addressing, 'Address')?.text.trim();
  if (!address) throw new WsmanFault('SchemaValidationError', 'Subscribe has no NotifyTo Address');
  if (!/^https?:\/\/[^/\s]+/i.test(address) || address.length > MAX_NOTIFY_TO) {
    throw new WsmanFault('InvalidParameter', `NotifyTo ${address} is not an http(s) URL of at most ${MAX_NOTIFY_TO} characters`);
  }
  if (childNamed(body, NS.wsman, 'Filter') || childNamed(body, NS.eventing, 'Filter')) {
    throw new WsmanFault('FilteringNotSupported', 'AMT selects events by CIM_FilterCollection, not by a filter');
  }
  if (device.eventing.list().length >= device.settings.maxSubscriptions) {
    throw new WsmanFault('QuotaLimit', `already ${device.settings.maxSubscriptions} subscriptions`);
  }
  const expiresText = childNamed(body, NS.eventing, 'Expires')?.text.trim();
  const refs = notifyTo && childNamed(notifyTo, NS.addressing, 'ReferenceParameters');
  const sub = device.eventing.add({
    filter: String(collection.props.InstanceID),
    notifyTo: address,
    mode,
    referenceParameters: refs ? refs.children.map((c) => serializeElement(c)).join('') : '',
    ...(expiresText ? { expires: expiresText, expiresAt: expiresAt(expiresText, device.now()) } : {}),
  });
  return {
    action: RESPONSE('Subscribe'),
    resourceUri: req.resourceUri,
    ns: { g: NS.eventing },
    body: el('g:SubscribeResponse', el('g:SubscriptionManager', managerEpr(sub)) + expiresElement(sub)),
  };
}

export function unsubscribe(ctx: OpContext): Reply {
  const sub = addressed(ctx, 'Unsubscribe');
  if (!sub) throw new WsmanFault('DestinationUnreachable', 'no such subscription');
  ctx.device.eventing.remove(sub);
  return { action: RESPONSE('Unsubscribe'), resourceUri: ctx.req.resourceUri, ns: { g: NS.eventing }, body: '' };
}

export function renew(ctx: OpContext): Reply {
  const sub = addressed(ctx, 'Renew');
  if (!sub) throw new WsmanFault('UnableToRenew', 'no such subscription');
  const text = childNamed(eventingBody(ctx.req.body, 'Renew'), NS.eventing, 'Expires')?.text.trim();
  ctx.device.eventing.renew(sub, text ? expiresAt(text, ctx.device.now()) : undefined, text || undefined);
  return { action: RESPONSE('Renew'), resourceUri: ctx.req.resourceUri, ns: { g: NS.eventing }, body: el('g:RenewResponse', expiresElement(sub)) };
}

/** The subscription an Unsubscribe/Renew addresses: Identifier header first, then selectors. */
function addressed(ctx: OpContext, op: string): Subscription | undefined {
  const { device, req } = ctx;
  const id = childNamed(req.header, NS.eventing, 'Identifier')?.text.trim();
  if (id) return device.eventing.byId(id);
  const info = resolveClass(req.resourceUri);
  if (info.def.name !== SUBSCRIPTION_CLASS) {
    throw new WsmanFault('ActionNotSupported', `${op} is served on ${SUBSCRIPTION_CLASS}, not ${info.def.name}`);
  }
  if (req.selectors.length === 0) throw new WsmanFault('InvalidSelectors', `${op} needs the Filter and Handler selectors`, 'InsufficientSelectors');
  const target = findInstance(device, info, req.selectors)!;
  return device.eventing.fromAssociation(target.props);
}

function managerEpr(sub: Subscription): string {
  const ref = epr(cimUri(SUBSCRIPTION_CLASS), { Filter: filterEpr(sub.filter), Handler: handlerEpr(sub.id) });
  return renderEprBody(ref, textEl('g:Identifier', `uuid:${sub.id}`));
}

function expiresElement(sub: Subscription): string {
  return sub.expires ? textEl('g:Expires', sub.expires) : '';
}

function eventingBody(body: XmlElement, local: string): XmlElement {
  const first = body.children[0];
  if (!first || first.ns !== NS.eventing || first.local !== local || body.children.length > 1) {
    throw new WsmanFault('SchemaValidationError', `the Body must be one ${local} element in ${NS.eventing}`);
  }
  return first;
}

/** Re-serialises a reference parameter with its own namespace declarations (it is echoed verbatim). */
function serializeElement(e: XmlElement, counter = { n: 0 }): string {
  const prefix = `r${counter.n++}`;
  const qname = e.ns ? `${prefix}:${e.local}` : e.local;
  const xmlns = e.ns ? ` xmlns:${prefix}="${escapeAttr(e.ns)}"` : '';
  const attrs = e.attrs.filter((a) => a.ns === '').map((a) => ` ${a.local}="${escapeAttr(a.value)}"`).join('');
  return `<${qname}${xmlns}${attrs}>${escapeText(e.text)}${e.children.map((c) => serializeElement(c, counter)).join('')}</${qname}>`;
}
