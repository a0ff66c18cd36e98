/**
 * The scanner behind parseXml/parseXmlAsync (xml.ts): one pass over the text, building the
 * element tree directly, with the safety rules checked on the way. It reads the document in
 * windows (`feed`) so a large reply never has to exist as one string, and stops after any token
 * (`run` with a budget) so the caller can yield to the event loop.
 */
import { XmlError } from './errors';
import type { XmlAttr, XmlElement, XmlLimits } from './xml';

export const XML_LIMITS = Object.freeze({ maxBytes: 64 * 1024 * 1024, maxElements: 1_000_000, maxDepth: 100 });

export type ScanState = 0 | 1 | 2;
export const DONE: ScanState = 0;
export const MORE: ScanState = 1;
export const INPUT: ScanState = 2;

/** Longest single tag, comment, CDATA section or processing instruction carried from one window to the next. */
const MAX_PENDING = 4 * 1024 * 1024;

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
const ROOT_SCOPE: ReadonlyMap<string, string> = new Map([['xml', XML_NS]]);
const NO_ATTRS: XmlAttr[] = Object.freeze([]) as unknown as XmlAttr[];
/** Shared by every element without children until its first child arrives (an empty array per leaf is ~1/3 of a leaf's memory). */
const NO_CHILDREN: XmlElement[] = Object.freeze([]) as unknown as XmlElement[];

type Fail = (at: number, what: string) => XmlError;

