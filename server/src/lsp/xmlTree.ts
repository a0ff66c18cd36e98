/**
 * A tolerant, position-tracking XML reader for editor features.
 *
 * Why not fast-xml-parser (used for the well-formedness verdict in diagnostics.ts): it reports no
 * offsets for elements, attributes or text, and it gives up on the half-typed markup an editor sees
 * all the time (`<w:Sel`, `Name="`), which is exactly where completion has to work. Event parsers
 * such as sax recover differently per error and do not expose the token under the cursor either.
 * This reader never throws: it builds the best tree it can and lists the problems it met, each
 * with an offset range. All offsets are absolute offsets into the text given (the whole .wsman
 * file), so callers turn them into LSP positions with `TextDocument.positionAt`.
 */

export interface XAttr {
  /** Qualified name as written, e.g. `xmlns:w` or `Name`. */
  name: string;
  prefix?: string;
  local: string;
  nameStart: number;
  nameEnd: number;
  /** Raw value between the quotes (entities not decoded), undefined when there is no `=`/value yet. */
  value?: string;
  /** Offsets of the value inside the quotes. */
  valueStart?: number;
  valueEnd?: number;
}

export interface XText {
  start: number;
  end: number;
  /** Raw text (entities not decoded; CDATA content as is). */
  text: string;
}

export interface XElement {
  name: string;
  prefix?: string;
  local: string;
  /** Offset of `<`. */
  start: number;
  nameStart: number;
  nameEnd: number;
  /** Offset just after the start tag's `>`; undefined when the start tag is unterminated. */
  startTagEnd?: number;
  selfClosing: boolean;
  /** Offset of the end tag's `</`, when there is one. */
  endTagStart?: number;
  endTagNameStart?: number;
  endTagNameEnd?: number;
  /** Offset just after the element (its end tag, or its start tag when self-closing or unclosed). */
  end: number;
  attrs: XAttr[];
  children: XElement[];
  texts: XText[];
  parent?: XElement;
  /** Resolved namespace URI; undefined when the prefix is not declared. '' = no namespace. */
  ns?: string;
  /** Prefix → namespace URI in scope at this element ('' = default namespace). */
  scope: Map<string, string>;
}

export interface XProblem {
  message: string;
  start: number;
  end: number;
  code: 'xml.malformed' | 'xml.doctype' | 'xml.undeclaredPrefix';
  /** For `xml.undeclaredPrefix`: the prefix that has no xmlns declaration. */
  prefix?: string;
}

export interface XDocument {
  /** Top-level elements (a well-formed envelope has exactly one). */
  roots: XElement[];
  /** Top-level non-whitespace text ranges (always a problem). */
  strayText: XText[];
  problems: XProblem[];
  /** Comment ranges, kept so the formatter can write them back. */
  comments: { start: number; end: number }[];
  start: number;
  end: number;
}

const NAME_START = /[A-Za-z_\u00C0-\uFFFF]/;
const NAME_CHAR = /[-A-Za-z0-9_.:\u00B7\u00C0-\uFFFF]/;
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

function splitName(name: string): { prefix?: string; local: string } {
  const colon = name.indexOf(':');
  return colon < 0 ? { local: name } : { prefix: name.slice(0, colon), local: name.slice(colon + 1) };
}

