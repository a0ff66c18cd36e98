/**
 * The one XML reader of the engine: fast-xml-parser in ordered mode, turned into a small
 * namespace-resolved element tree. AMT writes a:, b:, c:, g:, h: prefixes whose meaning changes
 * per response (and hand-written envelopes use other prefixes or default namespaces), so every
 * consumer matches on (namespace URI, local name), never on the prefix.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { XmlError } from './errors';

export interface XmlAttr {
  /** The name as written, e.g. `xsi:nil`. */
  name: string;
  local: string;
  /** Namespace URI; '' for unprefixed attributes. */
  ns: string;
  value: string;
}

export interface XmlElement {
  /** The qualified name as written, e.g. `g:AMT_GeneralSettings`. */
  name: string;
  local: string;
  /** Resolved namespace URI; '' when the element is in no namespace. */
  ns: string;
  attrs: XmlAttr[];
  children: XmlElement[];
  /** Concatenated direct text content, entities decoded, whitespace kept. */
  text: string;
  /** Prefix → namespace URI in scope at this element ('' = default namespace); resolves QName values such as fault subcodes. */
  scope: ReadonlyMap<string, string>;
}

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

// Entities are decoded here rather than by the parser: the parser's decoder would also accept
// names defined in a DOCTYPE, and we want exactly the five XML entities plus character references.
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: '#cdata',
});

/** Parses one XML document. Throws XmlError: `xml.doctype` for DTDs/entity declarations, `xml.malformed` otherwise. */
export function parseXml(text: string): XmlElement {
  let source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // Some recorded replies have blank lines before `<?xml …?>`, which XML forbids; they are dropped,
  // and line numbers in errors are shifted back so they still point into the caller's text.
  const lead = /^\s+(?=<\?xml[\s?])/.exec(source)?.[0] ?? '';
  const lineOffset = lead.split('\n').length - 1;
  source = source.slice(lead.length);
  if (source.trim() === '') throw malformed('the document is empty');
  try {
    prescan(source);
  } catch (err) {
    throw shiftLines(err, lineOffset);
  }
  const verdict = XMLValidator.validate(source);
  if (verdict !== true) {
    const { msg, line, col } = verdict.err;
    throw malformed(msg, line ? line + lineOffset : line, col);
  }
  let ordered: OrderedNode[];
  try {
    ordered = parser.parse(source) as OrderedNode[];
  } catch (err) {
    throw new XmlError('xml.malformed', `The XML is malformed: ${(err as Error).message}`);
  }
  const roots = ordered.filter((n) => elementName(n) !== undefined);
  const strayText = ordered.some((n) => typeof n['#text'] === 'string' && n['#text'].trim() !== '');
  if (roots.length !== 1 || strayText) {
    throw malformed(roots.length === 0 ? 'the document has no root element' : 'the document must have exactly one root element and no text outside it');
  }
  return toElement(roots[0]!, new Map([['xml', XML_NS]]));
}

/** Escapes text for use in element content or a double-quoted attribute. */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Child elements, optionally only those with this local name (and namespace). */
export function childElements(el: XmlElement, local?: string, ns?: string): XmlElement[] {
  return el.children.filter((c) => (local === undefined || c.local === local) && (ns === undefined || c.ns === ns));
}

export function firstChild(el: XmlElement, local: string, ns?: string): XmlElement | undefined {
  return el.children.find((c) => c.local === local && (ns === undefined || c.ns === ns));
}

export function attrValue(el: XmlElement, local: string, ns = ''): string | undefined {
  return el.attrs.find((a) => a.local === local && a.ns === ns)?.value;
}

/** Resolves a QName written as element content (e.g. `b:DestinationUnreachable`) against the element's scope. */
export function resolveQName(el: XmlElement, qname: string): { ns: string; local: string } {
  const q = qname.trim();
  const colon = q.indexOf(':');
  if (colon < 0) return { ns: el.scope.get('') ?? '', local: q };
  return { ns: el.scope.get(q.slice(0, colon)) ?? '', local: q.slice(colon + 1) };
}

// ---- internals ---------------------------------------------------------------------------

type OrderedNode = { [key: string]: unknown; ':@'?: Record<string, string>; '#text'?: string };

function elementName(node: OrderedNode): string | undefined {
  return Object.keys(node).find((k) => k !== ':@' && k !== '#text' && k !== '#cdata');
}

