/**
 * The one XML reader of the engine: a single linear pass from the reply's bytes to a small
 * namespace-resolved element tree. AMT writes a:, b:, c:, g:, h: prefixes whose meaning changes
 * per response (and hand-written envelopes use other prefixes or default namespaces), so every
 * consumer matches on (namespace URI, local name), never on the prefix.
 *
 * Why a scanner of our own rather than fast-xml-parser (already a dependency, used by the bench as
 * the baseline): its parse neither checks well-formedness (that is `XMLValidator`, a second pass)
 * nor character validity, nesting depth or an element budget, and it produces its own ordered
 * tree that had to be copied into this one (a third pass and a copy). This scanner does all of
 * that in one pass, building `XmlElement`s directly: per character it runs `indexOf` for the next
 * markup character and one regular-expression test for characters XML forbids, both native and
 * linear, and never looks back. It measures faster than fast-xml-parser's bare parse of the same
 * reply (`npm run bench`, "XML reader"). It keeps an explicit stack instead of recursing, so it
 * can stop after any token: `parseXmlAsync` parses a large reply in slices of a few milliseconds
 * and yields to the event loop between them. A worker thread was rejected: the tree would come
 * back by structured clone, whose deserialisation on the main thread costs about as much as the
 * parse it was meant to move.
 *
 * Refused, each with a typed `XmlError`: DOCTYPE and entity declarations (never expanded),
 * references other than the five XML entities and character references to XML characters
 * (`&#0;`, `&#xD800;` are refused), characters XML forbids, bytes that are not UTF-8, more than
 * `maxDepth` levels, more than `maxElements` elements, more than `maxBytes` bytes.
 */
import { performance } from 'node:perf_hooks';
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

/** The budget one document may use; each is checked while parsing, before the excess is built. */
export interface XmlLimits {
  /** Default 64 MiB (the HTTP layer's largest body). */
  maxBytes?: number;
  /** Default 1,000,000: about 150 MB of tree, within 4× of a 64 MiB reply of typical AMT instances. */
  maxElements?: number;
  /** Default 100; AMT replies nest about 12 deep. */
  maxDepth?: number;
}

export interface AsyncParseOptions extends XmlLimits {
  /** Aborting stops the parse at the next slice with `onAbort()`'s error (default: the signal's reason). */
  signal?: AbortSignal;
  onAbort?: () => Error;
  /** `performance.now()` time after which the parse stops with `onDeadline()`'s error. */
  deadline?: number;
  onDeadline?: () => Error;
  /** Longest run without yielding to the event loop, default 10 ms. */
  sliceMs?: number;
}

export const XML_LIMITS = Object.freeze({ maxBytes: 64 * 1024 * 1024, maxElements: 1_000_000, maxDepth: 100 });

/** Below this many bytes `parseXmlAsync` parses in one go: slicing would only add overhead. */
const SYNC_BELOW = 256 * 1024;
/** Characters scanned between checks of the clock (≈1 ms of work). */
const STEP = 128 * 1024;

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
const ROOT_SCOPE: ReadonlyMap<string, string> = new Map([['xml', XML_NS]]);
const NO_ATTRS: XmlAttr[] = Object.freeze([]) as unknown as XmlAttr[];

/** Parses one XML document (text, or bytes that must be UTF-8). Throws `XmlError`. */
export function parseXml(input: string | Uint8Array, limits: XmlLimits = {}): XmlElement {
  const scanner = new Scanner(decode(input, limits), typeof input !== 'string', limits);
  scanner.run(Infinity);
  return scanner.result();
}

/**
 * Parses like `parseXml`, yielding to the event loop every `sliceMs` so a large reply never stalls
 * it for long; the signal and the deadline are checked at every yield.
 */