/** Characters XML 1.0 forbids; a string (not bytes) may also carry unpaired surrogates. */
const BAD_CHAR = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;
const BAD_CHAR_OR_SURROGATE = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export class Scanner {
  #src: string;
  readonly #badChar: RegExp;
  readonly #maxElements: number;
  readonly #maxDepth: number;
  #pos = 0;
  #checked = 0;
  #elements = 0;
  #root: XmlElement | undefined;
  readonly #stack: XmlElement[] = [];
  #done = false;
  #final: boolean;
  /** Window bookkeeping: characters consumed before this window, lines before it, and the last newline before it. */
  #base = 0;
  #lineBase = 1;
  #lastNewline = -1;
  readonly #failAt: Fail = (at, what) => this.#fail(at, what);
  /** One shared copy of each tag name and its local part, so a million elements hold a few hundred strings. */
  readonly #names = new Map<string, QName>();

  /** `final`: `src` is the whole document; otherwise more follows through `feed`. */
  constructor(src: string, fromBytes: boolean, limits: XmlLimits, final = true) {
    this.#src = src;
    this.#final = final;
    this.#badChar = fromBytes ? BAD_CHAR : BAD_CHAR_OR_SURROGATE;
    this.#maxElements = limits.maxElements ?? XML_LIMITS.maxElements;
    this.#maxDepth = limits.maxDepth ?? XML_LIMITS.maxDepth;
    let p = src.charCodeAt(0) === 0xfeff ? 1 : 0;
    // Some recorded replies have blank lines before `<?xml …?>`, which XML forbids; they are skipped.
    const lead = /^\s+(?=<\?xml[\s?])/.exec(src.slice(p, p + 4096));
    if (lead) p += lead[0].length;
    this.#pos = p;
    this.#checked = p;
    if (final && isBlank(src, p, src.length)) throw this.#fail(-1, 'the document is empty');
    if (src.startsWith('<?xml', p) && /[\s?]/.test(src[p + 5] ?? '')) this.#declaration(fromBytes);
  }

  /** The next window of the document; what the last window left unscanned is kept in front of it. */
  feed(text: string, final: boolean): void {
    const src = this.#src;
    const pos = this.#pos;
    for (let i = src.indexOf('\n'); i >= 0 && i < pos; i = src.indexOf('\n', i + 1)) {
      this.#lineBase++;
      this.#lastNewline = this.#base + i;
    }
    if (src.length - pos > MAX_PENDING) {
      throw new XmlError('xml.limit', `The reply has a single tag, comment or CDATA section over ${MAX_PENDING / 1024 / 1024} MiB; WS-Man replies have none that large, so the reply is refused.`);
    }
    this.#base += pos;
    this.#src = pos < src.length ? src.slice(pos) + text : text;
    this.#pos = 0;
    this.#checked = 0;
    this.#final = final;
  }

  /**
   * Scans at least `budget` characters of the window, or to its end. Returns DONE when the
   * document is complete, MORE when the budget ran out, INPUT when the window is used up.
   */
  run(budget: number): ScanState {
    const src = this.#src;
    const final = this.#final;
    // Before a window's last '<' every tag is complete: a tag cannot contain '<'.
    const lastLt = final ? src.length : src.lastIndexOf('<');
    const stop = Math.min(src.length, this.#pos + budget);
    let input = false;
    while (this.#pos < stop) {
      const lt = src.indexOf('<', this.#pos);
      if (lt < 0) {
        if (final) {
          this.#text(this.#pos, src.length);
        } else {
          // Keep back a reference that may continue in the next window.
          const amp = src.lastIndexOf('&');
          this.#text(this.#pos, amp >= this.#pos && src.length - amp <= 12 && src.indexOf(';', amp) < 0 ? amp : src.length);
          input = true;
        }
        break;
      }
      if (lt !== this.#pos) this.#text(this.#pos, lt);
      if ((!final && lt >= lastLt) || !this.#markup(lt)) {
        input = true;
        break;
      }
    }
    this.#checkChars();
    if (!final) return input || this.#pos >= src.length ? INPUT : MORE;
    if (this.#pos < src.length) return MORE;
    if (this.#stack.length > 0) {
      const open = this.#stack[this.#stack.length - 1]!;
      throw this.#fail(src.length, `the document ends before <${open.name}> is closed (the reply is cut short)`);
    }
    if (!this.#root) throw this.#fail(-1, 'the document has no root element');
    this.#done = true;
    return DONE;
  }

  #where(at: number): { line: number; col: number } {
    const src = this.#src;
    let line = this.#lineBase;
    let lastNl = -1;
    for (let i = src.indexOf('\n'); i >= 0 && i < at; i = src.indexOf('\n', i + 1)) {
      line++;
      lastNl = i;
    }
    return { line, col: lastNl >= 0 ? at - lastNl : this.#base + at - this.#lastNewline };
  }

  /** `at` < 0: no position. */
  #fail(at: number, what: string): XmlError {
    if (at < 0) return new XmlError('xml.malformed', `The XML is malformed: ${what}.`);
    const { line, col } = this.#where(at);
    return new XmlError('xml.malformed', `The XML is malformed at line ${line}, column ${col}: ${what}.`, line, col);
  }

  #intern(name: string): QName {
    let q = this.#names.get(name);
    if (!q) {
      const colon = name.indexOf(':');
      q = { name, prefix: colon < 0 ? '' : name.slice(0, colon), local: colon < 0 ? name : name.slice(colon + 1), colon };
      this.#names.set(name, q);
    }
    return q;
  }

  result(): XmlElement {
    if (!this.#done || !this.#root) throw new Error('parse not finished');
    return this.#root;
  }

  #checkChars(): void {
    if (this.#pos <= this.#checked) return;
    const region = this.#src.slice(this.#checked, this.#pos);
    const bad = this.#badChar.exec(region);
    if (bad) {
      const code = bad[0].charCodeAt(0);
      throw this.#fail(this.#checked + bad.index, `the character U+${code.toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML`);
    }
    this.#checked = this.#pos;
  }

  #declaration(fromBytes: boolean): void {
    const src = this.#src;
    const end = src.indexOf('?>', this.#pos);
    if (end < 0) throw this.#fail(this.#pos, 'the XML declaration is not closed with ?>');
    const decl = src.slice(this.#pos, end);
    const enc = /encoding\s*=\s*["']([^"']*)["']/.exec(decl)?.[1];
    if (fromBytes && enc !== undefined && !/^utf-?8$/i.test(enc)) {
      throw new XmlError('xml.encoding', `The reply declares the encoding "${enc}"; AMT always answers in UTF-8, so the reply comes from another kind of device or is damaged.`);
    }
    this.#pos = end + 2;
  }

  #text(from: number, to: number): void {
    const src = this.#src;
    const top = this.#stack[this.#stack.length - 1];
    this.#pos = to;
    const blank = isBlank(src, from, to);
    if (!top) {
      if (!blank) throw this.#fail(from, 'the document must have exactly one root element and no text outside it');
      return;
    }
    // Indentation between child elements is dropped: it is not content, and keeping it cost a
    // string per element. Any other text is kept, decoded.
    if (blank && top.children.length > 0) return;
    let raw = src.slice(from, to);
    if (raw.includes('&')) raw = decodeRefs(raw, from, this.#failAt);
    top.text = top.text === '' ? raw : top.text + raw;
  }

  /** False when the markup at `lt` continues in the next window. */
  #markup(lt: number): boolean {
    const src = this.#src;
    const next = src.charCodeAt(lt + 1);
    if (next === 0x2f /* / */) {
      this.#closeTag(lt);
      return true;
    }
    if (next === 0x3f /* ? */) {
      if (src.startsWith('<?xml', lt) && /[\s?]/.test(src[lt + 5] ?? '')) throw this.#fail(lt, 'an XML declaration is only allowed at the very start');
      const end = src.indexOf('?>', lt + 2);
      if (end < 0 && !this.#final) return false;
      if (end < 0) throw this.#fail(lt, 'a processing instruction is not closed with ?>');
      this.#pos = end + 2;
      return true;
    }
    if (next === 0x21 /* ! */) {
      if (src.startsWith('<!--', lt)) {
        const end = src.indexOf('-->', lt + 4);
        if (end < 0 && !this.#final) return false;
        if (end < 0) throw this.#fail(lt, 'a comment is not closed with -->');
        this.#pos = end + 3;
        return true;
      }
      if (src.startsWith('<![CDATA[', lt)) {
        const top = this.#stack[this.#stack.length - 1];
        if (!top) throw this.#fail(lt, 'a CDATA section is only allowed inside the root element');
        const end = src.indexOf(']]>', lt + 9);
        if (end < 0 && !this.#final) return false;
        if (end < 0) throw this.#fail(lt, 'a CDATA section is not closed with ]]>');
        top.text += src.slice(lt + 9, end);
        this.#pos = end + 3;
        return true;
      }
      if (/^<!(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i.test(src.slice(lt, lt + 10))) {
        const { line, col } = this.#where(lt);
        throw new XmlError(
          'xml.doctype',
          `The XML contains a DOCTYPE or entity declaration (line ${line}, column ${col}); WS-Man messages never need one and it is refused to prevent entity-expansion attacks, so remove it.`,
          line,
          col,
        );
      }
      throw this.#fail(lt, 'markup starting with "<!" must be a comment or a CDATA section');
    }
    this.#openTag(lt);
    return true;
  }

  #openTag(lt: number): void {
    const src = this.#src;
    const parent = this.#stack[this.#stack.length - 1];
    if (!parent && this.#root) throw this.#fail(lt, 'the document must have exactly one root element and no text outside it');
    let p = lt + 1;
    const nameEnd = scanName(src, p);
    if (nameEnd === p) throw this.#fail(lt, 'a "<" must start a tag; write a literal < as &lt;');
    const name = src.slice(p, nameEnd);
    p = nameEnd;

    let raw: { name: string; value: string }[] | undefined;
    let scope = parent ? parent.scope : ROOT_SCOPE;
    let selfClosing = false;
    for (;;) {
      const ws = skipSpace(src, p);
      const c = src.charCodeAt(ws);
      if (c === 0x3e /* > */) {
        p = ws + 1;
        break;
      }
      if (c === 0x2f /* / */ && src.charCodeAt(ws + 1) === 0x3e) {
        p = ws + 2;
        selfClosing = true;
        break;
      }
      if (ws === p) throw this.#fail(ws, ws >= src.length ? `the tag <${name}> is not closed (the reply is cut short)` : `unexpected "${src[ws]}" in the tag <${name}>`);
      const attrEnd = scanName(src, ws);
      if (attrEnd === ws) throw this.#fail(ws, `unexpected "${src[ws]}" in the tag <${name}>`);
      const attrName = src.slice(ws, attrEnd);
      let q = skipSpace(src, attrEnd);
      if (src.charCodeAt(q) !== 0x3d /* = */) throw this.#fail(q, `the attribute ${attrName} of <${name}> has no ="value"`);
      q = skipSpace(src, q + 1);
      const quote = src[q];
      if (quote !== '"' && quote !== "'") throw this.#fail(q, `the value of the attribute ${attrName} of <${name}> must be in quotes`);
      const close = src.indexOf(quote, q + 1);
      if (close < 0) throw this.#fail(q, `the value of the attribute ${attrName} of <${name}> is not closed`);
      let value = src.slice(q + 1, close);
      if (value.includes('<')) throw this.#fail(q, `the value of the attribute ${attrName} of <${name}> contains "<"; write it as &lt;`);
      if (value.includes('&')) value = decodeRefs(value, q + 1, this.#failAt);
      raw ??= [];
      for (const a of raw) if (a.name === attrName) throw this.#fail(ws, `the attribute ${attrName} appears twice in <${name}>`);
      raw.push({ name: attrName, value });
      if (attrName === 'xmlns' || attrName.startsWith('xmlns:')) {
        if (scope === (parent ? parent.scope : ROOT_SCOPE)) scope = new Map(scope);
        (scope as Map<string, string>).set(attrName === 'xmlns' ? '' : attrName.slice(6), value);
      }
      p = close + 1;
    }
    if (++this.#elements > this.#maxElements) {
      throw new XmlError('xml.limit', `The reply has more than ${this.#maxElements.toLocaleString('en-US')} elements, over what this client accepts in one reply; ask for fewer items per Pull (MaxElements).`);
    }
    if (this.#stack.length >= this.#maxDepth) {
      const { line, col } = this.#where(lt);
      throw new XmlError('xml.limit', `The XML nests elements more than ${this.#maxDepth} levels deep (line ${line}, column ${col}); WS-Man replies never nest that deep, so the reply is refused.`, line, col);
    }
    const qname = this.#intern(name);
    const { ns, local } = resolveName(this.#failAt, lt, qname.name, scope, true, qname);
    const attrs: XmlAttr[] = raw
      ? raw.map((a) => {
          const isDecl = a.name === 'xmlns' || a.name.startsWith('xmlns:');
          const r = isDecl ? { ns: XMLNS_NS, local: a.name.slice(6) || 'xmlns' } : resolveName(this.#failAt, lt, a.name, scope, false);
          return { name: a.name, local: r.local, ns: r.ns, value: a.value };
        })
      : NO_ATTRS;
    const el: XmlElement = { name: qname.name, local, ns, attrs, children: NO_CHILDREN, text: '', scope };
    if (!parent) this.#root = el;
    else if (parent.children === NO_CHILDREN) {
      // The parent's text so far was indentation before its first child.
      if (parent.text !== '' && parent.text.trim() === '') parent.text = '';
      parent.children = [el];
    } else parent.children.push(el);
    if (!selfClosing) this.#stack.push(el);
    this.#pos = p;
  }

  #closeTag(lt: number): void {
    const src = this.#src;
    const top = this.#stack[this.#stack.length - 1];
    if (top && src.startsWith(top.name, lt + 2)) {
      const after = lt + 2 + top.name.length;
      if (src.charCodeAt(after) === 0x3e) {
        this.#stack.pop();
        this.#pos = after + 1;
        return;
      }
    }
    const nameEnd = scanName(src, lt + 2);
    const name = src.slice(lt + 2, nameEnd);
    const gt = skipSpace(src, nameEnd);
    if (src.charCodeAt(gt) !== 0x3e) throw this.#fail(lt, gt >= src.length ? `the closing tag </${name}> is not finished (the reply is cut short)` : `the closing tag </${name}> is not closed with >`);
    const open = this.#stack.pop();
    if (!open) throw this.#fail(lt, `the closing tag </${name}> has no opening tag`);
    if (open.name !== name) throw this.#fail(lt, `the closing tag </${name}> does not match <${open.name}>`);
    this.#pos = gt + 1;
  }
}

function isNameChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x3a || c === 0x2d || c === 0x2e || (c >= 0xb7 && c !== 0xd7 && c !== 0xf7 && c < 0xfffe)
  );
}

/** End of the XML name starting at `p` (== p when there is none: names cannot start with a digit, - or .). */
function scanName(src: string, p: number): number {
  const first = src.charCodeAt(p);
  if (!isNameChar(first) || (first >= 0x30 && first <= 0x39) || first === 0x2d || first === 0x2e) return p;
  let i = p + 1;
  while (i < src.length && isNameChar(src.charCodeAt(i))) i++;
  return i;
}

function isBlank(src: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = src.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}

function skipSpace(src: string, p: number): number {
  let c = src.charCodeAt(p);
  while (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) c = src.charCodeAt(++p);
  return p;
}

interface QName {
  name: string;
  prefix: string;
  local: string;
  colon: number;
}

function resolveName(fail: Fail, at: number, qname: string, scope: ReadonlyMap<string, string>, isElement: boolean, parts?: QName): { ns: string; local: string } {
  const colon = parts ? parts.colon : qname.indexOf(':');
  if (colon < 0) return { ns: isElement ? (scope.get('') ?? '') : '', local: qname };
  const prefix = parts ? parts.prefix : qname.slice(0, colon);
  const local = parts ? parts.local : qname.slice(colon + 1);
  if (prefix === '' || local === '' || local.includes(':')) throw fail(at, `"${qname}" is not a valid qualified name`);
  const ns = scope.get(prefix);
  if (ns === undefined) throw fail(at, `the namespace prefix "${prefix}" of <${qname}> is not declared (add xmlns:${prefix}="…")`);
  return { ns, local };
}

/** Decodes the five XML entities and character references in `raw` (found at `at`); anything else is refused. */
function decodeRefs(raw: string, at: number, fail: Fail): string {
  let out = '';
  let last = 0;
  for (let amp = raw.indexOf('&'); amp >= 0; amp = raw.indexOf('&', last)) {
    const semi = raw.indexOf(';', amp);
    const ref = semi > amp && semi - amp <= 12 ? raw.slice(amp + 1, semi) : '';
    let value = NAMED[ref];
    if (value === undefined && ref[0] === '#') {
      const digits = ref[1] === 'x' ? ref.slice(2) : ref.slice(1);
      const valid = ref[1] === 'x' ? /^[0-9a-fA-F]{1,6}$/.test(digits) : /^[0-9]{1,7}$/.test(digits);
      const code = valid ? parseInt(digits, ref[1] === 'x' ? 16 : 10) : NaN;
      if (!isXmlChar(code)) {
        throw fail(at + amp, `"&${ref};" does not name a character XML allows (U+0000, surrogates, U+FFFE and U+FFFF and most control characters are refused)`);
      }
      value = String.fromCodePoint(code);
    }
    if (value === undefined) {
      const name = /^&([^;\s<&]{0,32})/.exec(raw.slice(amp, amp + 40))?.[1] ?? '';
      throw fail(at + amp, `"&${name}" is not a known entity reference; only &lt; &gt; &amp; &quot; &apos; and &#…; are allowed, write a literal & as &amp;`);
    }
    out += raw.slice(last, amp) + value;
    last = semi + 1;
  }
  return out + raw.slice(last);
}

function isXmlChar(c: number): boolean {
  return c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}