/** Reads the XML in `text[start, end)`. */
export function parseXmlTree(text: string, start = 0, end = text.length): XDocument {
  const doc: XDocument = { roots: [], strayText: [], problems: [], comments: [], start, end };
  const stack: XElement[] = [];
  const problem = (message: string, s: number, e: number, code: XProblem['code'] = 'xml.malformed') =>
    doc.problems.push({ message, start: s, end: Math.max(e, s + 1), code });
  const addText = (s: number, e: number, raw: string) => {
    if (s >= e) return;
    const top = stack[stack.length - 1];
    if (top) top.texts.push({ start: s, end: e, text: raw });
    else if (raw.trim() !== '') doc.strayText.push({ start: s, end: e, text: raw });
  };
  const readName = (p: number): number => {
    if (p < end && NAME_START.test(text[p]!)) {
      p++;
      while (p < end && NAME_CHAR.test(text[p]!)) p++;
    }
    return p;
  };

  let pos = start;
  while (pos < end) {
    const lt = text.indexOf('<', pos);
    const textEnd = lt < 0 || lt >= end ? end : lt;
    addText(pos, textEnd, text.slice(pos, textEnd));
    pos = textEnd;
    if (pos >= end) break;

    if (text.startsWith('<!--', pos)) {
      const close = text.indexOf('-->', pos + 4);
      const stop = close < 0 || close + 3 > end ? end : close + 3;
      if (stop === end && (close < 0 || close + 3 > end)) problem('The comment is not closed with "-->".', pos, pos + 4);
      doc.comments.push({ start: pos, end: stop });
      pos = stop;
    } else if (text.startsWith('<![CDATA[', pos)) {
      const close = text.indexOf(']]>', pos + 9);
      const stop = close < 0 || close + 3 > end ? end : close + 3;
      if (close < 0 || close + 3 > end) problem('The CDATA section is not closed with "]]>".', pos, pos + 9);
      addText(pos, stop, text.slice(pos + 9, close < 0 || close + 3 > end ? end : close));
      pos = stop;
    } else if (text.startsWith('<?', pos)) {
      const close = text.indexOf('?>', pos + 2);
      const stop = close < 0 || close + 2 > end ? end : close + 2;
      if (close < 0 || close + 2 > end) problem('The processing instruction is not closed with "?>".', pos, pos + 2);
      pos = stop;
    } else if (text.startsWith('<!', pos)) {
      // DOCTYPE and entity declarations are refused outright (entity expansion attacks, and AMT never uses them).
      // An internal subset `[ … ]` holds `>` characters of its own; the declaration ends at `]>`.
      const bracket = text.indexOf('[', pos);
      let close = text.indexOf('>', pos);
      if (bracket >= 0 && bracket < close) close = text.indexOf(']>', bracket) < 0 ? -1 : text.indexOf(']>', bracket) + 1;
      const stop = close < 0 || close >= end ? end : close + 1;
      doc.problems.push({ message: 'DOCTYPE and entity declarations are not allowed in WS-Man requests; remove it.', start: pos, end: stop, code: 'xml.doctype' });
      pos = stop;
    } else if (text.startsWith('</', pos)) {
      pos = readEndTag(pos);
    } else {
      pos = readStartTag(pos);
    }
  }
  for (let i = stack.length - 1; i >= 0; i--) {
    const el = stack[i]!;
    problem(`The element <${el.name}> is not closed; add </${el.name}>.`, el.start, el.startTagEnd ?? el.nameEnd);
    el.end = end;
  }
  for (const t of doc.strayText) problem('Text outside the envelope is not allowed; remove it or put it inside an element.', t.start, t.end);
  if (doc.roots.length > 1) {
    const extra = doc.roots[1]!;
    problem('A request holds exactly one <Envelope>; start another request with a "###" line.', extra.start, extra.nameEnd);
  }
  for (const root of doc.roots) resolveNamespaces(root, new Map([['xml', XML_NS]]), doc.problems);
  return doc;

  function readEndTag(lt: number): number {
    const nameStart = lt + 2;
    const nameEnd = readName(nameStart);
    const name = text.slice(nameStart, nameEnd);
    let p = nameEnd;
    while (p < end && /\s/.test(text[p]!)) p++;
    let stop: number;
    if (p < end && text[p] === '>') stop = p + 1;
    else {
      problem(`The end tag </${name}> is not closed with ">".`, lt, nameEnd);
      stop = p;
    }
    const idx = findOpen(name);
    if (idx < 0) {
      problem(name ? `The end tag </${name}> has no matching start tag; remove it.` : 'An end tag needs an element name.', lt, stop);
      return Math.max(stop, lt + 2);
    }
    for (let i = stack.length - 1; i > idx; i--) {
      const open = stack[i]!;
      problem(`The element <${open.name}> is not closed before </${name}>; add </${open.name}>.`, open.start, open.startTagEnd ?? open.nameEnd);
      open.end = lt;
    }
    stack.length = idx + 1;
    const el = stack.pop()!;
    el.endTagStart = lt;
    el.endTagNameStart = nameStart;
    el.endTagNameEnd = nameEnd;
    el.end = stop;
    return Math.max(stop, lt + 2);
  }

  function findOpen(name: string): number {
    for (let i = stack.length - 1; i >= 0; i--) if (stack[i]!.name === name) return i;
    return -1;
  }

  function readStartTag(lt: number): number {
    const nameStart = lt + 1;
    const nameEnd = readName(nameStart);
    const name = text.slice(nameStart, nameEnd);
    const parent = stack[stack.length - 1];
    const el: XElement = {
      name,
      ...splitName(name),
      start: lt,
      nameStart,
      nameEnd,
      selfClosing: false,
      end: nameEnd,
      attrs: [],
      children: [],
      texts: [],
      parent,
      scope: new Map(),
    };
    if (!name) problem('"<" starts a tag and must be followed by an element name; write &lt; for a literal "<".', lt, lt + 1);
    let p = nameEnd;
    for (;;) {
      while (p < end && /\s/.test(text[p]!)) p++;
      if (p >= end || text[p] === '<') break;
      if (text[p] === '>') {
        el.startTagEnd = p + 1;
        break;
      }
      if (text.startsWith('/>', p)) {
        el.startTagEnd = p + 2;
        el.selfClosing = true;
        break;
      }
      const attrEnd = readName(p);
      if (attrEnd === p) {
        problem(`Unexpected "${text[p]}" in the tag <${name}>.`, p, p + 1);
        p++;
        continue;
      }
      const attr: XAttr = { name: text.slice(p, attrEnd), ...splitName(text.slice(p, attrEnd)), nameStart: p, nameEnd: attrEnd };
      el.attrs.push(attr);
      p = attrEnd;
      let q = p;
      while (q < end && /\s/.test(text[q]!)) q++;
      if (text[q] !== '=') {
        problem(`The attribute ${attr.name} needs a value: ${attr.name}="…".`, attr.nameStart, attr.nameEnd);
        continue;
      }
      q++;
      while (q < end && /\s/.test(text[q]!)) q++;
      const quote = text[q];
      if (quote !== '"' && quote !== "'") {
        problem(`The value of ${attr.name} must be in quotes.`, attr.nameStart, q);
        p = q;
        continue;
      }
      let close = q + 1;
      while (close < end && text[close] !== quote && text[close] !== '<') close++;
      attr.valueStart = q + 1;
      attr.valueEnd = close;
      attr.value = text.slice(q + 1, close);
      if (text[close] !== quote) {
        problem(`The value of ${attr.name} is missing its closing ${quote}.`, q, close);
        p = close;
      } else p = close + 1;
    }
    if (el.startTagEnd === undefined) {
      // An unterminated start tag is taken as an empty element so it does not swallow its siblings.
      if (name) problem(`The tag <${name}> is not closed with ">".`, lt, nameEnd);
      el.end = p;
    } else el.end = el.startTagEnd;
    if (parent) parent.children.push(el);
    else doc.roots.push(el);
    if (el.startTagEnd !== undefined && !el.selfClosing) stack.push(el);
    return Math.max(el.startTagEnd ?? p, lt + 1);
  }
}

