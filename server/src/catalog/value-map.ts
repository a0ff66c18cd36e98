/**
 * CIM value maps: `{ "2": "On", "11..32767": "DMTF Reserved", "0x7FFF..0xFFFF": "Vendor Specific", "..": "DMTF Reserved" }`.
 * Keys are exact values, inclusive ranges (decimal or 0x hex, either end may be open), or `..` (any other value).
 */
export type ValueMap = Readonly<Record<string, string>>;

export interface CompiledValueMap {
  /** The map as written. */
  readonly map: ValueMap;
  /** The label for a value: an exact key first, then the narrowest range, then `..`. */
  label(value: string | number | bigint): string | undefined;
  /** The value for a label (ignoring case), exact keys only; undefined when none or ambiguous. */
  valueOf(label: string): string | undefined;
}

interface Range {
  lo: bigint | undefined;
  hi: bigint | undefined;
  label: string;
}

function parseBound(text: string): bigint | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (/^0x[0-9a-f]+$/i.test(t) || /^-?\d+$/.test(t)) return BigInt(t);
  return undefined;
}

/** Integer value of a wire value (`"2"`, `2`, `"0x10"`), or undefined for non-integers. */
function asInteger(value: string | number | bigint): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : undefined;
  const t = value.trim();
  if (/^[+-]?\d+$/.test(t) || /^0x[0-9a-f]+$/i.test(t)) return BigInt(t.replace(/^\+/, ''));
  return undefined;
}

export function compileValueMap(map: ValueMap): CompiledValueMap {
  const exactText = new Map<string, string>();
  const exactInt = new Map<bigint, string>();
  const ranges: Range[] = [];
  let rest: string | undefined;
  for (const [key, label] of Object.entries(map)) {
    const k = key.trim();
    const dots = k.indexOf('..');
    if (k === '..') {
      rest = label;
    } else if (dots >= 0) {
      const lo = parseBound(k.slice(0, dots));
      const hi = parseBound(k.slice(dots + 2));
      ranges.push({ lo, hi, label });
    } else {
      exactText.set(k, label);
      const n = asInteger(k);
      if (n !== undefined) exactInt.set(n, label);
    }
  }
  const width = (r: Range): bigint => (r.lo === undefined || r.hi === undefined ? BigInt(Number.MAX_SAFE_INTEGER) ** 2n : r.hi - r.lo);
  ranges.sort((a, b) => (width(a) < width(b) ? -1 : width(a) > width(b) ? 1 : 0));
  return Object.freeze({
    map,
    label(value: string | number | bigint): string | undefined {
      const n = asInteger(value);
      if (n === undefined) return typeof value === 'string' ? exactText.get(value.trim()) : undefined;
      const exact = exactInt.get(n);
      if (exact !== undefined) return exact;
      for (const r of ranges) {
        if ((r.lo === undefined || n >= r.lo) && (r.hi === undefined || n <= r.hi)) return r.label;
      }
      return rest;
    },
    valueOf(label: string): string | undefined {
      const lower = label.trim().toLowerCase();
      const hits = [...exactText.entries()].filter(([, l]) => l.toLowerCase() === lower);
      return hits.length === 1 ? hits[0][0] : undefined;
    },
  });
}
