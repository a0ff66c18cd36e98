/**
 * Typed values from request XML (Put bodies, method inputs): xs:boolean, CIM integers with their
 * ranges, datetimes in their common-namespace wrapper, EPRs. A value of the wrong type is a schema
 * violation, as AMT's schema validation would report it.
 */
import { NS } from '../../wsman/namespaces';
import type { PropDef } from '../classes/types';
import type { DatetimeValue, EprValue, PropValue, Scalar, Selector } from '../values';
import { attrValue, childNamed, type XmlElement } from '../xml/parse';
import { WsmanFault } from './faults';

const RANGES: Record<string, readonly [bigint, bigint]> = {
  uint8: [0n, 0xffn], uint16: [0n, 0xffffn], uint32: [0n, 0xffffffffn], uint64: [0n, 0xffffffffffffffffn],
  sint8: [-0x80n, 0x7fn], sint16: [-0x8000n, 0x7fffn], sint32: [-0x80000000n, 0x7fffffffn],
  sint64: [-0x8000000000000000n, 0x7fffffffffffffffn],
};

/** `xsi:nil="true"` marks an explicitly empty (null) value. */
export function isNil(e: XmlElement): boolean {
  const v = attrValue(e, 'nil', NS.xsi);
  return v === 'true' || v === '1';
}

/** The value of one property or parameter from its element(s); `name` is for the fault text. */
export function readValue(els: readonly XmlElement[], def: PropDef, name: string): PropValue {
  if (!def.array && els.length > 1) {
    throw new WsmanFault('SchemaValidationError', `${name} appears ${els.length} times but is not an array`);
  }
  const values = els.map((e) => readScalar(e, def, name));
  return def.array ? values : values[0];
}

function readScalar(e: XmlElement, def: PropDef, name: string): Scalar {
  const text = e.text.trim();
  const bad = (): never => {
    throw new WsmanFault('SchemaValidationError', `${name} = "${text}" is not a valid ${def.type}`);
  };
  switch (def.type) {
    case 'boolean':
      if (text === 'true' || text === '1') return true;
      if (text === 'false' || text === '0') return false;
      return bad();
    case 'real': {
      const n = Number(text);
      return text !== '' && Number.isFinite(n) ? n : bad();
    }
    case 'datetime':
      return readDatetime(e) ?? bad();
    case 'epr':
      return readEpr(e);
    case 'instance':
      // An embedded instance (e.g. AddAlarm's AlarmTemplate), as JSON text of its properties:
      // name → text, datetimes and intervals unwrapped.
      return JSON.stringify(Object.fromEntries(e.children.map((c) => [c.local, (readDatetime(c)?.value ?? c.text).trim()])));
    case 'string':
    case 'base64':
    case 'hexBinary':
      if (def.type === 'base64' && !/^[A-Za-z0-9+/\s]*={0,2}$/.test(text)) return bad();
      if (def.type === 'hexBinary' && !/^([0-9A-Fa-f]{2})*$/.test(text)) return bad();
      return e.text; // strings keep their spaces
    default: {
      const range = RANGES[def.type];
      if (!/^[+-]?\d+$/.test(text)) return bad();
      const n = BigInt(text);
      if (n < range[0] || n > range[1]) return bad();
      return Number.isSafeInteger(Number(n)) ? Number(n) : n.toString();
    }
  }
}

function readDatetime(e: XmlElement): DatetimeValue | undefined {
  for (const form of ['Datetime', 'Interval', 'Date', 'Time'] as const) {
    const c = childNamed(e, NS.common, form);
    if (c) return { kind: 'datetime', form, value: c.text.trim() };
  }
  return undefined;
}

/**
 * An EPR: either an element holding Address + ReferenceParameters (a property or parameter) or
 * an `EndpointReference` element (a nested selector). Clients write Address with the plain
 * addressing URI; AMT writes the anonymous role; both are accepted.
 */
export function readEpr(e: XmlElement): EprValue {
  const refs = childNamed(e, NS.addressing, 'ReferenceParameters');
  const uri = refs && childNamed(refs, NS.wsman, 'ResourceURI')?.text.trim();
  if (!refs || !uri) throw new WsmanFault('SchemaValidationError', `${e.local} is not an endpoint reference`);
  const set = childNamed(refs, NS.wsman, 'SelectorSet');
  return { kind: 'epr', resourceUri: uri, selectors: set ? readSelectorSet(set) : [] };
}

/** `<w:Selector Name="K">V</w:Selector>` or a Selector holding `<a:EndpointReference>`. */
export function readSelectorSet(set: XmlElement): Selector[] {
  return set.children
    .filter((c) => c.ns === NS.wsman && c.local === 'Selector')
    .map((s) => {
      const name = attrValue(s, 'Name');
      if (!name) throw new WsmanFault('InvalidSelectors', 'a Selector has no Name');
      const ref = childNamed(s, NS.addressing, 'EndpointReference');
      return { name, value: ref ? readEpr(ref) : s.text.trim() };
    });
}

