/** Property text as numbers and booleans, for features that read single values (boot, consent, redirection). */
import type { WsValue } from '../../wsman/types';

/** `true` only for the text `true` (any case, surrounding space ignored). */
export function wsBool(v: WsValue | undefined): boolean {
  return typeof v === 'string' && v.trim().toLowerCase() === 'true';
}

/** A non-negative integer, or undefined for anything else (absent, nil, not a number). */
export function wsInt(v: WsValue | undefined): number | undefined {
  return typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : undefined;
}
