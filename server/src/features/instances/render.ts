/**
 * The one value renderer the CLI and the editor share: a property or method-output value as the
 * text a person reads — `2 (On)` with its value-map label, arrays joined by commas, a reference in
 * the `Class?Key=Value` syntax both accept, `(nil)` for xsi:nil, `""` for an empty string.
 */
import type { WsValue } from '../../wsman/types';
import { isDatetime, isEpr } from '../../wsman/types';
import { formatEpr } from './epr';

/** One value as text; `label` gives the value-map label of a plain item. */
export function valueText(v: WsValue, label: (item: string) => string | undefined = () => undefined): string {
  if (v === null) return '(nil)';
  if (typeof v === 'string') {
    const l = label(v);
    if (v === '') return '""';
    return l === undefined ? v : `${v} (${l})`;
  }
  if (Array.isArray(v)) return v.length === 0 ? '[]' : v.map((x) => valueText(x, label)).join(', ');
  if (isEpr(v)) return formatEpr(v);
  if (isDatetime(v)) return v.value;
  return `{ ${Object.entries(v).map(([k, x]) => `${k}: ${valueText(x)}`).join(', ')} }`;
}