function resolveNamespaces(el: XElement, parentScope: Map<string, string>, problems: XProblem[]): void {
  let scope = parentScope;
  for (const a of el.attrs) {
    if (a.name === 'xmlns' || a.prefix === 'xmlns') {
      if (scope === parentScope) scope = new Map(parentScope);
      scope.set(a.name === 'xmlns' ? '' : a.local, a.value ?? '');
    }
  }
  el.scope = scope;
  const prefix = el.prefix ?? '';
  el.ns = scope.get(prefix) ?? (prefix === '' ? '' : undefined);
  if (el.ns === undefined) {
    problems.push({
      message: `The prefix "${prefix}" of <${el.name}> is not declared; add xmlns:${prefix}="…".`,
      start: el.nameStart,
      end: el.nameEnd,
      code: 'xml.undeclaredPrefix',
      prefix,
    });
  }
  for (const a of el.attrs) {
    if (a.prefix && a.prefix !== 'xmlns' && !scope.has(a.prefix)) {
      problems.push({
        message: `The prefix "${a.prefix}" of the attribute ${a.name} is not declared; add xmlns:${a.prefix}="…".`,
        start: a.nameStart,
        end: a.nameEnd,
        code: 'xml.undeclaredPrefix',
        prefix: a.prefix,
      });
    }
  }
  for (const c of el.children) resolveNamespaces(c, scope, problems);
}

/** Namespace URI of an attribute ('' when unprefixed, undefined when its prefix is undeclared). */
export function attrNs(el: XElement, a: XAttr): string | undefined {
  if (!a.prefix) return '';
  return el.scope.get(a.prefix);
}

/** Direct text of an element, raw (CDATA content included), concatenated. */
export function elementText(el: XElement): string {
  return el.texts.map((t) => t.text).join('');
}

/** The first attribute with this local name and no prefix (or any prefix when `anyPrefix`). */
export function attr(el: XElement, local: string): XAttr | undefined {
  return el.attrs.find((a) => a.local === local && !a.prefix) ?? el.attrs.find((a) => a.local === local && a.prefix !== 'xmlns');
}

/** Child elements with this local name. */
export function children(el: XElement, local?: string): XElement[] {
  return local === undefined ? el.children : el.children.filter((c) => c.local === local);
}

/** Every element of the tree, depth first. */
export function* walk(el: XElement): Generator<XElement> {
  yield el;
  for (const c of el.children) yield* walk(c);
}

/** The prefix declared for `ns` in scope at `el` (preferring non-default prefixes), or undefined. */
export function prefixFor(el: XElement, ns: string): string | undefined {
  let fallback: string | undefined;
  for (const [p, uri] of el.scope) {
    if (uri !== ns) continue;
    // A later re-declaration of the same prefix would shadow it; scope maps hold the innermost one already.
    if (p !== '') return p;
    fallback = '';
  }
  return fallback;
}
