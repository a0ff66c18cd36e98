/**
 * The values a simulated instance holds. Instances are plain property maps so that the device
 * model can change them in one place (Put, methods, later features such as logs or the watchdog).
 */

/** A WS-Addressing endpoint reference as AMT writes it inside instances and selectors. */
export interface EprValue {
  readonly kind: 'epr';
  readonly resourceUri: string;
  readonly selectors: readonly Selector[];
}

/** A CIM datetime/interval, written wrapped in `<common:Datetime>` (or `Interval`, `Date`, `Time`). */
export interface DatetimeValue {
  readonly kind: 'datetime';
  readonly form: 'Datetime' | 'Interval' | 'Date' | 'Time';
  readonly value: string;
}

export type Scalar = string | number | boolean | DatetimeValue | EprValue;
export type PropValue = Scalar | readonly Scalar[];
export type PropMap = Record<string, PropValue | undefined>;

export interface Selector {
  readonly name: string;
  readonly value: string | EprValue;
}

export function datetime(value: string): DatetimeValue {
  return { kind: 'datetime', form: 'Datetime', value };
}

export function epr(resourceUri: string, selectors: Record<string, string | EprValue>): EprValue {
  return {
    kind: 'epr',
    resourceUri,
    selectors: Object.entries(selectors).map(([name, value]) => ({ name, value })),
  };
}

function isObj(v: unknown): v is DatetimeValue | EprValue {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Text form of a scalar for comparisons (selectors arrive as text). */
export function scalarText(v: Scalar): string {
  if (isObj(v)) return v.kind === 'datetime' ? v.value : eprKey(v);
  return String(v);
}

function eprKey(e: EprValue): string {
  const sel = [...e.selectors]
    .map((s) => `${s.name}=${typeof s.value === 'string' ? s.value : `{${eprKey(s.value)}}`}`)
    .sort()
    .join(',');
  return `${e.resourceUri}?${sel}`;
}

/** Equality as a client means it: booleans/numbers compared by value, EPRs by URI and selector set. */
export function valuesEqual(a: PropValue | undefined, b: PropValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const aa = Array.isArray(a) ? a : [a];
  const bb = Array.isArray(b) ? b : [b];
  if (aa.length !== bb.length) return false;
  return aa.every((x, i) => scalarText(x as Scalar) === scalarText(bb[i] as Scalar));
}

/** A selector value (text or EPR) equals a key property value. */
export function selectorMatches(keyValue: PropValue | undefined, sel: string | EprValue): boolean {
  if (keyValue === undefined || Array.isArray(keyValue)) return false;
  const kv = keyValue as Scalar;
  if (typeof sel === 'string') return !isObj(kv) && String(kv) === sel;
  return isObj(kv) && kv.kind === 'epr' && eprKey(kv) === eprKey(sel);
}

export function cloneProps(p: PropMap): PropMap {
  return structuredClone(p);
}
