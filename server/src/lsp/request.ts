/**
 * What one request envelope says, read from its tolerant tree: the WS-Man headers, the operation
 * its Action names, the class its ResourceURI names, the selectors, and the body element.
 *
 * Elements are matched by namespace URI and local name. When a prefix is undeclared (the
 * diagnostic for that is separate) the local name alone decides, so completion and hover keep
 * working while the user is still typing the declarations.
 */
import type { Catalog, ClassInfo, MethodInfo, ParameterInfo, PropertyInfo } from '../catalog/catalog';
import { ACTION, classNameFromUri, NS } from '../wsman/namespaces';
import { substitute, type RequestBlock, type VariableLookup } from './document';
import { attr, elementText, type XAttr, type XElement } from './xmlTree';

export type Operation =
  | 'identify'
  | 'get'
  | 'put'
  | 'create'
  | 'delete'
  | 'enumerate'
  | 'pull'
  | 'release'
  | 'subscribe'
  | 'unsubscribe'
  | 'renew'
  | 'invoke'
  | 'unknown'
  | 'none';

/** Standard actions by operation, with a one-line description used by completion and hover. */
export const STANDARD_ACTIONS: readonly { op: Operation; uri: string; label: string; doc: string }[] = [
  { op: 'get', uri: ACTION.get, label: 'Get', doc: 'WS-Transfer Get: read one instance (empty body; selectors pick the instance).' },
  { op: 'put', uri: ACTION.put, label: 'Put', doc: 'WS-Transfer Put: replace an instance; the body carries the whole instance.' },
  { op: 'create', uri: ACTION.create, label: 'Create', doc: 'WS-Transfer Create: create an instance; the body carries it; the answer is a ResourceCreated reference.' },
  { op: 'delete', uri: ACTION.delete, label: 'Delete', doc: 'WS-Transfer Delete: delete the instance the selectors name (empty body).' },
  { op: 'enumerate', uri: ACTION.enumerate, label: 'Enumerate', doc: 'WS-Enumeration Enumerate: start an enumeration; the answer holds an EnumerationContext for Pull.' },
  { op: 'pull', uri: ACTION.pull, label: 'Pull', doc: 'WS-Enumeration Pull: fetch the next items of an enumeration (body carries the EnumerationContext).' },
  { op: 'release', uri: ACTION.release, label: 'Release', doc: 'WS-Enumeration Release: end an enumeration early.' },
  { op: 'subscribe', uri: ACTION.subscribe, label: 'Subscribe', doc: 'WS-Eventing Subscribe: have AMT push events to a listener (ResourceURI CIM_FilterCollection).' },
  { op: 'unsubscribe', uri: ACTION.unsubscribe, label: 'Unsubscribe', doc: 'WS-Eventing Unsubscribe: cancel a subscription.' },
  { op: 'renew', uri: ACTION.renew, label: 'Renew', doc: 'WS-Eventing Renew: extend a subscription.' },
];

/** Header elements a request may carry, with their namespace and whether the client fills them in. */
export const HEADERS: readonly { local: string; ns: string; fillable: boolean; doc: string }[] = [
  { local: 'Action', ns: NS.addressing, fillable: false, doc: 'The operation: a WS-Transfer/Enumeration/Eventing action URI, or `{ResourceURI}/{Method}` to invoke a method. Omitted only for Identify.' },
  { local: 'To', ns: NS.addressing, fillable: true, doc: 'The service address, `/wsman` (AMT also accepts the full URL). Filled in on send when omitted.' },
  { local: 'ResourceURI', ns: NS.wsman, fillable: false, doc: 'The class: `{schema prefix}{ClassName}`. Omitted only for Identify.' },
  { local: 'MessageID', ns: NS.addressing, fillable: true, doc: 'A unique id AMT copies into RelatesTo. Filled in (`uuid:…`) on send when omitted; `{{$uuid}}` makes a fresh one.' },
  { local: 'ReplyTo', ns: NS.addressing, fillable: true, doc: 'Where the answer goes: the anonymous role (the HTTP response). Filled in on send when omitted.' },
  { local: 'OperationTimeout', ns: NS.wsman, fillable: true, doc: 'An xs:duration, PT60S by default; AMT enforces at least 30 s. Filled in on send when omitted.' },
  { local: 'MaxEnvelopeSize', ns: NS.wsman, fillable: true, doc: 'Largest answer the client accepts, in bytes; AMT needs at least 50000. Filled in (51200) on send when omitted.' },
  { local: 'SelectorSet', ns: NS.wsman, fillable: false, doc: 'Selectors: key property values that pick one instance (`<w:Selector Name="Key">value</w:Selector>`).' },
];

