/**
 * Namespace-aware XML reading for the simulator. fast-xml-parser does the tokenising; this file
 * resolves prefixes to namespace URIs (the parser itself only knows prefixed names) and decodes the
 * predefined entities itself, because entity processing in the parser is switched off: a device must
 * never expand DOCTYPE-declared entities (billion-laughs) or fetch external ones.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface XmlAttr {
  readonly ns: string;
  readonly local: string;
  readonly value: string;
}

export interface XmlElement {
  readonly ns: string;
  readonly local: string;
  readonly attrs: readonly XmlAttr[];
  readonly children: readonly XmlElement[];
  /** Concatenated character data directly inside this element (entities decoded, CDATA verbatim). */
  readonly text: string;
}

/** The document is not acceptable XML (malformed, DOCTYPE, unknown prefix or entity). */
export class XmlError extends Error {}

const XML_NS = 'http://www.w3.org/XML/1998/namespace';

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  cdataPropName: '#cdata',
  ignoreDeclaration: true,
  ignorePiTags: true,
});

type RawNode = Record<string, unknown> & { ':@'?: Record<string, string> };

/** Parses one XML document and returns its root element. Throws XmlError for anything unacceptable. */
export function parseXml(text: string): XmlElement {
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) {
    throw new XmlError('DOCTYPE and entity declarations are not accepted.');
  }
  const verdict = XMLValidator.validate(text);
  if (verdict !== true) throw new XmlError(`Malformed XML: ${verdict.err.msg}`);
  const nodes = parser.parse(text) as RawNode[];
  const roots = nodes.filter((n) => elementName(n) !== undefined);
  if (roots.length !== 1) throw new XmlError('The document must have exactly one root element.');
  return build(roots[0], new Map([['xml', XML_NS]]));
}

function elementName(node: RawNode): string | undefined {
  return Object.keys(node).find((k) => k !== ':@' && k !== '#text' && k !== '#cdata');
}

/**
 * `scope` is one mutable prefix → URI map for the whole document: an element's declarations are
 * set on entry and the previous bindings restored on exit. Copying the map per element instead made
 * a root with many declarations and many children quadratic (20,000 × 50,000 did not finish in 60 s).
 */
function build(node: RawNode, scope: Map<string, string>): XmlElement {
  const qname = elementName(node)!;
  const rawAttrs = node[':@'] ?? {};
  const saved: Array<[string, string | undefined]> = [];
  for (const [name, value] of Object.entries(rawAttrs)) {
    const prefix = name === 'xmlns' ? '' : name.startsWith('xmlns:') ? name.slice(6) : undefined;
    if (prefix === undefined) continue;
    saved.push([prefix, scope.get(prefix)]);
    scope.set(prefix, decodeEntities(value));
  }
  try {
    const { ns, local } = resolve(qname, scope, true);
    const attrs: XmlAttr[] = [];
    for (const [name, value] of Object.entries(rawAttrs)) {
      if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
      const a = resolve(name, scope, false);
      attrs.push({ ns: a.ns, local: a.local, value: decodeEntities(value) });
    }
    const children: XmlElement[] = [];
    let text = '';
    for (const child of node[qname] as RawNode[]) {
      if ('#text' in child) text += decodeEntities(String(child['#text']));
      else if ('#cdata' in child) text += (child['#cdata'] as RawNode[]).map((c) => String(c['#text'] ?? '')).join('');
      else if (elementName(child) !== undefined) children.push(build(child, scope));
    }
    return { ns, local, attrs, children, text };
  } finally {
    for (let i = saved.length - 1; i >= 0; i--) {
      const [prefix, previous] = saved[i];
      if (previous === undefined) scope.delete(prefix);
      else scope.set(prefix, previous);
    }
  }
}

function resolve(qname: string, scope: Map<string, string>, isElement: boolean): { ns: string; local: string } {
  const colon = qname.indexOf(':');
  if (colon < 0) return { ns: isElement ? (scope.get('') ?? '') : '', local: qname };
  const prefix = qname.slice(0, colon);
  const ns = scope.get(prefix);
  if (ns === undefined) throw new XmlError(`The prefix "${prefix}" is not declared.`);
  return { ns, local: qname.slice(colon + 1) };
}

/** A Map, so `&constructor;` or `&toString;` is an undefined entity, not an Object.prototype member. */
const NAMED: ReadonlyMap<string, string> = new Map([['lt', '<'], ['gt', '>'], ['amp', '&'], ['quot', '"'], ['apos', "'"]]);

/** Decodes the five predefined entities and character references; anything else is refused. */
function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&([^;&\s]*);?/g, (whole, ref: string) => {
    if (!whole.endsWith(';')) throw new XmlError('A bare "&" is not allowed in XML text.');
    const named = NAMED.get(ref);
    if (named !== undefined) return named;
    const m = /^#(x[0-9a-fA-F]+|[0-9]+)$/.exec(ref);
    if (!m) throw new XmlError(`The entity "&${ref};" is not defined.`);
    const code = m[1].startsWith('x') ? parseInt(m[1].slice(1), 16) : parseInt(m[1], 10);
    if (code > 0x10ffff) throw new XmlError(`"&${ref};" is not a character.`);
    return String.fromCodePoint(code);
  });
}

/** Child elements with the given namespace and local name. */
export function childrenNamed(el: XmlElement, ns: string, local: string): XmlElement[] {
  return el.children.filter((c) => c.ns === ns && c.local === local);
}

/** The first child element with the given namespace and local name. */
export function childNamed(el: XmlElement, ns: string, local: string): XmlElement | undefined {
  return el.children.find((c) => c.ns === ns && c.local === local);
}

/** Attribute value by local name (and namespace, default none). */
export function attrValue(el: XmlElement, local: string, ns = ''): string | undefined {
  return el.attrs.find((a) => a.local === local && a.ns === ns)?.value;
}
