/**
 * Conventional namespace prefixes for hand-written requests (spec/wsman-amt.md §1.2: `a:`
 * addressing, `w:` wsman, MeshCommander's `r:` / wsman-messages' `h:` for the class namespace),
 * and the edits that declare a missing one on the Envelope.
 */
import { NS } from '../wsman/namespaces';
import type { XElement } from './xmlTree';

/** Prefix we write for each namespace. */
export const PREFERRED_PREFIX: Record<string, string> = {
  [NS.soap]: 's',
  [NS.addressing]: 'a',
  [NS.wsman]: 'w',
  [NS.enumeration]: 'n',
  [NS.transfer]: 't',
  [NS.eventing]: 'e',
  [NS.identity]: 'wsmid',
  [NS.xsi]: 'xsi',
  [NS.xsd]: 'xsd',
  [NS.common]: 'cim',
  [NS.cimbinding]: 'b',
};

/** Prefixes people write for well-known namespaces, used to guess the declaration a quick fix adds. */
const KNOWN: Record<string, string> = {
  s: NS.soap,
  soap: NS.soap,
  env: NS.soap,
  'soap-env': NS.soap,
  a: NS.addressing,
  wsa: NS.addressing,
  addressing: NS.addressing,
  w: NS.wsman,
  wsman: NS.wsman,
  n: NS.enumeration,
  en: NS.enumeration,
  wsen: NS.enumeration,
  t: NS.transfer,
  wxf: NS.transfer,
  e: NS.eventing,
  wse: NS.eventing,
  wsmid: NS.identity,
  xsi: NS.xsi,
  xsd: NS.xsd,
  cim: NS.common,
  b: NS.cimbinding,
};

/** Prefixes conventionally bound to the class namespace of the request. */
const CLASS_PREFIXES = new Set(['h', 'p', 'r', 'g', 'c']);

/** The namespace a prefix most likely means, given the request's class namespace. */
export function guessNamespace(prefix: string, classNamespace?: string): string | undefined {
  const known = KNOWN[prefix] ?? KNOWN[prefix.toLowerCase()];
  if (known) return known;
  if (CLASS_PREFIXES.has(prefix) && classNamespace) return classNamespace;
  return undefined;
}

/** Every namespace a request may declare, with its preferred prefix (class namespace first when known). */
export function declarableNamespaces(classNamespace?: string): { prefix: string; ns: string }[] {
  const list = Object.entries(PREFERRED_PREFIX).map(([ns, prefix]) => ({ prefix, ns }));
  return classNamespace ? [{ prefix: 'h', ns: classNamespace }, ...list] : list;
}

/**
 * How to write an element of namespace `ns` at `at`: the prefix in scope, or a preferred prefix plus
 * the declaration to add to the Envelope (`declare`) when none is in scope.
 */
export function qualify(at: XElement | undefined, ns: string, local: string, fallbackPrefix?: string): { name: string; declare?: { prefix: string; ns: string } } {
  if (at) {
    if (at.scope.get('') === ns) return { name: local };
    for (const [p, uri] of at.scope) if (p !== '' && uri === ns) return { name: `${p}:${local}` };
  }
  let prefix = fallbackPrefix ?? PREFERRED_PREFIX[ns] ?? 'h';
  // Never reuse a prefix already bound to another namespace.
  for (let i = 2; at?.scope.has(prefix); i++) prefix = `${fallbackPrefix ?? PREFERRED_PREFIX[ns] ?? 'h'}${i}`;
  return { name: `${prefix}:${local}`, declare: { prefix, ns } };
}

/** Offset where a new attribute goes in an element's start tag (just before `>` / `/>`). */
export function attributeInsertOffset(el: XElement, text: string): number {
  const end = el.startTagEnd ?? el.end;
  let p = end;
  if (text[p - 1] === '>') p--;
  if (text[p - 1] === '/') p--;
  while (p > el.nameEnd && /\s/.test(text[p - 1]!)) p--;
  return p;
}