export interface SelectorModel {
  el: XElement;
  nameAttr?: XAttr;
  name?: string;
  /** Text value (substituted); undefined for an EPR-valued selector. */
  value?: string;
}

export interface RequestModel {
  block: RequestBlock;
  envelope?: XElement;
  header?: XElement;
  body?: XElement;
  /** Header elements by local name (the first of each). */
  headers: Map<string, XElement>;
  action?: string;
  resourceUri?: string;
  operation: Operation;
  /** The class the ResourceURI names, when it is in the catalog. */
  cls?: ClassInfo;
  /** For `invoke`: the method name from the Action, and its catalog entry when known. */
  methodName?: string;
  method?: MethodInfo;
  /** The first element in Body (the instance, `{Method}_INPUT`, `Enumerate`, `Identify`, …). */
  bodyElement?: XElement;
  selectors: SelectorModel[];
}

/** True when the element is `local` in namespace `ns`, or `local` with an undeclared prefix. */
export function isElement(el: XElement | undefined, local: string, ns: string): el is XElement {
  return !!el && el.local === local && (el.ns === ns || el.ns === undefined);
}

export function textOf(el: XElement, vars: Pick<VariableLookup, 'get'>): string {
  return substitute(elementText(el), vars).text.trim();
}

export function readRequest(block: RequestBlock, catalog: Catalog, vars: Pick<VariableLookup, 'get'>): RequestModel {
  const model: RequestModel = { block, headers: new Map(), operation: 'none', selectors: [] };
  const envelope = block.xml.roots[0];
  if (!isElement(envelope, 'Envelope', NS.soap)) return model;
  model.envelope = envelope;
  model.header = envelope.children.find((c) => isElement(c, 'Header', NS.soap));
  model.body = envelope.children.find((c) => isElement(c, 'Body', NS.soap));
  for (const h of model.header?.children ?? []) if (!model.headers.has(h.local)) model.headers.set(h.local, h);
  model.bodyElement = model.body?.children[0];

  const actionEl = model.headers.get('Action');
  const uriEl = model.headers.get('ResourceURI');
  if (actionEl) model.action = textOf(actionEl, vars);
  if (uriEl) model.resourceUri = textOf(uriEl, vars);
  if (model.resourceUri) model.cls = catalog.tryGetClass(model.resourceUri);

  const standard = STANDARD_ACTIONS.find((a) => a.uri === model.action);
  if (standard) model.operation = standard.op;
  else if (!model.action) model.operation = model.bodyElement?.local === 'Identify' ? 'identify' : 'none';
  else {
    const slash = model.action.lastIndexOf('/');
    const base = model.action.slice(0, slash);
    model.methodName = model.action.slice(slash + 1);
    // A method action is `{ResourceURI}/{Method}`; anything else is an action we do not know.
    model.operation = slash > 0 && /^[A-Za-z_]\w*$/.test(model.methodName) && catalog.tryGetClass(base) ? 'invoke' : 'unknown';
    if (model.operation === 'invoke') model.method = catalog.method(base, model.methodName);
    else model.methodName = undefined;
  }

  const set = model.headers.get('SelectorSet');
  for (const s of set?.children ?? []) {
    if (s.local !== 'Selector') continue;
    const nameAttr = attr(s, 'Name');
    model.selectors.push({
      el: s,
      ...(nameAttr ? { nameAttr, name: nameAttr.value ?? '' } : {}),
      ...(s.children.length === 0 ? { value: textOf(s, vars) } : {}),
    });
  }
  return model;
}

/** `Get AMT_GeneralSettings`, `Identify`, `RequestPowerStateChange CIM_PowerManagementService`. */
export function describeRequest(model: RequestModel): string {
  const className = model.cls?.name ?? (model.resourceUri ? classNameFromUri(model.resourceUri) : '');
  let op: string;
  if (model.operation === 'identify') return 'Identify';
  if (model.operation === 'invoke') op = model.methodName ?? 'Invoke';
  else op = STANDARD_ACTIONS.find((a) => a.op === model.operation)?.label ?? (model.action ? classNameFromUri(model.action) : 'Request');
  return className ? `${op} ${className}` : op;
}

