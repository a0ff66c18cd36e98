/**
 * A reference as one line of text, the same syntax the CLI and the method form accept for EPR
 * arguments: `CIM_ComputerSystem?CreationClassName=CIM_ComputerSystem&Name=ManagedSystem`.
 */
import { AmtError } from '../../errors';
import type { EndpointReference, Selectors } from '../../wsman/types';
import { classNameFromUri, resourceUriFor } from '../../wsman/namespaces';

/**
 * One-line text form of a reference, the same syntax the CLI accepts for EPR arguments:
 * `CIM_ComputerSystem?CreationClassName=CIM_ComputerSystem&Name=ManagedSystem`. Nested reference
 * selectors are written in parentheses.
 */
export function formatEpr(epr: EndpointReference): string {
  const cls = classNameFromUri(epr.resourceUri);
  const sel = Object.entries(epr.selectors)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? encodeSelectorText(v) : `(${formatEpr(v)})`}`)
    .join('&');
  return sel ? `${cls}?${sel}` : cls;
}

/** Escapes what parseEprText would misread: `%`, `&`, and parentheses unless balanced and not leading. */
function encodeSelectorText(v: string): string {
  const keepParens = !v.startsWith('(') && balanced(v);
  return v.replace(keepParens ? /[%&]/g : /[%&()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function balanced(v: string): boolean {
  let depth = 0;
  for (const ch of v) {
    if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

/**
 * Parses `Class?K=V&K2=V2` (or a full resource URI before `?`) into a reference. Values may use
 * %XX escapes (write `&` as %26); a value in parentheses is itself a reference.
 */
export function parseEprText(text: string): EndpointReference {
  const t = text.trim();
  const q = t.indexOf('?');
  const cls = q < 0 ? t : t.slice(0, q);
  if (!cls) throw new AmtError('args.epr', `"${text}" is not a reference; write it as Class?Key=Value&Key2=Value2.`);
  let resourceUri: string;
  try {
    resourceUri = resourceUriFor(cls);
  } catch (err) {
    throw new AmtError('args.epr', `"${text}" does not start with an AMT_, CIM_ or IPS_ class name or a resource URI; write it as Class?Key=Value&Key2=Value2.`, { cause: err });
  }
  const selectors: Selectors = {};
  if (q >= 0) {
    for (const part of splitTopLevel(t.slice(q + 1))) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      if (eq <= 0) throw new AmtError('args.epr', `The selector "${part}" in "${text}" has no name; write each selector as Key=Value.`);
      const key = part.slice(0, eq);
      const raw = part.slice(eq + 1);
      selectors[key] = raw.startsWith('(') && raw.endsWith(')') ? parseEprText(raw.slice(1, -1)) : decodeText(raw);
    }
  }
  return { kind: 'epr', address: '', resourceUri, selectors };
}

/** Splits on `&` outside parentheses. */
function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    if (ch === '&' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

function decodeText(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

