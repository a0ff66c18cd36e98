/**
 * WS-Transfer Get, Put, and Create/Delete for the classes that allow them (ClassDef.create/remove,
 * e.g. AMT_AgentPresenceWatchdog; the others answer ActionNotSupported). Put replaces the writable properties it carries, keeps the others,
 * and echoes the updated instance (DMTF DSP0226 WS-Transfer). It refuses, in this order: a body that is not the
 * class element (SchemaValidationError), unknown properties or values of the wrong type
 * (SchemaValidationError), a changed key or read-only value (InvalidRepresentation/InvalidValues),
 * a missing required property (InvalidRepresentation/MissingValues, as AMT recorded it).
 */
import { ACTION, NS } from '../../wsman/namespaces';
import type { ClassInfo } from '../classes/registry';
import type { ServedInstance } from '../device';
import { valuesEqual, type PropMap, type PropValue } from '../values';
import type { XmlElement } from '../xml/parse';
import { el } from '../xml/write';
import { COMMON_PREFIX, type OpContext } from './context';
import type { Reply } from './envelope';
import { WsmanFault } from './faults';
import { hasDatetime, renderInstance } from './render';
import { findInstance, infoFor, resolveClass } from './target';
import { instanceEpr, renderEprBody } from './render';
import { isNil, readValue } from './values-in';

export function get(ctx: OpContext): Reply {
  const info = resolveClass(ctx.req.resourceUri);
  const target = findInstance(ctx.device, info, ctx.req.selectors)!;
  return instanceReply(ctx, `${ACTION.get}Response`, target);
}

export function put(ctx: OpContext): Reply {
  const info = resolveClass(ctx.req.resourceUri);
  const target = findInstance(ctx.device, info, ctx.req.selectors)!;
  const cls = infoFor(target.className);
  const changes = readPutBody(ctx.req.body, cls);
  cls.def.checkPut?.(ctx.device, changes);
  const changed = applyPut(cls, target.props, changes);
  ctx.device.notePut(target.className, target.props, changed);
  const reply = instanceReply(ctx, `${ACTION.put}Response`, target);
  return infoFor(target.className).def.emptyPutResponse ? { ...reply, body: '' } : reply;
}

/** Create → `<g:ResourceCreated>` (g = transfer) holding the new instance's EPR (DMTF DSP0226 WS-Transfer). */
export function create(ctx: OpContext): Reply {
  const info = resolveClass(ctx.req.resourceUri);
  if (!info.def.create) throw new WsmanFault('ActionNotSupported', `${info.def.name} instances cannot be created`);
  const values: PropMap = {};
  for (const [name, value] of readPutBody(ctx.req.body, info)) if (value !== null) values[name] = value;
  const created = info.def.create(ctx.device, values);
  return {
    action: `${ACTION.create}Response`,
    resourceUri: ctx.req.resourceUri,
    ns: { g: NS.transfer },
    body: el('g:ResourceCreated', renderEprBody(instanceEpr(info, created))),
  };
}

/** Delete → an empty Body (DMTF DSP0226 WS-Transfer). */
export function remove(ctx: OpContext): Reply {
  const info = resolveClass(ctx.req.resourceUri);
  if (!info.def.remove) throw new WsmanFault('ActionNotSupported', `${info.def.name} instances cannot be deleted`);
  const target = findInstance(ctx.device, info, ctx.req.selectors)!;
  infoFor(target.className).def.remove?.(ctx.device, target.props);
  return { action: `${ACTION.delete}Response`, resourceUri: ctx.req.resourceUri, ns: { g: info.uri }, body: '' };
}

function instanceReply(ctx: OpContext, action: string, target: ServedInstance): Reply {
  const cls = infoFor(target.className);
  const common = cls.def.commonNs || hasDatetime(Object.values(target.props));
  return {
    action,
    resourceUri: ctx.req.resourceUri,
    ns: { g: cls.uri, more: common ? [[COMMON_PREFIX, NS.common]] : [] },
    body: renderInstance(cls, target.props, { cls: 'g', common: COMMON_PREFIX }),
  };
}

/** name → new value, or null for an `xsi:nil` property. */
type PutChanges = Map<string, PropValue | null>;

function readPutBody(body: XmlElement, cls: ClassInfo): PutChanges {
  const [instance, ...extra] = body.children;
  if (!instance || extra.length > 0 || instance.ns !== cls.uri || instance.local !== cls.def.name) {
    throw new WsmanFault('SchemaValidationError', `the body must be exactly one ${cls.def.name} element`);
  }
  const groups = new Map<string, XmlElement[]>();
  for (const c of instance.children) {
    if (c.ns !== cls.uri) throw new WsmanFault('SchemaValidationError', `${c.local} is not in the class namespace`);
    groups.set(c.local, [...(groups.get(c.local) ?? []), c]);
  }
  const changes: PutChanges = new Map();
  for (const [name, els] of groups) {
    const def = cls.props.get(name);
    if (!def) throw new WsmanFault('SchemaValidationError', `${cls.def.name} has no property ${name}`);
    changes.set(name, els.every(isNil) ? null : readValue(els, def, name));
  }
  return changes;
}

function applyPut(cls: ClassInfo, current: PropMap, changes: PutChanges): string[] {
  const missing = [...cls.props].filter(([n, d]) => d.requiredOnPut && !changes.has(n)).map(([n]) => n);
  const changed: string[] = [];
  for (const [name, value] of changes) {
    const def = cls.props.get(name)!;
    const now = current[name];
    const same = value === null ? now === undefined : valuesEqual(value, now);
    if (same) continue;
    if (def.key) throw new WsmanFault('InvalidRepresentation', `key ${name} cannot change`, 'InvalidValues');
    if (!def.writable) throw new WsmanFault('InvalidRepresentation', `${name} is read-only`, 'InvalidValues');
    changed.push(name);
  }
  if (missing.length > 0) {
    throw new WsmanFault('InvalidRepresentation', `missing ${missing.join(', ')}`, 'MissingValues');
  }
  for (const name of changed) {
    const value = changes.get(name) as PropValue | null;
    if (value === null) delete current[name];
    else current[name] = value;
  }
  return changed;
}
