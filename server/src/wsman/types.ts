/**
 * Plain data shapes of the WS-Man engine. Parsed instances are plain objects whose key order is the
 * element order on the wire; repeated elements become arrays; references become EndpointReference.
 */

/** A selector value is a string or a nested reference (EPR selectors). */
export type SelectorValue = string | EndpointReference;
export type Selectors = Record<string, SelectorValue>;

/** A WS-Addressing endpoint reference as AMT writes it (Address + ReferenceParameters). */
export interface EndpointReference {
  readonly kind: 'epr';
  address: string;
  resourceUri: string;
  selectors: Selectors;
}

/** A CIM datetime wrapper (`<Datetime>` / `<Interval>` / `<Date>` in the common namespace). */
export interface CimDatetime {
  readonly kind: 'datetime';
  /** `Datetime`, `Interval`, `Date` or `Time`: the wrapper element's local name. */
  form: string;
  value: string;
}

/**
 * A property value: text, `null` for xsi:nil, an array for repeated elements, a reference, a
 * datetime, or an ordered object of child elements (embedded structures).
 */
export type WsValue = string | null | EndpointReference | CimDatetime | WsValue[] | { [name: string]: WsValue };

/** One instance: the class name (element local name), its namespace URI, and its properties in wire order. */
export interface Instance {
  className: string;
  namespace: string;
  properties: Record<string, WsValue>;
}

export function isEpr(v: unknown): v is EndpointReference {
  return typeof v === 'object' && v !== null && (v as { kind?: string }).kind === 'epr';
}

export function isDatetime(v: unknown): v is CimDatetime {
  return typeof v === 'object' && v !== null && (v as { kind?: string }).kind === 'datetime';
}

/**
 * An instance written inside a method argument in its own class namespace, e.g. the
 * `IPS_AlarmClockOccurrence` template of `AMT_AlarmClockService.AddAlarm`.
 */
export interface EmbeddedInstance {
  readonly kind: 'instance';
  /** Class name or full resource URI; the namespace of the child elements. */
  classOrUri: string;
  properties: Record<string, WsInput>;
}

/** What a caller may pass as a property or method argument: parsed values plus plain numbers and booleans. */
export type WsInput =
  | WsValue
  | number
  | boolean
  | EmbeddedInstance
  | WsInput[]
  | { [name: string]: WsInput };

/** One enumerated item: the instance, its reference, or both (EnumerateObjectAndEPR). */
export interface EnumItem {
  instance?: Instance;
  epr?: EndpointReference;
}

export function isEmbeddedInstance(v: unknown): v is EmbeddedInstance {
  return typeof v === 'object' && v !== null && (v as { kind?: string }).kind === 'instance';
}