/** The class of a method action `{uri}/{Method}`, whatever the ResourceURI says. */
export function actionClass(action: string, catalog: Catalog): ClassInfo | undefined {
  const slash = action.lastIndexOf('/');
  return slash > 0 ? catalog.tryGetClass(action.slice(0, slash)) : undefined;
}

/** What an element is in the request, for completion, hover and checks. */
export type Role =
  | { kind: 'envelope' }
  | { kind: 'header' }
  | { kind: 'headerItem'; local: string }
  | { kind: 'selectorSet' }
  | { kind: 'selector'; key?: string }
  | { kind: 'body' }
  /** The instance in a Put/Create body (or an embedded instance argument). */
  | { kind: 'instance'; cls?: ClassInfo }
  | { kind: 'property'; cls: ClassInfo; name: string; prop?: PropertyInfo }
  | { kind: 'input'; cls?: ClassInfo; methodName: string; method?: MethodInfo }
  | { kind: 'param'; cls?: ClassInfo; method: MethodInfo; name: string; param?: ParameterInfo }
  /** A `<Datetime>`/`<Interval>` wrapper inside a datetime property or parameter. */
  | { kind: 'datetime'; of: PropertyInfo | ParameterInfo }
  | { kind: 'other' };

export function roleOf(el: XElement, model: RequestModel, catalog: Catalog): Role {
  if (el === model.envelope) return { kind: 'envelope' };
  if (el === model.header) return { kind: 'header' };
  if (el === model.body) return { kind: 'body' };
  const parent = el.parent;
  if (!parent) return { kind: 'other' };
  if (parent === model.header) return el.local === 'SelectorSet' ? { kind: 'selectorSet' } : { kind: 'headerItem', local: el.local };
  if (parent.local === 'SelectorSet' && parent.parent === model.header && el.local === 'Selector') {
    const name = attr(el, 'Name')?.value;
    return { kind: 'selector', ...(name ? { key: name } : {}) };
  }
  if (parent === model.body) {
    if (el.local.endsWith('_INPUT')) {
      const methodName = el.local.slice(0, -'_INPUT'.length);
      const cls = (el.ns ? catalog.tryGetClass(el.ns) : undefined) ?? model.cls;
      const method = cls?.methods.find((m) => m.name === methodName);
      return { kind: 'input', methodName, ...(cls ? { cls } : {}), ...(method ? { method } : {}) };
    }
    const byName = /^(AMT|CIM|IPS)_/.test(el.local) ? catalog.tryGetClass(el.local) : undefined;
    if (byName || model.operation === 'put' || model.operation === 'create') {
      const cls = byName ?? model.cls;
      return { kind: 'instance', ...(cls ? { cls } : {}) };
    }
    return { kind: 'other' };
  }
  const pr = roleOf(parent, model, catalog);
  if (pr.kind === 'instance' && pr.cls) {
    const prop = pr.cls.properties.find((p) => p.name === el.local);
    return { kind: 'property', cls: pr.cls, name: el.local, ...(prop ? { prop } : {}) };
  }
  if (pr.kind === 'input' && pr.method) {
    const param = pr.method.in.find((p) => p.name === el.local);
    return { kind: 'param', method: pr.method, name: el.local, ...(pr.cls ? { cls: pr.cls } : {}), ...(param ? { param } : {}) };
  }
  if (pr.kind === 'param' && pr.param?.embeddedInstance) {
    // An embedded instance argument (e.g. AddAlarm's AlarmTemplate) holds that class's properties directly.
    const cls = catalog.tryGetClass(pr.param.embeddedInstance);
    if (cls) {
      const prop = cls.properties.find((p) => p.name === el.local);
      return { kind: 'property', cls, name: el.local, ...(prop ? { prop } : {}) };
    }
  }
  const typed = pr.kind === 'property' ? pr.prop : pr.kind === 'param' ? pr.param : undefined;
  if (typed?.type === 'datetime' && /^(Datetime|Interval|Date|Time)$/.test(el.local)) return { kind: 'datetime', of: typed };
  return { kind: 'other' };
}