function toElement(node: OrderedNode, parentScope: ReadonlyMap<string, string>): XmlElement {
  const name = elementName(node)!;
  const rawAttrs = node[':@'] ?? {};
  let scope = parentScope;
  for (const [key, raw] of Object.entries(rawAttrs)) {
    if (key === 'xmlns' || key.startsWith('xmlns:')) {
      if (scope === parentScope) scope = new Map(parentScope);
      (scope as Map<string, string>).set(key === 'xmlns' ? '' : key.slice(6), decodeEntities(raw));
    }
  }
  const { ns, local } = resolveName(name, scope, true);
  const attrs: XmlAttr[] = Object.entries(rawAttrs).map(([attrName, raw]) => {
    const isDecl = attrName === 'xmlns' || attrName.startsWith('xmlns:');
    const resolved = isDecl ? { ns: XMLNS_NS, local: attrName.slice(6) || 'xmlns' } : resolveName(attrName, scope, false);
    return { name: attrName, local: resolved.local, ns: resolved.ns, value: decodeEntities(raw) };
  });
  const children: XmlElement[] = [];
  let text = '';
  for (const child of (node[name] as OrderedNode[]) ?? []) {
    if (typeof child['#text'] === 'string') text += decodeEntities(child['#text']);
    else if (Array.isArray(child['#cdata'])) text += (child['#cdata'] as OrderedNode[]).map((t) => String(t['#text'] ?? '')).join('');
    else if (elementName(child) !== undefined) children.push(toElement(child, scope));
  }
  return { name, local, ns, attrs, children, text, scope };
}

function resolveName(qname: string, scope: ReadonlyMap<string, string>, isElement: boolean): { ns: string; local: string } {
  const colon = qname.indexOf(':');
  if (colon < 0) return { ns: isElement ? (scope.get('') ?? '') : '', local: qname };
  const prefix = qname.slice(0, colon);
  const ns = scope.get(prefix);
  if (ns === undefined) {
    throw malformed(`the namespace prefix "${prefix}" of <${qname}> is not declared (add xmlns:${prefix}="…")`);
  }
  return { ns, local: qname.slice(colon + 1) };
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);/g, (whole, ref: string) => {
    if (ref[0] !== '#') return NAMED[ref] ?? whole;
    const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/**
 * Refuses DTDs before the parser sees them (entity expansion is the classic XML attack, and no
 * WS-Man message needs a DTD), and checks every `&` starts one of the references XML defines
 * without a DTD. Comments and CDATA sections are skipped because their text is not markup.
 */
function prescan(src: string): void {
  let i = 0;
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    const amp = src.indexOf('&', i);
    if (lt < 0 && amp < 0) return;
    if (amp >= 0 && (lt < 0 || amp < lt)) {
      const ref = /^&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/.exec(src.slice(amp, amp + 16));
      if (!ref) {
        const name = /^&([^;\s<&]{0,32})/.exec(src.slice(amp, amp + 40))?.[1] ?? '';
        const { line, col } = position(src, amp);
        throw malformed(`"&${name}" is not a known entity reference; only &lt; &gt; &amp; &quot; &apos; and &#…; are allowed, write a literal & as &amp;`, line, col);
      }
      i = amp + ref[0].length;
      continue;
    }
    if (src.startsWith('<!--', lt)) {
      i = skipTo(src, lt, '-->');
    } else if (src.startsWith('<![CDATA[', lt)) {
      i = skipTo(src, lt, ']]>');
    } else if (/^<!(DOCTYPE|ENTITY)/i.test(src.slice(lt, lt + 9))) {
      const { line, col } = position(src, lt);
      throw new XmlError(
        'xml.doctype',
        `The XML contains a DOCTYPE or entity declaration (line ${line}, column ${col}); WS-Man messages never need one and it is refused to prevent entity-expansion attacks, so remove it.`,
        line,
        col,
      );
    } else {
      i = lt + 1;
    }
  }
}

function shiftLines(err: unknown, offset: number): unknown {
  if (offset === 0 || !(err instanceof XmlError) || err.line === undefined) return err;
  const line = err.line + offset;
  return new XmlError(err.code as 'xml.doctype' | 'xml.malformed', err.message.replace(/line \d+/, `line ${line}`), line, err.column);
}

function skipTo(src: string, from: number, terminator: string): number {
  const end = src.indexOf(terminator, from);
  return end < 0 ? src.length : end + terminator.length;
}

function position(src: string, index: number): { line: number; col: number } {
  const before = src.slice(0, index);
  const line = before.split('\n').length;
  return { line, col: index - before.lastIndexOf('\n') };
}

function malformed(what: string, line?: number, col?: number): XmlError {
  const where = line ? (col ? ` at line ${line}, column ${col}` : ` at line ${line}`) : '';
  const detail = what.replace(/\.$/, '');
  return new XmlError('xml.malformed', `The XML is malformed${where}: ${detail}.`, line || undefined, col || undefined);
}
