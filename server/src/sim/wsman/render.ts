/**
 * Instances, values and EPRs to XML in the success layout (b = addressing, c = wsman). Only
 * populated properties are written, in ASCII order unless the class says otherwise, arrays as
 * repeated elements, datetimes wrapped in the common namespace, EPRs as Address + ReferenceParameters.
 */
import { ANONYMOUS } from '../../wsman/namespaces';
import type { ClassInfo } from '../classes/registry';
import type { EprValue, PropMap, PropValue, Scalar } from '../values';
import { el, textEl } from '../xml/write';

export interface RenderPrefixes {
  /** Prefix of the instance's class namespace. */
  readonly cls: string;
  /** Prefix bound to the CIM common namespace (datetimes). */
  readonly common: string;
}

export function propertyOrder(info: ClassInfo, props: PropMap): string[] {
  const present = Object.keys(props).filter((k) => props[k] !== undefined);
  const explicit = info.def.order;
  if (!explicit) return present.sort();
  const rest = present.filter((k) => !explicit.includes(k)).sort();
  return [...explicit.filter((k) => present.includes(k)), ...rest];
}

export function renderInstance(info: ClassInfo, props: PropMap, p: RenderPrefixes): string {
  const inner = propertyOrder(info, props)
    .map((name) => renderValue(`${p.cls}:${name}`, props[name]!, p.common))
    .join('');
  return el(`${p.cls}:${info.def.name}`, inner);
}

/** One property or method output: the element repeated for arrays, omitted for empty arrays. */
export function renderValue(qname: string, value: PropValue, commonPrefix: string): string {
  const list: readonly Scalar[] = Array.isArray(value) ? value : [value as Scalar];
  return list.map((v) => renderScalar(qname, v, commonPrefix)).join('');
}

function renderScalar(qname: string, v: Scalar, commonPrefix: string): string {
  if (typeof v === 'object') {
    if (v.kind === 'datetime') return el(qname, textEl(`${commonPrefix}:${v.form}`, v.value));
    return el(qname, renderEprBody(v));
  }
  return textEl(qname, typeof v === 'boolean' ? (v ? 'true' : 'false') : String(v));
}

/**
 * The inside of an EPR: `<b:Address>` and `<b:ReferenceParameters>` with ResourceURI and selectors;
 * `extra` is serialised XML appended to the reference parameters (e.g. a WS-Eventing Identifier).
 */
export function renderEprBody(e: EprValue, extra = ''): string {
  const selectors = e.selectors
    .map((s) =>
      typeof s.value === 'string'
        ? textEl('c:Selector', s.value, { Name: s.name })
        : el('c:Selector', el('b:EndpointReference', renderEprBody(s.value)), { Name: s.name }),
    )
    .join('');
  return (
    textEl('b:Address', ANONYMOUS) +
    el('b:ReferenceParameters', textEl('c:ResourceURI', e.resourceUri) + el('c:SelectorSet', selectors) + extra)
  );
}

/** The EPR that addresses an instance: its class URI and its key values in ASCII order. */
export function instanceEpr(info: ClassInfo, props: PropMap): EprValue {
  return {
    kind: 'epr',
    resourceUri: info.uri,
    selectors: info.keys
      .filter((k) => props[k] !== undefined)
      .map((k) => {
        const v = props[k] as Scalar;
        return { name: k, value: typeof v === 'object' && v.kind === 'epr' ? v : String(v) };
      }),
  };
}

/** Whether any value needs the common namespace (a datetime somewhere). */
export function hasDatetime(values: Iterable<PropValue | undefined>): boolean {
  for (const v of values) {
    if (v === undefined) continue;
    const list = Array.isArray(v) ? v : [v];
    if (list.some((s) => typeof s === 'object' && s.kind === 'datetime')) return true;
  }
  return false;
}
