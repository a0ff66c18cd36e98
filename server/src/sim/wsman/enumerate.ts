/**
 * WS-Enumeration: Enumerate, Pull, Release (DMTF DSP0226; docs/simulator.md "Enumeration"). Beyond what AMT clients use, the service
 * honours DSP0226's wsman:EnumerationMode (EnumerateEPR, EnumerateObjectAndEPR),
 * wsman:OptimizeEnumeration with wsman:MaxElements (items in the EnumerateResponse) and the
 * SelectorFilter dialect. A Pull without MaxElements returns everything left (AMT clients such as
 * MeshCommander send none and expect whole classes); the context stays in the reply until the
 * last page, which carries EndOfSequence instead.
 */
import { NS } from '../../wsman/namespaces';
import type { ServedInstance } from '../device';
import { cloneProps } from '../values';
import { attrValue, childNamed, type XmlElement } from '../xml/parse';
import { el, textEl } from '../xml/write';
import type { OpContext } from './context';
import type { Reply } from './envelope';
import type { EnumerationMode, EnumerationState } from './enumeration';
import { WsmanFault } from './faults';
import { hasDatetime, instanceEpr, renderEprBody, renderInstance } from './render';
import { filterBySelectors, infoFor, resolveClass } from './target';
import { readSelectorSet } from './values-in';

const ENUMERATE_RESPONSE = 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/EnumerateResponse';
const PULL_RESPONSE = 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/PullResponse';
const RELEASE_RESPONSE = 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/ReleaseResponse';
const SELECTOR_FILTER = 'http://schemas.dmtf.org/wbem/wsman/1/wsman/SelectorFilter';

/** By the request's EnumerationMode text; a Map, so only these two names are modes. */
const MODES: ReadonlyMap<string, EnumerationMode> = new Map([['EnumerateEPR', 'epr'], ['EnumerateObjectAndEPR', 'objectAndEpr']]);

/** Prefixes for item classes after h (i is kept for the common namespace, as AMT does). */
const ITEM_PREFIXES = ['h', 'j', 'k', 'l', 'm', 'n', 'o', 'p'];

export function enumerate(ctx: OpContext): Reply {
  const info = resolveClass(ctx.req.resourceUri);
  const request = bodyChild(ctx, 'Enumerate');
  const wsman = (local: string) => childNamed(request, NS.wsman, local);

  const modeText = wsman('EnumerationMode')?.text.trim();
  const mode = modeText === undefined ? 'object' : MODES.get(modeText);
  if (!mode) throw new WsmanFault('UnsupportedFeature', `EnumerationMode ${modeText}`, 'EnumerationMode');
  const optimize = wsman('OptimizeEnumeration') !== undefined;
  const maxElements = positiveInt(wsman('MaxElements'), 'MaxElements');

  let items = ctx.device.served(info.def.name);
  const filter = childNamed(request, NS.wsman, 'Filter') ?? childNamed(request, NS.enumeration, 'Filter');
  if (filter) items = applyFilter(items, filter);
  const snapshot = items.map((i) => ({ className: i.className, props: cloneProps(i.props) }));
  const state = ctx.contexts.create(ctx.req.resourceUri!, snapshot, mode);

  let inner = textEl('g:EnumerationContext', state.id);
  let itemNs: Array<readonly [string, string]> = [];
  if (optimize) {
    const page = state.pending.splice(0, maxElements ?? 1);
    const rendered = renderItems(page, mode);
    itemNs = rendered.ns;
    inner += el('c:Items', rendered.xml);
    if (state.pending.length === 0) {
      inner += el('c:EndOfSequence');
      ctx.contexts.close(state.id);
    }
  }
  return {
    action: ENUMERATE_RESPONSE,
    resourceUri: ctx.req.resourceUri,
    ns: { g: NS.enumeration, more: itemNs },
    body: el('g:EnumerateResponse', inner),
  };
}

export function pull(ctx: OpContext): Reply {
  const request = bodyChild(ctx, 'Pull');
  const state = liveContext(ctx, request);
  const maxElements = positiveInt(childNamed(request, NS.enumeration, 'MaxElements'), 'MaxElements');
  let count = Math.min(maxElements ?? state.pending.length, state.pending.length);

  // Fit the reply into the client's MaxEnvelopeSize by returning fewer items (DMTF DSP0226, enumeration).
  const build = (n: number) => pullReply(state, n);
  let reply = build(count);
  const limit = ctx.req.maxEnvelopeSize;
  while (limit !== undefined && count > 1 && Buffer.byteLength(reply.body) + 2048 > limit) {
    count -= 1;
    reply = build(count);
  }
  if (limit !== undefined && Buffer.byteLength(reply.body) + 2048 > limit) {
    throw new WsmanFault('EncodingLimit', 'one item does not fit MaxEnvelopeSize', 'MaxEnvelopeSize');
  }
  state.pending.splice(0, count);
  if (state.pending.length === 0) ctx.contexts.close(state.id);
  return reply;
}