export async function parseXmlAsync(input: string | Uint8Array, opts: AsyncParseOptions = {}): Promise<XmlElement> {
  const size = typeof input === 'string' ? input.length : input.byteLength;
  if (size < SYNC_BELOW) return parseXml(input, opts);
  const aborted = () => opts.onAbort?.() ?? opts.signal?.reason ?? new Error('aborted');
  if (opts.signal?.aborted) throw aborted();
  const sliceMs = opts.sliceMs ?? 10;
  let sliceStart = performance.now();
  const pause = async () => {
    if (performance.now() - sliceStart < sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (opts.signal?.aborted) throw aborted();
    if (opts.deadline !== undefined && performance.now() > opts.deadline) throw opts.onDeadline?.() ?? new Error('deadline passed');
    sliceStart = performance.now();
  };
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    checkSize(input.byteLength, opts);
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const parts: string[] = [];
    for (let i = 0; i < input.byteLength; i += 4 * STEP) {
      const end = Math.min(input.byteLength, i + 4 * STEP);
      parts.push(decodeChunk(decoder, input, i, end, end < input.byteLength));
      await pause();
    }
    text = parts.join('');
  }
  const scanner = new Scanner(text, typeof input !== 'string', opts);
  while (!scanner.run(STEP)) await pause();
  return scanner.result();
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

// ---- decoding ----------------------------------------------------------------------------

function checkSize(bytes: number, limits: XmlLimits): void {
  const max = limits.maxBytes ?? XML_LIMITS.maxBytes;
  if (bytes > max) {
    throw new XmlError('xml.limit', `The reply is ${megabytes(bytes)}, over the ${megabytes(max)} this client accepts in one reply; ask for fewer items per Pull (MaxElements) or fewer properties.`);
  }
}

function decode(input: string | Uint8Array, limits: XmlLimits): string {
  if (typeof input === 'string') {
    checkSize(input.length, limits);
    return input;
  }
  checkSize(input.byteLength, limits);
  return decodeChunk(new TextDecoder('utf-8', { fatal: true }), input, 0, input.byteLength, false);
}

function decodeChunk(decoder: { decode(b: Uint8Array, o?: { stream?: boolean }): string }, bytes: Uint8Array, start: number, end: number, more: boolean): string {
  try {
    return decoder.decode(bytes.subarray(start, end), { stream: more });
  } catch {
    let from = start;
    for (let k = 0; k < 3 && from > 0 && (bytes[from]! & 0xc0) === 0x80; k++) from--;
    throw new XmlError(
      'xml.encoding',
      `The reply is not valid UTF-8 (byte offset ${firstBadUtf8(bytes, from)}); AMT always answers in UTF-8, so the reply is damaged or comes from another kind of device.`,
    );
  }
}

/** Offset of the first byte at or after `from` that breaks UTF-8 (RFC 3629); only run to word an error. */
function firstBadUtf8(b: Uint8Array, from: number): number {
  let i = from;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (n === 0 || i + n >= b.length) return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const d = b[i + k]!;
      if ((d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < [0, 0x80, 0x800, 0x10000][n]! || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return b.length;
}

function megabytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${(n / 1024).toFixed(1)} KiB`;
}

// ---- the scanner -------------------------------------------------------------------------

/** Characters XML 1.0 forbids; a string (not bytes) may also carry unpaired surrogates. */
const BAD_CHAR = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;
const BAD_CHAR_OR_SURROGATE = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

class Scanner {
  readonly #src: string;
  readonly #badChar: RegExp;
  readonly #maxElements: number;
  readonly #maxDepth: number;
  #pos = 0;
  #checked = 0;
  #elements = 0;
  #root: XmlElement | undefined;
  readonly #stack: XmlElement[] = [];
  #done = false;

  constructor(src: string, fromBytes: boolean, limits: XmlLimits) {
    this.#src = src;
    this.#badChar = fromBytes ? BAD_CHAR : BAD_CHAR_OR_SURROGATE;
    this.#maxElements = limits.maxElements ?? XML_LIMITS.maxElements;
    this.#maxDepth = limits.maxDepth ?? XML_LIMITS.maxDepth;
    let p = src.charCodeAt(0) === 0xfeff ? 1 : 0;
    // Some recorded replies have blank lines before `<?xml …?>`, which XML forbids; they are skipped.
    const lead = /^\s+(?=<\?xml[\s?])/.exec(src.slice(p, p + 4096));
    if (lead) p += lead[0].length;
    this.#pos = p;
    this.#checked = p;
    if (src.slice(p).trim() === '') throw malformed(src, -1, 'the document is empty');
    if (src.startsWith('<?xml', p) && /[\s?]/.test(src[p + 5] ?? '')) this.#declaration(fromBytes);
  }

  /** Scans at least `budget` characters (or to the end). True when the document is complete. */
  run(budget: number): boolean {
    const src = this.#src;
    const stop = Math.min(src.length, this.#pos + budget);
    while (this.#pos < stop) {
      const lt = src.indexOf('<', this.#pos);
      if (lt !== this.#pos) {
        this.#text(this.#pos, lt < 0 ? src.length : lt);
        if (lt < 0) break;
      }
      this.#markup(lt);
    }
    this.#checkChars();
    if (this.#pos < src.length) return false;
    if (this.#stack.length > 0) {
      const open = this.#stack[this.#stack.length - 1]!;
      throw malformed(src, src.length, `the document ends before <${open.name}> is closed (the reply is cut short)`);
    }
    if (!this.#root) throw malformed(src, -1, 'the document has no root element');
    this.#done = true;
    return true;
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
      throw malformed(this.#src, this.#checked + bad.index, `the character U+${code.toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML`);
    }
    this.#checked = this.#pos;
  }

  #declaration(fromBytes: boolean): void {
    const src = this.#src;
    const end = src.indexOf('?>', this.#pos);
    if (end < 0) throw malformed(src, this.#pos, 'the XML declaration is not closed with ?>');
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
    let raw = src.slice(from, to);
    if (!top) {
      if (raw.trim() !== '') throw malformed(src, from, 'the document must have exactly one root element and no text outside it');
      this.#pos = to;
      return;
    }
    if (raw.includes('&')) raw = decodeRefs(src, raw, from);
    top.text = top.text === '' ? raw : top.text + raw;
    this.#pos = to;
  }

  #markup(lt: number): void {
    const src = this.#src;
    const next = src.charCodeAt(lt + 1);
    if (next === 0x2f /* / */) return this.#closeTag(lt);
    if (next === 0x3f /* ? */) {
      if (src.startsWith('<?xml', lt) && /[\s?]/.test(src[lt + 5] ?? '')) throw malformed(src, lt, 'an XML declaration is only allowed at the very start');
      const end = src.indexOf('?>', lt + 2);
      if (end < 0) throw malformed(src, lt, 'a processing instruction is not closed with ?>');
      this.#pos = end + 2;
      return;
    }
    if (next === 0x21 /* ! */) {
      if (src.startsWith('<!--', lt)) {
        const end = src.indexOf('-->', lt + 4);
        if (end < 0) throw malformed(src, lt, 'a comment is not closed with -->');
        this.#pos = end + 3;
        return;
      }
      if (src.startsWith('<![CDATA[', lt)) {
        const top = this.#stack[this.#stack.length - 1];
        if (!top) throw malformed(src, lt, 'a CDATA section is only allowed inside the root element');
        const end = src.indexOf(']]>', lt + 9);
        if (end < 0) throw malformed(src, lt, 'a CDATA section is not closed with ]]>');
        top.text += src.slice(lt + 9, end);
        this.#pos = end + 3;
        return;
      }
      if (/^<!(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i.test(src.slice(lt, lt + 10))) {
        const { line, col } = position(src, lt);
        throw new XmlError(
          'xml.doctype',
          `The XML contains a DOCTYPE or entity declaration (line ${line}, column ${col}); WS-Man messages never need one and it is refused to prevent entity-expansion attacks, so remove it.`,
          line,
          col,
        );
      }
      throw malformed(src, lt, 'markup starting with "<!" must be a comment or a CDATA section');
    }
    this.#openTag(lt);
  }

  #openTag(lt: number): void {
    const src = this.#src;
    const parent = this.#stack[this.#stack.length - 1];
    if (!parent && this.#root) throw malformed(src, lt, 'the document must have exactly one root element and no text outside it');
    let p = lt + 1;
    const nameEnd = scanName(src, p);
    if (nameEnd === p) throw malformed(src, lt, 'a "<" must start a tag; write a literal < as &lt;');
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
      if (ws === p) throw malformed(src, ws, ws >= src.length ? `the tag <${name}> is not closed (the reply is cut short)` : `unexpected "${src[ws]}" in the tag <${name}>`);
      const attrEnd = scanName(src, ws);
      if (attrEnd === ws) throw malformed(src, ws, `unexpected "${src[ws]}" in the tag <${name}>`);
      const attrName = src.slice(ws, attrEnd);
      let q = skipSpace(src, attrEnd);
      if (src.charCodeAt(q) !== 0x3d /* = */) throw malformed(src, q, `the attribute ${attrName} of <${name}> has no ="value"`);
      q = skipSpace(src, q + 1);
      const quote = src[q];
      if (quote !== '"' && quote !== "'") throw malformed(src, q, `the value of the attribute ${attrName} of <${name}> must be in quotes`);
      const close = src.indexOf(quote, q + 1);
      if (close < 0) throw malformed(src, q, `the value of the attribute ${attrName} of <${name}> is not closed`);
      let value = src.slice(q + 1, close);
      if (value.includes('<')) throw malformed(src, q, `the value of the attribute ${attrName} of <${name}> contains "<"; write it as &lt;`);
      if (value.includes('&')) value = decodeRefs(src, value, q + 1);
      raw ??= [];
      for (const a of raw) if (a.name === attrName) throw malformed(src, ws, `the attribute ${attrName} appears twice in <${name}>`);
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
      const { line, col } = position(src, lt);
      throw new XmlError('xml.limit', `The XML nests elements more than ${this.#maxDepth} levels deep (line ${line}, column ${col}); WS-Man replies never nest that deep, so the reply is refused.`, line, col);
    }
    const { ns, local } = resolveName(src, lt, name, scope, true);
    const attrs: XmlAttr[] = raw
      ? raw.map((a) => {
          const isDecl = a.name === 'xmlns' || a.name.startsWith('xmlns:');
          const r = isDecl ? { ns: XMLNS_NS, local: a.name.slice(6) || 'xmlns' } : resolveName(src, lt, a.name, scope, false);
          return { name: a.name, local: r.local, ns: r.ns, value: a.value };
        })
      : NO_ATTRS;
    const el: XmlElement = { name, local, ns, attrs, children: [], text: '', scope };
    if (parent) parent.children.push(el);
    else this.#root = el;
    if (!selfClosing) this.#stack.push(el);
    this.#pos = p;
  }

  #closeTag(lt: number): void {
    const src = this.#src;
    const nameEnd = scanName(src, lt + 2);
    const name = src.slice(lt + 2, nameEnd);
    const gt = skipSpace(src, nameEnd);
    if (src.charCodeAt(gt) !== 0x3e) throw malformed(src, lt, gt >= src.length ? `the closing tag </${name}> is not finished (the reply is cut short)` : `the closing tag </${name}> is not closed with >`);
    const open = this.#stack.pop();
    if (!open) throw malformed(src, lt, `the closing tag </${name}> has no opening tag`);
    if (open.name !== name) throw malformed(src, lt, `the closing tag </${name}> does not match <${open.name}>`);
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

function skipSpace(src: string, p: number): number {
  let c = src.charCodeAt(p);
  while (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) c = src.charCodeAt(++p);
  return p;
}

function resolveName(src: string, at: number, qname: string, scope: ReadonlyMap<string, string>, isElement: boolean): { ns: string; local: string } {
  const colon = qname.indexOf(':');
  if (colon < 0) return { ns: isElement ? (scope.get('') ?? '') : '', local: qname };
  const prefix = qname.slice(0, colon);
  const local = qname.slice(colon + 1);
  if (prefix === '' || local === '' || local.includes(':')) throw malformed(src, at, `"${qname}" is not a valid qualified name`);
  const ns = scope.get(prefix);
  if (ns === undefined) throw malformed(src, at, `the namespace prefix "${prefix}" of <${qname}> is not declared (add xmlns:${prefix}="…")`);
  return { ns, local };
}

/** Decodes the five XML entities and character references in `raw` (found at `at` in `src`); anything else is refused. */
function decodeRefs(src: string, raw: string, at: number): string {
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
        throw malformed(src, at + amp, `"&${ref};" does not name a character XML allows (U+0000, surrogates, U+FFFE and U+FFFF and most control characters are refused)`);
      }
      value = String.fromCodePoint(code);
    }
    if (value === undefined) {
      const name = /^&([^;\s<&]{0,32})/.exec(raw.slice(amp, amp + 40))?.[1] ?? '';
      throw malformed(src, at + amp, `"&${name}" is not a known entity reference; only &lt; &gt; &amp; &quot; &apos; and &#…; are allowed, write a literal & as &amp;`);
    }
    out += raw.slice(last, amp) + value;
    last = semi + 1;
  }
  return out + raw.slice(last);
}

function isXmlChar(c: number): boolean {
  return c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

function position(src: string, index: number): { line: number; col: number } {
  let line = 1;
  for (let i = src.indexOf('\n'); i >= 0 && i < index; i = src.indexOf('\n', i + 1)) line++;
  return { line, col: index - src.lastIndexOf('\n', index - 1) };
}

/** `at` < 0: no position. */
function malformed(src: string, at: number, what: string): XmlError {
  if (at < 0) return new XmlError('xml.malformed', `The XML is malformed: ${what}.`);
  const { line, col } = position(src, at);
  return new XmlError('xml.malformed', `The XML is malformed at line ${line}, column ${col}: ${what}.`, line, col);
}