export function release(ctx: OpContext): Reply {
  const request = bodyChild(ctx, 'Release');
  const state = liveContext(ctx, request);
  ctx.contexts.close(state.id);
  return { action: RELEASE_RESPONSE, resourceUri: ctx.req.resourceUri, ns: { g: NS.enumeration }, body: '' };
}

function pullReply(state: EnumerationState, n: number): Reply {
  const page = state.pending.slice(0, n);
  const last = n >= state.pending.length;
  const rendered = renderItems(page, state.mode);
  const inner =
    (last ? '' : textEl('g:EnumerationContext', state.id)) +
    el('g:Items', rendered.xml) +
    (last ? el('g:EndOfSequence') : '');
  return {
    action: PULL_RESPONSE,
    resourceUri: state.resourceUri,
    ns: { g: NS.enumeration, more: rendered.ns },
    body: el('g:PullResponse', inner),
  };
}

/** Items with the namespace declarations they need: h (j, k… for further classes) and i = common. */
function renderItems(items: ServedInstance[], mode: EnumerationMode): { xml: string; ns: Array<readonly [string, string]> } {
  const prefixOf = new Map<string, string>();
  let common = false;
  for (const it of items) {
    const info = infoFor(it.className);
    if (!prefixOf.has(info.uri)) prefixOf.set(info.uri, ITEM_PREFIXES[prefixOf.size] ?? `p${prefixOf.size}`);
    common ||= !!info.def.commonNs || hasDatetime(Object.values(it.props));
  }
  const xml = items
    .map((it) => {
      const info = infoFor(it.className);
      const object = renderInstance(info, it.props, { cls: prefixOf.get(info.uri)!, common: 'i' });
      const ref = el('b:EndpointReference', renderEprBody(instanceEpr(info, it.props)));
      if (mode === 'epr') return ref;
      if (mode === 'objectAndEpr') return el('c:Item', object + ref);
      return object;
    })
    .join('');
  const ns: Array<readonly [string, string]> = [];
  const [first, ...others] = [...prefixOf].map(([uri, p]) => [p, uri] as const);
  if (first && mode !== 'epr') ns.push(first);
  if (common && mode !== 'epr') ns.push(['i', NS.common]);
  if (mode !== 'epr') ns.push(...others);
  return { xml, ns };
}

function applyFilter(items: ServedInstance[], filter: XmlElement): ServedInstance[] {
  const dialect = attrValue(filter, 'Dialect');
  if (dialect !== SELECTOR_FILTER) {
    throw new WsmanFault('FilterDialectRequestedUnavailable', `filter dialect ${dialect ?? '(none)'}`);
  }
  const set = childNamed(filter, NS.wsman, 'SelectorSet');
  if (!set) throw new WsmanFault('CannotProcessFilter', 'the SelectorFilter has no SelectorSet');
  try {
    return filterBySelectors(items, readSelectorSet(set));
  } catch (e) {
    if (e instanceof WsmanFault && e.fault === 'InvalidSelectors') throw new WsmanFault('CannotProcessFilter', e.why);
    throw e;
  }
}

function bodyChild(ctx: OpContext, local: string): XmlElement {
  const e = childNamed(ctx.req.body, NS.enumeration, local);
  if (!e) throw new WsmanFault('SchemaValidationError', `the Body has no enumeration ${local} element`);
  return e;
}

function liveContext(ctx: OpContext, request: XmlElement): EnumerationState {
  const id = childNamed(request, NS.enumeration, 'EnumerationContext')?.text.trim();
  if (!id) throw new WsmanFault('SchemaValidationError', 'no EnumerationContext');
  const state = ctx.contexts.use(id);
  if (!state) throw new WsmanFault('InvalidEnumerationContext', `${id} is unknown, finished, released or expired`);
  return state;
}

function positiveInt(e: XmlElement | undefined, name: string): number | undefined {
  if (!e) return undefined;
  const t = e.text.trim();
  if (!/^\d+$/.test(t) || Number(t) < 1) throw new WsmanFault('SchemaValidationError', `${name} must be a positive integer`);
  return Number(t);
}
